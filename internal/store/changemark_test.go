package store_test

import (
	"testing"
	"time"

	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// The change mark and what is kept under it: a write of this process is seen at once, a write
// of another process sharing the database within ChangeMarkTTL (plus one query).
func TestChangeMarkSeesWrites(t *testing.T) {
	storetest.EachTwin(t, func(t *testing.T, a, b *store.Store) {
		w := newWorld(t, a)
		markA, err := a.ChangeMark(ctx)
		if err != nil || markA == 0 {
			t.Fatalf("mark: %d, %v", markA, err)
		}
		markB, _ := b.ChangeMark(ctx)
		u, epoch, err := b.SessionUser(ctx, w.refA.ID)
		if err != nil || !u.Active {
			t.Fatalf("session user through b: %+v, %v", u, err)
		}
		u.Nom = "changed by the caller" // a copy: what is kept is not touched
		if u2, _, _ := b.SessionUser(ctx, w.refA.ID); u2.Nom == u.Nom {
			t.Error("SessionUser hands out what it keeps")
		}

		// A write of a: a sees it at once.
		if err := a.SetPassword(ctx, w.actor(w.admin), w.refA.ID, "other-hash"); err != nil {
			t.Fatal(err)
		}
		if m, _ := a.ChangeMark(ctx); m <= markA {
			t.Errorf("a's own write: mark %d, was %d", m, markA)
		}
		if _, e, _ := a.SessionUser(ctx, w.refA.ID); e == epoch {
			t.Error("a's own write: a still has the old session epoch")
		}

		// b, another process, within the bound.
		time.Sleep(store.ChangeMarkTTL + 10*time.Millisecond)
		if m, _ := b.ChangeMark(ctx); m <= markB {
			t.Errorf("a's write seen by b after %s: mark %d, was %d", store.ChangeMarkTTL, m, markB)
		}
		if _, e, _ := b.SessionUser(ctx, w.refA.ID); e == epoch {
			t.Errorf("a's write seen by b after %s: still the old session epoch", store.ChangeMarkTTL)
		}

		// A deactivation by b: a signs the user out within the bound.
		refA := *w.refA
		refA.Active = false
		if err := b.UpdateUser(ctx, w.actor(w.admin), &refA); err != nil {
			t.Fatal(err)
		}
		time.Sleep(store.ChangeMarkTTL + 10*time.Millisecond)
		if u, _, err := a.SessionUser(ctx, w.refA.ID); err != nil || u.Active {
			t.Errorf("deactivated by b, seen by a after %s: active %v, %v", store.ChangeMarkTTL, u != nil && u.Active, err)
		}
	})
}
