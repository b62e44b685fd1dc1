package demo

import (
	"context"
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// TestDemoJury: the demo has a past session, today's session under way and an upcoming one
// with the demo candidate convoked, each played through the rules; seeding again adds none.
func TestDemoJury(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testDemoJury(t, nil) })
	t.Run("postgres", func(t *testing.T) { testDemoJury(t, storetest.OpenPostgres(t, store.Options{})) })
}

func testDemoJury(t *testing.T, st *store.Store) {
	ctx := context.Background()
	st, blobs, _ := seeded(t, st)
	sessions, err := st.JurySessions(ctx, account.System)
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 3 {
		t.Fatalf("%d demo sessions, want 3", len(sessions))
	}
	want := []struct {
		etat     jury.Etat
		passages []string
	}{
		{jury.ResultatsPublies, []string{"Maxime Robin", "Emma Gauthier", "Adam Perrin", "Julie Marchand"}},
		{jury.EnCours, []string{"Emma Gauthier", "Julie Marchand"}},
		{jury.ConvocationsEnvoyees, []string{"Léa Moreau"}},
	}
	for i, w := range want {
		js, err := st.JurySession(ctx, account.System, sessions[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range js.Passages {
			names = append(names, p.CandidatNom)
		}
		if js.Etat != w.etat || len(names) != len(w.passages) {
			t.Errorf("session %d: %s %v, want %s %v", i+1, js.Etat, names, w.etat, w.passages)
			continue
		}
		for k := range names {
			if names[k] != w.passages[k] {
				t.Errorf("session %d passage %d: %s, want %s", i+1, k, names[k], w.passages[k])
			}
		}
	}
	// The past session's results, and the inscriptions' statuses they set.
	past, err := st.JurySession(ctx, account.System, sessions[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	results := []jury.Resultat{jury.ReussiteTotale, jury.ReussitePartielle, jury.Echec, jury.ResultatAbsent}
	statuts := []candidat.Statut{candidat.Certifie, candidat.PartiellementCertifie, candidat.NonCertifie}
	for i, p := range past.Passages {
		if p.Resultat != results[i] {
			t.Errorf("%s: %s, want %s", p.CandidatNom, p.Resultat, results[i])
		}
		if i < len(statuts) {
			ins, err := st.Inscription(ctx, account.System, p.InscriptionID)
			if err != nil {
				t.Fatal(err)
			}
			if ins.Statut != statuts[i] {
				t.Errorf("%s: status %s, want %s", p.CandidatNom, ins.Statut, statuts[i])
			}
		}
	}
	// Today: Emma Gauthier presents the bloc left (partial validation carries over); the
	// second juror's grid is half filled.
	today, err := st.JurySession(ctx, account.System, sessions[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	nath, _, err := st.Credentials(ctx, "jury2@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := st.Grille(ctx, account.ActorOf(nath), today.Passages[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	rated := 0
	for _, c := range g.Competences {
		if c.Bloc != "BC03" {
			t.Errorf("today's grid of Emma Gauthier has %s (%s): only BC03 is left", c.Code, c.Bloc)
		}
		if c.Criteres[0].Entretien == jury.Acquis {
			rated++
		}
	}
	if g.Version == 0 || rated == 0 || rated == len(g.Competences) {
		t.Errorf("the second juror's grid: version %d, %d of %d compétences rated, want half filled", g.Version, rated, len(g.Competences))
	}
	if _, err := Seed(ctx, st, blobs); err != nil {
		t.Fatal(err)
	}
	if again, err := st.JurySessions(ctx, account.System); err != nil || len(again) != 3 {
		t.Errorf("seeding again: %d sessions, %v", len(again), err)
	}
}
