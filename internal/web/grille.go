package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// The juror's grid page (/passages/{id}/grille): on a tablet during an oral, the candidate's
// dossier, conformity report and relevé beside the grid in three sections (présentation du
// projet, entretien technique with the compétences not covered first, entretien final). Each
// change is saved at once by htmx (the whole grid with its version); without JavaScript the
// form posts and redirects. A stale save shows the newer values and what the juror had chosen.
// The président and the admin also read every juror's grid and the consolidated one.

// GrillePage is the grid page.
type GrillePage struct {
	Base
	PassageID, InscriptionID int64
	Candidat, Heure, Date    string
	Confidentiel, VAE        bool
	Durees                   [3]int // présentation, entretien technique, entretien final (minutes)
	Form                     *GrilleForm
	Lecture                  *GrilleLecture
	Dossier                  *store.Dossier
	Pieces                   []grPiece
	Conformite               []dossier.Check
}

// GrilleForm is the caller's own grid as a form.
type GrilleForm struct {
	PassageID    int64
	Editable     bool // the grids are open (dossiers clos, en cours)
	Version      int64
	Enregistre   string // « Enregistré à 10 h 42 », "" when never saved
	Message      string // a refused save's explanation (at the top of the form; the state bar links to it)
	MessageKind  string // "stale", "error"
	ModifieA     string // a stale save: when the grid was saved elsewhere, « 10 h 42 »
	Presentation []grComp
	Entretien    []grComp // the compétences not covered first (R8)
	Final        []grCrit // compréhension, vision, culture
	FinalName    string
	FinalRemarq  string
	FinalStored  grStored
	Errors       map[string]string
	Notes        []jury.Note
	Base         *Base
}

type grComp struct {
	Index              int
	Code, Intitule     string
	Bloc, BlocIntitule string
	Couverte           bool
	QName, Questions   string
	QStored            grStored
	Criteres           []grCrit
}

type grCrit struct {
	ID, Code, Libelle string
	Name, RName       string // the rating's field, the remark's ("" when none)
	Note              jury.Note
	Remarque          string
	Mine              string   // a stale save: the rating the juror chose and could not save
	RStored           grStored // a stale save: the remark saved elsewhere, the juror's own kept in the field
	Error             string
}

// grStored is, after a stale save, a text the juror changed and could not save: the field
// keeps the juror's text (nothing typed is lost) and the page shows the text saved elsewhere
// beside it. Differs is false when there is nothing to show.
type grStored struct {
	Differs bool
	Text    string
}

// grStale is a refused stale save as the form shows it: the grid the juror posted (merged, as
// it would have been saved) and the grid at the version it was made from. A field the juror
// did not change (posted = from) simply shows the newer saved value.
type grStale struct {
	mine, from jury.Grille
}

type grPiece struct {
	Kind    dossier.Kind
	Libelle string
	Nom     string
}

// GrilleLecture is every juror's grid and the consolidated one, read-only.
type GrilleLecture struct {
	Jures []string // the column heads: each juror, then « Jury »
	Rows  []grRow
	Final []grRow
}

type grRow struct {
	Competence string // set on the first row of a compétence
	Code       string
	Libelle    string
	Cells      []string // per juror then the consolidation: « A · NA »
}

func noteShort(n jury.Note) string {
	switch n {
	case jury.Acquis:
		return "A"
	case jury.NonAcquis:
		return "NA"
	}
	return "—"
}

// grilleNames are the form's field names of a grid.
func grP(c, k string) string { return "p:" + c + ":" + k }
func grE(c, k string) string { return "e:" + c + ":" + k }
func grR(c, k string) string { return "r:" + c + ":" + k }
func grQ(c string) string    { return "q:" + c }

// grilleFromForm reads the posted grid over the structure of blank (codes come from it, never
// from the client; ratings are checked by jury's Merge).
func grilleFromForm(r *http.Request, blank jury.Grille) jury.Grille {
	g := jury.Grille{Version: formVersion(r)}
	for _, c := range blank.Competences {
		cn := jury.CompetenceNote{Code: c.Code, Questions: r.PostFormValue(grQ(c.Code))}
		for _, k := range c.Criteres {
			cn.Criteres = append(cn.Criteres, jury.CritereNote{Code: k.Code,
				Presentation: jury.Note(r.PostFormValue(grP(c.Code, k.Code))),
				Entretien:    jury.Note(r.PostFormValue(grE(c.Code, k.Code))),
				Remarque:     r.PostFormValue(grR(c.Code, k.Code))})
		}
		g.Competences = append(g.Competences, cn)
	}
	g.EntretienFinal = jury.EntretienFinal{Comprehension: jury.Note(r.PostFormValue("f:comprehension")),
		Vision: jury.Note(r.PostFormValue("f:vision")), Culture: jury.Note(r.PostFormValue("f:culture")),
		Remarque: r.PostFormValue("f:remarque")}
	return g
}

