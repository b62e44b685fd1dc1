package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/certif/certif/internal/apperr"
)

// TestSessionCommitWhenBusy: while another process holds SQLite's write lock, refreshing only
// the expiry of an unchanged session is skipped without error (the request is served), a
// change of the session's data fails with apperr.Busy (a 503, not a 500), and so does a
// write transaction.
func TestSessionCommitWhenBusy(t *testing.T) {
	ctx := context.Background()
	path := "sqlite:" + filepath.Join(t.TempDir(), "busy.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// One connection with a short busy timeout, so that the test does not wait 10 s.
	s.db.SetMaxOpenConns(1)
	if _, err := s.db.ExecContext(ctx, `PRAGMA busy_timeout = 200`); err != nil {
		t.Fatal(err)
	}
	ss := s.SessionStore().(scs.CtxStore)
	data, err := scs.GobCodec{}.Encode(time.Now().Add(12*time.Hour), map[string]any{"user": int64(7), "lang": "fr", "flash": ""})
	if err != nil {
		t.Fatal(err)
	}
	if err := ss.CommitCtx(ctx, "tok", data, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	other, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()

	if err := ss.CommitCtx(ctx, "tok", data, time.Now().Add(2*time.Hour)); err != nil {
		t.Errorf("refreshing the expiry of an unchanged session while busy: %v", err)
	}
	changed, _ := scs.GobCodec{}.Encode(time.Now().Add(12*time.Hour), map[string]any{"user": int64(8)})
	if err := ss.CommitCtx(ctx, "tok", changed, time.Now().Add(2*time.Hour)); !errors.Is(err, apperr.Busy) {
		t.Errorf("changing a session while busy = %v, want apperr.Busy", err)
	}
	err = s.Transact(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token = 'x'`)
		return err
	})
	if !errors.Is(err, apperr.Busy) {
		t.Errorf("Transact while busy = %v, want apperr.Busy", err)
	}
}
