package web

import (
	"net/http"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// CertificationPage is the admin's form of a certification's RNCP registration.
type CertificationPage struct {
	Base
	Form Form
	Cert store.CertificationInfo
}

// Niveaux lists the levels of the cadre national des certifications.
func (p *CertificationPage) Niveaux() []string {
	return []string{"1", "2", "3", "4", "5", "6", "7", "8"}
}

var enregistrementFields = []string{"rncp", "niveau", "date_enregistrement", "date_fin_validite", "mentions", "version"}

func enregistrementValues(e *referentiel.Enregistrement) map[string]string {
	return map[string]string{"rncp": e.RNCP, "niveau": e.Niveau, "date_enregistrement": isoDate(e.DateEnregistrement),
		"date_fin_validite": isoDate(e.FinValidite), "mentions": e.Mentions, "version": itoa64(e.Version)}
}

// isoDate is the value of a date input: AAAA-MM-JJ, "" for none.
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func (s *Server) loadCertification(r *http.Request) (store.CertificationInfo, *referentiel.Enregistrement, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return store.CertificationInfo{}, nil, err
	}
	c, err := s.store.Certification(r.Context(), id)
	if err != nil {
		return c, nil, err
	}
	e, err := s.store.Enregistrement(r.Context(), id)
	return c, e, err
}

func (s *Server) certificationForm(w http.ResponseWriter, r *http.Request) error {
	c, e, err := s.loadCertification(r)
	if err != nil {
		return err
	}
	f := newForm()
	f.Values = enregistrementValues(e)
	p := &CertificationPage{Base: s.base(r, "certification.title"), Form: f, Cert: c}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "certification", p)
}

func (s *Server) certificationSave(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.loadCertification(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r, enregistrementFields...)
	if err != nil {
		return err
	}
	e := &referentiel.Enregistrement{CertificationID: c.ID, RNCP: f.Values["rncp"], Niveau: f.Values["niveau"],
		DateEnregistrement: f.date("date_enregistrement"), FinValidite: f.date("date_fin_validite"),
		Mentions: f.Values["mentions"], Version: formVersion(r)}
	if !f.HasErrors() {
		err = s.store.UpdateEnregistrement(r.Context(), actor(r), e)
	}
	rerender := func(status int) error {
		return s.render(w, status, "certification", &CertificationPage{Base: s.base(r, "certification.title"), Form: f, Cert: c})
	}
	if e := staleOf(err); e != nil {
		if now, nerr := s.store.Enregistrement(r.Context(), c.ID); nerr == nil {
			s.markStale(r, &f, e)
			f.setTheirs(enregistrementValues(now))
			return rerender(http.StatusConflict)
		}
	}
	return s.finish(w, r, &f, err, rerender, s.msg(r, "certification.saved"), "/admin/certifications/"+itoa64(c.ID))
}

// apiEnregistrement is the registration of a certification in the API.
type apiEnregistrement struct {
	ID                 int64  `json:"id"`
	RNCP               string `json:"rncp"`
	Niveau             string `json:"niveau"`
	DateEnregistrement string `json:"date_enregistrement"` // AAAA-MM-JJ, "" when unknown
	DateFinValidite    string `json:"date_fin_validite"`   // AAAA-MM-JJ, "" when unknown
	Mentions           string `json:"mentions"`
	Version            int64  `json:"version"` // give it back in PATCH
}

func toAPIEnregistrement(e *referentiel.Enregistrement) apiEnregistrement {
	return apiEnregistrement{ID: e.CertificationID, RNCP: e.RNCP, Niveau: e.Niveau, DateEnregistrement: isoDate(e.DateEnregistrement),
		DateFinValidite: isoDate(e.FinValidite), Mentions: e.Mentions, Version: e.Version}
}

// enregistrementInput is the body of PATCH /api/v1/certifications/{id}; absent fields are
// left unchanged; a date is AAAA-MM-JJ, "" to clear it.
type enregistrementInput struct {
	RNCP               *string `json:"rncp"`
	Niveau             *string `json:"niveau"`
	DateEnregistrement *string `json:"date_enregistrement"`
	DateFinValidite    *string `json:"date_fin_validite"`
	Mentions           *string `json:"mentions"`
	// Version is required: the version read (see apiVersion).
	Version *int64 `json:"version"`
}

func (s *Server) apiCertificationUpdate(w http.ResponseWriter, r *http.Request) error {
	_, e, err := s.loadCertification(r)
	if err != nil {
		return err
	}
	var in enregistrementInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	set(&e.RNCP, in.RNCP)
	set(&e.Niveau, in.Niveau)
	set(&e.Mentions, in.Mentions)
	v := apperr.NewValidation()
	for key, src := range map[string]*string{"date_enregistrement": in.DateEnregistrement, "date_fin_validite": in.DateFinValidite} {
		if src == nil {
			continue
		}
		var t time.Time
		if *src != "" {
			if t, err = time.Parse(time.DateOnly, *src); err != nil {
				v.Add(key, "Date illisible : attendu AAAA-MM-JJ.")
			}
		}
		if key == "date_enregistrement" {
			e.DateEnregistrement = t
		} else {
			e.FinValidite = t
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if e.Version, err = apiVersion(in.Version); err != nil {
		return err
	}
	if err := s.store.UpdateEnregistrement(r.Context(), actor(r), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIEnregistrement(e))
	return nil
}