// grilleForm builds the form of grid g (st: a refused stale save, whose changes are shown over
// the newer grid g; nil otherwise).
func grilleForm(base *store.PassageBase, passageID int64, g jury.Grille, le time.Time, editable bool, st *grStale) *GrilleForm {
	f := &GrilleForm{PassageID: passageID, Editable: editable, Version: g.Version, Notes: []jury.Note{jury.Acquis, jury.NonAcquis, jury.NonEvalue}}
	if !le.IsZero() {
		f.Enregistre = french.Time(le)
	}
	intitules, libelles, blocs := map[string]string{}, map[string]string{}, map[string]string{}
	for _, b := range base.Blocs {
		blocs[b.Code] = b.Intitule
		for _, c := range b.Competences {
			intitules[c.Code] = c.Intitule
			for _, k := range c.Criteres {
				libelles[c.Code+"/"+k.Code] = k.Libelle
			}
		}
	}
	mineC, fromC := grByCode(st, true), grByCode(st, false)
	for i, c := range g.Competences {
		mc, fc := mineC[c.Code], fromC[c.Code]
		mk, fk := map[string]jury.CritereNote{}, map[string]jury.CritereNote{}
		for _, k := range mc.Criteres {
			mk[k.Code] = k
		}
		for _, k := range fc.Criteres {
			fk[k.Code] = k
		}
		questions, qStored := grText(st, c.Questions, mc.Questions, fc.Questions)
		p := grComp{Index: i, Code: c.Code, Intitule: typo(intitules[c.Code]), Bloc: c.Bloc, BlocIntitule: typo(blocs[c.Bloc]),
			Couverte: c.Couverte, QName: grQ(c.Code), Questions: questions, QStored: qStored}
		e := p
		for j, k := range c.Criteres {
			lib := typo(libelles[c.Code+"/"+k.Code])
			m, f := mk[k.Code], fk[k.Code]
			remarque, rStored := grText(st, k.Remarque, m.Remarque, f.Remarque)
			p.Criteres = append(p.Criteres, grCrit{ID: fmt.Sprintf("p-%d-%d", i, j), Code: k.Code, Libelle: lib, Name: grP(c.Code, k.Code),
				RName: grR(c.Code, k.Code), Note: k.Presentation, Remarque: remarque, RStored: rStored,
				Mine: grNote(st, k.Presentation, m.Presentation, f.Presentation)})
			e.Criteres = append(e.Criteres, grCrit{ID: fmt.Sprintf("e-%d-%d", i, j), Code: k.Code, Libelle: lib, Name: grE(c.Code, k.Code),
				Note: k.Entretien, Mine: grNote(st, k.Entretien, m.Entretien, f.Entretien)})
		}
		f.Presentation = append(f.Presentation, p)
		f.Entretien = append(f.Entretien, e)
	}
	order := g.OrdreEntretien()
	ordered := make([]grComp, 0, len(order))
	for _, i := range order {
		ordered = append(ordered, f.Entretien[i])
	}
	f.Entretien = ordered
	ef, mf, ff := g.EntretienFinal, jury.EntretienFinal{}, jury.EntretienFinal{}
	if st != nil {
		mf, ff = st.mine.EntretienFinal, st.from.EntretienFinal
	}
	for _, x := range []struct {
		code, lib string
		n, m, f   jury.Note
	}{{"comprehension", "Compréhension", ef.Comprehension, mf.Comprehension, ff.Comprehension}, {"vision", "Vision", ef.Vision, mf.Vision, ff.Vision},
		{"culture", "Culture professionnelle", ef.Culture, mf.Culture, ff.Culture}} {
		f.Final = append(f.Final, grCrit{ID: "f-" + x.code, Code: x.code, Libelle: x.lib, Name: "f:" + x.code, Note: x.n,
			Mine: grNote(st, x.n, x.m, x.f)})
	}
	f.FinalName = "f:remarque"
	f.FinalRemarq, f.FinalStored = grText(st, ef.Remarque, mf.Remarque, ff.Remarque)
	return f
}

