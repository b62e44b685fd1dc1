package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/demo"
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

// The promotion's relevés (R10) are dated by the server's clock, one per candidate in
// training, from the bulk load.
func TestPromotionRelevesUseTheServersClock(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext absent (apt-get install poppler-utils)")
	}
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
	e.ts = ts
	c := e.login("referent@certif.demo")
	res, err := c.Get(ts.URL + "/promotions/" + demo.Promotion + "/releves.pdf")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	pdf, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	path := filepath.Join(t.TempDir(), "releves.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	u, _, err := e.st.Credentials(t.Context(), "referent@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	data, err := e.st.PromotionLivrets(t.Context(), account.ActorOf(u), u.CentreID, demo.Promotion)
	if err != nil || len(data) < 2 {
		t.Fatalf("%d livrets, %v", len(data), err)
	}
	if got := strings.Count(text, "Édité le 1er janvier 2031"); got != len(data) {
		t.Errorf("%d relevés dated 1er janvier 2031 (the clock in Paris), want %d", got, len(data))
	}
	res2, err := c.Get(ts.URL + "/promotions/inconnue/releves.pdf")
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusNotFound {
		t.Errorf("unknown promotion: status %d", res2.StatusCode)
	}
}
