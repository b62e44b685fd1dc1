package jury

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/input"
	"github.com/certif/certif/internal/referentiel"
)

// The grille d'évaluation of a passage (R8, R9): generated from the référentiel for the blocs
// the candidate presents; each juror fills their own; the jury's view is their consolidation.

// Note is a juror's rating of a critère or of an aspect of the entretien final.
type Note string

// The ratings.
const (
	Acquis    Note = "acquis"
	NonAcquis Note = "non_acquis"
	NonEvalue Note = "non_evalue"
)

// Valid reports whether n is a rating.
func (n Note) Valid() bool { return n == Acquis || n == NonAcquis || n == NonEvalue }

// Libelle is the rating as shown to a user.
func (n Note) Libelle() string {
	switch n {
	case Acquis:
		return "acquis"
	case NonAcquis:
		return "non acquis"
	}
	return "non évalué"
}

// MaxRemarque bounds every free text of a grid (a remark, the questions and answers).
const MaxRemarque = 4000

// CritereNote is one critère's ratings at the project presentation and at the entretien technique.
type CritereNote struct {
	Code         string `json:"code"`
	Presentation Note   `json:"presentation"`
	Entretien    Note   `json:"entretien"`
	Remarque     string `json:"remarque"`
}

// Note is the critère's rating by this juror: the entretien technique's when given (it comes
// after the presentation and checks it, R8), else the presentation's.
func (c CritereNote) Note() Note {
	if c.Entretien == Acquis || c.Entretien == NonAcquis {
		return c.Entretien
	}
	if c.Presentation == Acquis || c.Presentation == NonAcquis {
		return c.Presentation
	}
	return NonEvalue
}

// CompetenceNote is one compétence of the grid: whether the project covers it (from the
// dossier), the questions and answers of the entretien technique, and its critères.
type CompetenceNote struct {
	Code      string        `json:"code"`
	Bloc      string        `json:"bloc"`
	Couverte  bool          `json:"couverte"`
	Questions string        `json:"questions"`
	Criteres  []CritereNote `json:"criteres"`
}

// Acquise reports whether this juror acquires the compétence: each of its critères acquis.
func (c CompetenceNote) Acquise() bool {
	if len(c.Criteres) == 0 {
		return false
	}
	for _, k := range c.Criteres {
		if k.Note() != Acquis {
			return false
		}
	}
	return true
}

// EntretienFinal is the appraisal of the entretien final (R9).
type EntretienFinal struct {
	Comprehension Note   `json:"comprehension"`
	Vision        Note   `json:"vision"`
	Culture       Note   `json:"culture"`
	Remarque      string `json:"remarque"`
}

// Grille is one juror's grid for a passage.
type Grille struct {
	Version        int64            `json:"version"` // 0: never saved
	Competences    []CompetenceNote `json:"competences"`
	EntretienFinal EntretienFinal   `json:"entretien_final"`
}

// Vierge is the blank grid of the blocs presented: every compétence in référentiel order,
// covered when couvertes says so, every rating non évalué.
func Vierge(blocs []referentiel.Bloc, couvertes map[string]bool) Grille {
	g := Grille{EntretienFinal: EntretienFinal{Comprehension: NonEvalue, Vision: NonEvalue, Culture: NonEvalue}}
	for _, b := range blocs {
		for _, c := range b.Competences {
			cn := CompetenceNote{Code: c.Code, Bloc: b.Code, Couverte: couvertes[c.Code]}
			for _, k := range c.Criteres {
				cn.Criteres = append(cn.Criteres, CritereNote{Code: k.Code, Presentation: NonEvalue, Entretien: NonEvalue})
			}
			g.Competences = append(g.Competences, cn)
		}
	}
	return g
}

// OrdreEntretien is the order of the compétences in the entretien technique: those the
// project does not cover first (R8), then the covered ones, each group in référentiel order.
func (g Grille) OrdreEntretien() []int {
	var out []int
	for _, couverte := range []bool{false, true} {
		for i, c := range g.Competences {
			if c.Couverte == couverte {
				out = append(out, i)
			}
		}
	}
	return out
}

