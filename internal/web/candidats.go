package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// CandidatsPage lists the inscriptions the user may see, with filters.
type CandidatsPage struct {
	Base
	Rows       []store.InscriptionRow
	Promotions []string
	Promotion  string
	Statut     string
	Query      string
	Centre     int64 // the centre the list is narrowed to, 0 for all
	CanEnrol   bool
}

// Statuts lists the statuses for the filter.
func (p *CandidatsPage) Statuts() []candidat.Statut { return candidat.Statuts }

func (s *Server) candidatsList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	u := currentUser(r)
	p := &CandidatsPage{Base: s.base(r, "candidats.title"), Promotion: q.Get("promotion"), Statut: q.Get("statut"), Query: q.Get("q")}
	p.CanEnrol = access.ManageCentre.Gate(actor(r)) == nil
	f := store.InscriptionFilter{Promotion: p.Promotion, Statut: candidat.Statut(p.Statut), Query: p.Query, Limit: 1000}
	// centre narrows the list to one centre (the journal's link to an import's candidates);
	// the store's scope still applies, so another centre's id gives an empty list.
	if c, err := strconv.ParseInt(q.Get("centre"), 10, 64); err == nil && c > 0 {
		f.CentreID, p.Centre = c, c
	}
	if f.Statut.Libelle() == "" {
		f.Statut, p.Statut = "", ""
	}
	rows, err := s.store.Inscriptions(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	p.Rows = rows
	if u.CentreID != 0 {
		if p.Promotions, err = s.store.Promotions(r.Context(), actor(r), u.CentreID); err != nil {
			return err
		}
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "candidats", p)
}

// InscrireForm is the form to enrol one candidate.
type InscrireForm struct {
	Base
	Form           Form
	Centres        []account.Organisme
	Certifications []store.CertificationInfo
	Blocs          []referentiel.Bloc
	// After a successful enrolment: the new file and the account's activation link (once).
	Created    *store.InscriptionRow
	Activation string
	// Reloaded is true when the page after an enrolment is shown again (a reload): the
	// activation link, shown once, is gone.
	Reloaded bool
}

// Voies lists the access paths for the select.
func (p *InscrireForm) Voies() []candidat.Voie { return candidat.Voies }

// BlocChecked reports whether bloc code is ticked (all are by default).
func (p *InscrireForm) BlocChecked(code string) bool {
	v, ok := p.Form.Values["blocs"]
	return !ok || strings.Contains(","+v+",", ","+code+",")
}

var inscrireFields = []string{"nom_naissance", "nom_usage", "prenom1", "prenom2", "prenom3", "sexe", "date_naissance",
	"commune_naissance_code", "commune_naissance", "pays_naissance", "email", "telephone", "adresse1", "adresse2",
	"code_postal", "ville", "pays", "voie", "type_vae", "promotion", "date_inscription", "centre", "certification"}

func (s *Server) inscrireFormPage(r *http.Request, f Form) (*InscrireForm, error) {
	p := &InscrireForm{Base: s.base(r, "inscrire.title"), Form: f}
	certs, err := s.store.Certifications(r.Context())
	if err != nil {
		return nil, err
	}
	p.Certifications = certs
	if len(certs) == 0 {
		return nil, fmt.Errorf("no certification: %w", apperr.NotFound)
	}
	_, ref, err := s.store.ActiveReferentiel(r.Context(), certs[0].ID)
	if err != nil {
		return nil, err
	}
	p.Blocs = ref.Blocs
	orgs, err := s.store.Organismes(r.Context(), actor(r))
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if !o.Certificateur && o.Active {
			p.Centres = append(p.Centres, o)
		}
	}
	return p, nil
}

func (s *Server) inscrireNew(w http.ResponseWriter, r *http.Request) error {
	if v := r.URL.Query().Get("inscrit"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return errNotFoundPage
		}
		return s.enrolledPage(w, r, id)
	}
	f := newForm()
	f.Values["date_inscription"] = french.Today(s.now())
	f.Values["voie"] = string(candidat.FormationContinue)
	p, err := s.inscrireFormPage(r, f)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "inscrire", p)
}

