package edition

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/livret"
)

func day0(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

func seance(module, debut, fin string, prevues, realisees float64) Seance {
	return Seance{Seance: candidat.Seance{Debut: day0(debut), Fin: day0(fin), HeuresPrevues: prevues, HeuresRealisees: realisees},
		Module: module, Competences: []string{"C1.1"}}
}

// TestAttestation: the attestation attests what was done (issue 7): only the modules ended
// with hours done, with their real dates and hours, dated no earlier than the last of them,
// with the centre's NDA, the nature, objectives and the results per bloc (L6353-1).
func TestAttestation(t *testing.T) {
	d := &Dossier{Candidat: candidat.Candidat{NomNaissance: "Moreau"}, Ref: ref(t), Certification: "Community Manager",
		Inscription: candidat.Inscription{CentreID: 2, Voie: candidat.FormationContinue, BlocsVises: []string{"BC01", "BC02"}},
		Projets:     []livret.Projet{{Bloc: "BC01", Titre: "Veille", Decision: livret.Attente}}}
	h := Header([]account.Organisme{{ID: 2, Nom: "Campus Numérique Lyon"}}, d)
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

	// Nothing planned, then only a module in January 2027: nothing to attest, and why.
	for _, tc := range []struct {
		seances []Seance
		want    string
	}{
		{nil, "Aucun module n'est planifié"},
		{[]Seance{seance("Veille", "2027-01-04", "2027-01-15", 35, 0)}, "le premier module, « Veille », débute le 4\u00a0janvier\u00a02027"},
		{[]Seance{seance("Veille", "2026-11-30", "2026-12-11", 35, 7)}, "Aucun module n'est encore terminé"},
		{[]Seance{seance("Veille", "2026-11-02", "2026-11-13", 35, 0)}, "Le module terminé n'a aucune heure réalisée saisie"},
	} {
		_, err := Attestation(h, d, tc.seances, "Sophie Girard", "84691234569", now)
		var v *apperr.Validation
		if !errors.As(err, &v) || !strings.Contains(v.Fields["planning"], tc.want) || !strings.Contains(v.Fields["planning"], "atteste ce qui a été fait") {
			t.Errorf("%d séances: err = %v, want %q", len(tc.seances), err, tc.want)
		}
	}

	seances := []Seance{
		seance("Veille", "2026-09-07", "2026-09-18", 35, 33.5),
		seance("Stratégie", "2026-10-05", "2026-12-03", 28, 28), // ends today: followed
		seance("Blog", "2026-11-30", "2026-12-11", 42, 7),       // under way
		seance("Animation", "2027-01-04", "2027-01-15", 49, 0),  // planned for January 2027
		seance("Rattrapage", "2026-10-01", "2026-10-02", 7, 0),  // ended, not attended
	}
	a, err := Attestation(h, d, seances, "Sophie Girard", "84691234569", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Modules) != 2 || a.Modules[0].Intitule != "Veille" || a.Modules[1].Intitule != "Stratégie" || a.Modules[0].HeuresRealisees != 33.5 {
		t.Errorf("modules = %+v", a.Modules)
	}
	if a.Date.Before(day0("2026-12-03")) || a.NDA != "84691234569" || a.Lieu != "Lyon" || a.Signataire != "Sophie Girard" {
		t.Errorf("attestation = date %v, NDA %q, lieu %q", a.Date, a.NDA, a.Lieu)
	}
	if !strings.Contains(a.Nature, "L6313-1, 1°") || !strings.Contains(a.Nature, "« Community Manager »") {
		t.Errorf("nature = %q", a.Nature)
	}
	if len(a.Objectifs) != 2 || !strings.HasPrefix(a.Objectifs[0], "bloc 1 « ") {
		t.Errorf("objectifs = %v", a.Objectifs)
	}
	if len(a.Resultats) != 2 || a.Resultats[0].Projet != "en attente" || a.Resultats[0].Total != 6 || a.Resultats[0].Etat != "En cours" ||
		a.Resultats[1].Etat != "Non évalué" || a.Resultats[1].Projet != "non remis" {
		t.Errorf("résultats = %+v", a.Resultats)
	}
	// A clock behind the last séance (a séance recorded ahead): the date follows the séance.
	a, _ = Attestation(h, d, []Seance{seance("Veille", "2026-09-07", "2026-09-18", 35, 35)}, "S", "84691234569", day0("2026-09-18"))
	if a.Date.Before(day0("2026-09-18")) {
		t.Errorf("dated %v, before the séance", a.Date)
	}
	// An apprentice's action is an apprenticeship (L6313-1, 4°).
	d.Inscription.Voie = candidat.Apprentissage
	if a, _ := Attestation(h, d, seances, "S", "84691234569", now); !strings.Contains(a.Nature, "4°") {
		t.Errorf("apprenticeship nature = %q", a.Nature)
	}
	if got := lieuOf(""); got != "—" {
		t.Errorf("lieuOf empty = %q", got)
	}
}
