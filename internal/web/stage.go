package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/store"
)

// StagePage shows the internship of an inscription and, for staff, its form and the tutor's link.
type StagePage struct {
	*InscriptionPage
	Stages  []store.Stage
	Form    Form
	Link    string // a tutor link just issued, shown once
	LinkFor int64
}

// prefill puts the recorded internship in the edit form.
func (p *StagePage) prefill() {
	if len(p.Stages) == 0 {
		return
	}
	for k, v := range stageValues(&p.Stages[0]) {
		p.Form.Values[k] = v
	}
}

// stageValues are the form fields of a recorded internship.
func stageValues(st *store.Stage) map[string]string {
	return map[string]string{"stage_id": itoa64(st.ID), "version": itoa64(st.Version),
		"entreprise": st.Entreprise, "entreprise_siret": st.EntrepriseSIRET,
		"tuteur_nom": st.TuteurNom, "tuteur_email": st.TuteurEmail,
		"debut": st.Debut.Format(time.DateOnly), "fin": st.Fin.Format(time.DateOnly)}
}

// Niveau translates an appreciation level.
func (p *StagePage) Niveau(n string) string { return p.T("stage.niveau." + n) }

var stageFields = []string{"stage_id", "version", "entreprise", "entreprise_siret", "tuteur_nom", "tuteur_email", "debut", "fin"}

func (s *Server) stageData(r *http.Request, d *inscriptionView, f Form) (*StagePage, error) {
	p := &StagePage{InscriptionPage: s.pageFor(r, "stage.title", d), Form: f}
	var err error
	p.Stages, err = s.store.Stages(r.Context(), actor(r), d.Ins.ID)
	return p, err
}

func (s *Server) stagePage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadTraining(w, r, false)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	p, err := s.stageData(r, d, newForm())
	if err != nil {
		return err
	}
	p.prefill()
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "stage", p)
}

func (s *Server) stageSave(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadTraining(w, r, false)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	f, err := parseForm(r, stageFields...)
	if err != nil {
		return err
	}
	st := &store.Stage{InscriptionID: d.Ins.ID, Entreprise: f.Values["entreprise"], EntrepriseSIRET: f.Values["entreprise_siret"],
		TuteurNom: f.Values["tuteur_nom"], TuteurEmail: f.Values["tuteur_email"]}
	st.ID, _ = strconv.ParseInt(f.Values["stage_id"], 10, 64)
	st.Version = formVersion(r)
	st.Debut, st.Fin = f.date("debut"), f.date("fin")
	if !f.HasErrors() {
		if st.ID != 0 {
			err = s.store.UpdateStage(r.Context(), actor(r), st)
		} else {
			err = s.store.CreateStage(r.Context(), actor(r), st)
		}
	}
	return s.finish(w, r, &f, err, func(status int) error {
		p, err := s.stageData(r, d, f)
		if err != nil {
			return err
		}
		for i := range p.Stages {
			if p.Stages[i].ID == st.ID {
				p.Form.setTheirs(stageValues(&p.Stages[i]))
			}
		}
		return s.render(w, status, "stage", p)
	}, s.msg(r, "stage.saved"), fmt.Sprintf("/inscriptions/%d/stage", d.Ins.ID))
}

func (s *Server) stageLink(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadTraining(w, r, false)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	id, err := pathID(r, "stage")
	if err != nil {
		return err
	}
	tok, err := s.store.StageLink(r.Context(), actor(r), d.Ins.ID, id)
	if err != nil {
		return err
	}
	p, err := s.stageData(r, d, newForm())
	if err != nil {
		return err
	}
	p.prefill()
	p.Path = fmt.Sprintf("/inscriptions/%d/stage", d.Ins.ID) // the Stage tab stays current
	p.Link, p.LinkFor = s.tutorURL(tok), id
	noCompress(w)
	return s.render(w, http.StatusOK, "stage", p)
}

// TutorPage is the fiche d'appréciation de stage a tutor fills through a one-time link.
type TutorPage struct {
	Base
	Form  *store.StageForm
	Token string
	F     Form
}

// Niveaux lists the appreciation levels.
func (p *TutorPage) Niveaux() []string { return store.AppreciationNiveaux }

// Niveau translates an appreciation level.
func (p *TutorPage) Niveau(n string) string { return p.T("stage.niveau." + n) }

// Value returns a submitted value.
func (p *TutorPage) Value(k string) string { return p.F.Values[k] }

// AppreciationError returns the problem of compétence code's appreciation, "" for none.
func (p *TutorPage) AppreciationError(code string) string { return p.F.Errors["appreciations."+code] }

