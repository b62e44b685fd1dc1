package demo

import (
	"context"
	"testing"

	"github.com/certif/certif/internal/account"
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
		{jury.EnCours, []string{"Maxime Robin", "Emma Gauthier", "Adam Perrin", "Julie Marchand"}},
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
	if _, err := Seed(ctx, st, blobs); err != nil {
		t.Fatal(err)
	}
	if again, err := st.JurySessions(ctx, account.System); err != nil || len(again) != 3 {
		t.Errorf("seeding again: %d sessions, %v", len(again), err)
	}
}
