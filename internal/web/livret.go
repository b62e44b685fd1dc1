package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// LivretPage is the livret d'évaluation et de suivi of one inscription.
type LivretPage struct {
	*InscriptionPage
	Form Form // the project forms' values and errors
	Bloc string
	// ProjetFiles are the deliverables of the end-of-bloc projects, by project id.
	ProjetFiles map[int64][]store.File
	// MaxProjetFile is the size cap of one deliverable, in Mo, for the form's hint.
	MaxProjetFile int
}

// livretFiles loads the evidence files and the projects' deliverables shown by the livret page.
func (s *Server) livretFiles(r *http.Request, p *LivretPage) error {
	var err error
	if p.Files, err = s.store.InscriptionFiles(r.Context(), actor(r), p.Ins.ID); err != nil {
		return err
	}
	p.ProjetFiles, err = s.store.ProjetFiles(r.Context(), actor(r), p.Ins.ID)
	p.MaxProjetFile = maxProjetFile >> 20
	return err
}

// Critere returns the libellé of a critère code in the inscription's référentiel.
func (p *InscriptionPage) Critere(code string) string {
	if _, k, ok := p.Ref.Critere(code); ok {
		return k.Libelle
	}
	return code
}

// CriteresOf lists the critères of compétence code.
func (p *InscriptionPage) CriteresOf(code string) []referentiel.Critere {
	if _, c, ok := p.Ref.Competence(code); ok {
		return c.Criteres
	}
	return nil
}

// Num formats a score the French way (« 15,5 »).
func (p *InscriptionPage) Num(f *float64) string {
	if f == nil {
		return ""
	}
	return french.Number(*f)
}

func (s *Server) livretPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadTraining(w, r, true)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	p := &LivretPage{InscriptionPage: s.pageFor(r, "livret.title", d), Form: newForm()}
	if err := s.livretFiles(r, p); err != nil {
		return err
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "livret", p)
}

// vaePage explains that a VAE inscription has no livret, planning or internship (R2).
func (s *Server) vaePage(w http.ResponseWriter, r *http.Request, d *inscriptionView) error {
	p := s.pageFor(r, "inscription.title", d)
	status := http.StatusOK // a GET of a VAE tab shows the file and its notice
	if r.Method != http.MethodGet {
		status = http.StatusUnprocessableEntity
	}
	return s.render(w, status, "inscription", p)
}

// EvaluationFormPage records an in-training evaluation (or the correction of one).
type EvaluationFormPage struct {
	*InscriptionPage
	Form       Form
	Competence *referentiel.Competence
	Remplace   *livret.Evaluation
	// Modules are the modules the evaluation may follow: the centre's active ones (and, for a
	// correction, the corrected entry's module even when deactivated since).
	Modules []candidat.Module
}

// FormesReferentiel lists the forms the référentiel gives the compétence (seed: « Évaluation
// en cours de formation »): the ones offered.
func (p *EvaluationFormPage) FormesReferentiel() []referentiel.Forme {
	return livret.FormesOf(p.Competence)
}

// ModuleSelected reports whether module id is the form's choice.
func (p *EvaluationFormPage) ModuleSelected(id int64) bool {
	return p.Form.Values["module"] == itoa64(id)
}

// FormesAutres lists the other forms, each needing a written reason (motif_forme).
func (p *EvaluationFormPage) FormesAutres() []referentiel.Forme {
	var out []referentiel.Forme
	for _, f := range referentiel.Formes {
		if !slices.Contains(p.FormesReferentiel(), f) {
			out = append(out, f)
		}
	}
	return out
}

// Result returns the submitted (or corrected) result of critère code.
func (p *EvaluationFormPage) Result(code string) string { return p.Form.Values["critere_"+code] }

