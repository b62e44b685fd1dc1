package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// The pages of the jury sessions (issue 9): the list, the creation form, and one session
// with its state, its jury and its passages. The store decides who sees what (the admin
// every session, a juror theirs from the session's day on); the admin's forms post to the
// routes of sessions_forms.go.

// The defaults offered for a new session (the seed leaves the durations to the organiser).
const (
	defaultDureePresentation       = 20
	defaultDureeEntretienTechnique = 30
	defaultDureeEntretienFinal     = 15
	defaultSessionDelayDays        = 30 // a new session's default date, from today
)

// SessionRow is a session in the list, with its centre's and certification's names.
type SessionRow struct {
	store.JurySession
	Centre, Certification string
}

// SessionsPage lists the sessions the user may see.
type SessionsPage struct {
	Base
	Sessions  []SessionRow
	CanCreate bool // the admin
}

// SessionFormPage creates a session.
type SessionFormPage struct {
	Base
	Form           Form
	Certifications []store.CertificationInfo
	Centres        []account.Organisme // the training centres
}

// mayListSessions refuses the roles that never sit on, nor run, a jury: the page exists
// for everyone, so a 403 reveals nothing.
func mayListSessions(u *account.User) error {
	if u == nil || (u.Role != account.RoleAdmin && u.Role != account.RoleJury) {
		return fmt.Errorf("sessions: %w", apperr.Forbidden)
	}
	return nil
}

func (s *Server) sessionsList(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if err := mayListSessions(u); err != nil {
		return err
	}
	list, err := s.store.JurySessions(r.Context(), actor(r))
	if err != nil {
		return err
	}
	names, err := s.sessionNames(r)
	if err != nil {
		return err
	}
	p := &SessionsPage{Base: s.base(r, "session.list"), CanCreate: u.Role == account.RoleAdmin}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	for _, js := range list {
		p.Sessions = append(p.Sessions, SessionRow{JurySession: js, Centre: names.centres[js.CentreID], Certification: names.certs[js.CertificationID]})
	}
	return s.render(w, http.StatusOK, "sessions", p)
}

// sessionNames are the names of the organisations and certifications, read as the system
// (they are not personal data; the user was allowed to see the sessions naming them).
type sessionNames struct {
	centres, certs map[int64]string
	orgs           []account.Organisme
	certList       []store.CertificationInfo
}

func (s *Server) sessionNames(r *http.Request) (*sessionNames, error) {
	orgs, err := s.store.Organismes(r.Context(), account.System)
	if err != nil {
		return nil, err
	}
	certs, err := s.store.Certifications(r.Context())
	if err != nil {
		return nil, err
	}
	n := &sessionNames{centres: map[int64]string{}, certs: map[int64]string{}, orgs: orgs, certList: certs}
	for _, o := range orgs {
		n.centres[o.ID] = o.Nom
	}
	for _, c := range certs {
		n.certs[c.ID] = c.Intitule
	}
	return n, nil
}

var sessionFields = []string{"certification_id", "date", "lieu", "distanciel", "centre_id",
	"duree_presentation_min", "duree_entretien_technique_min", "duree_entretien_final_min"}

func (s *Server) sessionFormPage(r *http.Request, f Form) (*SessionFormPage, error) {
	names, err := s.sessionNames(r)
	if err != nil {
		return nil, err
	}
	p := &SessionFormPage{Base: s.base(r, "session.new"), Form: f, Certifications: names.certList}
	for _, o := range names.orgs {
		if !o.Certificateur && o.Active {
			p.Centres = append(p.Centres, o)
		}
	}
	return p, nil
}

func (s *Server) sessionNew(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	f.Values["date"] = s.now().AddDate(0, 0, defaultSessionDelayDays).Format(time.DateOnly)
	f.Values["duree_presentation_min"] = strconv.Itoa(defaultDureePresentation)
	f.Values["duree_entretien_technique_min"] = strconv.Itoa(defaultDureeEntretienTechnique)
	f.Values["duree_entretien_final_min"] = strconv.Itoa(defaultDureeEntretienFinal)
	p, err := s.sessionFormPage(r, f)
	if err != nil {
		return err
	}
	if len(p.Certifications) == 1 {
		p.Form.Values["certification_id"] = itoa64(p.Certifications[0].ID)
	}
	return s.render(w, http.StatusOK, "session_form", p)
}

