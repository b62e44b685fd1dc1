// Package livret models the livret d'évaluation et de suivi of a candidate in training
// (R2–R4): the in-training evaluations, never overwritten (a correction supersedes), the
// end-of-bloc projects validated by the référent, and the state of each compétence and bloc.
package livret

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

// Resultat is the result of one critère in an evaluation.
type Resultat string

// The results of a critère; an absent critère is not evaluated.
const (
	Acquis    Resultat = "acquis"
	NonAcquis Resultat = "non_acquis"
)

// MaxCommentaire bounds, in characters, the comments of evaluations and decisions.
const MaxCommentaire = 4000

// MaxMotifForme bounds, in characters, the reason for a form outside the référentiel.
const MaxMotifForme = 500

// Evaluation is one in-training evaluation entry of the livret. Entries are immutable: a
// correction is a new entry whose Remplace names the entry it supersedes.
type Evaluation struct {
	ID            int64
	InscriptionID int64
	Competences   []string // the compétence(s) evaluated
	Forme         referentiel.Forme
	// MotifForme is the written reason for a form the référentiel does not give the
	// compétence ("" when the form is the référentiel's).
	MotifForme string
	// ModuleID is the training module the evaluation follows (0: none named); Module is its
	// intitulé, filled by the store on reads.
	ModuleID     int64
	Module       string
	Date         time.Time // the day of the evaluation
	EvaluateurID int64     // the formateur (or référent) who evaluated
	Evaluateur   string    // display name, filled by the store on reads
	Criteres     map[string]Resultat
	Score        *float64
	Bareme       *float64 // the maximum score
	Seuil        *float64 // the pass mark
	Commentaire  string
	Remplace     int64 // id of the superseded entry, 0 for a first entry
	RemplaceePar int64 // filled on reads: the entry that supersedes this one, 0 if current
	CreatedAt    time.Time
	CreatedBy    int64
}

// Validate checks the entry against the référentiel: known compétences, critères that belong
// to them, a known form (defaulting to the référentiel's first form for the compétence), a
// score within its scale. now bounds the date. It returns a *apperr.Validation.
func (e *Evaluation) Validate(ref *referentiel.Referentiel, now time.Time) error {
	v := apperr.NewValidation()
	comps := map[string]*referentiel.Competence{}
	e.Competences = referentiel.UniqueCodes(e.Competences)
	codes := e.Competences
	switch n := ref.NbCompetences(); {
	case len(e.Competences) == 0:
		v.Add("competence", "Choisissez la compétence évaluée.")
	case len(e.Competences) > n:
		v.Add("competence", fmt.Sprintf("Une évaluation porte sur %d compétences au plus.", n))
		codes = nil
	}
	for _, code := range codes {
		_, c, ok := ref.Competence(code)
		if !ok {
			v.Add("competence", fmt.Sprintf("Compétence inconnue : %s.", code))
			continue
		}
		comps[code] = c
	}
	if e.Forme == "" && len(e.Competences) > 0 {
		if c := comps[e.Competences[0]]; c != nil && c.EvaluationFormation != nil && len(c.EvaluationFormation.Forme) > 0 {
			e.Forme = c.EvaluationFormation.Forme[0]
		}
	}
	if !e.Forme.Valid() {
		v.Add("forme", "Choisissez la forme de l'évaluation.")
	}
	e.checkForme(comps, v)
	switch {
	case e.Date.IsZero():
		v.Add("date", "La date de l'évaluation est obligatoire.")
	case e.Date.After(now.Add(24 * time.Hour)):
		v.Add("date", "La date de l'évaluation est dans le futur.")
	}
	if n := ref.NbCriteres(); len(e.Criteres) > n {
		v.Add("criteres", fmt.Sprintf("Une évaluation note %d critères au plus.", n))
		return v.Err()
	}
	for code, r := range e.Criteres {
		comp, _, ok := ref.Critere(code)
		switch {
		case !ok:
			v.Add("criteres."+code, fmt.Sprintf("Critère inconnu : %s.", code))
		case comps[comp.Code] == nil:
			v.Add("criteres."+code, fmt.Sprintf("Le critère %s n'appartient pas à la compétence évaluée.", code))
		case r == "":
			delete(e.Criteres, code) // not evaluated
		case r != Acquis && r != NonAcquis:
			v.Add("criteres."+code, "Résultat attendu : acquis ou non acquis.")
		}
	}
	if e.Score != nil || e.Bareme != nil || e.Seuil != nil {
		switch {
		case e.Score == nil || e.Bareme == nil:
			v.Add("score", "Indiquez la note et le barème ensemble.")
		case *e.Bareme <= 0 || *e.Bareme > 1000 || math.IsNaN(*e.Bareme):
			v.Add("bareme", "Le barème doit être un nombre positif.")
		case *e.Score < 0 || *e.Score > *e.Bareme || math.IsNaN(*e.Score):
			v.Add("score", "La note doit être comprise entre 0 et le barème.")
		case e.Seuil != nil && (*e.Seuil < 0 || *e.Seuil > *e.Bareme):
			v.Add("seuil", "Le seuil doit être compris entre 0 et le barème.")
		}
	}
	if len(e.Criteres) == 0 && e.Score == nil && !v.Has("score") {
		v.Add("criteres", "Renseignez au moins un critère ou une note.")
	}
	e.Commentaire = strings.TrimSpace(e.Commentaire)
	if utf8.RuneCountInString(e.Commentaire) > MaxCommentaire {
		v.Add("commentaire", "Le commentaire ne doit pas dépasser 4 000 caractères.")
	}
	return v.Err()
}

