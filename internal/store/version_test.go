package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// TestConcurrentEditsOneWins: many writers save the same module from the same version at
// once; exactly one wins, every other gets a *StaleError, and the stored row is the winner's.
func TestConcurrentEditsOneWins(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		m := &candidat.Module{Intitule: "Veille", Heures: 7, Competences: []string{"C1.1"}}
		if err := s.CreateModule(ctx, w.actor(w.refA), w.certID, m); err != nil {
			t.Fatal(err)
		}
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mine := *m
				mine.Competences = append([]string(nil), m.Competences...)
				mine.Intitule = fmt.Sprintf("Veille n°%d", i)
				errs[i] = s.UpdateModule(ctx, w.actor(w.refA), &mine)
			}()
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			var stale *store.StaleError
			switch {
			case err == nil && winner == -1:
				winner = i
			case err == nil:
				t.Errorf("writers %d and %d both won", winner, i)
			case !errors.As(err, &stale) || !errors.Is(err, apperr.Conflict):
				t.Errorf("writer %d: %v, want a *StaleError", i, err)
			}
		}
		mods, err := s.Modules(ctx, w.actor(w.refA), w.centreA.ID)
		if err != nil || winner < 0 {
			t.Fatalf("no winner (%v)", err)
		}
		for _, got := range mods {
			if got.ID == m.ID && (got.Intitule != fmt.Sprintf("Veille n°%d", winner) || got.Version != 2) {
				t.Errorf("stored %q v%d, winner %d", got.Intitule, got.Version, winner)
			}
		}
	})
}
