package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/certif/certif/internal/account"
)

// bigPDF is a PDF (by its magic bytes) of n bytes.
func bigPDF(n int) []byte {
	b := bytes.Repeat([]byte("0"), n)
	copy(b, "%PDF-1.4\n")
	return b
}

// multipartTemps lists the multipart-* files net/http left in dir (the temporary directory).
func multipartTemps(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "multipart-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// fileRows counts the stored files.
func (e *testEnv) fileRows() int {
	e.t.Helper()
	var n int
	if err := e.st.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM files`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// blobCount counts the stored blobs (files named by a 32-digit key) under root.
func blobCount(t *testing.T, root string) int {
	t.Helper()
	key := regexp.MustCompile(`^[0-9a-f]{32}$`)
	n := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && key.MatchString(d.Name()) {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// postMultipart posts fields and one file (skipped when name is "") as a same-origin browser.
func (e *testEnv) postMultipart(c *http.Client, path string, fields map[string]string, fileField, name string, content []byte) (*http.Response, string) {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile(fileField, name)
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// tutorLink issues a tutor link for the demo internship of inscription insID.
func (e *testEnv) tutorLink(insID string) (token string, stageID int64) {
	e.t.Helper()
	ctx := context.Background()
	ref, _, err := e.st.Credentials(ctx, "referent@certif.demo")
	if err != nil {
		e.t.Fatal(err)
	}
	id, _ := strconv.ParseInt(insID, 10, 64)
	stages, err := e.st.Stages(ctx, account.ActorOf(ref), id)
	if err != nil || len(stages) == 0 {
		e.t.Fatalf("stages of %s = %v, %v", insID, stages, err)
	}
	tok, err := e.st.StageLink(ctx, account.ActorOf(ref), id, stages[0].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok, stages[0].ID
}

// Defect 4: every upload over the in-memory part of a multipart parse left a multipart-* file
// in the temporary directory, even when it succeeded.
func TestUploadsLeaveNoTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := newEnv(t)
	formateur := e.login("formateur@certif.demo")
	lea := findInscription(t, e, e.token("referent@certif.demo"), "Moreau")

	res, _ := e.postEvaluation(formateur, lea, "gros.pdf", bigPDF(9<<20))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("evidence of 9 MiB: %d", res.StatusCode)
	}
	if m := multipartTemps(t, tmp); len(m) != 0 {
		t.Errorf("accepted evidence upload left %v", m)
	}
	// Refused (an unknown result for a critère): nothing left either.
	res, _ = e.postMultipart(formateur, "/inscriptions/"+lea+"/evaluations", map[string]string{"competence": "C1.1", "forme": "etude_de_cas",
		"date": "2026-11-02", "critere_C1.1.1": "peut-etre"}, "fichiers", "gros.pdf", bigPDF(9<<20))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused evaluation: %d", res.StatusCode)
	}
	if m := multipartTemps(t, tmp); len(m) != 0 {
		t.Errorf("refused evidence upload left %v", m)
	}
	// The tutor's stamp goes through the same parse.
	hugo := findInscription(t, e, e.token("referent@certif.demo"), "Dubois")
	tok, _ := e.tutorLink(hugo)
	res, body := e.postMultipart(e.client(), "/stage/"+tok, map[string]string{"niveau_C1.1": "satisfaisant", "signataire": "Karim Benali"},
		"cachet", "cachet.pdf", bigPDF(3<<20))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("tutor's fiche with a stamp of 3 MiB: %d %s", res.StatusCode, body)
	}
	if m := multipartTemps(t, tmp); len(m) != 0 {
		t.Errorf("tutor's upload left %v", m)
	}
}

// Defect 4: files were stored before the form was validated, so a refused form left readable,
// unattached files behind.
func TestRefusedFormsStoreNoFile(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := newEnv(t)
	root := filepath.Dir(tmp) // the test's temporary directories, the blob store's among them
	formateur := e.login("formateur@certif.demo")
	lea := findInscription(t, e, e.token("referent@certif.demo"), "Moreau")
	pdf := bigPDF(2 << 10)
	rows, blobs := e.fileRows(), blobCount(t, root)

	for name, fields := range map[string]map[string]string{
		"unknown result":       {"competence": "C1.1", "forme": "etude_de_cas", "date": "2026-11-02", "critere_C1.1.1": "peut-etre"},
		"unreadable score":     {"competence": "C1.1", "forme": "etude_de_cas", "date": "2026-11-02", "critere_C1.1.1": "acquis", "score": "douze"},
		"no critère, no score": {"competence": "C1.1", "forme": "etude_de_cas", "date": "2026-11-02"},
	} {
		res, _ := e.postMultipart(formateur, "/inscriptions/"+lea+"/evaluations", fields, "fichiers", "preuve.pdf", pdf)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, res.StatusCode)
		}
	}
	if r, b := e.fileRows(), blobCount(t, root); r != rows || b != blobs {
		t.Errorf("refused evaluations stored files: %d rows (was %d), %d blobs (was %d)", r, rows, b, blobs)
	}

	// The tutor's form: a fiche without signatory is refused, and its stamp is not kept.
	hugo := findInscription(t, e, e.token("referent@certif.demo"), "Dubois")
	tok, stageID := e.tutorLink(hugo)
	res, body := e.postMultipart(e.client(), "/stage/"+tok, map[string]string{"niveau_C1.1": "satisfaisant"}, "cachet", "cachet.pdf", pdf)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "signataire") {
		t.Errorf("fiche without signatory: %d", res.StatusCode)
	}
	if r, b := e.fileRows(), blobCount(t, root); r != rows || b != blobs {
		t.Errorf("refused fiche stored its stamp: %d rows (was %d), %d blobs (was %d)", r, rows, b, blobs)
	}
	// A post that is not multipart says so, not that the file is too large.
	c := e.client()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/stage/"+tok, strings.NewReader("signataire=X"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity || strings.Contains(string(b), "dépasse") || !strings.Contains(string(b), "multipart/form-data") {
		t.Errorf("non-multipart tutor post: %d", res.StatusCode)
	}
	// Too large, or not a format accepted: refused with their own messages, nothing stored.
	res, body = e.postMultipart(e.client(), "/stage/"+tok, map[string]string{"niveau_C1.1": "satisfaisant", "signataire": "Karim Benali"}, "cachet", "cachet.pdf", bigPDF(22<<20))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "dépasse la taille maximale de 21 Mo") {
		t.Errorf("stamp of 22 MiB: %d", res.StatusCode)
	}
	res, body = e.postMultipart(e.client(), "/stage/"+tok, map[string]string{"niveau_C1.1": "satisfaisant", "signataire": "Karim Benali"}, "cachet", "cachet.pdf", []byte("<html><script>alert(1)</script></html>"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "format accepté") {
		t.Errorf("disguised HTML stamp: %d", res.StatusCode)
	}
	if r, b := e.fileRows(), blobCount(t, root); r != rows || b != blobs {
		t.Errorf("refused stamps stored: %d rows (was %d), %d blobs (was %d)", r, rows, b, blobs)
	}
	// Accepted: the stamp is stored once and attached to Hugo's stage.
	res, body = e.postMultipart(e.client(), "/stage/"+tok, map[string]string{"niveau_C1.1": "satisfaisant", "signataire": "Karim Benali"}, "cachet", "cachet.pdf", pdf)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("valid fiche: %d %s", res.StatusCode, body)
	}
	if r, b := e.fileRows(), blobCount(t, root); r != rows+1 || b != blobs+1 {
		t.Errorf("accepted fiche: %d rows (was %d), %d blobs (was %d)", r, rows, b, blobs)
	}
	_, doc := e.get(e.login("referent@certif.demo"), "/inscriptions/"+hugo+"/stage")
	href, ok := doc.Find(`a[href^="/fichiers/"]`).Attr("href")
	if !ok {
		t.Fatalf("stamp of stage %d not linked", stageID)
	}
	for email, want := range map[string]int{"referent@certif.demo": 200, "candidat@certif.demo": 404, "referent.nantes@certif.demo": 404} {
		res, err := e.login(email).Get(e.ts.URL + href)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s reads Hugo's stamp: %d, want %d", email, res.StatusCode, want)
		}
	}
}

// A candidate never reads another candidate's evidence, nor staff another centre's.
func TestEvidenceOfAnotherCandidate(t *testing.T) {
	e := newEnv(t)
	formateur := e.login("formateur@certif.demo")
	hugo := findInscription(t, e, e.token("referent@certif.demo"), "Dubois")
	pdf := bigPDF(1 << 10)
	if res, _ := e.postEvaluation(formateur, hugo, "hugo.pdf", pdf); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("evidence for Hugo: %d", res.StatusCode)
	}
	_, doc := e.get(formateur, "/inscriptions/"+hugo+"/livret")
	href, ok := doc.Find(`p.preuves a`).First().Attr("href")
	if !ok {
		t.Fatal("Hugo's evidence not listed")
	}
	for email, want := range map[string]int{"formateur@certif.demo": 200, "candidat@certif.demo": 404, "referent.nantes@certif.demo": 404, "jury@certif.demo": 404} {
		res, err := e.login(email).Get(e.ts.URL + href)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s reads Hugo's evidence: %d, want %d", email, res.StatusCode, want)
		}
	}
}

// Any handler that parses a multipart form (even implicitly, through r.FormValue) has its
// temporary files removed when it returns: it runs on a copy of the server's request, whose
// form net/http never sees.
func TestHandleRemovesMultipartTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := newEnv(t)
	spilled := false
	h := e.srv.handle(func(w http.ResponseWriter, r *http.Request) error {
		_ = r.FormValue("x") // parses the body as multipart, keeping 32 MiB in memory at most
		if r.MultipartForm == nil {
			t.Fatal("no multipart form parsed")
		}
		spilled = len(multipartTemps(t, tmp)) > 0
		return nil
	})
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("f", "gros.bin")
	_, _ = fw.Write(make([]byte, 33<<20))
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/x", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	h.ServeHTTP(httptest.NewRecorder(), req) // no net/http server here to clean up after us
	if !spilled {
		t.Fatal("the upload did not spill to a temporary file: the test proves nothing")
	}
	if m := multipartTemps(t, tmp); len(m) != 0 {
		t.Errorf("handler left %v", m)
	}
}
