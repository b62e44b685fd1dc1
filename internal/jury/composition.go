package jury

import (
	"fmt"
	"slices"
	"strings"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

// Regles is what a certification requires of its juries (the référentiel YAML's optional
// certification.jury section; the defaults apply when absent): at least MinMembres members,
// and at least RatioExternes of them external to the certificateur and to the centre.
type Regles struct {
	MinMembres    int     // default 2
	RatioExternes float64 // default 0.5
	SeuilBloc     float64 // share of a bloc's compétences acquired to propose it validated; default 1
}

// The defaults (ecosystem: a président and at least one other member, half of them external).
const (
	DefaultMinMembres    = 2
	DefaultRatioExternes = 0.5
	DefaultSeuilBloc     = 1.0
)

// ReglesOf is the rule of a certification whose référentiel says j (nil: the defaults).
func ReglesOf(j *referentiel.JuryRegles) Regles {
	if j == nil {
		return Regles{}.WithDefaults()
	}
	return Regles{MinMembres: j.MinMembres, RatioExternes: j.RatioExternes, SeuilBloc: j.SeuilBloc}.WithDefaults()
}

// WithDefaults fills the zero fields of r with the defaults.
func (r Regles) WithDefaults() Regles {
	if r.MinMembres <= 0 {
		r.MinMembres = DefaultMinMembres
	}
	if r.RatioExternes <= 0 || r.RatioExternes > 1 {
		r.RatioExternes = DefaultRatioExternes
	}
	if r.SeuilBloc <= 0 || r.SeuilBloc > 1 {
		r.SeuilBloc = DefaultSeuilBloc
	}
	return r
}

// College is a juror's side of the profession.
type College string

// The colleges.
const (
	Employeur    College = "employeur"
	Salarie      College = "salarie"
	Independant  College = "independant"
	CollegeAucun College = ""
)

// Valid reports whether c is a college ("" is not).
func (c College) Valid() bool { return c == Employeur || c == Salarie || c == Independant }

// Membre is a member of a session's jury.
type Membre struct {
	UserID    int64
	Nom       string
	President bool
	Externe   bool // external to the certificateur and to the centre
}

// CheckComposition checks the jury membres against r (with defaults): one président exactly,
// at least r.MinMembres members, at least r.RatioExternes of them external. It returns a
// *apperr.Validation on "membres" with the reason in French, or nil.
func CheckComposition(membres []Membre, r Regles) error {
	r = r.WithDefaults()
	v := apperr.NewValidation()
	presidents, externes := 0, 0
	for _, m := range membres {
		if m.President {
			presidents++
		}
		if m.Externe {
			externes++
		}
	}
	switch {
	case presidents == 0:
		v.Add("membres", "Le jury n'a pas de président : désignez-en un parmi ses membres.")
	case presidents > 1:
		v.Add("membres", "Le jury a plusieurs présidents : il n'en faut qu'un.")
	case len(membres) < r.MinMembres:
		v.Add("membres", fmt.Sprintf("Le jury compte %d membre(s) ; la certification en exige au moins %d.", len(membres), r.MinMembres))
	case float64(externes) < r.RatioExternes*float64(len(membres)):
		v.Add("membres", fmt.Sprintf("Le jury compte %d membre(s) externe(s) sur %d ; au moins %s des membres doivent être externes au certificateur et au centre.",
			externes, len(membres), percent(r.RatioExternes)))
	}
	return v.Err()
}

func percent(r float64) string {
	if r == 0.5 {
		return "la moitié"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", r*100), "0"), ".") + " %"
}

// Lien is how a person stood to a candidate during the training.
type Lien string

// The links that make a juror not independent of a candidate.
const (
	AForme    Lien = "formé"  // a formateur of their séances or modules
	ATutore   Lien = "tutoré" // their tutor in the company
	AEvalue   Lien = "évalué" // recorded an evaluation of their livret or decided their project
	AucunLien Lien = ""
)

// Entrave is one juror who may not sit on a passage, and why.
type Entrave struct {
	UserID int64
	Nom    string
	Lien   Lien
}

// CheckIndependence refuses jurors (by account) who trained, tutored or evaluated the
// candidate: liens maps an account to its link with the candidate. The refusal is a
// *apperr.Validation on "user_ids" naming each member (by noms, the account's name).
func CheckIndependence(jurors []int64, liens map[int64]Lien, noms map[int64]string) error {
	var out []string
	for _, id := range jurors {
		if l := liens[id]; l != AucunLien {
			out = append(out, fmt.Sprintf("%s a %s ce candidat", noms[id], l))
		}
	}
	if len(out) == 0 {
		return nil
	}
	v := apperr.NewValidation()
	v.Add("user_ids", "Indépendance du jury : "+strings.Join(out, " ; ")+" : ce membre ne peut pas l'évaluer.")
	return v
}

// CheckJurors checks that every juror of a passage sits on the session's jury: a
// *apperr.Validation on "user_ids" naming the first account that does not.
func CheckJurors(jurors []int64, membres []Membre) error {
	if len(jurors) == 0 {
		v := apperr.NewValidation()
		v.Add("user_ids", "Choisissez au moins un membre du jury pour ce passage.")
		return v
	}
	for _, id := range jurors {
		if !slices.ContainsFunc(membres, func(m Membre) bool { return m.UserID == id }) {
			v := apperr.NewValidation()
			v.Add("user_ids", fmt.Sprintf("Le compte %d n'est pas membre du jury de cette session.", id))
			return v
		}
	}
	return nil
}