// formInt reads the integer field key (0 when unreadable: the store says what it expects).
func (f *Form) formInt(key string) int {
	n, _ := strconv.Atoi(f.Values[key])
	return n
}

func (s *Server) sessionCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r, sessionFields...)
	if err != nil {
		return err
	}
	js := &store.JurySession{Lieu: f.Values["lieu"], Distanciel: checked(r, "distanciel")}
	js.CertificationID, _ = strconv.ParseInt(f.Values["certification_id"], 10, 64)
	js.CentreID, _ = strconv.ParseInt(f.Values["centre_id"], 10, 64)
	// A date input sends AAAA-MM-JJ; typed by hand, JJ/MM/AAAA. Unreadable: zero, which the
	// store refuses with its message.
	if d, err := time.Parse(time.DateOnly, f.Values["date"]); err == nil {
		js.Date = d
	} else if d, err := candidat.ParseDate(f.Values["date"]); err == nil {
		js.Date = d
	}
	js.DureePresentation = f.formInt("duree_presentation_min")
	js.DureeEntretienTechnique = f.formInt("duree_entretien_technique_min")
	js.DureeEntretienFinal = f.formInt("duree_entretien_final_min")
	err = s.store.CreateJurySession(r.Context(), actor(r), js)
	return s.finish(w, r, &f, err, func(status int) error {
		p, err := s.sessionFormPage(r, f)
		if err != nil {
			return err
		}
		return s.render(w, status, "session_form", p)
	}, s.msg(r, "session.created", "Date", french2(r, js.Date)), fmt.Sprintf("/sessions/%d", js.ID))
}

// french2 is the date as the request's language writes it.
func french2(r *http.Request, t time.Time) string { return formatDate(requestLang(r), t) }

// SessionPage is one session: details, state, jury, passages; the admin's forms.
type SessionPage struct {
	Base
	Session               *store.JurySession
	Centre, Certification string
	IsAdmin               bool
	Me                    *store.SessionMembre // the juror's own seat; nil for the admin
	Next                  jury.Etat            // the next state; "" at the end
	Etats                 []jury.Etat
	// Errors are the refusals of the admin's forms, by form: "etat", "membre", "passage",
	// "jures-<passage id>"; "<form>:<field>" marks the fields refused ("passage:heure"); Values
	// keep what was typed in the add forms.
	Errors, Values map[string]string
	Jurys          []account.User // the active jury accounts not on the jury (the admin's member form)
	// AllSeated is set when every active jury account is on the jury already.
	AllSeated bool
	// Inscriptions are the certification's inscriptions not convoked here, those that may be
	// convoked first; the others carry the reason the store would refuse them.
	Inscriptions []Convocable
	noms         map[int64]string
}

// Convocable is an inscription offered to the admin's « Ajouter un passage »; Refus is
// why it cannot be convoked ("" when it can), in the page's language.
type Convocable struct {
	store.InscriptionRow
	Refus string
}

// Convocables are the inscriptions that may be convoked.
func (p *SessionPage) Convocables() []Convocable {
	return slices.DeleteFunc(slices.Clone(p.Inscriptions), func(c Convocable) bool { return c.Refus != "" })
}

// NonConvocables are the inscriptions that may not be convoked, with their reason.
func (p *SessionPage) NonConvocables() []Convocable {
	return slices.DeleteFunc(slices.Clone(p.Inscriptions), func(c Convocable) bool { return c.Refus == "" })
}

// Nom is a member's name.
func (p *SessionPage) Nom(id int64) string { return p.noms[id] }

// Assigned reports whether member id evaluates passage pa.
func (p *SessionPage) Assigned(pa store.Passage, id int64) bool { return slices.Contains(pa.Jures, id) }

// Open reports whether the jury and the passages may still change (the store's jsOpen).
func (p *SessionPage) Open() bool {
	switch p.Session.Etat {
	case jury.Planifiee, jury.ConvocationsEnvoyees, jury.DossiersClos:
		return true
	}
	return false
}

