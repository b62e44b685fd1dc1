package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// PlanningPage is a candidate's individual training plan (modules with dates and hours).
type PlanningPage struct {
	*InscriptionPage
	Seances []store.SeanceRow
	Modules []candidat.Module
	Form    Form
	Totals  [2]float64 // planned, done
	// Editing is the séance whose form is shown (?modifier=ID), nil for a new one.
	Editing *store.SeanceRow
}

// edit shows séance id in the form: its values prefilled, unless the form carries the user's
// input already; unknown ids leave the page on the new-séance form.
func (p *PlanningPage) edit(id int64, prefill bool) {
	for i := range p.Seances {
		if se := &p.Seances[i]; se.ID == id {
			p.Editing = se
			if prefill {
				for k, v := range seanceValues(se) {
					p.Form.Values[k] = v
				}
			}
			p.Form.setTheirs(seanceValues(se))
			p.Form.setShown("module", se.Module)
		}
	}
}

// seanceValues are the form fields of a recorded séance.
func seanceValues(se *store.SeanceRow) map[string]string {
	return map[string]string{"module": itoa64(se.ModuleID), "version": itoa64(se.Version),
		"debut": se.Debut.Format(time.DateOnly), "fin": se.Fin.Format(time.DateOnly),
		"heures_prevues":   strings.Replace(strconv.FormatFloat(se.HeuresPrevues, 'f', -1, 64), ".", ",", 1),
		"heures_realisees": strings.Replace(strconv.FormatFloat(se.HeuresRealisees, 'f', -1, 64), ".", ",", 1)}
}

// Hours formats hours the French way (« 3,5 h »).
func (p *PlanningPage) Hours(h float64) string { return formatHours(h) }

func formatHours(h float64) string {
	return french.Number(h) + french.NBSP + "h"
}

func (s *Server) planningPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadTraining(w, r, false)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	p, err := s.planningData(r, d, newForm())
	if err != nil {
		return err
	}
	if id, _ := strconv.ParseInt(r.URL.Query().Get("modifier"), 10, 64); id != 0 && p.CanEvaluate {
		p.edit(id, true)
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "planning", p)
}