// Etat is the state of a compétence or a bloc in training.
type Etat string

// The states shown in the livret and the promotion matrix.
const (
	NonEvaluee Etat = "non_evaluee"
	EnCours    Etat = "en_cours"    // evaluated, some critères acquired, not all yet
	Acquise    Etat = "acquise"     // every critère acquired (latest current result) and any pass mark reached
	NonAcquise Etat = "non_acquise" // evaluated, nothing of it acquired yet
)

// Libelle is the French label of a state.
func (e Etat) Libelle() string {
	return map[Etat]string{NonEvaluee: "Non évaluée", EnCours: "En cours", Acquise: "Acquise", NonAcquise: "Non acquise"}[e]
}

// FormesOf returns the forms the référentiel gives compétence c for its evaluation in training.
func FormesOf(c *referentiel.Competence) []referentiel.Forme {
	if c == nil || c.EvaluationFormation == nil {
		return nil
	}
	return c.EvaluationFormation.Forme
}

// HorsReferentiel lists the compétences of e (among comps) whose référentiel does not give
// e's form.
func (e *Evaluation) HorsReferentiel(comps map[string]*referentiel.Competence) []string {
	var out []string
	for _, code := range e.Competences {
		if c := comps[code]; c != nil && !slices.Contains(FormesOf(c), e.Forme) {
			out = append(out, code)
		}
	}
	return out
}

// checkForme applies the référentiel's form (seed: each compétence has its form): a form the
// référentiel does not give a compétence needs a written reason of at most MaxMotifForme
// characters; with the référentiel's form, a reason is not kept.
func (e *Evaluation) checkForme(comps map[string]*referentiel.Competence, v *apperr.Validation) {
	e.MotifForme = strings.TrimSpace(e.MotifForme)
	if !e.Forme.Valid() {
		return
	}
	hors := e.HorsReferentiel(comps)
	switch {
	case len(hors) == 0:
		e.MotifForme = ""
	case e.MotifForme == "":
		var attendu []string
		for _, f := range FormesOf(comps[hors[0]]) {
			attendu = append(attendu, lowerForme(f))
		}
		msg := fmt.Sprintf("Le référentiel n'évalue pas %s par « %s »", hors[0], lowerForme(e.Forme))
		if len(attendu) > 0 {
			msg += fmt.Sprintf(" (forme prévue : %s)", strings.Join(attendu, ", "))
		}
		v.Add("motif_forme", msg+" : indiquez le motif de cette autre forme.")
	case utf8.RuneCountInString(e.MotifForme) > MaxMotifForme:
		v.Add("motif_forme", "Le motif ne doit pas dépasser 500 caractères.")
	}
}

// lowerForme is a form's label inside a sentence: « étude de cas », « TP ».
func lowerForme(f referentiel.Forme) string {
	l := f.Libelle()
	if l == strings.ToUpper(l) {
		return l
	}
	return strings.ToLower(l)
}
