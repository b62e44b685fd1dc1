package document

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// grille is a grid of two compétences, the second not covered by the project.
func grille(jure string) Grille {
	g := Grille{Header: header(), Candidat: lea(), Session: day(2027, 2, 15), Heure: "09:30", Lieu: "Lyon", Jure: jure,
		Confidentiel: true, Edite: day(2027, 2, 15), Entretien: []int{1, 0},
		Final: GrilleFinal{Comprehension: NoteAcquis, Vision: NoteNonAcquis, Remarque: "Vision à élargir."}}
	for i, code := range []string{"C1.1", "C1.2"} {
		c := GrilleCompetence{Code: code, Intitule: "Diagnostiquer l’image d’une marque", Bloc: "BC01 — Stratégie", Couverte: i == 0,
			Questions: "Q : Quels outils de veille ? R : Des alertes et un agrégateur."}
		for _, k := range []string{".1", ".2", ".3"} {
			c.Criteres = append(c.Criteres, GrilleCritere{Code: code + k, Libelle: "Les besoins utilisateurs sont pris en compte",
				Presentation: NoteAcquis, Entretien: NoteNonAcquis, Remarque: "Très « clair »."})
		}
		g.Competences = append(g.Competences, c)
	}
	return g
}

func TestRenderGrille(t *testing.T) {
	filled := renderBytes(t, func(b *bytes.Buffer) error { return RenderGrille(b, grille("Marc Lefèvre")) })
	text := flat(pdfText(t, filled))
	mustContain(t, text, "Grille d’évaluation du jury", "Session de validation du 15 février 2027", "Marc Lefèvre",
		"1. Présentation du projet", "2. Entretien technique", "3. Entretien final", "non couverte par le projet",
		"Des alertes et un agrégateur", "Vision à élargir.", "Très « clair ».", "Projet confidentiel", "Fait le 15 février 2027",
		"passage à 9 h 30")
	// The entretien technique takes the compétence not covered first.
	e := text[strings.Index(text, "2. Entretien technique"):]
	if strings.Index(e, "C1.2 Diagnostiquer") > strings.Index(e, "C1.1 Diagnostiquer") {
		t.Error("the uncovered compétence is not first in the entretien technique")
	}
	blank := renderBytes(t, func(b *bytes.Buffer) error { g := grille(""); return RenderGrille(b, g) })
	text = flat(pdfText(t, blank))
	mustContain(t, text, "Membre du jury :", "Fait le …… / …… / ………")
	if strings.Contains(text, "Des alertes") || strings.Contains(text, "Vision à élargir") {
		t.Error("the blank grid prints the juror's texts")
	}
	cons := grille("Jury")
	cons.Consolidee, cons.NbJures = true, 3
	cons.Edite = day(2027, 2, 16)
	text = flat(pdfText(t, renderBytes(t, func(b *bytes.Buffer) error { return RenderGrille(b, cons) })))
	// The consolidated grid is edited, not made by a juror: « Édité le », the session's date in
	// its header too.
	mustContain(t, text, "majorité des 3 membres", "Grille consolidée du jury", "Édité le 16 février 2027",
		"Grille consolidée du jury · session du 15 février 2027", "Session de validation du 15 février 2027")
	if strings.Contains(text, "Fait le") || strings.Contains(text, "09 h 30") {
		t.Errorf("consolidated grid: « Fait le » or « 09 h 30 »: %.400s", text)
	}
	// A name too long for the running header's half line: the header drops the session's day
	// (still in the title block) rather than run into the left half.
	cons.Candidat.Prenoms, cons.Candidat.NomNaissance = "Marie-Christine Éléonore", "de La Tour-Dupont-Montmorency"
	text = flat(pdfText(t, renderBytes(t, func(b *bytes.Buffer) error { return RenderGrille(b, cons) })))
	if strings.Contains(text, "· session du") || !strings.Contains(text, "Session de validation du 15 février 2027") {
		t.Errorf("long name: %.300s", text)
	}

	// Invalid input, named; a grid too long for the page budget is refused.
	err := RenderGrille(&bytes.Buffer{}, Grille{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "aucune compétence") {
		t.Errorf("empty grid: %v", err)
	}
	huge := grille("Marc Lefèvre")
	for range 12 {
		huge.Competences[0].Criteres = append(huge.Competences[0].Criteres, huge.Competences[0].Criteres...)
	}
	if err := RenderGrille(&bytes.Buffer{}, huge); !errors.Is(err, ErrInvalid) && err == nil {
		t.Errorf("a grid of %d critères: %v", len(huge.Competences[0].Criteres), err)
	}
}
