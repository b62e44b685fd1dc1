package dossier

import (
	"fmt"
	"strings"
	"testing"
)

func TestCountWords(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"   \n\t ", 0},
		{"Bonjour le monde", 3},
		{"l'image", 1},
		{"l’image des mots-clés", 3},
		{"entre 200–250 mots", 3},
		{"Résumé : un projet — réussi !", 4},
		{"deux\u00a0mots", 2}, // a no-break space is a space
		{"deux\u202fmots", 2},
		{"a\nb\tc", 3},
		{"KPI (indicateurs)", 2},
	} {
		if got := CountWords(c.text); got != c.want {
			t.Errorf("CountWords(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}

func TestCharsWithoutSpaces(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"é à", 2},
		{"l'image", 7},
		{"a\u00a0b\u202fc\fd\x00", 4},
		{strings.Repeat("mot ", 250), 750},
	} {
		if got := CharsWithoutSpaces(c.text); got != c.want {
			t.Errorf("CharsWithoutSpaces(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}

// The sections of the stratégie digitale (item 6) as the référentiel words them.
var strategie = []string{
	"Le diagnostic initial & le benchmark sectoriel",
	"La stratégie de communication",
	"Le plan éditorial",
	"La stratégie de référencement & les mots-clés du projet",
	"La stratégie de gestion de crise",
	"La description de la veille et les indicateurs de performance (KPI) mis en place",
	"L'analyse des résultats et des préconisations d'amélioration",
	"La liste des sources et outils utilisés dans le cadre du projet",
}

func TestSections(t *testing.T) {
	for _, c := range []struct {
		name     string
		headings []string
		want     string // one letter per label: x found, . missing
	}{
		{"none", nil, "........"},
		{"numbered", []string{"3. Stratégie de gestion de crise"}, "....x..."},
		{"upper case without accents", []string{"STRATEGIE DE GESTION DE CRISE"}, "....x..."},
		{"roman numbering", []string{"II - La stratégie de communication"}, ".x......"},
		{"letter numbering", []string{"a) Plan editorial"}, "..x....."},
		{"decomposed accents", []string{"Le plan e\u0301ditorial"}, "..x....."},
		{"one shared word only", []string{"Stratégie de référencement"}, "...x...."},
		{"shared generic word", []string{"Stratégie"}, "........"},
		{"unique word", []string{"Benchmark", "KPIs"}, "x....x.."},
		{"shortened", []string{"Analyse des résultats", "Sources et outils", "Veille et KPI"}, ".....xxx"},
		{"heading with words of its own", []string{"1.2 La stratégie de communication sur les réseaux sociaux"}, ".x......"},
		{"long heading", []string{"5. La stratégie de gestion de crise face aux bad buzz sur les réseaux"}, "....x..."},
		{"subtitle", []string{"Gestion de crise : prévenir, détecter et répondre aux bad buzz sur les réseaux sociaux"}, "....x..."},
		{"body text naming a section", []string{"Nous avons défini la stratégie de communication en lien avec l'équipe marketing afin de"}, "........"},
		{"all", []string{"1. Diagnostic initial et benchmark", "2. Stratégie de communication", "3. Plan éditorial",
			"4. Référencement et mots-clés", "5. Gestion de crise", "6. Veille et indicateurs de performance",
			"7. Analyse des résultats et préconisations", "8. Sources et outils"}, "xxxxxxxx"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Sections(strategie, c.headings)
			var b strings.Builder
			for _, f := range got {
				if f {
					b.WriteByte('x')
				} else {
					b.WriteByte('.')
				}
			}
			if b.String() != c.want {
				t.Errorf("Sections(%q) = %s, want %s", c.headings, b.String(), c.want)
			}
		})
	}
}

// TestSectionsNotAnother: a heading of one section never stands for a different one that
// shares a word with it.
func TestSectionsNotAnother(t *testing.T) {
	got := Sections([]string{"La stratégie de communication"}, []string{"Stratégie de référencement", "Communication"})
	if got[0] != true { // « Communication » alone: the only label with that word
		t.Errorf("a unique word: %v", got)
	}
	got = Sections([]string{"La stratégie de communication", "La stratégie de référencement"},
		[]string{"Stratégie de gestion de crise", "Stratégie"})
	if got[0] || got[1] {
		t.Errorf("stratégie de gestion de crise matched %v", got)
	}
}

// TestSectionsOfTheReferentiel: the headings candidates write for the cahier des
// spécifications (item 7) and the slides of the support de présentation (R16).
func TestSectionsOfTheReferentiel(t *testing.T) {
	cahier := []string{
		"Les éléments techniques liés à la mise en place du blog",
		"Les aspects techniques du référencement naturel",
		"Les maquettes des écrans",
		"Les principales fonctionnalités",
	}
	got := Sections(cahier, []string{"1. Mise en place technique du blog", "2. Référencement naturel (SEO)", "3. Maquettes", "4. Fonctionnalités principales"})
	if fmt.Sprint(got) != "[true true true true]" {
		t.Errorf("cahier: %v", got)
	}
	if got := Sections(cahier, []string{"Aspects techniques"}); fmt.Sprint(got) != "[false false false false]" {
		t.Errorf("« Aspects techniques » is two sections' word: %v", got)
	}
	canevas := []string{
		"Présentation du benchmark, de l'entreprise et/ou du contexte du projet (cahier des charges, environnement humain et technique)",
		"La stratégie de communication",
		"Présentation des difficultés rencontrés et des solutions apportées",
		"Une conclusion",
	}
	for _, c := range []struct {
		slides []string
		want   string
	}{
		{[]string{"Contexte et benchmark", "Stratégie de communication", "Difficultés rencontrées", "Conclusion"}, "[true true true true]"},
		{[]string{"Présentation", "Présentation du projet", "Merci de votre attention"}, "[false false false false]"},
		{[]string{"Présentation de l'entreprise", "Difficultés et solutions"}, "[true false true false]"},
	} {
		if got := fmt.Sprint(Sections(canevas, c.slides)); got != c.want {
			t.Errorf("slides %q: %s, want %s", c.slides, got, c.want)
		}
	}
}
