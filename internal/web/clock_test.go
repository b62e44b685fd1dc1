package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/certif/certif/internal/blob"
)

// The forms' default dates come from the server's clock (Config.Now), read in Europe/Paris:
// at 23:30 UTC on 31 December it is already 1 January in Paris.
func TestFormsUseTheServersClock(t *testing.T) {
	e := newEnv(t)
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fixed := time.Date(2030, 12, 31, 23, 30, 0, 0, time.UTC)
	srv, err := New(Config{Store: e.st, Blobs: blobs, Now: func() time.Time { return fixed }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.ts = ts // the clocked server, on the same store and demo data
	c := e.login("referent@certif.demo")
	res, doc := e.get(c, "/candidats/nouveau")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got, _ := doc.Find(`input[name="date_inscription"]`).Attr("value"); got != "2031-01-01" {
		t.Errorf("date d'inscription by default = %q, want 2031-01-01 (the server's clock in Paris)", got)
	}
}
