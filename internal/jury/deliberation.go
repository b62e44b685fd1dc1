package jury

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

// The deliberation per bloc (R18): the system proposes, the jury decides.

// Decision is the jury's decision on a bloc.
type Decision string

// The decisions.
const (
	Valide    Decision = "valide"
	NonValide Decision = "non_valide"
)

// Valid reports whether d is a decision.
func (d Decision) Valid() bool { return d == Valide || d == NonValide }

// Libelle is the decision as shown to a user.
func (d Decision) Libelle() string {
	if d == Valide {
		return "validé"
	}
	return "non validé"
}

// Proposition is the system's proposal for one bloc, with what it rests on.
type Proposition struct {
	Bloc        string
	Decision    Decision
	Acquises    []string // the bloc's compétences the jury's grids acquire
	NonAcquises []string
}

// Propose is the proposal per bloc presented, in référentiel order: validated when the share
// of its compétences acquired (Acquises over the jurors' grids) reaches r.SeuilBloc (by
// default 1: each compétence).
func Propose(blocs []referentiel.Bloc, acquises map[string]bool, r Regles) []Proposition {
	r = r.WithDefaults()
	var out []Proposition
	for _, b := range blocs {
		p := Proposition{Bloc: b.Code, Decision: NonValide}
		for _, c := range b.Competences {
			if acquises[c.Code] {
				p.Acquises = append(p.Acquises, c.Code)
			} else {
				p.NonAcquises = append(p.NonAcquises, c.Code)
			}
		}
		if n := len(b.Competences); n > 0 && float64(len(p.Acquises)) >= r.SeuilBloc*float64(n)-1e-9 {
			p.Decision = Valide
		}
		out = append(out, p)
	}
	return out
}

// BlocDecision is the jury's decision on one bloc, as the président records it.
type BlocDecision struct {
	Decision      Decision `json:"decision"`
	Motif         string   `json:"motif"`
	ResteAEvaluer string   `json:"reste_a_evaluer"`
}

// MaxMotif bounds a reason and the « reste à évaluer » text.
const MaxMotif = 2000

// CheckDecisions validates the decisions of a passage against the blocs presented and the
// proposal: one decision per bloc presented, none for another bloc; a reason always (R18:
// « les motifs »), and a written reason when it departs from the proposal; for a bloc not
// validated, what remains to be evaluated. Errors are on « blocs.BC01.motif » and the like.
func CheckDecisions(d map[string]BlocDecision, props []Proposition) error {
	v := apperr.NewValidation()
	presented := map[string]Decision{}
	for _, p := range props {
		presented[p.Bloc] = p.Decision
		bd, ok := d[p.Bloc]
		place := "blocs." + p.Bloc
		switch {
		case !ok:
			v.Add(place+".decision", fmt.Sprintf("Décidez du bloc %s : validé ou non validé.", p.Bloc))
			continue
		case !bd.Decision.Valid():
			v.Add(place+".decision", fmt.Sprintf("Bloc %s : choisissez « valide » ou « non_valide ».", p.Bloc))
			continue
		}
		motif, reste := strings.TrimSpace(bd.Motif), strings.TrimSpace(bd.ResteAEvaluer)
		switch {
		case motif == "" && bd.Decision != p.Decision:
			v.Add(place+".motif", fmt.Sprintf("Bloc %s : la décision s’écarte de la proposition (%s) ; écrivez-en la raison.", p.Bloc, p.Decision.Libelle()))
		case motif == "":
			v.Add(place+".motif", fmt.Sprintf("Bloc %s : indiquez les motifs de la décision.", p.Bloc))
		case utf8.RuneCountInString(motif) > MaxMotif:
			v.Add(place+".motif", "Les motifs ne peuvent dépasser 2 000 caractères.")
		}
		switch {
		case bd.Decision == NonValide && reste == "":
			v.Add(place+".reste_a_evaluer", fmt.Sprintf("Bloc %s non validé : indiquez ce qui reste à évaluer.", p.Bloc))
		case utf8.RuneCountInString(reste) > MaxMotif:
			v.Add(place+".reste_a_evaluer", "Ce texte ne peut dépasser 2 000 caractères.")
		}
	}
	for code := range d {
		if _, ok := presented[code]; !ok {
			v.Add("blocs."+clip(code)+".decision", fmt.Sprintf("Le bloc « %s » n’est pas présenté à ce passage.", clip(code)))
		}
	}
	return v.Err()
}
