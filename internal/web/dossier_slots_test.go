package web

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certif/certif/internal/blob"
)

// TestDepositSlots: one deposit a person; at most n measures at a time, the others waiting
// until their request ends.
func TestDepositSlots(t *testing.T) {
	d := newDepositSlots(2)
	if !d.begin(7) || d.begin(7) || !d.begin(8) {
		t.Fatal("one deposit a person")
	}
	d.end(7)
	if !d.begin(7) {
		t.Fatal("after the end, again")
	}
	var running, most atomic.Int32
	release := make(chan struct{})
	done := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() {
			done <- d.measure(context.Background(), func() {
				n := running.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				<-release
				running.Add(-1)
			})
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); running.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	// Both slots taken: a request that ends while waiting gives up.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := d.measure(ctx, func() { t.Error("measured without a slot") }); err == nil {
		t.Error("waiting request ended: no error")
	}
	close(release)
	for i := 0; i < 3; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if most.Load() != 2 {
		t.Errorf("%d measures at a time, want 2", most.Load())
	}
}

// A second deposit of the same person while the first is under way: 429 next to the field
// on the page, JSON « too_many_requests » by the API; nothing read, nothing stored.
func TestDossierDepositBusy(t *testing.T) {
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	cand := e.login("candidat@certif.demo")
	tok := e.token("candidat@certif.demo")
	var user int64
	if err := e.st.DB().QueryRow(`SELECT id FROM users WHERE email = 'candidat@certif.demo'`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	before := countFiles(t, e)
	e.srv.deposits.begin(user) // the first deposit, under way
	res, body := e.uploadForm(cand, lea, "cv", "cv.pdf", pdfBytes, "")
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Un dépôt est déjà en cours d’analyse") ||
		!strings.Contains(body, `id="fichier-cv-error"`) {
		t.Errorf("page: %d", res.StatusCode)
	}
	status, out := e.apiRaw("PUT", fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/cv", lea), tok, "application/pdf", pdfBytes)
	if status != http.StatusTooManyRequests || !strings.Contains(string(out), `"too_many_requests"`) || !strings.Contains(string(out), "en cours d’analyse") {
		t.Errorf("API: %d %s", status, out)
	}
	if after := countFiles(t, e); after != before {
		t.Errorf("%d files stored", after-before)
	}
	e.srv.deposits.end(user)
	if status, out := e.apiRaw("PUT", fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/cv", lea), tok, "application/pdf", pdfBytes); status != http.StatusCreated {
		t.Errorf("after the first: %d %s", status, out)
	}
}

// blobFiles counts the files stored under root (the temporary folder aside).
func blobFiles(t *testing.T, root string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() && de.Name() == "tmp" {
			return filepath.SkipDir
		}
		if !de.IsDir() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDossierQuota: a piece that would take the dossier (every version counted) over
// --max-dossier-mb is refused with 413 next to the field: at once when its Content-Length
// says so, after streaming when it is sent chunked (its bytes deleted again).
func TestDossierQuota(t *testing.T) {
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	cand := e.login("candidat@certif.demo")
	tok := e.token("candidat@certif.demo")
	root := t.TempDir()
	blobs, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.cfg.Blobs = blobs
	var used int64
	for _, p := range e.dossierJSON(lea, tok).Historique {
		used += p.Taille
	}
	e.srv.cfg.MaxDossierBytes = used + int64(len(pdfBytes)) + 50
	path := fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/brief", lea)
	if status, out := e.apiRaw("PUT", path, tok, "application/pdf", pdfBytes); status != http.StatusCreated {
		t.Fatalf("within the quota: %d %s", status, out)
	}
	before, blobsBefore := countFiles(t, e), blobFiles(t, root)
	big := append(append([]byte{}, pdfBytes...), make([]byte, 200<<10)...)
	status, out := e.apiRaw("PUT", path, tok, "application/pdf", big) // Content-Length known: refused before reading
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(string(out), "Le dossier ne peut pas dépasser") {
		t.Errorf("over the quota: %d %s", status, out)
	}
	// Chunked (no Content-Length): streamed, then refused and deleted.
	req, _ := http.NewRequest("PUT", e.ts.URL+path, io.MultiReader(bytes.NewReader(pdfBytes)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/pdf")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if req.ContentLength != 0 || res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "toutes les versions") {
		t.Errorf("chunked over the quota: %d %s", res.StatusCode, b)
	}
	// The page: the message next to the field.
	resp, body := e.uploadForm(cand, lea, "cv", "cv.pdf", pdfBytes, "")
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Le dossier ne peut pas dépasser") || !strings.Contains(body, `id="fichier-cv-error"`) {
		t.Errorf("page over the quota: %d", resp.StatusCode)
	}
	if countFiles(t, e) != before || blobFiles(t, root) != blobsBefore {
		t.Errorf("refused pieces kept: %d files, %d blobs", countFiles(t, e)-before, blobFiles(t, root)-blobsBefore)
	}
}

// TestPieceMustStartAsPDF: a piece sniffed as a PDF must start with %PDF- (after a UTF-8
// BOM at most); an HTML page carrying %PDF- further down is refused as a wrong type.
func TestPieceMustStartAsPDF(t *testing.T) {
	for _, tc := range []struct {
		head string
		ok   bool
	}{
		{"%PDF-1.7\n", true},
		{"\xef\xbb\xbf%PDF-1.4\n", true},
		{"<html><body><script>alert(1)</script>%PDF-1.4\n", false},
		{" %PDF-1.4", false},
		{"%PDF", false},
	} {
		if got := pdfAtStart([]byte(tc.head)); got != tc.ok {
			t.Errorf("%q: %v", tc.head, got)
		}
	}
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	tok := e.token("candidat@certif.demo")
	html := []byte("<html><head><title>x</title></head><body><script>alert(document.cookie)</script>\n%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n</body></html>")
	status, out := e.apiRaw("PUT", fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/cv?nom=cv.pdf", lea), tok, "application/pdf", html)
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(out), "format accepté") {
		t.Errorf("HTML before %%PDF-: %d %s", status, out)
	}
}

// syncBuffer is a log buffer the server writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPieceUploadEdges: a body announced over the cap is refused with 413 before a byte of it
// is sent; a client that disconnects mid-upload is logged at INFO, not as a server error, and
// leaves nothing stored.
func TestPieceUploadEdges(t *testing.T) {
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	tok := e.token("candidat@certif.demo")
	logs := &syncBuffer{}
	e.srv.log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	e.srv.cfg.MaxDocumentBytes = 1 << 20
	raw := func(contentLength int, body []byte) net.Conn {
		conn, err := net.Dial("tcp", e.ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "PUT /api/v1/inscriptions/%d/dossier/pieces/brief HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/pdf\r\nContent-Length: %d\r\n\r\n", lea, tok, contentLength)
		_, _ = conn.Write(body)
		return conn
	}
	// 100 MB announced, nothing sent: the answer comes at once.
	conn := raw(100<<20, nil)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	conn.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "1 Mo") {
		t.Errorf("announced over the cap: %d %s", res.StatusCode, b)
	}
	// 500 kB announced, 100 kB sent, then the client goes.
	before := countFiles(t, e)
	conn = raw(500<<10, append(append([]byte{}, pdfBytes...), make([]byte, 100<<10)...))
	time.Sleep(100 * time.Millisecond)
	conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "abandoned by the client") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := logs.String(); !strings.Contains(got, "level=INFO msg=\"request abandoned by the client\"") || strings.Contains(got, "level=ERROR") {
		t.Errorf("logs: %s", got)
	}
	if countFiles(t, e) != before {
		t.Error("an abandoned upload stored a file")
	}
}
