package web

import (
	"net/http"
	"strings"

	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/store"
)

// IdentitePage corrects a candidate's identity after creation: what the parchemin prints.
type IdentitePage struct {
	Base
	Form Form
	Cand *candidat.Candidat
	// Dossiers are the candidate's inscriptions the user may see, to go back to.
	Dossiers []store.InscriptionRow
}

var identiteFields = []string{"nom_naissance", "nom_usage", "prenom1", "prenom2", "prenom3", "sexe", "date_naissance",
	"commune_naissance", "commune_naissance_code", "pays_naissance", "email", "telephone",
	"adresse1", "adresse2", "code_postal", "ville", "pays", "version"}

// identiteValues are the form fields of a stored candidate.
func identiteValues(c *candidat.Candidat) map[string]string {
	v := map[string]string{"nom_naissance": c.NomNaissance, "nom_usage": c.NomUsage, "sexe": string(c.Sexe),
		"date_naissance": isoDate(c.DateNaissance), "commune_naissance": c.CommuneNaissance,
		"commune_naissance_code": c.CommuneNaissanceCode, "pays_naissance": c.PaysNaissance, "email": c.Email,
		"telephone": c.Telephone, "adresse1": c.Adresse.Ligne1, "adresse2": c.Adresse.Ligne2,
		"code_postal": c.Adresse.CodePostal, "ville": c.Adresse.Ville, "pays": c.Adresse.Pays, "version": itoa64(c.Version)}
	for i, p := range c.Prenoms {
		if i < 3 {
			v["prenom"+string(rune('1'+i))] = p
		}
	}
	return v
}

func (s *Server) loadCandidat(r *http.Request) (*candidat.Candidat, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.Candidat(r.Context(), actor(r), id)
}

func (s *Server) identitePage(r *http.Request, f Form, c *candidat.Candidat) (*IdentitePage, error) {
	p := &IdentitePage{Base: s.base(r, "identite.title"), Form: f, Cand: c}
	p.Title = c.NomAffiche() + " — " + p.Title
	var err error
	p.Dossiers, err = s.store.Inscriptions(r.Context(), actor(r), store.InscriptionFilter{CandidatID: c.ID, Limit: 20})
	return p, err
}

func (s *Server) identiteForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCandidat(r)
	if err != nil {
		return err
	}
	f := newForm()
	f.Values = identiteValues(c)
	p, err := s.identitePage(r, f, c)
	if err != nil {
		return err
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "identite", p)
}

func (s *Server) identiteSave(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.loadCandidat(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r, identiteFields...)
	if err != nil {
		return err
	}
	c, _ := candidatFromForm(r, &f, currentUser(r))
	c.ID, c.Version = cur.ID, formVersion(r)
	if !f.HasErrors() {
		err = s.store.UpdateCandidat(r.Context(), actor(r), c)
	}
	if e := staleOf(err); e != nil {
		if now, nerr := s.store.Candidat(r.Context(), actor(r), cur.ID); nerr == nil {
			s.markStale(r, &f, e)
			f.setTheirs(identiteValues(now))
			f.setShown("sexe", s.sexeShown(r, now.Sexe))
			p, perr := s.identitePage(r, f, now)
			if perr != nil {
				return perr
			}
			return s.render(w, http.StatusConflict, "identite", p)
		}
	}
	rerender := func(status int) error {
		p, perr := s.identitePage(r, f, cur)
		if perr != nil {
			return perr
		}
		return s.render(w, status, "identite", p)
	}
	return s.finish(w, r, &f, err, rerender, s.msg(r, "identite.saved", "Nom", c.NomAffiche(), "DeNom", french.De(c.NomAffiche())),
		"/candidats/"+itoa64(cur.ID)+"/identite")
}

// sexeShown is how a stored sexe reads.
func (s *Server) sexeShown(r *http.Request, x candidat.Sexe) string {
	switch x {
	case candidat.Femme:
		return s.msg(r, "candidat.femme")
	case candidat.Homme:
		return s.msg(r, "candidat.homme")
	}
	return ""
}

// candidatPatch is the body of PATCH /api/v1/candidats/{id}: absent fields are left unchanged.
type candidatPatch struct {
	NomNaissance         *string           `json:"nom_naissance"`
	NomUsage             *string           `json:"nom_usage"`
	Prenoms              *[]string         `json:"prenoms"`
	Sexe                 *candidat.Sexe    `json:"sexe"`
	DateNaissance        *apiDate          `json:"date_naissance"`
	CommuneNaissanceCode *string           `json:"commune_naissance_code"`
	CommuneNaissance     *string           `json:"commune_naissance"`
	PaysNaissance        *string           `json:"pays_naissance"`
	Email                *string           `json:"email"`
	Telephone            *string           `json:"telephone"`
	Adresse              *candidat.Adresse `json:"adresse"`
	// Version is required: the version read (see apiVersion).
	Version *int64 `json:"version"`
}

func (s *Server) apiCandidatUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCandidat(r)
	if err != nil {
		return err
	}
	var in candidatPatch
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	set(&c.NomNaissance, in.NomNaissance)
	set(&c.NomUsage, in.NomUsage)
	set(&c.Prenoms, in.Prenoms)
	set(&c.Sexe, in.Sexe)
	if in.DateNaissance != nil {
		c.DateNaissance = in.DateNaissance.Time
	}
	set(&c.CommuneNaissanceCode, in.CommuneNaissanceCode)
	set(&c.CommuneNaissance, in.CommuneNaissance)
	set(&c.PaysNaissance, in.PaysNaissance)
	set(&c.Email, in.Email)
	set(&c.Telephone, in.Telephone)
	set(&c.Adresse, in.Adresse)
	if c.Version, err = apiVersion(in.Version); err != nil {
		return err
	}
	if err := s.store.UpdateCandidat(r.Context(), actor(r), c); err != nil {
		return err
	}
	out := toAPICandidat(c)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// AdresseLines is the candidate's postal address as printed, one line each (empty lines left
// out; none when no address was given).
func (p *InscriptionPage) AdresseLines() []string { return adresseLines(p.Ins.Candidat.Adresse) }

// adresseLines is a postal address as printed, one line each ("" lines left out).
func adresseLines(a candidat.Adresse) []string {
	var out []string
	for _, l := range []string{a.Ligne1, a.Ligne2, strings.TrimSpace(a.CodePostal + " " + a.Ville), a.Pays} {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
