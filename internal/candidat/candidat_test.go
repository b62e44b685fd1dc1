package candidat_test

import (
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
