package candidat_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/referentiel"
)

var now = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

func valid() candidat.Candidat {
	return candidat.Candidat{NomNaissance: " Moreau ", Prenoms: []string{"Léa", ""}, Sexe: "f", DateNaissance: time.Date(1998, 3, 12, 0, 0, 0, 0, time.UTC),
		CommuneNaissance: "Lyon", CommuneNaissanceCode: "69123", Email: " Lea.Moreau@Exemple.FR "}
}

func TestCandidatValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(c *candidat.Candidat)
		field string
	}{
		{"valid and normalised", func(c *candidat.Candidat) {}, ""},
		{"born abroad needs no INSEE code", func(c *candidat.Candidat) { c.CommuneNaissanceCode, c.PaysNaissance = "", "Maroc" }, ""},
		{"Corsica", func(c *candidat.Candidat) { c.CommuneNaissanceCode = "2A004" }, ""},
		{"no birth name", func(c *candidat.Candidat) { c.NomNaissance = " " }, "nom_naissance"},
		{"four prénoms", func(c *candidat.Candidat) { c.Prenoms = []string{"A", "B", "C", "D"} }, "prenoms"},
		{"sexe", func(c *candidat.Candidat) { c.Sexe = "X" }, "sexe"},
		{"too young", func(c *candidat.Candidat) { c.DateNaissance = now.AddDate(-10, 0, 0) }, "date_naissance"},
		{"INSEE code", func(c *candidat.Candidat) { c.CommuneNaissanceCode = "6912" }, "commune_naissance_code"},
		{"e-mail", func(c *candidat.Candidat) { c.Email = "lea@" }, "email"},
		{"e-mail as a formula", func(c *candidat.Candidat) { c.Email = "=cmd|'/Ccalc'!A0@x.fr" }, "email"},
		{"e-mail starting with +", func(c *candidat.Candidat) { c.Email = "+lea@exemple.fr" }, "email"},
		{"e-mail starting with -", func(c *candidat.Candidat) { c.Email = "-lea@exemple.fr" }, "email"},
		{"e-mail with + inside", func(c *candidat.Candidat) { c.Email = "lea+certif@exemple.fr" }, ""},
		{"phone", func(c *candidat.Candidat) { c.Telephone = "appelez-moi" }, "telephone"},
		{"long commune", func(c *candidat.Candidat) { c.CommuneNaissance = strings.Repeat("a", 101) }, "commune_naissance"},
		{"long e-mail", func(c *candidat.Candidat) { c.Email = strings.Repeat("a", 250) + "@exemple.fr" }, "email"},
		{"long address", func(c *candidat.Candidat) { c.Adresse.Ligne1 = strings.Repeat("rue ", 60) }, "adresse1"},
		{"long town", func(c *candidat.Candidat) { c.Adresse.Ville = strings.Repeat("b", 101) }, "ville"},
	} {
		c := valid()
		tc.edit(&c)
		err := c.Validate(now)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if apperr.FieldErrors(err)[tc.field] == "" {
			t.Errorf("%s: %v, want a problem on %q", tc.name, err, tc.field)
		}
	}
	c := valid()
	_ = c.Validate(now)
	if c.NomNaissance != "Moreau" || len(c.Prenoms) != 1 || c.Sexe != candidat.Femme || c.Email != "lea.moreau@exemple.fr" {
		t.Errorf("not normalised: %+v", c)
	}
}

func TestIdentityIgnoresCaseAccentsAndHyphens(t *testing.T) {
	a, b := valid(), valid()
	a.NomNaissance, b.NomNaissance = "Lefèvre-Durand", "LEFEVRE DURAND"
	b.Prenoms = []string{"LEA"}
	if a.Identity() != b.Identity() {
		t.Errorf("%+v != %+v", a.Identity(), b.Identity())
	}
	b.DateNaissance = b.DateNaissance.AddDate(0, 0, 1)
	if a.Identity() == b.Identity() {
		t.Error("a different birth date is another person")
	}
}

func TestInscriptionValidate(t *testing.T) {
	r, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	ins := candidat.Inscription{Voie: candidat.VAE, CentreID: 1, Date: now}
	if apperr.FieldErrors(ins.Validate(r))["type_vae"] == "" {
		t.Error("VAE without its kind accepted")
	}
	ins = candidat.Inscription{Voie: candidat.FormationContinue, TypeVAE: candidat.CongeVAE, CentreID: 1, Date: now, BlocsVises: []string{"BC03", "BC01", "BC01"}}
	if err := ins.Validate(r); err != nil {
		t.Fatal(err)
	}
	if ins.TypeVAE != "" || len(ins.BlocsVises) != 2 || ins.BlocsVises[0] != "BC01" || !ins.Partielle(r) || ins.Statut != candidat.EnFormation {
		t.Errorf("normalisation: %+v", ins)
	}
	ins.BlocsVises = []string{"BC09"}
	if apperr.FieldErrors(ins.Validate(r))["blocs"] == "" {
		t.Error("unknown bloc accepted")
	}
}

