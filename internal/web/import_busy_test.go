package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/certif/certif/internal/apperr"
)

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// importMultipart is a multipart body with a "fichier" part named name holding file.
func importMultipart(t *testing.T, name string, file []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("fichier", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// withCookies adds c's cookies for the test server to req.
func (e *testEnv) withCookies(c *http.Client, req *http.Request) {
	u, _ := url.Parse(e.ts.URL)
	for _, k := range c.Jar.Cookies(u) {
		req.AddCookie(k)
	}
}

// TestImportSlotBeforeBody: with every import slot taken, an upload is refused with 429
// before its body is read, on the page and in the API (a busy server does not take in 16
// uploads of 60 MB to refuse them afterwards).
func TestImportSlotBeforeBody(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	tok := e.token("referent@certif.demo")
	for range maxConcurrentImports {
		if !e.srv.imports.take() {
			t.Fatal("no free import slot")
		}
	}
	ct, body := importMultipart(t, "gros.csv", bytes.Repeat([]byte("Dupont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE classique\n"), 60_000))
	for _, path := range []string{"/candidats/import", "/api/v1/import/candidats"} {
		cr := &countingReader{r: bytes.NewReader(body)}
		req := httptest.NewRequest(http.MethodPost, path, cr)
		req.Header.Set("Content-Type", ct)
		if strings.HasPrefix(path, "/api/") {
			req.Header.Set("Authorization", "Bearer "+tok)
		} else {
			e.withCookies(c, req)
		}
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: %d (Retry-After %q), want 429", path, rec.Code, rec.Header().Get("Retry-After"))
		}
		if !strings.Contains(rec.Body.String(), "Une importation est déjà en cours") {
			t.Errorf("%s: no French message: %.300s", path, rec.Body.String())
		}
		if cr.n > 64<<10 {
			t.Errorf("%s: read %d bytes of a %d-byte upload before refusing it", path, cr.n, len(body))
		}
	}
}

// TestImportEchoCapped: a refused import does not echo back a huge file name nor huge or
// countless unknown columns.
func TestImportEchoCapped(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	var cols []string
	for i := range 200 {
		cols = append(cols, fmt.Sprintf("inconnue%d-%s", i, strings.Repeat("x", 2000)))
	}
	file := strings.TrimSuffix(importHeader, "\n") + ";" + strings.Join(cols, ";") + "\n" +
		"Dupont;Marie;X;01/02/1990;69123;Lyon;pas-une-adresse;VAE classique;P\n"
	name := strings.Repeat("n", 300_000) + ".csv"
	ct, body := importMultipart(t, name, []byte(file))
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/candidats/import", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %.500s", res.StatusCode, page)
	}
	if len(page) > 64<<10 {
		t.Errorf("the refused import's page is %d bytes: the upload is echoed back", len(page))
	}
	if !strings.Contains(string(page), "nnnn…") || !strings.Contains(string(page), "200 colonnes en tout") {
		t.Errorf("the file name or the ignored columns are not shown, capped: %.2000s", page)
	}
}

// TestBusyIs503: a write that finds the database busy answers 503 with Retry-After and a
// French message, on a page and in the API, not 500.
func TestBusyIs503(t *testing.T) {
	e := newEnv(t)
	err := fmt.Errorf("create: store: commit: %w: database is locked", apperr.Busy)
	for _, path := range []string{"/candidats", "/api/v1/me"} {
		rec := httptest.NewRecorder()
		e.srv.writeError(rec, httptest.NewRequest(http.MethodGet, path, nil), err)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: %d (Retry-After %q), want 503", path, rec.Code, rec.Header().Get("Retry-After"))
		}
		if !strings.Contains(rec.Body.String(), "Le serveur est très occupé\u202f: réessayez dans un instant.") {
			t.Errorf("%s: %s", path, rec.Body.String())
		}
		if strings.HasPrefix(path, "/api/") {
			var out struct{ Error apiError }
			if json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Error.Code != "busy" {
				t.Errorf("API body %s", rec.Body.String())
			}
		}
	}
}

// failingSessions is a session store whose commits fail, as on a busy database.
type failingSessions struct{ scs.Store }

func (f failingSessions) Commit(string, []byte, time.Time) error {
	return fmt.Errorf("session commit: %w", apperr.Busy)
}

// TestSessionCommitFailureOnePage: when the session cannot be saved as the handler starts
// writing its page, the client gets the error page alone (503 for a busy database), not the
// error page followed by the handler's page after a superfluous WriteHeader.
func TestSessionCommitFailureOnePage(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	e.srv.sessions.Store = failingSessions{e.srv.sessions.Store}
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/candidats", nil)
	e.withCookies(c, req)
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", rec.Code)
	}
	if n := strings.Count(strings.ToLower(rec.Body.String()), "<html"); n != 1 {
		t.Errorf("%d pages in the response: %.3000s", n, rec.Body.String())
	}
}

// TestImportUploadSpillsToDisk: an upload keeps about importFormMemory of its multipart body
// in memory, the rest going to a temporary file, so that parallel uploads do not add up in
// the server's memory (they took 8 MB each before).
func TestImportUploadSpillsToDisk(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	// A 20 MB file the importer refuses at its header, once the upload is parsed.
	ct, body := importMultipart(t, "gros.csv", append([]byte("pas;un;en-tête\n"), bytes.Repeat([]byte("x;y;z\n"), 20<<20/6)...))
	req := httptest.NewRequest(http.MethodPost, "/candidats/import", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	e.withCookies(c, req)
	h := e.srv.Handler()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	runtime.ReadMemStats(&after)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %.300s", rec.Code, rec.Body.String())
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	if alloc > 12<<20 { // about 4 MB at 1 MB in memory, 32 MB at 8 MB
		t.Errorf("a 20 MB upload allocated %d MB: it is held in memory", alloc>>20)
	}
}
