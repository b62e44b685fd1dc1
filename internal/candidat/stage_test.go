package candidat_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
)

func fields(err error) []string {
	var v *apperr.Validation
	if !errors.As(err, &v) {
		return nil
	}
	return slices.Sorted(maps.Keys(v.Fields))
}

func TestStageTermsCheck(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2027, 4, d, 15, 30, 0, 0, time.UTC) }
	ok := func() candidat.StageTerms {
		return candidat.StageTerms{Entreprise: "  Agence   Lumière ", EntrepriseSIRET: "732 829 320 00074", TuteurNom: " Paul  Roux ",
			TuteurEmail: " Paul.Roux@Lumiere.FR ", Debut: day(1), Fin: day(30)}
	}
	for _, tc := range []struct {
		name string
		edit func(*candidat.StageTerms)
		want []string // invalid fields
	}{
		{"valid", func(*candidat.StageTerms) {}, nil},
		{"no SIRET is fine", func(s *candidat.StageTerms) { s.EntrepriseSIRET = "" }, nil},
		{"one-day stage", func(s *candidat.StageTerms) { s.Fin = day(1).Add(-10 * time.Hour) }, nil},
		{"missing company", func(s *candidat.StageTerms) { s.Entreprise = "   " }, []string{"entreprise"}},
		{"company too long", func(s *candidat.StageTerms) { s.Entreprise = strings.Repeat("é", 201) }, []string{"entreprise"}},
		{"bad SIRET", func(s *candidat.StageTerms) { s.EntrepriseSIRET = "73282932000075" }, []string{"entreprise_siret"}},
		{"missing tutor", func(s *candidat.StageTerms) { s.TuteurNom = "" }, []string{"tuteur_nom"}},
		{"tutor too long", func(s *candidat.StageTerms) { s.TuteurNom = strings.Repeat("a", 101) }, []string{"tuteur_nom"}},
		{"missing e-mail", func(s *candidat.StageTerms) { s.TuteurEmail = " " }, []string{"tuteur_email"}},
		{"e-mail without domain dot", func(s *candidat.StageTerms) { s.TuteurEmail = "paul@lumiere" }, []string{"tuteur_email"}},
		{"e-mail with a name", func(s *candidat.StageTerms) { s.TuteurEmail = "Paul <paul@lumiere.fr>" }, []string{"tuteur_email"}},
		{"e-mail too long", func(s *candidat.StageTerms) { s.TuteurEmail = strings.Repeat("p", 250) + "@lumiere.fr" }, []string{"tuteur_email"}},
		{"no dates", func(s *candidat.StageTerms) { s.Debut, s.Fin = time.Time{}, time.Time{} }, []string{"debut", "fin"}},
		{"end before start", func(s *candidat.StageTerms) { s.Debut, s.Fin = day(10), day(9) }, []string{"fin"}},
	} {
		s := ok()
		tc.edit(&s)
		err := s.Check()
		if got := fields(err); !slices.Equal(got, tc.want) {
			t.Errorf("%s: invalid fields %v, want %v (err %v)", tc.name, got, tc.want, err)
		}
		if err != nil && fields(err) == nil {
			t.Errorf("%s: error %v is not a *apperr.Validation", tc.name, err)
		}
	}
	s := ok()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	want := candidat.StageTerms{Entreprise: "Agence Lumière", EntrepriseSIRET: "73282932000074", TuteurNom: "Paul Roux",
		TuteurEmail: "paul.roux@lumiere.fr", Debut: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), Fin: time.Date(2027, 4, 30, 0, 0, 0, 0, time.UTC)}
	if s != want {
		t.Errorf("normalised to %+v, want %+v", s, want)
	}
}

func TestCheckFiche(t *testing.T) {
	codes := []string{"C1.1", "C1.2"}
	ok := func() candidat.FicheStage {
		return candidat.FicheStage{Appreciations: map[string]candidat.Appreciation{
			"C1.1": {Niveau: " satisfaisant ", Commentaire: " Bien. "},
			"C1.2": {}, // left empty: dropped
		}, Signataire: " Paul   Roux ", Fonction: " Gérant "}
	}
	for _, tc := range []struct {
		name string
		edit func(*candidat.FicheStage)
		want []string
	}{
		{"valid", func(*candidat.FicheStage) {}, nil},
		{"a general comment alone is enough", func(f *candidat.FicheStage) {
			f.Appreciations = nil
			f.CommentaireGeneral = "Stage sérieux."
		}, nil},
		{"empty fiche", func(f *candidat.FicheStage) { f.Appreciations = map[string]candidat.Appreciation{"C1.1": {}} }, []string{"appreciations"}},
		{"compétence outside the form", func(f *candidat.FicheStage) {
			f.Appreciations["C3.1"] = candidat.Appreciation{Niveau: "satisfaisant"}
		}, []string{"appreciations.C3.1"}},
		{"unknown niveau", func(f *candidat.FicheStage) {
			f.Appreciations["C1.2"] = candidat.Appreciation{Niveau: "génial"}
		}, []string{"appreciations.C1.2"}},
		{"comment without niveau", func(f *candidat.FicheStage) {
			f.Appreciations["C1.2"] = candidat.Appreciation{Commentaire: "Absent"}
		}, []string{"appreciations.C1.2"}},
		{"comment too long", func(f *candidat.FicheStage) {
			f.Appreciations["C1.1"] = candidat.Appreciation{Niveau: "satisfaisant", Commentaire: strings.Repeat("x", 2001)}
		}, []string{"appreciations.C1.1"}},
		{"general comment too long", func(f *candidat.FicheStage) { f.CommentaireGeneral = strings.Repeat("x", 4001) }, []string{"commentaire_general"}},
		{"no signatory", func(f *candidat.FicheStage) { f.Signataire = "  " }, []string{"signataire"}},
		{"signatory too long", func(f *candidat.FicheStage) { f.Signataire = strings.Repeat("x", 101) }, []string{"signataire"}},
		{"position too long", func(f *candidat.FicheStage) { f.Fonction = strings.Repeat("x", 101) }, []string{"fonction"}},
	} {
		f := ok()
		tc.edit(&f)
		if got := fields(candidat.CheckFiche(&f, codes).Err()); !slices.Equal(got, tc.want) {
			t.Errorf("%s: invalid fields %v, want %v", tc.name, got, tc.want)
		}
	}
	f := ok()
	if err := candidat.CheckFiche(&f, codes).Err(); err != nil {
		t.Fatal(err)
	}
	if len(f.Appreciations) != 1 || f.Appreciations["C1.1"] != (candidat.Appreciation{Niveau: "satisfaisant", Commentaire: "Bien."}) ||
		f.Signataire != "Paul Roux" || f.Fonction != "Gérant" {
		t.Errorf("normalised to %+v", f)
	}
}

func TestStageLink(t *testing.T) {
	now := time.Date(2027, 4, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		expire time.Time
		live   bool
	}{{time.Time{}, false}, {now, false}, {now.Add(-time.Second), false}, {now.Add(time.Second), true}} {
		if got := candidat.StageLinkLive(tc.expire, now); got != tc.live {
			t.Errorf("StageLinkLive(%v) = %v, want %v", tc.expire, got, tc.live)
		}
	}
	if got := candidat.StageLinkIssued(now.Add(candidat.StageLinkTTL)); !got.Equal(now) {
		t.Errorf("StageLinkIssued = %v, want %v", got, now)
	}
}