func TestParseHeuresAndDates(t *testing.T) {
	for in, want := range map[string]float64{"3,5": 3.5, "3.5": 3.5, "35h": 35, "3 h 30": 3.5, "12": 12} {
		if got, err := candidat.ParseHeures(in); err != nil || got != want {
			t.Errorf("ParseHeures(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := candidat.ParseHeures("beaucoup"); err == nil {
		t.Error("garbage hours accepted")
	}
	for _, in := range []string{"12/03/1998", "1998-03-12", "12.03.1998"} {
		if d, err := candidat.ParseDate(in); err != nil || d.Day() != 12 || d.Month() != 3 {
			t.Errorf("ParseDate(%q) = %v, %v", in, d, err)
		}
	}
	if _, err := candidat.ParseDate("31/02/1998"); err == nil {
		t.Error("31 February accepted")
	}
}

// TestInTrainingFollowsTheReferentiel: R2 is decided in one place, from the référentiel's
// voies_acces; a référentiel without them (older versions) keeps the seed's rule.
func TestInTrainingFollowsTheReferentiel(t *testing.T) {
	r, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Voies) != len(candidat.Voies) {
		t.Fatalf("the référentiel declares %d voies, candidat knows %d", len(r.Voies), len(candidat.Voies))
	}
	for _, v := range candidat.Voies {
		ins := candidat.Inscription{Voie: v}
		want := v != candidat.VAE
		if got := ins.InTraining(r); got != want {
			t.Errorf("%s.InTraining(référentiel) = %v, want %v", v, got, want)
		}
		if got := ins.InTraining(nil); got != want {
			t.Errorf("%s.InTraining(nil) = %v, want %v", v, got, want)
		}
	}
	// A référentiel whose data says apprenticeship has no in-training evaluation is obeyed,
	// by the predicate, the default status and the centre check alike.
	other := *r
	other.Voies = append([]referentiel.VoieAcces(nil), r.Voies...)
	for i := range other.Voies {
		if other.Voies[i].Code == string(candidat.Apprentissage) {
			other.Voies[i].EvaluationFormation = false
		}
	}
	ins := candidat.Inscription{Voie: candidat.Apprentissage, CentreID: 1, Date: now}
	if ins.InTraining(&other) {
		t.Error("apprentissage without in-training evaluation in the data: InTraining still true")
	}
	if err := ins.Validate(&other); err != nil || ins.Statut != candidat.DossierEnPreparation {
		t.Errorf("default status without in-training evaluation: %v %q", err, ins.Statut)
	}
	if err := ins.ValidateCentre(&other, false); err != nil {
		t.Errorf("a centre without training refused an inscription without in-training evaluation: %v", err)
	}
	ins.Voie = candidat.FormationContinue
	if msg := apperr.FieldErrors(ins.ValidateCentre(r, false))["centre"]; msg != candidat.MsgCentreSansFormation {
		t.Errorf("in training at a centre without training: %q", msg)
	}
	if err := ins.ValidateCentre(r, true); err != nil {
		t.Errorf("in training at a training centre: %v", err)
	}
	// A voie the référentiel does not open is refused.
	other.Voies = other.Voies[:1]
	ins = candidat.Inscription{Voie: candidat.VAE, TypeVAE: candidat.CongeVAE, CentreID: 1, Date: now}
	if apperr.FieldErrors(ins.Validate(&other))["voie"] == "" {
		t.Error("a voie the référentiel does not declare was accepted")
	}
}

// TestListsAreDeduplicatedAndCapped: blocs and a module's compétences are deduplicated and
// capped to the référentiel, with one message for the whole list.
func TestListsAreDeduplicatedAndCapped(t *testing.T) {
	r, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	many := make([]string, 100_000)
	for i := range many {
		many[i] = "C1.1"
	}
	m := candidat.Module{Intitule: "Veille", Heures: 7, Competences: many}
	if err := m.Validate(r); err != nil || len(m.Competences) != 1 {
		t.Errorf("100,000 × C1.1: %v, %d compétences kept", err, len(m.Competences))
	}
	for i := range many {
		many[i] = fmt.Sprintf("X%d", i)
	}
	m.Competences = many
	if f := apperr.FieldErrors(m.Validate(r)); len(f) != 1 || f["competences"] == "" {
		t.Errorf("100,000 distinct codes: %v", f)
	}
	ins := candidat.Inscription{Voie: candidat.FormationContinue, CentreID: 1, Date: now, BlocsVises: many}
	if f := apperr.FieldErrors(ins.Validate(r)); len(f) != 1 || f["blocs"] == "" {
		t.Errorf("100,000 blocs: %v", f)
	}
}
