package livret

import (
	"sort"
	"strings"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

// Decision is the référent's decision on an end-of-bloc project.
type Decision string

// The decisions; "" means the project awaits a decision.
const (
	Valide  Decision = "valide"
	Refuse  Decision = "refuse"
	Attente Decision = ""
)

// Projet is a candidate's end-of-bloc project (R4): the submission and the référent's decision.
type Projet struct {
	ID            int64
	InscriptionID int64
	Bloc          string
	Titre         string
	Description   string
	URL           string
	SoumisLe      time.Time
	SoumisPar     int64
	Decision      Decision
	DecisionPar   int64
	DecisionLe    time.Time
	Commentaire   string // the référent's comment on the decision
}

// ValidateSubmission checks the submitted fields.
func (p *Projet) ValidateSubmission() error {
	v := apperr.NewValidation()
	p.Titre = strings.TrimSpace(p.Titre)
	p.Description = strings.TrimSpace(p.Description)
	p.URL = strings.TrimSpace(p.URL)
	if p.Titre == "" {
		v.Add("titre", "Le titre du projet est obligatoire.")
	} else if len([]rune(p.Titre)) > 200 {
		v.Add("titre", "Le titre ne doit pas dépasser 200 caractères.")
	}
	if len([]rune(p.Description)) > 8000 {
		v.Add("description", "La description ne doit pas dépasser 8 000 caractères.")
	}
	switch {
	case p.URL != "" && !strings.HasPrefix(p.URL, "https://") && !strings.HasPrefix(p.URL, "http://"):
		v.Add("url", "Le lien doit commencer par https:// ou http://.")
	case len(p.URL) > 2000:
		v.Add("url", "Le lien ne doit pas dépasser 2 000 caractères.")
	}
	return v.Err()
}

// ValidateDecision checks a decision: a refusal needs a comment saying what to rework.
func ValidateDecision(d Decision, commentaire string) error {
	v := apperr.NewValidation()
	switch d {
	case Valide:
	case Refuse:
		if strings.TrimSpace(commentaire) == "" {
			v.Add("commentaire", "Expliquez ce qui reste à reprendre.")
		}
	default:
		v.Add("decision", "Choisissez : validé ou refusé.")
	}
	if len([]rune(strings.TrimSpace(commentaire))) > MaxCommentaire {
		v.Add("commentaire", "Le commentaire ne doit pas dépasser 4 000 caractères.")
	}
	return v.Err()
}

// CompetenceState is a compétence's state in training (R4), derived from the current
// (not superseded) entries of the livret.
type CompetenceState struct {
	Code     string
	Intitule string
	Etat     Etat
	// Criteres is, per critère of the compétence in the référentiel's order, its latest
	// current result ("" when no current entry evaluates it) and the entry that gave it.
	Criteres []CritereState
	// Score is the latest current entry covering the compétence with a score and a pass mark, or nil.
	Score *Evaluation
	// Derniere is the latest current (not superseded) entry covering the compétence, or nil.
	Derniere *Evaluation
	// Historique lists every entry covering the compétence, newest first, superseded included.
	Historique []*Evaluation
}

// CritereState is one critère's latest current result.
type CritereState struct {
	Code     string
	Libelle  string
	Resultat Resultat
	Par      *Evaluation // the entry that gave Resultat, nil when not evaluated
}

// Acquis counts the critères whose latest current result is acquis.
func (c *CompetenceState) Acquis() int {
	n := 0
	for _, k := range c.Criteres {
		if k.Resultat == Acquis {
			n++
		}
	}
	return n
}

// ScoreReached reports whether the latest score with a pass mark reaches it (true without one).
func (c *CompetenceState) ScoreReached() bool {
	return c.Score == nil || *c.Score.Score >= *c.Score.Seuil
}

// StateOf derives the state of compétence c from entries, newest first (see Compute): the
// compétence is acquise when every one of its critères has acquis as its latest current result
// and the latest current score with a pass mark reaches it; non acquise when entries evaluate
// it but nothing of it is acquired yet (every critère evaluated is non acquis, or the score
// misses its pass mark with no critère acquis); en cours in between; non évaluée without any
// current entry. Several entries may each cover some critères (a quiz, then a TP).
func StateOf(c *referentiel.Competence, newestFirst []*Evaluation) CompetenceState {
	cs := CompetenceState{Code: c.Code, Intitule: c.Intitule, Etat: NonEvaluee}
	for _, k := range c.Criteres {
		cs.Criteres = append(cs.Criteres, CritereState{Code: k.Code, Libelle: k.Libelle})
	}
	for _, e := range newestFirst {
		if !covers(e, c.Code) {
			continue
		}
		cs.Historique = append(cs.Historique, e)
		if e.RemplaceePar != 0 {
			continue // superseded: its results no longer count
		}
		if cs.Derniere == nil {
			cs.Derniere = e
		}
		if cs.Score == nil && e.Score != nil && e.Seuil != nil {
			cs.Score = e
		}
		for i := range cs.Criteres {
			k := &cs.Criteres[i]
			if r := e.Criteres[k.Code]; k.Par == nil && (r == Acquis || r == NonAcquis) {
				k.Resultat, k.Par = r, e
			}
		}
	}
	acquis, evalues, scored := 0, 0, false
	for _, e := range cs.Historique {
		scored = scored || (e.RemplaceePar == 0 && e.Score != nil)
	}
	for _, k := range cs.Criteres {
		if k.Par != nil {
			evalues++
		}
		if k.Resultat == Acquis {
			acquis++
		}
	}
	scoreOK := cs.ScoreReached()
	switch {
	case evalues == 0 && !scored:
		cs.Etat = NonEvaluee
	case acquis == len(cs.Criteres) && scoreOK && (len(cs.Criteres) > 0 || cs.Score != nil):
		cs.Etat = Acquise
	case acquis == 0 && (evalues > 0 || !scoreOK) && !(cs.Score != nil && scoreOK):
		cs.Etat = NonAcquise
	default:
		cs.Etat = EnCours
	}
	return cs
}

// BlocState is a bloc's state in training (R4).
type BlocState struct {
	Code        string
	Numero      int
	Intitule    string
	Sujet       string // the end-of-bloc project's subject, from the référentiel
	Competences []CompetenceState
	Projet      *Projet
	// Valide is true when every compétence is acquired and the référent validated the project.
	Valide bool
}

// Acquises counts the bloc's acquired compétences.
func (b *BlocState) Acquises() int {
	n := 0
	for _, c := range b.Competences {
		if c.Etat == Acquise {
			n++
		}
	}
	return n
}

// Link fills RemplaceePar from the Remplace links, in place.
func Link(evals []Evaluation) {
	by := make(map[int64]int, len(evals))
	for i := range evals {
		by[evals[i].ID] = i
		evals[i].RemplaceePar = 0
	}
	for i := range evals {
		if j, ok := by[evals[i].Remplace]; ok && evals[i].Remplace != 0 {
			evals[j].RemplaceePar = evals[i].ID
		}
	}
}

// Compute returns the state of every bloc of ref aimed at (all when blocs is empty) from the
// inscription's evaluations and projects. evals are linked in place (see Link).
func Compute(ref *referentiel.Referentiel, blocs []string, evals []Evaluation, projets []Projet) []BlocState {
	Link(evals)
	ordered := make([]*Evaluation, len(evals))
	for i := range evals {
		ordered[i] = &evals[i]
	}
	sort.SliceStable(ordered, func(i, j int) bool { // newest first
		if !ordered[i].Date.Equal(ordered[j].Date) {
			return ordered[i].Date.After(ordered[j].Date)
		}
		return ordered[i].ID > ordered[j].ID
	})
	aimed := map[string]bool{}
	for _, b := range blocs {
		aimed[b] = true
	}
	var out []BlocState
	for _, b := range ref.Blocs {
		if len(blocs) > 0 && !aimed[b.Code] {
			continue
		}
		bs := BlocState{Code: b.Code, Numero: b.Numero, Intitule: b.Intitule, Sujet: b.ProjetFinDeBloc}
		all := true
		for i := range b.Competences {
			c := &b.Competences[i]
			cs := StateOf(c, ordered)
			all = all && cs.Etat == Acquise
			bs.Competences = append(bs.Competences, cs)
		}
		for i := range projets {
			if projets[i].Bloc == b.Code {
				bs.Projet = &projets[i]
			}
		}
		bs.Valide = all && bs.Projet != nil && bs.Projet.Decision == Valide
		out = append(out, bs)
	}
	return out
}

func covers(e *Evaluation, code string) bool {
	for _, c := range e.Competences {
		if c == code {
			return true
		}
	}
	return false
}
