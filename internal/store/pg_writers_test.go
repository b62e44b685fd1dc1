package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// On PostgreSQL, 40 evaluations written at once by a process whose référentiel cache is cold
// complete. Before write transactions were bounded per process, each of them held a pooled
// connection and AddEvaluation read the référentiel through the pool: 25 of them took the 25
// connections and waited for a 26th forever.
func TestPostgresConcurrentWritesColdCache(t *testing.T) {
	s := storetest.OpenPostgres(t, store.Options{})
	w := lvFixtureWorld(t, s)
	cold := reopen(t, s) // a fresh process: nothing cached
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	day := time.Now().UTC().Truncate(24 * time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- cold.AddEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, w.fc, "C1.4", day), nil)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if c, err := s.VerifyAudit(ctx, w.a(w.admin)); err != nil || !c.Intact() {
		t.Errorf("chain = %+v, %v", c, err)
	}
}
