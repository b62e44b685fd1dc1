package demo

import (
	"context"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// seeded returns a store (st, or SQLite when nil) with the référentiel and the demo, and the
// time the seed took.
func seeded(t *testing.T, st *store.Store) (*store.Store, *blob.Dir, time.Duration) {
	t.Helper()
	ctx := context.Background()
	if st == nil {
		st = storetest.Open(t)
	}
	ref, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportReferentiel(ctx, account.System, ref); err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := Seed(ctx, st, blobs); err != nil {
		t.Fatal(err)
	}
	return st, blobs, time.Since(start)
}

// TestDemoDossiers: the demo dossiers are at every stage the issue names, their files
// measured by the real readers, and the seed runs again without adding anything; on both
// engines.
func TestDemoDossiers(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testDemoDossiers(t, nil) })
	t.Run("postgres", func(t *testing.T) { testDemoDossiers(t, storetest.OpenPostgres(t, store.Options{})) })
}

func testDemoDossiers(t *testing.T, st *store.Store) {
	ctx := context.Background()
	st, blobs, took := seeded(t, st)
	t.Logf("demo seed: %v", took)
	rows, err := st.Inscriptions(ctx, account.System, store.InscriptionFilter{Promotion: Promotion})
	if err != nil {
		t.Fatal(err)
	}
	dossiers := map[string]*store.Dossier{}
	for _, r := range rows {
		d, err := st.Dossier(ctx, account.System, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		dossiers[r.Candidat.NomNaissance] = d
	}
	statut := func(nom, regle string) dossier.Check {
		t.Helper()
		for _, c := range dossiers[nom].Conformite {
			if c.Regle == regle {
				return c
			}
		}
		t.Fatalf("%s: no line %s", nom, regle)
		return dossier.Check{}
	}
	for _, nom := range []string{"Moreau", "Chevalier"} { // complete and green
		for _, c := range dossiers[nom].Conformite {
			if c.Statut != dossier.StatutOK {
				t.Errorf("%s: %s is %s: %s", nom, c.Regle, c.Statut, c.Message)
			}
		}
		if d := dossiers[nom]; d.Verrouille || d.Echeance == nil || len(d.Missing) != 0 {
			t.Errorf("%s: locked %v, deadline %v, uncovered %v", nom, d.Verrouille, d.Echeance, d.Missing)
		}
	}
	if p := dossiers["Moreau"].Current[dossier.KindDossierTechnique]; p.DeposeParNom != "Léa Moreau" || p.AnnexesPage != dossierAnnexes ||
		p.Measure.Pages != dossierPages {
		t.Errorf("Léa's dossier technique: by %q, annexes %d, %d pages", p.DeposeParNom, p.AnnexesPage, p.Measure.Pages)
	}
	if d := dossiers["Lambert"]; !d.Verrouille || dossier.Complete(d.Conformite) {
		t.Errorf("late dossier: locked %v, complete %v", d.Verrouille, dossier.Complete(d.Conformite))
	}
	for _, tc := range []struct {
		nom, regle string
		statut     dossier.Statut
		message    string
	}{
		{"Fontaine", dossier.RegleVideoDuree, dossier.StatutManquant, "Vidéo : absente — 5 min au plus"},
		{"Rousseau", dossier.RegleVideoDuree, dossier.StatutManquant, "Vidéo : 7 min 02 s — 5 min au plus"},
		{"Vincent", dossier.RegleResumeMots, dossier.StatutAttention, "Résumé : 263 mots — 200 à 250 attendus"},
		{"Muller", dossier.RegleCouverture, dossier.StatutAttention,
			"Compétences : 11 sur 14 couvertes — 3 à évaluer en entretien technique (C3.1, C3.2, C3.3)"},
		{"Lefebvre", dossier.RegleCouverture, dossier.StatutManquant, "Compétences : aucune couverte — le projet personnel « Communauté de randonneurs « Les Monts du Lyonnais » » attend l’approbation du référent pédagogique"},
		{"Girard", dossier.RegleDossierPages, dossier.StatutManquant, ""},
	} {
		c := statut(tc.nom, tc.regle)
		if c.Statut != tc.statut || (tc.message != "" && c.Message != tc.message) {
			t.Errorf("%s %s: %s « %s », want %s « %s »", tc.nom, tc.regle, c.Statut, c.Message, tc.statut, tc.message)
		}
	}
	for _, nom := range []string{"Rousseau", "Vincent", "Muller", "Lefebvre"} { // one defect each
		for _, c := range dossiers[nom].Conformite {
			if c.Statut != dossier.StatutOK && c.Regle != dossier.RegleVideoDuree && c.Regle != dossier.RegleResumeMots &&
				c.Regle != dossier.RegleResumeCaracteres && c.Regle != dossier.RegleCouverture {
				t.Errorf("%s: %s is %s: %s", nom, c.Regle, c.Statut, c.Message)
			}
		}
	}
	if d := dossiers["Girard"]; d.DateSession != nil || d.Echeance != nil {
		t.Errorf("a dossier barely started has no date: %v", d.DateSession)
	}
	before := len(dossiers["Moreau"].History)
	if _, err := Seed(ctx, st, blobs); err != nil {
		t.Fatal(err)
	}
	d, err := st.Dossier(ctx, account.System, dossiers["Moreau"].InscriptionID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.History) != before {
		t.Errorf("seed again: %d versions, want %d", len(d.History), before)
	}
}

// TestResumeOf: the summary too long has exactly the words asked for.
func TestResumeOf(t *testing.T) {
	if n := dossier.CountWords(resumeLea); n < 200 || n > 250 {
		t.Errorf("Léa's summary: %d words", n)
	}
	if n := dossier.CharsWithoutSpaces(resumeLea); n < 1020 || n > 1380 {
		t.Errorf("Léa's summary: %d characters", n)
	}
	if n := dossier.CountWords(resumeOf(resumeLea+resumeMore, 263)); n != 263 {
		t.Errorf("long summary: %d words", n)
	}
}