func (s *Server) planningData(r *http.Request, d *inscriptionView, f Form) (*PlanningPage, error) {
	p := &PlanningPage{InscriptionPage: s.pageFor(r, "planning.title", d), Form: f}
	var err error
	if p.Seances, err = s.store.Seances(r.Context(), actor(r), d.Ins.ID); err != nil {
		return nil, err
	}
	for _, se := range p.Seances {
		p.Totals[0] += se.HeuresPrevues
		p.Totals[1] += se.HeuresRealisees
	}
	if p.CanEvaluate {
		if p.Modules, err = s.store.Modules(r.Context(), actor(r), d.Ins.CentreID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// seanceFromForm reads a séance; unreadable numbers and dates become field errors.
func seanceFromForm(f *Form) *candidat.Seance {
	se := &candidat.Seance{}
	se.ModuleID, _ = strconv.ParseInt(f.Values["module"], 10, 64)
	se.Debut, se.Fin = f.date("debut"), f.date("fin")
	for key, dst := range map[string]*float64{"heures_prevues": &se.HeuresPrevues, "heures_realisees": &se.HeuresRealisees} {
		if v := f.Values[key]; v != "" {
			h, err := candidat.ParseHeures(v)
			if err != nil {
				f.Errors[key] = "Nombre d'heures illisible (ex. 3,5)."
			}
			*dst = h
		}
	}
	return se
}

var seanceFields = []string{"module", "version", "debut", "fin", "heures_prevues", "heures_realisees"}

func (s *Server) seanceCreate(w http.ResponseWriter, r *http.Request) error {
	return s.seanceSave(w, r, false)
}

func (s *Server) seanceUpdate(w http.ResponseWriter, r *http.Request) error {
	return s.seanceSave(w, r, true)
}

func (s *Server) seanceSave(w http.ResponseWriter, r *http.Request, update bool) error {
	d, err := s.loadTraining(w, r, false)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	f, err := parseForm(r, seanceFields...)
	if err != nil {
		return err
	}
	se := seanceFromForm(&f)
	se.InscriptionID = d.Ins.ID
	if update {
		if se.ID, err = pathID(r, "seance"); err != nil {
			return err
		}
		se.Version = formVersion(r)
	}
	if !f.HasErrors() {
		if update {
			err = s.store.UpdateSeance(r.Context(), actor(r), se)
		} else {
			err = s.store.AddSeance(r.Context(), actor(r), se)
		}
	}
	return s.finish(w, r, &f, err, func(status int) error {
		p, err := s.planningData(r, d, f)
		if err != nil {
			return err
		}
		if update {
			p.edit(se.ID, false)
		}
		return s.render(w, status, "planning", p)
	}, s.msg(r, "planning.saved"), fmt.Sprintf("/inscriptions/%d/planning", d.Ins.ID))
}

func (s *Server) seanceDelete(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadTraining(w, r, false)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	id, err := pathID(r, "seance")
	if err != nil {
		return err
	}
	if err := s.store.DeleteSeance(r.Context(), actor(r), d.Ins.ID, id); err != nil {
		return err
	}
	return s.redirectFlash(w, r, s.msg(r, "planning.deleted"), fmt.Sprintf("/inscriptions/%d/planning", d.Ins.ID))
}

// ModulesPage lists a centre's training modules, with the creation form (référent).
type ModulesPage struct {
	Base
	Modules   []candidat.Module
	Ref       *referentiel.Referentiel
	Form      Form
	CanManage bool
	CentreID  int64
	Centres   []account.Organisme
	// Editing is the module whose form is shown, nil for a new one.
	Editing *candidat.Module
}

// moduleValues are the form fields of a recorded module.
func moduleValues(m *candidat.Module) map[string]string {
	return map[string]string{"version": itoa64(m.Version), "intitule": m.Intitule,
		"heures":      strings.Replace(strconv.FormatFloat(m.Heures, 'f', -1, 64), ".", ",", 1),
		"competences": strings.Join(m.Competences, ","), "active": boolValue(m.Active)}
}

// Hours formats hours the French way.
func (p *ModulesPage) Hours(h float64) string { return formatHours(h) }

// Checked reports whether compétence code is ticked in the form.
func (p *ModulesPage) Checked(code string) bool {
	return strings.Contains(","+p.Form.Values["competences"]+",", ","+code+",")
}

func (s *Server) modulesData(r *http.Request, f Form) (*ModulesPage, error) {
	u := currentUser(r)
	p := &ModulesPage{Base: s.base(r, "modules.title"), Form: f, CentreID: u.CentreID}
	p.CanManage = access.ManageCentre.Gate(actor(r)) == nil
	if u.Role == account.RoleAdmin {
		p.CentreID, _ = strconv.ParseInt(r.FormValue("centre"), 10, 64)
		orgs, err := s.store.Organismes(r.Context(), actor(r))
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			if !o.Certificateur && o.Active {
				p.Centres = append(p.Centres, o)
				if p.CentreID == 0 {
					p.CentreID = o.ID
				}
			}
		}
	}
	certs, err := s.store.Certifications(r.Context())
	if err != nil || len(certs) == 0 {
		return nil, errNotFoundPage
	}
	if _, p.Ref, err = s.store.ActiveReferentiel(r.Context(), certs[0].ID); err != nil {
		return nil, err
	}
	if p.CentreID != 0 {
		if p.Modules, err = s.store.Modules(r.Context(), actor(r), p.CentreID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) modulesPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.modulesData(r, newForm())
	if err != nil {
		return err
	}
	if id, _ := strconv.ParseInt(r.URL.Query().Get("modifier"), 10, 64); id != 0 && p.CanManage {
		for i := range p.Modules {
			if m := &p.Modules[i]; m.ID == id {
				p.Editing = m
				for k, v := range moduleValues(m) {
					p.Form.Values[k] = v
				}
			}
		}
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "modules", p)
}

func (s *Server) moduleCreate(w http.ResponseWriter, r *http.Request) error {
	return s.moduleSave(w, r, false)
}

func (s *Server) moduleUpdate(w http.ResponseWriter, r *http.Request) error {
	return s.moduleSave(w, r, true)
}

func (s *Server) moduleSave(w http.ResponseWriter, r *http.Request, update bool) error {
	f, err := parseForm(r, "intitule", "heures", "centre", "version")
	if err != nil {
		return err
	}
	p, err := s.modulesData(r, f)
	if err != nil {
		return err
	}
	m := &candidat.Module{CentreID: p.CentreID, Intitule: f.Values["intitule"], Competences: r.PostForm["competences"], Active: true}
	f.Values["competences"] = strings.Join(m.Competences, ",")
	if h, herr := candidat.ParseHeures(f.Values["heures"]); herr == nil {
		m.Heures = h
	} else if f.Values["heures"] != "" {
		f.Errors["heures"] = "Nombre d'heures illisible (ex. 3,5)."
	}
	if update {
		if m.ID, err = pathID(r, "id"); err != nil {
			return err
		}
		m.Active = checked(r, "active")
		m.Version = formVersion(r)
		f.Values["active"] = boolValue(m.Active)
		p.Editing = m
	}
	if f.HasErrors() {
		f.absorb(m.Validate(p.Ref)) // every other problem of the form at once
	} else {
		if update {
			err = s.store.UpdateModule(r.Context(), actor(r), m)
		} else {
			certs, cerr := s.store.Certifications(r.Context())
			if cerr != nil {
				return cerr
			}
			err = s.store.CreateModule(r.Context(), actor(r), certs[0].ID, m)
		}
	}
	return s.finish(w, r, &f, err, func(status int) error {
		p.Form = f // f.Stale is set on a conflict
		if f.Stale != nil {
			// The page's list was read before the save: read the current values again.
			if p.Modules, err = s.store.Modules(r.Context(), actor(r), p.CentreID); err != nil {
				return err
			}
			for i := range p.Modules {
				if cur := &p.Modules[i]; cur.ID == m.ID {
					p.Form.setTheirs(moduleValues(cur))
					p.Form.setShown("active", s.activeShown(r, cur.Active))
				}
			}
		}
		return s.render(w, status, "modules", p)
	},
		s.msg(r, "modules.saved", "Intitule", m.Intitule), fmt.Sprintf("/modules?centre=%d", m.CentreID))
}