func (s *Server) evaluationForm(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadTraining(w, r, true)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	f := newForm()
	q := r.URL.Query()
	f.Values["competence"] = q.Get("competence")
	f.Values["date"] = french.Today(s.now())
	if rid, _ := strconv.ParseInt(q.Get("remplace"), 10, 64); rid != 0 {
		for i := range d.Evals {
			if e := &d.Evals[i]; e.ID == rid {
				f.Values["remplace"] = itoa64(rid)
				f.Values["competence"] = e.Competences[0]
				f.Values["forme"], f.Values["date"] = string(e.Forme), e.Date.Format(time.DateOnly)
				f.Values["commentaire"], f.Values["motif_forme"] = e.Commentaire, e.MotifForme
				if e.ModuleID != 0 {
					f.Values["module"] = itoa64(e.ModuleID)
				}
				for code, res := range e.Criteres {
					f.Values["critere_"+code] = string(res)
				}
				for k, v := range map[string]*float64{"score": e.Score, "bareme": e.Bareme, "seuil": e.Seuil} {
					if v != nil {
						f.Values[k] = strings.Replace(strconv.FormatFloat(*v, 'f', -1, 64), ".", ",", 1)
					}
				}
			}
		}
	}
	p, err := s.evaluationFormPage(r, d, f)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "evaluation_form", p)
}

func (s *Server) evaluationFormPage(r *http.Request, d *inscriptionView, f Form) (*EvaluationFormPage, error) {
	_, c, ok := d.Ref.Competence(f.Values["competence"])
	if !ok {
		return nil, fieldError("competence", "Choisissez la compétence évaluée.")
	}
	p := &EvaluationFormPage{InscriptionPage: s.pageFor(r, "evaluation.title", d), Form: f, Competence: c}
	if f.Values["forme"] == "" && c.EvaluationFormation != nil && len(c.EvaluationFormation.Forme) > 0 {
		f.Values["forme"] = string(c.EvaluationFormation.Forme[0])
	}
	if rid, _ := strconv.ParseInt(f.Values["remplace"], 10, 64); rid != 0 {
		for i := range d.Evals {
			if d.Evals[i].ID == rid {
				p.Remplace = &d.Evals[i]
			}
		}
	}
	mods, err := s.store.Modules(r.Context(), actor(r), d.Ins.CentreID)
	if err != nil {
		return nil, err
	}
	for _, m := range mods {
		if m.Active || (p.Remplace != nil && p.Remplace.ModuleID == m.ID) {
			p.Modules = append(p.Modules, m)
		}
	}
	// A new entry follows, by default, the module that trains the compétence.
	if _, set := f.Values["module"]; !set && p.Remplace == nil {
		for _, m := range p.Modules {
			if slices.Contains(m.Competences, c.Code) {
				f.Values["module"] = itoa64(m.ID)
				break
			}
		}
	}
	return p, nil
}

// parseScore reads an optional French decimal ("15,5").
func parseScore(f *Form, key string) *float64 {
	v := strings.TrimSpace(strings.Replace(f.Values[key], ",", ".", 1))
	if v == "" {
		return nil
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		f.Errors[key] = "Nombre illisible."
		return nil
	}
	return &x
}