// grByCode indexes the compétences of a stale save's posted grid (mine) or of the grid it was
// made from; nil without a stale save.
func grByCode(st *grStale, mine bool) map[string]jury.CompetenceNote {
	if st == nil {
		return nil
	}
	g := st.from
	if mine {
		g = st.mine
	}
	out := make(map[string]jury.CompetenceNote, len(g.Competences))
	for _, c := range g.Competences {
		out[c.Code] = c
	}
	return out
}

// grNote is the libellé of the rating the juror chose and could not save (st: a stale save),
// "" when they did not change it (posted = from) or it is the saved one anyway.
func grNote(st *grStale, saved, posted, from jury.Note) string {
	norm := func(n jury.Note) jury.Note {
		if n == "" {
			return jury.NonEvalue
		}
		return n
	}
	if st == nil || norm(posted) == norm(from) || norm(posted) == norm(saved) {
		return ""
	}
	return norm(posted).Libelle()
}

// grText is what a text field shows: the saved text, or — after a stale save, when the juror
// changed it (posted ≠ from) — the juror's own text, kept, with the saved one beside it.
func grText(st *grStale, saved, posted, from string) (string, grStored) {
	if st == nil || posted == from || posted == saved {
		return saved, grStored{}
	}
	return posted, grStored{Differs: true, Text: saved}
}

// grilleLecture lays every juror's grid and the consolidation out as a matrix.
func grilleLecture(t *store.GrillesPassage, ref []referentiel.Bloc) *GrilleLecture {
	l := &GrilleLecture{}
	libelles := map[string]string{}
	for _, b := range ref {
		for _, c := range b.Competences {
			libelles[c.Code] = c.Intitule
			for _, k := range c.Criteres {
				libelles[c.Code+"/"+k.Code] = k.Libelle
			}
		}
	}
	grilles := make([]jury.Grille, 0, len(t.Jures)+1)
	for _, j := range t.Jures {
		nom := j.Nom
		if j.President {
			nom += " (présidence)"
		}
		if j.Grille.Version == 0 {
			nom += " — non remplie"
		}
		l.Jures = append(l.Jures, nom)
		grilles = append(grilles, j.Grille)
	}
	l.Jures = append(l.Jures, "Jury (consolidé)")
	grilles = append(grilles, t.Consolidee)
	for ci, c := range t.Consolidee.Competences {
		for ki, k := range c.Criteres {
			row := grRow{Code: k.Code, Libelle: typo(libelles[c.Code+"/"+k.Code])}
			if ki == 0 {
				row.Competence = c.Code + " " + typo(libelles[c.Code])
			}
			for _, g := range grilles {
				if ci < len(g.Competences) && ki < len(g.Competences[ci].Criteres) {
					x := g.Competences[ci].Criteres[ki]
					row.Cells = append(row.Cells, noteShort(x.Presentation)+" · "+noteShort(x.Entretien))
				} else {
					row.Cells = append(row.Cells, "—")
				}
			}
			l.Rows = append(l.Rows, row)
		}
	}
	for _, x := range []struct {
		lib string
		get func(jury.EntretienFinal) jury.Note
	}{{"Compréhension", func(f jury.EntretienFinal) jury.Note { return f.Comprehension }},
		{"Vision", func(f jury.EntretienFinal) jury.Note { return f.Vision }},
		{"Culture professionnelle", func(f jury.EntretienFinal) jury.Note { return f.Culture }}} {
		row := grRow{Libelle: x.lib}
		for _, g := range grilles {
			row.Cells = append(row.Cells, noteShort(x.get(g.EntretienFinal)))
		}
		l.Final = append(l.Final, row)
	}
	return l
}

// grillePage builds the page of passage id as the caller sees it.
func (s *Server) grillePage(r *http.Request, id int64) (*GrillePage, *store.GrilleVue, error) {
	v, err := s.store.GrilleVue(r.Context(), actor(r), id)
	if err != nil {
		return nil, nil, err
	}
	p := &GrillePage{Base: s.base(r, "grille.title"), PassageID: id, InscriptionID: v.Passage.InscriptionID,
		Candidat: v.Passage.CandidatNom, Heure: v.Passage.Heure, Date: french.Date(v.Session.Date), Confidentiel: v.Passage.Confidentiel,
		Durees: [3]int{v.Session.DureePresentation, v.Session.DureeEntretienTechnique, v.Session.DureeEntretienFinal}, Dossier: v.Dossier}
	p.Title = p.T("grille.title") + " — " + v.Passage.CandidatNom
	if v.Own != nil {
		p.Form = grilleForm(v.Base, id, *v.Own, v.OwnLe, v.Ouverte, nil)
		p.Form.Base = &p.Base
	}
	if v.Toutes != nil {
		p.Lecture = grilleLecture(v.Toutes, v.Base.Blocs)
	}
	if d := v.Dossier; d != nil {
		p.VAE = d.VAE
		for _, k := range append(dossier.Kinds(), dossier.SystemKinds()...) {
			if pc, ok := d.Current[k]; ok {
				p.Pieces = append(p.Pieces, grPiece{Kind: k, Libelle: k.Libelle(), Nom: pc.File.Nom})
			}
		}
		p.Conformite = slices.DeleteFunc(slices.Clone(d.Conformite), func(c dossier.Check) bool { return c.SansObjet() })
	}
	return p, v, nil
}

