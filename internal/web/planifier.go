package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/store"
)

// PlanifierPage plans one module for a whole promotion, or a selection of it, at once.
type PlanifierPage struct {
	Base
	Promotion string
	CentreID  int64 // the admin names it (hidden field); the staff's own centre otherwise
	Admin     bool
	Modules   []candidat.Module // the centre's active modules
	Members   []store.PromotionMember
	// VAE counts the promotion's candidates in VAE, who follow no training: not listed.
	VAE  int
	Form Form
	// Selected holds the candidates ticked: all of them on a fresh form.
	Selected map[int64]bool
	// Conflicts lists, after a refusal, the candidates who cannot get the séance; nothing was
	// planned. AnyPlanned is true when some of them have the module already (the form then
	// offers to leave them out).
	Conflicts  []store.PlanConflict
	AnyPlanned bool
}

// Hours formats hours the French way.
func (p *PlanifierPage) Hours(h float64) string { return formatHours(h) }

// Action is the form's URL: the promotion escaped, the admin's centre kept.
func (p *PlanifierPage) Action() string {
	u := "/promotions/" + url.PathEscape(p.Promotion) + "/planifier"
	if p.Admin {
		u += "?centre=" + strconv.FormatInt(p.CentreID, 10)
	}
	return u
}

// MatriceURL is the promotion's matrix.
func (p *PlanifierPage) MatriceURL() string {
	u := "/promotions/" + url.PathEscape(p.Promotion)
	if p.Admin {
		u += "?centre=" + strconv.FormatInt(p.CentreID, 10)
	}
	return u
}

// HasModule reports whether member m has module id (from the form) in their planning.
func (p *PlanifierPage) HasModule(m store.PromotionMember) bool {
	id, _ := strconv.ParseInt(p.Form.Values["module"], 10, 64)
	for _, mod := range m.Modules {
		if mod == id && id != 0 {
			return true
		}
	}
	return false
}

// planifierData loads the promotion's candidates and the centre's modules; an unknown (or
// another centre's) promotion is a 404, as its matrix.
func (s *Server) planifierData(r *http.Request, f Form) (*PlanifierPage, error) {
	u := currentUser(r)
	p := &PlanifierPage{Base: s.base(r, "planifier.title"), Promotion: r.PathValue("promotion"), CentreID: u.CentreID,
		Form: f, Selected: map[int64]bool{}}
	if u.Role == account.RoleAdmin {
		p.Admin = true
		p.CentreID, _ = strconv.ParseInt(r.URL.Query().Get("centre"), 10, 64)
	}
	if p.CentreID == 0 {
		return nil, errNotFoundPage
	}
	var err error
	if p.Members, err = s.store.PromotionMembers(r.Context(), actor(r), p.CentreID, p.Promotion); err != nil {
		return nil, err
	}
	if len(p.Members) == 0 {
		return nil, errNotFoundPage
	}
	if p.VAE, err = s.store.PromotionVAE(r.Context(), actor(r), p.CentreID, p.Promotion); err != nil {
		return nil, err
	}
	mods, err := s.store.Modules(r.Context(), actor(r), p.CentreID)
	if err != nil {
		return nil, err
	}
	for _, m := range mods {
		if m.Active {
			p.Modules = append(p.Modules, m)
		}
	}
	p.Title = p.T("planifier.title") + " — " + p.Promotion
	return p, nil
}

func (s *Server) planifierPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.planifierData(r, newForm())
	if err != nil {
		return err
	}
	for _, m := range p.Members {
		p.Selected[m.InscriptionID] = true
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "planifier", p)
}

func (s *Server) planifierSave(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r, "module", "debut", "fin", "heures_prevues", "heures_realisees", "ignorer")
	if err != nil {
		return err
	}
	p, err := s.planifierData(r, f)
	if err != nil {
		return err
	}
	picked := r.PostForm["candidats"]
	var ids []int64
	switch {
	case len(picked) == 0:
		f.Errors["candidats"] = "Sélectionnez au moins un candidat."
	case len(picked) > store.MaxPlanSelection:
		f.Errors["candidats"] = fmt.Sprintf("Sélectionnez au plus %s candidats à la fois.", french.Int(store.MaxPlanSelection))
	default:
		ids = make([]int64, 0, len(picked))
		for _, v := range picked {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return errNotFoundPage // not an id the page offered
			}
			ids = append(ids, id)
			p.Selected[id] = true
		}
	}
	// The module's hours are the default of the hours planned.
	if f.Values["heures_prevues"] == "" {
		for _, m := range p.Modules {
			if strconv.FormatInt(m.ID, 10) == f.Values["module"] {
				f.Values["heures_prevues"] = formatHoursValue(m.Heures)
			}
		}
	}
	se := seanceFromForm(&f)
	var res store.PlanResult
	if !f.HasErrors() {
		res, err = s.store.PlanPromotion(r.Context(), actor(r), &store.PromotionPlan{CentreID: p.CentreID, Promotion: p.Promotion,
			InscriptionIDs: ids, Seance: *se, SkipPlanned: f.Values["ignorer"] != ""})
	}
	var ce *store.PlanConflictError
	if errors.As(err, &ce) {
		p.Form, p.Conflicts = f, ce.Conflicts
		for _, c := range ce.Conflicts {
			p.AnyPlanned = p.AnyPlanned || c.Planned
		}
		return s.render(w, http.StatusConflict, "planifier", p)
	}
	intitule := ""
	for _, m := range p.Modules {
		if m.ID == se.ModuleID {
			intitule = m.Intitule
		}
	}
	flash := s.msg(r, "planifier.done", "Module", intitule, "Count", res.Planned, "Skipped", len(res.Skipped))
	return s.finish(w, r, &f, err, func(status int) error {
		p.Form = f
		return s.render(w, status, "planifier", p)
	}, flash, p.Action())
}

// formatHoursValue writes hours for a form field: « 3,5 ».
func formatHoursValue(h float64) string {
	return seanceValues(&store.SeanceRow{Seance: candidat.Seance{HeuresPrevues: h}})["heures_prevues"]
}

// PlanifierURL is the page that plans a module for the promotion (the centre kept for the
// admin; the staff's own centre is used whatever the query says).
func (p *MatricePage) PlanifierURL() string {
	return "/promotions/" + url.PathEscape(p.Promotion) + "/planifier?centre=" + strconv.FormatInt(p.CentreID, 10)
}
