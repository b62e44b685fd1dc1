// Package livret models the livret d'évaluation et de suivi of a candidate in training
// (R2–R4): the in-training evaluations, never overwritten (a correction supersedes), the
// end-of-bloc projects validated by the référent, and the state of each compétence and bloc.
package livret

import (
	"fmt"
	"math"
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

// Evaluation is one in-training evaluation entry of the livret. Entries are immutable: a
// correction is a new entry whose Remplace names the entry it supersedes.
type Evaluation struct {
	ID            int64
	InscriptionID int64
	Competences   []string // the compétence(s) evaluated
	Forme         referentiel.Forme
	Date          time.Time // the day of the evaluation
	EvaluateurID  int64     // the formateur (or référent) who evaluated
	Evaluateur    string    // display name, filled by the store on reads
	Criteres      map[string]Resultat
	Score         *float64
	Bareme        *float64 // the maximum score
	Seuil         *float64 // the pass mark
	Commentaire   string
	Remplace      int64 // id of the superseded entry, 0 for a first entry
	RemplaceePar  int64 // filled on reads: the entry that supersedes this one, 0 if current
	CreatedAt     time.Time
	CreatedBy     int64
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