// candidatFromForm reads the candidate and inscription of the enrolment form; unreadable
// dates become field errors.
func candidatFromForm(r *http.Request, f *Form, u *account.User) (*candidat.Candidat, *candidat.Inscription) {
	v := f.Values
	c := &candidat.Candidat{
		NomNaissance: v["nom_naissance"], NomUsage: v["nom_usage"],
		Prenoms: []string{v["prenom1"], v["prenom2"], v["prenom3"]}, Sexe: candidat.Sexe(v["sexe"]),
		CommuneNaissanceCode: v["commune_naissance_code"], CommuneNaissance: v["commune_naissance"], PaysNaissance: v["pays_naissance"],
		Email: v["email"], Telephone: v["telephone"],
		Adresse: candidat.Adresse{Ligne1: v["adresse1"], Ligne2: v["adresse2"], CodePostal: v["code_postal"], Ville: v["ville"], Pays: v["pays"]},
	}
	c.DateNaissance = f.date("date_naissance")
	ins := &candidat.Inscription{Voie: candidat.Voie(v["voie"]), TypeVAE: candidat.TypeVAE(v["type_vae"]), Promotion: v["promotion"]}
	ins.Date = f.date("date_inscription")
	ins.CentreID, _ = strconv.ParseInt(v["centre"], 10, 64)
	if u.Role == account.RoleReferent {
		ins.CentreID = u.CentreID
	}
	ins.CertificationID, _ = strconv.ParseInt(v["certification"], 10, 64)
	ins.BlocsVises = r.PostForm["blocs"]
	f.Values["blocs"] = strings.Join(ins.BlocsVises, ",")
	return c, ins
}

func (s *Server) inscrireCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r, inscrireFields...)
	if err != nil {
		return err
	}
	c, ins := candidatFromForm(r, &f, currentUser(r))
	p, err := s.inscrireFormPage(r, f)
	if err != nil {
		return err
	}
	if ins.CertificationID == 0 {
		ins.CertificationID = p.Certifications[0].ID
	}
	var activation string
	if !f.HasErrors() {
		activation, err = s.store.Inscrire(r.Context(), actor(r), c, ins)
	}
	if f.HasErrors() || (err != nil && p.Form.absorb(err)) {
		if verr := c.Validate(s.now()); verr != nil { // every field problem at once
			p.Form.absorb(verr)
		}
		// The domain speaks of the prénoms as a whole (the form shows it on the first one) and
		// of the inscription's "date" (the form's date_inscription).
		for domain, field := range map[string]string{"prenoms": "prenom1", "date": "date_inscription"} {
			if msg, ok := p.Form.Errors[domain]; ok {
				if _, taken := p.Form.Errors[field]; !taken {
					p.Form.Errors[field] = msg
				}
				delete(p.Form.Errors, domain)
			}
		}
		return s.render(w, http.StatusUnprocessableEntity, "inscrire", p)
	}
	if err != nil {
		return err
	}
	// Post/Redirect/Get: a reload shows the outcome again instead of enrolling twice. The
	// one-time link goes through the session and is shown by the first GET only.
	link := ""
	if activation != "" {
		link = s.activationURL(activation)
	}
	s.sessions.Put(r.Context(), enrolledKey, strconv.FormatInt(ins.ID, 10)+"\n"+link)
	http.Redirect(w, r, fmt.Sprintf("/candidats/nouveau?inscrit=%d", ins.ID), http.StatusSeeOther)
	return nil
}

// enrolledKey is the session key of the enrolment just made: "id\nactivation URL" (no URL
// when the candidate already had an account), popped by the page that shows it.
const enrolledKey = "inscrit"

// enrolledPage shows the outcome of enrolment id after the redirect: the activation link the
// first time, a note that it was shown on a reload. The inscription is read as the user may
// see it (another centre's id is a 404).
func (s *Server) enrolledPage(w http.ResponseWriter, r *http.Request, id int64) error {
	row, err := s.store.Inscription(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	p, err := s.inscrireFormPage(r, newForm())
	if err != nil {
		return err
	}
	p.Created = row
	p.Reloaded = true
	if v := s.sessions.PopString(r.Context(), enrolledKey); v != "" {
		if got, link, _ := strings.Cut(v, "\n"); got == strconv.FormatInt(id, 10) {
			p.Activation, p.Reloaded = link, false
		}
	}
	p.Title = p.T("inscrire.done_title")
	noCompress(w) // the page shows a secret (the activation link)
	return s.render(w, http.StatusOK, "inscrire_done", p)
}
