package web

import (
	"net/http"
	"strconv"

	"github.com/certif/certif/internal/account"
)

// CentresPage lists the certificateur and its partner centres.
type CentresPage struct {
	Base
	Organismes []account.Organisme
}

// CentreFormPage creates or edits an organisme.
type CentreFormPage struct {
	Base
	Form      Form
	Organisme *account.Organisme // nil when creating
}

func (s *Server) centresList(w http.ResponseWriter, r *http.Request) error {
	orgs, err := s.store.Organismes(r.Context(), actor(r))
	if err != nil {
		return err
	}
	p := &CentresPage{Base: s.base(r, "centre.list"), Organismes: orgs}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "centres", p)
}

func (s *Server) centreNew(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	f.Values["habilitation_formation"] = "1"
	return s.render(w, http.StatusOK, "centre_form", &CentreFormPage{Base: s.base(r, "centre.new"), Form: f})
}

var centreFields = []string{"nom", "siret", "nda", "habilitation_formation", "habilitation_evaluation", "active", "version"}

// centreValues are the form fields of a recorded organisme.
func centreValues(o *account.Organisme) map[string]string {
	return map[string]string{"nom": o.Nom, "siret": o.SIRET, "nda": o.NDA, "version": itoa64(o.Version),
		"habilitation_formation":  boolValue(o.HabilitationFormation),
		"habilitation_evaluation": boolValue(o.HabilitationEvaluation),
		"active":                  boolValue(o.Active)}
}

func (s *Server) centreCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r, centreFields...)
	if err != nil {
		return err
	}
	o := &account.Organisme{Nom: f.Values["nom"], SIRET: f.Values["siret"], NDA: f.Values["nda"],
		HabilitationFormation: checked(r, "habilitation_formation"), HabilitationEvaluation: checked(r, "habilitation_evaluation")}
	if err := s.store.CreateOrganisme(r.Context(), actor(r), o); err != nil {
		if f.absorb(err) {
			return s.render(w, http.StatusUnprocessableEntity, "centre_form", &CentreFormPage{Base: s.base(r, "centre.new"), Form: f})
		}
		return err
	}
	return s.redirectFlash(w, r, s.msg(r, "centre.created", "Nom", o.Nom), "/admin/centres")
}

func (s *Server) centreEdit(w http.ResponseWriter, r *http.Request) error {
	o, err := s.loadOrganisme(r)
	if err != nil {
		return err
	}
	f := newForm()
	for k, v := range centreValues(o) {
		f.Values[k] = v
	}
	return s.render(w, http.StatusOK, "centre_form", &CentreFormPage{Base: s.base(r, "centre.edit"), Form: f, Organisme: o})
}

func (s *Server) centreUpdate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.loadOrganisme(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r, centreFields...)
	if err != nil {
		return err
	}
	o.Nom, o.SIRET, o.NDA = f.Values["nom"], f.Values["siret"], f.Values["nda"]
	o.HabilitationFormation, o.HabilitationEvaluation = checked(r, "habilitation_formation"), checked(r, "habilitation_evaluation")
	wasActive := o.Active
	o.Active = checked(r, "active") || o.Certificateur
	o.Version = formVersion(r)
	if err := s.store.UpdateOrganisme(r.Context(), actor(r), o); err != nil {
		if f.absorb(err) {
			return s.render(w, http.StatusUnprocessableEntity, "centre_form", &CentreFormPage{Base: s.base(r, "centre.edit"), Form: f, Organisme: o})
		}
		if e := staleOf(err); e != nil {
			cur, cerr := s.loadOrganisme(r)
			if cerr != nil {
				return cerr
			}
			s.markStale(r, &f, e)
			f.setTheirs(centreValues(cur))
			f.setShown("habilitation_formation", s.yesNo(r, cur.HabilitationFormation))
			f.setShown("habilitation_evaluation", s.yesNo(r, cur.HabilitationEvaluation))
			f.setShown("active", s.activeShown(r, cur.Active))
			return s.render(w, http.StatusConflict, "centre_form", &CentreFormPage{Base: s.base(r, "centre.edit"), Form: f, Organisme: cur})
		}
		return err
	}
	flash := s.msg(r, "centre.updated", "Nom", o.Nom)
	if wasActive && !o.Active { // say what the deactivation does to the centre's staff
		flash = s.msg(r, "centre.deactivated", "Nom", o.Nom)
	}
	return s.redirectFlash(w, r, flash, "/admin/centres")
}

func (s *Server) loadOrganisme(r *http.Request) (*account.Organisme, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.Organisme(r.Context(), actor(r), id)
}

func boolValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// itoa64 formats an id for templates and URLs.
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
