package web

import (
	"net/http/httptest"
	"testing"

	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/store"
)

// newEnvWith starts another server on st (already seeded by newEnv) with a changed Config.
func newEnvWith(t testing.TB, st *store.Store, change func(*Config)) *testEnv {
	t.Helper()
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Store: st, Blobs: blobs}
	change(&cfg)
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testEnv{t: t, st: st, srv: srv, ts: ts}
}
