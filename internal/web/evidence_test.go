package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// postEvaluation submits the evaluation form with one file as a browser would.
func (e *testEnv) postEvaluation(c *http.Client, insID, name string, content []byte) (*http.Response, string) {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"competence": "C1.1", "forme": "etude_de_cas", "date": "2026-11-02", "critere_C1.1.1": "acquis", "commentaire": "Avec justificatif."} {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("fichiers", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/inscriptions/"+insID+"/evaluations", &body)
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

func TestEvidenceFilesAreSniffedAndScoped(t *testing.T) {
	e := newEnv(t)
	formateur := e.login("formateur@certif.demo")
	lea := findInscription(t, e, e.token("referent@certif.demo"), "Moreau")

	// A script renamed .pdf is refused by its content, with a French message, and nothing is saved.
	res, body := e.postEvaluation(formateur, lea, "rapport.pdf", []byte("<html><script>alert(1)</script></html>"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "format accepté") {
		t.Fatalf("disguised HTML: %d", res.StatusCode)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	res, _ = e.postEvaluation(formateur, lea, "étude de cas.pdf", pdf)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("evaluation with evidence: %d", res.StatusCode)
	}
	_, doc := e.get(formateur, "/inscriptions/"+lea+"/livret")
	link := doc.Find(`p.preuves a`).First()
	href, ok := link.Attr("href")
	if !ok || !strings.Contains(text(link), "étude de cas.pdf") {
		t.Fatalf("evidence not listed on the livret: %q", text(doc.Find("p.preuves")))
	}
	for email, want := range map[string]int{"candidat@certif.demo": 200, "referent@certif.demo": 200, "referent.nantes@certif.demo": 404, "jury@certif.demo": 404} {
		res, err := e.login(email).Get(e.ts.URL + href)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s downloads the evidence: %d, want %d", email, res.StatusCode, want)
		}
		if want == 200 && (!bytes.Equal(b, pdf) || res.Header.Get("Content-Type") != "application/pdf" || res.Header.Get("X-Content-Type-Options") != "nosniff") {
			t.Errorf("%s: wrong bytes or headers %v", email, res.Header)
		}
	}
}