// Problems is the error summary of the form; a compétence's problem links to its fieldset.
func (p *TutorPage) Problems() ErrorSummary {
	sum := p.Summary("tutor-errors", p.F, "appreciations", "commentaire_general", "signataire", "fonction", "cachet")
	for i := range sum.Items {
		if code, ok := strings.CutPrefix(sum.Items[i].Field, "appreciations."); ok {
			sum.Items[i].Field = appreciationID(code)
		}
	}
	return sum
}

// AppreciationID is the element id of compétence code's fieldset (see appreciationID).
func (p *TutorPage) AppreciationID(code string) string { return appreciationID(code) }

// appreciationID is the element id of compétence code's fieldset: letters, digits and
// hyphens only (« C2.1 » → « appreciation-C2-1 »), so that it is a valid fragment and selector.
func appreciationID(code string) string {
	return "appreciation-" + strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return r
		}
		return '-'
	}, code)
}

func (s *Server) tutorForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	noCompress(w) // the page carries its one-time link (form action): BREACH, caches
	sf, err := s.store.StageByToken(r.Context(), tok)
	if err != nil {
		return s.tutorGone(w, r, err)
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.render(w, http.StatusOK, "tutor", &TutorPage{Base: s.base(r, "tutor.title"), Form: sf, Token: tok, F: newForm()})
}

func (s *Server) tutorGone(w http.ResponseWriter, r *http.Request, err error) error {
	return s.gone(w, r, err, "tutor.gone_title", "tutor.gone")
}

// stampTypes are the sniffed types a company stamp or a signed scan of the fiche may have.
var stampTypes = map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true, "image/webp": true}

func (s *Server) tutorSubmit(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	noCompress(w) // the page carries its one-time link (form action): BREACH, caches
	sf, err := s.store.StageByToken(r.Context(), tok)
	if err != nil {
		return s.tutorGone(w, r, err)
	}
	p := &TutorPage{Base: s.base(r, "tutor.title"), Form: sf, Token: tok, F: newForm()}
	cleanup, err := parseUpload(w, r, maxUpload+1<<20, "cachet")
	defer cleanup()
	if err != nil {
		if !p.F.absorb(err) {
			return err
		}
		return s.render(w, http.StatusUnprocessableEntity, "tutor", p)
	}
	fiche := store.FicheStage{Appreciations: map[string]store.Appreciation{}}
	for k, v := range r.PostForm {
		if len(v) > 0 {
			p.F.Values[k] = strings.TrimSpace(v[0])
		}
	}
	for _, c := range sf.Competences {
		n, com := p.F.Values["niveau_"+c.Code], p.F.Values["commentaire_"+c.Code]
		if n != "" || com != "" {
			fiche.Appreciations[c.Code] = store.Appreciation{Niveau: n, Commentaire: com}
		}
	}
	fiche.CommentaireGeneral, fiche.Signataire, fiche.Fonction = p.F.Values["commentaire_general"], p.F.Values["signataire"], p.F.Values["fonction"]
	// Validate first, store the stamp after: a refused form leaves no file behind.
	var stamp *upload
	if fhs := r.MultipartForm.File["cachet"]; len(fhs) > 0 {
		u, err := checkUpload(fhs[0], "cachet")
		switch {
		case err == nil && !stampTypes[u.mime]:
			p.F.Errors["cachet"] = fmt.Sprintf("« %s » n'est ni une image (PNG, JPEG, WebP) ni un PDF : déposez le cachet ou la fiche signée et scannée.", u.name)
		case err == nil:
			stamp = &u
		case !p.F.absorb(err):
			return err
		}
	} else {
		// Seed 5-3-3 a: the fiche carries the company's stamp; said before anything is stored.
		p.F.Errors["cachet"] = store.MsgCachetManquant
	}
	if err := s.store.CheckFiche(r.Context(), tok, &fiche); err != nil {
		if !p.F.absorb(err) {
			return s.tutorGone(w, r, err)
		}
	}
	if p.F.HasErrors() {
		return s.render(w, http.StatusUnprocessableEntity, "tutor", p)
	}
	var cachet int64
	if stamp != nil {
		// The tutor has no account: the stamp is owned by the stage of this link and bound to it.
		cachet, err = s.storeUpload(r, *stamp, func(f *store.File, key string) error {
			return s.store.SaveStageFile(r.Context(), tok, f, key)
		})
		if err != nil {
			if p.F.absorb(err) {
				return s.render(w, http.StatusUnprocessableEntity, "tutor", p)
			}
			return s.tutorGone(w, r, err)
		}
	}
	if err := s.store.SubmitFiche(r.Context(), tok, fiche, cachet); err != nil {
		if cachet != 0 {
			s.discardUploads(r, account.Actor{}, []int64{cachet})
		}
		if p.F.absorb(err) {
			return s.render(w, http.StatusUnprocessableEntity, "tutor", p)
		}
		return s.tutorGone(w, r, err)
	}
	return s.message(w, r, http.StatusOK, "tutor.thanks_title", "tutor.thanks")
}