// Signed reports whether the juror signed the confidentiality attestation.
func (p *SessionPage) Signed() bool { return p.Me != nil && !p.Me.SigneLe.IsZero() }

// MayGrade reports whether the user opens passage pa's grid: a member assigned to it who
// signed the attestation.
func (p *SessionPage) MayGrade(pa store.Passage) bool {
	return p.Signed() && slices.Contains(pa.Jures, p.Me.UserID)
}

// Started reports whether the session is under way or past it (the orals have begun).
func (p *SessionPage) Started() bool { return !p.Open() }

// MayDeliberate reports whether the user opens the deliberation: the président, the admin,
// once the session is under way.
func (p *SessionPage) MayDeliberate() bool {
	return p.Started() && (p.IsAdmin || (p.Me != nil && p.Me.President))
}

// MaySeePV reports whether the user opens the PV: the admin and the members, once the jury
// has deliberated.
func (p *SessionPage) MaySeePV() bool {
	switch p.Session.Etat {
	case jury.Deliberee, jury.PVSigne, jury.ResultatsPublies:
		return p.IsAdmin || p.Me != nil
	}
	return false
}

// EtatDone reports whether state e is behind (or is) the session's.
func (p *SessionPage) EtatDone(e jury.Etat) bool {
	return slices.Index(p.Etats, e) <= slices.Index(p.Etats, p.Session.Etat)
}

// sessionPage assembles session id's page as the user may see it.
func (s *Server) sessionPage(r *http.Request, id int64) (*SessionPage, error) {
	a := actor(r)
	js, err := s.store.JurySession(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	names, err := s.sessionNames(r)
	if err != nil {
		return nil, err
	}
	p := &SessionPage{Base: s.base(r, "session.title"), Session: js, Centre: names.centres[js.CentreID],
		Certification: names.certs[js.CertificationID], IsAdmin: a.IsAdmin(), Next: jury.Next(js.Etat), Etats: jury.Etats(),
		Errors: map[string]string{}, Values: map[string]string{}, noms: map[int64]string{}}
	p.Title = s.msg(r, "session.heading", "Date", french2(r, js.Date))
	for i := range js.Membres {
		m := &js.Membres[i]
		p.noms[m.UserID] = m.Nom
		if m.UserID == a.UserID && a.Role == account.RoleJury {
			p.Me = m
		}
	}
	if !p.IsAdmin {
		return p, nil
	}
	if p.Jurys, err = s.store.Users(r.Context(), a, store.UserFilter{Role: account.RoleJury, Limit: 500}); err != nil {
		return nil, err
	}
	p.Jurys = slices.DeleteFunc(p.Jurys, func(u account.User) bool { return !u.Active })
	n := len(p.Jurys)
	p.Jurys = slices.DeleteFunc(p.Jurys, func(u account.User) bool { _, member := p.noms[u.ID]; return member })
	p.AllSeated = n > 0 && len(p.Jurys) == 0
	ins, err := s.store.Inscriptions(r.Context(), a, store.InscriptionFilter{Limit: 2000})
	if err != nil {
		return nil, err
	}
	convoked := map[int64]bool{}
	for _, pa := range js.Passages {
		convoked[pa.InscriptionID] = true
	}
	var ids []int64
	for _, i := range ins {
		if i.CertificationID == js.CertificationID && !convoked[i.ID] && i.Statut != candidat.Certifie && i.Statut != candidat.Abandon {
			p.Inscriptions = append(p.Inscriptions, Convocable{InscriptionRow: i})
			ids = append(ids, i.ID)
		}
	}
	if !p.Open() || len(ids) == 0 {
		return p, nil
	}
	refus, err := s.store.PassageRefus(r.Context(), a, id, ids)
	if err != nil {
		return nil, err
	}
	for i := range p.Inscriptions {
		if m := refus[p.Inscriptions[i].ID]; m != "" {
			p.Inscriptions[i].Refus = s.tr.validation(p.Lang, m)
		}
	}
	return p, nil
}

func (s *Server) sessionShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.sessionPage(r, id)
	if err != nil {
		return err
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	if m := s.sessions.PopString(r.Context(), sessionEtatRefus); m != "" {
		p.Errors["etat"] = m
	}
	return s.render(w, http.StatusOK, "session", p)
}
