package web

import (
	"net/http"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/store"
)

// HomePage is the landing page; its content depends on the role.
type HomePage struct {
	Base
	Certifications []store.CertificationInfo
	// Centre is the user's centre (referent, formateur).
	Centre *account.Organisme
	// Admin figures.
	CentreCount int
	UserCounts  map[account.Role]int
	Colleagues  []account.User
	Dossiers    []store.InscriptionRow // the candidate's inscriptions
	// InTraining tells, by inscription id, which of Dossiers have a livret (not VAE, R2).
	InTraining map[int64]bool
	Promotions []string // the centre's promotions (staff)
	Recent     []store.AuditEntry
	auditRefs
	// Work is the home's work list, in order (WorkItem): what waits for this person.
	Work []WorkItem
	// States tells, by inscription id, where each of the candidate's Dossiers in training stands.
	States map[int64]*DossierState
	// Setup lists, for the admin, what a fresh install needs before its first document.
	Setup []SetupStep
	// Convocations are, by inscription id, the candidate's convocations to a session still to
	// come (today included).
	Convocations map[int64][]store.Convocation
}

// HasWork reports whether the work list has item id with something in it.
func (p *HomePage) HasWork(id string) bool {
	for _, it := range p.Work {
		if it.ID == id && it.Count > 0 {
			return true
		}
	}
	return false
}

// SetupStep is one thing to set up before the first document, with where to do it.
type SetupStep struct {
	Label string // what, in the user's language
	Href  string // where
	Done  bool
}

// SetupLeft reports whether some step is not done.
func (p *HomePage) SetupLeft() bool {
	for _, st := range p.Setup {
		if !st.Done {
			return true
		}
	}
	return false
}

// Roles lists the roles for the admin's counters.
func (p *HomePage) Roles() []account.Role { return account.Roles }

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := &HomePage{Base: s.base(r, "home.title")}
	ctx := r.Context()
	certs, err := s.store.Certifications(ctx)
	if err != nil {
		return err
	}
	p.Certifications = certs
	u := p.User
	if u == nil {
		return s.render(w, http.StatusOK, "home_public", p)
	}
	p.Flash = s.sessions.PopString(ctx, "flash")
	act := account.ActorOf(u)
	switch u.Role {
	case account.RoleAdmin:
		orgs, err := s.store.Organismes(ctx, act)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if !o.Certificateur && o.Active {
				p.CentreCount++
			}
		}
		users, err := s.store.Users(ctx, act, store.UserFilter{})
		if err != nil {
			return err
		}
		p.UserCounts = map[account.Role]int{}
		for _, x := range users {
			if x.Active {
				p.UserCounts[x.Role]++
			}
		}
		if p.Recent, err = s.store.AuditLog(ctx, act, 8); err != nil {
			return err
		}
		if p.Refs, err = s.store.AuditRefs(ctx, act, p.Recent); err != nil {
			return err
		}
		if p.Work, err = s.adminWork(ctx, &p.Base, act); err != nil {
			return err
		}
		if err := s.setupSteps(r, p); err != nil {
			return err
		}
		sessions, err := s.sessionsWork(ctx, &p.Base, act)
		if err != nil {
			return err
		}
		p.Work = append(p.Work, sessions...)
	case account.RoleJury:
		if p.Work, err = s.juryWork(ctx, &p.Base, act); err != nil {
			return err
		}
	case account.RoleCandidat:
		if p.Dossiers, err = s.store.Inscriptions(ctx, act, store.InscriptionFilter{Limit: 20}); err != nil {
			return err
		}
		p.InTraining, p.States, p.Convocations = map[int64]bool{}, map[int64]*DossierState{}, map[int64][]store.Convocation{}
		today := s.now().Format(time.DateOnly)
		for i := range p.Dossiers {
			d := &p.Dossiers[i]
			convs, err := s.store.Convocations(ctx, act, d.ID)
			if err != nil {
				return err
			}
			for _, c := range convs {
				if c.Session.Date.Format(time.DateOnly) >= today {
					p.Convocations[d.ID] = append(p.Convocations[d.ID], c)
				}
			}
			ref, err := s.store.ReferentielVersion(ctx, d.VersionID)
			if err != nil {
				return err
			}
			if p.InTraining[d.ID] = d.InTraining(ref); p.InTraining[d.ID] {
				if p.States[d.ID], err = s.dossierState(ctx, &p.Base, act, d, ref); err != nil {
					return err
				}
			}
		}
	case account.RoleReferent, account.RoleFormateur:
		c, err := s.store.Organisme(ctx, act, u.CentreID)
		if err != nil {
			return err
		}
		p.Centre = c
		if p.Promotions, err = s.store.Promotions(ctx, act, u.CentreID); err != nil {
			return err
		}
		if p.Work, err = s.centreWork(ctx, &p.Base, act, u.CentreID, p.Promotions); err != nil {
			return err
		}
		users, err := s.store.Users(ctx, act, store.UserFilter{CentreID: u.CentreID})
		if err != nil {
			return err
		}
		for _, x := range users { // the team: staff only, candidates have their own pages
			if x.Active && (x.Role == account.RoleReferent || x.Role == account.RoleFormateur) {
				p.Colleagues = append(p.Colleagues, x)
			}
		}
	}
	name := page("home_" + string(u.Role))
	if u.Role == account.RoleReferent || u.Role == account.RoleFormateur {
		name = "home_staff" // the same page, under the role's heading
	}
	return s.render(w, http.StatusOK, name, p)
}

// Date formats a time the page's way (« 12 mars 2027 »).
func (b *Base) Date(t time.Time) string { return formatDate(b.Lang, t) }

// Range formats a period the page's way (« du 14 au 25 août 2026 », "from 14 August 2026 to
// 25 August 2026").
func (b *Base) Range(from, to time.Time) string {
	if b.Lang == "en" {
		return "from " + formatDate(b.Lang, from) + " to " + formatDate(b.Lang, to)
	}
	return french.Range(from, to)
}

// De writes « de » before a name, elided when it must be (« d’Élodie Martin »).
func (b *Base) De(name string) string { return french.De(name) }

// DateTime formats a time with its hour (« 12 mars 2027 à 14 h 05 »).
func (b *Base) DateTime(t time.Time) string { return formatDateTime(b.Lang, t) }

// Int formats a count with the page language's digit grouping (« 1 234 »).
func (b *Base) Int(n int) string { return formatInt(b.Lang, n) }

// setupSteps fills p.Setup: the certificateur with its address and signatory, the RNCP
// registration of each certification, an active centre, an active référent.
func (s *Server) setupSteps(r *http.Request, p *HomePage) error {
	c, err := s.loadCertificateur(r)
	if err != nil {
		return err
	}
	p.Setup = append(p.Setup, SetupStep{Label: p.T("setup.certificateur"), Href: "/admin/certificateur",
		Done: c != nil && c.Adresse != "" && c.SignataireNom != ""})
	for _, ci := range p.Certifications {
		e, err := s.store.Enregistrement(r.Context(), ci.ID)
		if err != nil {
			return err
		}
		p.Setup = append(p.Setup, SetupStep{Label: p.T("setup.rncp", "Intitule", ci.Intitule),
			Href: "/admin/certifications/" + itoa64(ci.ID), Done: e.Complete()})
	}
	p.Setup = append(p.Setup,
		SetupStep{Label: p.T("setup.centre"), Href: "/admin/centres/nouveau", Done: p.CentreCount > 0},
		SetupStep{Label: p.T("setup.referent"), Href: "/admin/utilisateurs/nouveau", Done: p.UserCounts[account.RoleReferent] > 0})
	return nil
}