// grilleGet serves GET /passages/{id}/grille.
func (s *Server) grilleGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, _, err := s.grillePage(r, id)
	if err != nil {
		return grilleError(err)
	}
	return s.render(w, http.StatusOK, "grille", p)
}

// grillePost serves POST /passages/{id}/grille: the juror's grid saved. With htmx (HX-Request)
// the answer is a fragment: the save's state and the new version, or — stale or refused —
// the whole form again with the newer values and the juror's own beside them. Without
// JavaScript: 303 back to the page, or the page with the message (409, 422).
func (s *Server) grillePost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		if tl := bodyTooLarge(err); tl != nil {
			return tl
		}
		return fieldError("body", "Le formulaire envoyé est illisible : rechargez la page et réessayez.")
	}
	blank, err := s.store.GrilleVierge(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	posted := grilleFromForm(r, blank)
	htmx := r.Header.Get("HX-Request") == "true"
	g, le, err := s.store.SaveGrille(r.Context(), actor(r), id, posted)
	if err == nil {
		if !htmx {
			return s.redirectFlash(w, r, "Grille enregistrée à "+french.Time(le)+".", fmt.Sprintf("/passages/%d/grille", id))
		}
		b := s.base(r, "grille.title")
		f := &GrilleForm{PassageID: id, Editable: true, Version: g.Version, Enregistre: french.Time(le), Base: &b}
		return s.renderFragment(w, http.StatusOK, "grille", "grille_etat", f)
	}
	var stale *store.GrilleStaleError
	var closed *store.GrilleCloseError
	var verr *apperr.Validation
	if !errors.As(err, &stale) && !errors.As(err, &closed) && !errors.As(err, &verr) {
		return err
	}
	p, v, perr := s.grillePage(r, id)
	if perr != nil {
		return perr
	}
	if v.Own == nil {
		return err
	}
	status := http.StatusConflict
	switch {
	case stale != nil:
		mine, merr := v.Base.Vierge.Merge(posted) // as it would have been saved (texts cleaned)
		if merr != nil {
			mine = posted
		}
		p.Form = grilleForm(v.Base, id, stale.Current, stale.At, v.Ouverte, &grStale{mine: mine, from: stale.From})
		p.Form.Message, p.Form.MessageKind = staleGrilleMessage(stale), "stale"
		if !stale.At.IsZero() {
			p.Form.ModifieA = french.Time(stale.At)
		}
	case closed != nil:
		p.Form.Message, p.Form.MessageKind = closed.Message(), "error"
	default:
		status = http.StatusUnprocessableEntity
		p.Form = grilleForm(v.Base, id, posted, time.Time{}, v.Ouverte, nil)
		p.Form.Version = posted.Version
		p.Form.Message, p.Form.MessageKind, p.Form.Errors = "Certaines valeurs sont invalides : rien n’a été enregistré.", "error", verr.Fields
	}
	p.Form.Base = &p.Base
	if htmx {
		// htmx swaps only successful answers: the form comes back whole, in place of the form.
		w.Header().Set("HX-Retarget", "#grille")
		w.Header().Set("HX-Reswap", "outerHTML")
		return s.renderFragment(w, http.StatusOK, "grille", "grille_form", p.Form)
	}
	return s.render(w, status, "grille", p)
}

// renderFragment executes the template name of page set (no layout): an htmx answer.
func (s *Server) renderFragment(w http.ResponseWriter, status int, set page, name string, data any) error {
	t, ok := s.tpl.sets[set]
	if !ok {
		return fmt.Errorf("unknown page %q", set)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, name, data); err != nil {
		return fmt.Errorf("render %s/%s: %w", set, name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}
