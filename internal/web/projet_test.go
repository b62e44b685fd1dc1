package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// postFiles posts a multipart form with several files in field "fichiers".
func (e *testEnv) postFiles(c *http.Client, path string, fields map[string]string, files map[string][]byte) (*http.Response, string) {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for name, content := range files {
		fw, _ := mw.CreateFormFile("fichiers", name)
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

// TestProjetDeliverables: the candidate hands in deliverable files with an end-of-bloc
// project (sniffed, capped, readable through the inscription only), removes one before the
// decision; only the centre's référent decides (seed 5-1).
func TestProjetDeliverables(t *testing.T) {
	e := newEnv(t)
	lea := findInscription(t, e, e.token("referent@certif.demo"), "Moreau")
	cand := e.login("candidat@certif.demo")
	path := "/inscriptions/" + lea + "/projets/BC03"
	fields := map[string]string{"titre": "Tableau de bord e-réputation", "url": "https://exemple.fr/kpi"}
	mp4 := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte{0}, 2048)...)

	// A hostile file (HTML dressed as a PDF) is refused, and nothing is stored.
	rows := e.fileRows()
	res, body := e.postFiles(cand, path, fields, map[string][]byte{"rapport.pdf": []byte("<html><script>alert(1)</script></html>")})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "format accepté") {
		t.Errorf("disguised HTML deliverable: %d", res.StatusCode)
	}
	tooMany := map[string][]byte{}
	for _, n := range []string{"a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf", "f.pdf"} {
		tooMany[n] = bigPDF(2 << 10)
	}
	if res, body := e.postFiles(cand, path, fields, tooMany); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "5 fichiers au plus") {
		t.Errorf("six deliverables at once: %d", res.StatusCode)
	}
	if e.fileRows() != rows {
		t.Errorf("refused submissions stored files")
	}

	// A PDF and a video: handed in with the project.
	res, body = e.postFiles(cand, path, fields, map[string][]byte{"rapport.pdf": bigPDF(8 << 10), "démo.mp4": mp4})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("project with deliverables: %d %s", res.StatusCode, body)
	}
	_, doc := e.get(cand, "/inscriptions/"+lea+"/livret")
	links := doc.Find("#livrables-BC03 a[href^='/fichiers/']")
	// The demo's project already holds one deliverable; ours come after it.
	if links.Length() != 3 || !strings.Contains(text(doc.Find("#livrables-BC03")), "démo.mp4") {
		t.Fatalf("deliverables listed: %d %q", links.Length(), text(doc.Find("#livrables-BC03")))
	}
	var hrefs []string
	links.Each(func(_ int, s *goquery.Selection) { h, _ := s.Attr("href"); hrefs = append(hrefs, h) })
	hrefs = hrefs[1:]
	for email, want := range map[string]int{"formateur@certif.demo": 200, "referent@certif.demo": 200, "admin@certif.demo": 200,
		"referent.nantes@certif.demo": 404, "formateur.nantes@certif.demo": 404, "jury@certif.demo": 404} {
		res, err := e.login(email).Get(e.ts.URL + hrefs[0])
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s reads a deliverable: %d, want %d", email, res.StatusCode, want)
		}
	}

	// « Retirer » before the decision; another centre cannot.
	remove := path + "/fichiers/" + strings.TrimPrefix(hrefs[0], "/fichiers/") + "/retirer"
	if res, _ := e.postDoc(e.login("referent.nantes@certif.demo"), remove, url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another centre removes a deliverable: %d", res.StatusCode)
	}
	if res, _ := e.postDoc(cand, remove, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("candidate removes a deliverable: %d", res.StatusCode)
	}
	if res, _ := e.get(cand, hrefs[0]); res.StatusCode != http.StatusNotFound {
		t.Errorf("removed deliverable still served: %d", res.StatusCode)
	}

	// The decision: the référent of the centre only.
	decide := path + "/decision"
	form := url.Values{"decision": {"valide"}, "commentaire": {"Très complet."}}
	for email, want := range map[string]int{"admin@certif.demo": 403, "formateur@certif.demo": 403, "candidat@certif.demo": 403, "referent.nantes@certif.demo": 404} {
		if res, _ := e.postDoc(e.login(email), decide, form); res.StatusCode != want {
			t.Errorf("%s decides: %d, want %d", email, res.StatusCode, want)
		}
	}
	if res, _ := e.postDoc(e.login("referent@certif.demo"), decide, form); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the référent decides: %d", res.StatusCode)
	}
	// Decided: the deliverables stand.
	remove = path + "/fichiers/" + strings.TrimPrefix(hrefs[1], "/fichiers/") + "/retirer"
	if res, _ := e.postDoc(cand, remove, url.Values{}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("removal after the decision: %d", res.StatusCode)
	}
	_, doc = e.get(e.login("admin@certif.demo"), "/inscriptions/"+lea+"/livret")
	if doc.Find("form.decision").Length() != 0 {
		t.Error("the admin is offered the decision form")
	}
}