// Merge returns the blank grid g filled with the values of in: the structure (compétences,
// critères, coverage) is g's, the ratings and texts in's. A rating left empty is non évalué;
// an unknown compétence or critère, an unknown rating or a text too long is refused with a
// *apperr.Validation whose fields name the place (« C1.1/C1.1.a/presentation »).
func (g Grille) Merge(in Grille) (Grille, error) {
	v := apperr.NewValidation()
	out := Grille{Version: in.Version}
	byCode := map[string]CompetenceNote{}
	for _, c := range in.Competences {
		if _, twice := byCode[c.Code]; twice {
			v.Add(clip(c.Code), fmt.Sprintf("La compétence « %s » figure deux fois dans la grille.", clip(c.Code)))
		}
		byCode[c.Code] = c
	}
	known := map[string]bool{}
	for _, base := range g.Competences {
		known[base.Code] = true
		c, given := byCode[base.Code]
		cn := CompetenceNote{Code: base.Code, Bloc: base.Bloc, Couverte: base.Couverte}
		if given {
			cn.Questions = text(v, base.Code+"/questions", c.Questions)
		}
		ks := map[string]CritereNote{}
		for _, k := range c.Criteres {
			if _, twice := ks[k.Code]; twice {
				v.Add(base.Code+"/"+clip(k.Code), fmt.Sprintf("Le critère « %s » figure deux fois pour la compétence %s.", clip(k.Code), base.Code))
			}
			ks[k.Code] = k
		}
		kknown := map[string]bool{}
		for _, bk := range base.Criteres {
			kknown[bk.Code] = true
			k := ks[bk.Code]
			place := base.Code + "/" + bk.Code
			cn.Criteres = append(cn.Criteres, CritereNote{
				Code:         bk.Code,
				Presentation: note(v, place+"/presentation", k.Presentation),
				Entretien:    note(v, place+"/entretien", k.Entretien),
				Remarque:     text(v, place+"/remarque", k.Remarque),
			})
		}
		for _, k := range c.Criteres {
			if !kknown[k.Code] {
				v.Add(base.Code+"/"+clip(k.Code), fmt.Sprintf("Critère inconnu pour la compétence %s : « %s ».", base.Code, clip(k.Code)))
			}
		}
		out.Competences = append(out.Competences, cn)
	}
	for _, c := range in.Competences {
		if !known[c.Code] {
			v.Add(clip(c.Code), fmt.Sprintf("Compétence inconnue dans cette grille : « %s ».", clip(c.Code)))
		}
	}
	f := in.EntretienFinal
	out.EntretienFinal = EntretienFinal{
		Comprehension: note(v, "entretien_final/comprehension", f.Comprehension),
		Vision:        note(v, "entretien_final/vision", f.Vision),
		Culture:       note(v, "entretien_final/culture", f.Culture),
		Remarque:      text(v, "entretien_final/remarque", f.Remarque),
	}
	if err := v.Err(); err != nil {
		return Grille{}, err
	}
	return out, nil
}

func note(v *apperr.Validation, place string, n Note) Note {
	if n == "" {
		return NonEvalue
	}
	if !n.Valid() {
		v.Add(place, "Choisissez « acquis », « non acquis » ou « non évalué ».")
		return NonEvalue
	}
	return n
}

func text(v *apperr.Validation, place, s string) string {
	s = strings.TrimSpace(input.Clean(s, true))
	if utf8.RuneCountInString(s) > MaxRemarque {
		v.Add(place, "Ce texte ne peut dépasser 4 000 caractères.")
	}
	return s
}

// Acquises is the jury's consolidation of its jurors' grids: a compétence is acquired when
// more than half of the grids acquire it (a tie is not a majority: the jury decides and may
// override the proposal with a reason). A juror who has not saved counts as not acquiring.
func Acquises(grilles []Grille) map[string]bool {
	votes := map[string]int{}
	for _, g := range grilles {
		for _, c := range g.Competences {
			if c.Acquise() {
				votes[c.Code]++
			}
		}
	}
	out := map[string]bool{}
	for code, n := range votes {
		out[code] = 2*n > len(grilles)
	}
	return out
}

// Consolidee is the jury's grid: the structure of base, each rating the majority of the
// jurors' ratings (non évalué when no rating has a majority), the remarks and the questions
// one a line, each prefixed with its author's name (noms[i] wrote grilles[i]): « Marc Lefèvre :
// Très clair. ». A missing or empty name leaves the text unprefixed.
func Consolidee(base Grille, grilles []Grille, noms []string) Grille {
	out := Vierge(nil, nil)
	out.Competences = nil
	type key struct{ c, k, what string }
	counts := map[key]map[Note]int{}
	remarks := map[key][]string{}
	nom := ""
	add := func(k key, n Note, r string) {
		if counts[k] == nil {
			counts[k] = map[Note]int{}
		}
		counts[k][n]++
		if r = strings.TrimSpace(r); r != "" {
			if nom != "" {
				r = nom + " : " + r
			}
			remarks[k] = append(remarks[k], r)
		}
	}
	for i, g := range grilles {
		nom = ""
		if i < len(noms) {
			nom = strings.TrimSpace(noms[i])
		}
		for _, c := range g.Competences {
			add(key{c.Code, "", "questions"}, "", c.Questions)
			for _, k := range c.Criteres {
				add(key{c.Code, k.Code, "presentation"}, k.Presentation, k.Remarque)
				add(key{c.Code, k.Code, "entretien"}, k.Entretien, "")
			}
		}
		f := g.EntretienFinal
		add(key{"", "", "comprehension"}, f.Comprehension, f.Remarque)
		add(key{"", "", "vision"}, f.Vision, "")
		add(key{"", "", "culture"}, f.Culture, "")
	}
	major := func(k key) Note {
		for n, c := range counts[k] {
			if n.Valid() && 2*c > len(grilles) {
				return n
			}
		}
		return NonEvalue
	}
	for _, c := range base.Competences {
		cn := CompetenceNote{Code: c.Code, Bloc: c.Bloc, Couverte: c.Couverte,
			Questions: strings.Join(remarks[key{c.Code, "", "questions"}], "\n")}
		for _, k := range c.Criteres {
			cn.Criteres = append(cn.Criteres, CritereNote{Code: k.Code,
				Presentation: major(key{c.Code, k.Code, "presentation"}),
				Entretien:    major(key{c.Code, k.Code, "entretien"}),
				Remarque:     strings.Join(remarks[key{c.Code, k.Code, "presentation"}], "\n")})
		}
		out.Competences = append(out.Competences, cn)
	}
	out.EntretienFinal = EntretienFinal{
		Comprehension: major(key{"", "", "comprehension"}),
		Vision:        major(key{"", "", "vision"}),
		Culture:       major(key{"", "", "culture"}),
		Remarque:      strings.Join(remarks[key{"", "", "comprehension"}], "\n"),
	}
	return out
}

// clip shortens a code echoed in a message (it came from the client).
func clip(s string) string {
	s = input.Clean(s, false)
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