func (s *Server) evaluationCreate(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadTraining(w, r, true)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	uploads, f, cleanup, err := s.parseEvidenceForm(w, r)
	defer cleanup()
	if err != nil {
		return err
	}
	p, err := s.evaluationFormPage(r, d, f)
	if err != nil {
		return err
	}
	e := &livret.Evaluation{InscriptionID: d.Ins.ID, Competences: []string{f.Values["competence"]}, Forme: referentiel.Forme(f.Values["forme"]),
		Commentaire: f.Values["commentaire"], MotifForme: f.Values["motif_forme"], Criteres: map[string]livret.Resultat{}}
	e.Remplace, _ = strconv.ParseInt(f.Values["remplace"], 10, 64)
	e.ModuleID, _ = strconv.ParseInt(f.Values["module"], 10, 64)
	if dt, err := time.Parse(time.DateOnly, f.Values["date"]); err == nil {
		e.Date = dt
	}
	for _, k := range p.Competence.Criteres {
		if v := r.PostFormValue("critere_" + k.Code); v != "" {
			f.Values["critere_"+k.Code] = v
			e.Criteres[k.Code] = livret.Resultat(v)
		}
	}
	e.Score, e.Bareme, e.Seuil = parseScore(&f, "score"), parseScore(&f, "bareme"), parseScore(&f, "seuil")
	// Validate first, store the evidence after: a refused form leaves no file behind.
	if len(r.MultipartForm.File["fichiers"]) > 0 || f.HasErrors() {
		if err := s.store.CheckEvaluation(r.Context(), actor(r), e); err != nil && !f.absorb(err) {
			return err
		}
	}
	if !f.HasErrors() {
		var fileIDs []int64
		if fileIDs, err = s.storeUploads(r, actor(r), uploads); err == nil {
			if err = s.store.AddEvaluation(r.Context(), actor(r), e, fileIDs); err != nil {
				s.discardUploads(r, actor(r), fileIDs)
			}
		}
	}
	if f.HasErrors() || (err != nil && f.absorb(err)) {
		return s.render(w, http.StatusUnprocessableEntity, "evaluation_form", p)
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, s.msg(r, "evaluation.saved", "Competence", p.Competence.Code), fmt.Sprintf("/inscriptions/%d/livret#%s", d.Ins.ID, p.Competence.Code))
}

func (s *Server) projetDecide(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadTraining(w, r, true)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	f, err := parseForm(r, "decision", "commentaire")
	if err != nil {
		return err
	}
	bloc := r.PathValue("bloc")
	if err := s.store.DecideProjet(r.Context(), actor(r), d.Ins.ID, bloc, livret.Decision(f.Values["decision"]), f.Values["commentaire"]); err != nil {
		if f.absorb(err) {
			p := &LivretPage{InscriptionPage: s.pageFor(r, "livret.title", d), Form: f, Bloc: bloc}
			if err := s.livretFiles(r, p); err != nil {
				return err
			}
			return s.render(w, http.StatusUnprocessableEntity, "livret", p)
		}
		return err
	}
	return s.redirectFlash(w, r, s.msg(r, "projet.decided"), fmt.Sprintf("/inscriptions/%d/livret#projet-%s", d.Ins.ID, bloc))
}

// EvalView is what the "evaluation" partial renders: one entry in its page.
type EvalView struct {
	P *InscriptionPage
	E *livret.Evaluation
}

// pager is any page built on an InscriptionPage.
type pager interface{ inscriptionPage() *InscriptionPage }

func (p *InscriptionPage) inscriptionPage() *InscriptionPage { return p }

func evalView(p pager, e *livret.Evaluation) EvalView { return EvalView{P: p.inscriptionPage(), E: e} }

// Blank is an empty form, for the forms of the blocs not being corrected.
func (p *InscriptionPage) Blank() Form { return newForm() }

// ProjetForm is the project form of bloc b: the submitted values when that bloc's form is being
// corrected, else the current version's title, description and link (a new version starts from
// them: the candidate edits what changes), else an empty form.
func (p *LivretPage) ProjetForm(b livret.BlocState) Form {
	if p.Bloc == b.Code {
		return p.Form
	}
	f := newForm()
	if pr := b.Projet; pr != nil {
		f.Values["titre"], f.Values["description"], f.Values["url"] = pr.Titre, pr.Description, pr.URL
	}
	return f
}

// loadTraining is loadInscription for the pages of in-training evaluation (livret, planning,
// projects, stage): for an inscription without it (VAE, R2) it shows the file with its notice
// (vaePage) and returns a nil view with vaePage's error, so that callers stop at `d == nil`.
func (s *Server) loadTraining(w http.ResponseWriter, r *http.Request, withLivret bool) (*inscriptionView, error) {
	d, err := s.loadInscription(r, withLivret)
	if err != nil {
		return nil, err
	}
	if !d.InTraining { // no livret, planning, project or stage without in-training evaluation (R2)
		return nil, s.vaePage(w, r, d)
	}
	return d, nil
}
