package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/inspect/sample"
	"github.com/certif/certif/internal/referentiel"
)

// Bytes that sniff as each type.
var (
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	mp4Bytes = append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 64)...)
)

// dossierRegles are the rules of the conformity report, in its order (the names).
var dossierRegles = []string{"resume_mots", "resume_caracteres", "dossier_pages", "dossier_caracteres", "strategie_sections",
	"cahier_sections", "video_duree", "realisation_url", "blog", "couverture", "lettre_entreprise", "confidentialite",
	"pieces_professionnel", "support_canevas"}

// dossierIns returns the inscription of Léa Moreau (candidat@certif.demo, Lyon) and of another
// Lyon candidate, in training.
func dossierIns(t *testing.T, e *testEnv) (lea, other int64) {
	t.Helper()
	rows, err := e.st.DB().Query(`SELECT i.id, c.nom_naissance FROM inscriptions i JOIN candidats c ON c.id = i.candidat_id WHERE i.voie <> 'vae' ORDER BY i.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var nom string
		if err := rows.Scan(&id, &nom); err != nil {
			t.Fatal(err)
		}
		switch {
		case nom == "Moreau" && lea == 0:
			lea = id
		case nom != "Moreau" && other == 0:
			other = id
		}
	}
	if lea == 0 || other == 0 {
		t.Fatalf("demo inscriptions: %d %d", lea, other)
	}
	return lea, other
}

// uploadForm posts file as the multipart form of the page's upload of kind (annexes before).
func (e *testEnv) uploadForm(c *http.Client, ins int64, kind, name string, content []byte, annexes string) (*http.Response, string) {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if annexes != "" {
		_ = mw.WriteField("annexes_page", annexes)
	}
	fw, _ := mw.CreateFormFile("fichier", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/inscriptions/%d/dossier/pieces/%s", e.ts.URL, ins, kind), &body)
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

// apiRaw sends a raw body with its content type and a bearer token.
func (e *testEnv) apiRaw(method, path, token, contentType string, body []byte) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func (e *testEnv) dossierJSON(ins int64, token string) apiDossier {
	e.t.Helper()
	status, body := e.api("GET", fmt.Sprintf("/api/v1/inscriptions/%d/dossier", ins), token, "")
	if status != http.StatusOK {
		e.t.Fatalf("GET dossier %d: %d %s", ins, status, body)
	}
	var d apiDossier
	if err := json.Unmarshal(body, &d); err != nil {
		e.t.Fatal(err)
	}
	return d
}

// pieceVersion is the current version of kind in d, 0 when it has none.
func pieceVersion(d apiDossier, kind dossier.Kind) int {
	for _, p := range d.Pieces {
		if p.Kind == kind {
			return p.Version
		}
	}
	return 0
}

func countFiles(t *testing.T, e *testEnv) int {
	var n int
	if err := e.st.DB().QueryRow(`SELECT COUNT(*) FROM files`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A candidate deposits pieces from the page (multipart) and by the API (raw body): each
// version is kept, the page shows the current one and folds the history; a wrong type is
// refused by its content; an oversize piece is 413 and nothing is stored.
func TestDossierUploads(t *testing.T) {
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	cand := e.login("candidat@certif.demo")
	tok := e.token("candidat@certif.demo")
	// The demo deposited Léa's dossier: the new versions follow hers.
	d0 := e.dossierJSON(lea, tok)
	cv0, video0 := pieceVersion(d0, dossier.KindCV), pieceVersion(d0, dossier.KindVideo)

	res, body := e.uploadForm(cand, lea, "cv", "cv.pdf", pdfBytes, "")
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/dossier#piece-cv") {
		t.Fatalf("upload cv: %d %s", res.StatusCode, body)
	}
	if res, body = e.uploadForm(cand, lea, "cv", "cv-v2.pdf", pdfBytes, ""); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload cv v2: %d %s", res.StatusCode, body)
	}
	// The flash is repeated where the redirect lands (the piece), not only at the top.
	if _, doc := e.get(cand, fmt.Sprintf("/inscriptions/%d/dossier", lea)); !strings.Contains(text(doc.Find("#piece-cv #piece-cv-flash")), "CV") {
		t.Errorf("flash at the piece: %q", text(doc.Find("#piece-cv-flash")))
	}
	// The raw body, by the API, with its Content-Type.
	status, out := e.apiRaw("PUT", fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/video?nom=demo.mp4", lea), tok, "video/mp4", mp4Bytes)
	if status != http.StatusCreated {
		t.Fatalf("PUT video: %d %s", status, out)
	}
	var p apiPiece
	_ = json.Unmarshal(out, &p)
	if p.Kind != dossier.KindVideo || p.Version != video0+1 || p.Type != "video/mp4" || p.Nom != "demo.mp4" || p.URL == "" {
		t.Errorf("video piece: %+v", p)
	}
	d := e.dossierJSON(lea, tok)
	var cv *apiPiece
	for i := range d.Pieces {
		if d.Pieces[i].Kind == dossier.KindCV {
			cv = &d.Pieces[i]
		}
	}
	if cv == nil || cv.Version != cv0+2 || cv.Nom != "cv-v2.pdf" {
		t.Fatalf("current cv: %+v", cv)
	}
	if len(d.Historique) != len(d0.Historique)+3 {
		t.Errorf("history: %d versions, want %d", len(d.Historique), len(d0.Historique)+3)
	}

	// The page: the current version, the earlier one folded.
	_, doc := e.get(cand, fmt.Sprintf("/inscriptions/%d/dossier", lea))
	if got := text(doc.Find("#piece-cv .piece-current")); !strings.Contains(got, fmt.Sprintf("Version %d", cv0+2)) || !strings.Contains(got, "cv-v2.pdf") {
		t.Errorf("current cv on the page: %q", got)
	}
	if n := doc.Find("#piece-cv details.history li").Length(); n != cv0+1 {
		t.Errorf("cv history: %d earlier versions, want %d", n, cv0+1)
	}

	// A « .pdf » with PNG bytes: refused by its content, next to the field; nothing stored.
	before := countFiles(t, e)
	res, body = e.uploadForm(cand, lea, "dossier_technique", "dossier.pdf", pngBytes, "")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="fichier-dossier_technique-error"`) {
		t.Errorf("PNG as a PDF: %d", res.StatusCode)
	}
	if doc, err := goquery.NewDocumentFromReader(strings.NewReader(body)); err != nil || doc.Find(`#dossier-errors a[href="#fichier-dossier_technique"]`).Length() != 1 {
		t.Errorf("no error summary on top linking to the refused file's field")
	}
	// The refused form's address (left in the address bar) shows the dossier when reloaded.
	if res, _ := e.get(cand, fmt.Sprintf("/inscriptions/%d/dossier/pieces/dossier_technique", lea)); res.StatusCode != http.StatusSeeOther ||
		!strings.HasSuffix(res.Header.Get("Location"), "/dossier#piece-dossier_technique") {
		t.Errorf("GET of the deposit's address: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	status, out = e.apiRaw("PUT", fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/strategie", lea), tok, "application/pdf", pngBytes)
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(out), `"fichier"`) {
		t.Errorf("PNG as a PDF by the API: %d %s", status, out)
	}

	// Over the cap: 413, nothing stored.
	e.srv.cfg.MaxDocumentBytes = 1 << 20
	big := append(append([]byte{}, pdfBytes...), make([]byte, 2<<20)...)
	res, body = e.uploadForm(cand, lea, "brief", "brief.pdf", big, "")
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "1 Mo") {
		t.Errorf("oversize upload: %d", res.StatusCode)
	}
	status, out = e.apiRaw("PUT", fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/brief", lea), tok, "application/pdf", big)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(string(out), `"too_large"`) {
		t.Errorf("oversize by the API: %d %s", status, out)
	}
	if after := countFiles(t, e); after != before {
		t.Errorf("refused uploads left %d files", after-before)
	}
	// An unknown kind is no route.
	if status, _ := e.apiRaw("PUT", fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/livret", lea), tok, "application/pdf", pdfBytes); status != http.StatusNotFound {
		t.Errorf("upload of a system kind: %d", status)
	}

	// Downloads are journalled; another centre's formateur never reads the file.
	dl, err := cand.Get(e.ts.URL + cv.URL)
	if err != nil {
		t.Fatal(err)
	}
	dl.Body.Close()
	if dl.StatusCode != http.StatusOK {
		t.Errorf("download: %d", dl.StatusCode)
	}
	var n int
	if err := e.st.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'file.download'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("downloads journalled: %d %v", n, err)
	}
	nantes := e.login("formateur.nantes@certif.demo")
	if dl, _ := e.get(nantes, cv.URL); dl.StatusCode != http.StatusNotFound {
		t.Errorf("another centre downloads: %d", dl.StatusCode)
	}
	if res, _ := e.get(nantes, fmt.Sprintf("/inscriptions/%d/dossier", lea)); res.StatusCode != http.StatusNotFound {
		t.Errorf("another centre's page: %d", res.StatusCode)
	}
	if status, _ := e.api("GET", fmt.Sprintf("/api/v1/inscriptions/%d/dossier", lea), e.token("formateur.nantes@certif.demo"), ""); status != http.StatusNotFound {
		t.Errorf("another centre's API: %d", status)
	}
	if res, _ := e.uploadForm(nantes, lea, "cv", "cv.pdf", pdfBytes, ""); res.StatusCode != http.StatusForbidden { // no formateur writes a dossier
		t.Errorf("another centre uploads: %d", res.StatusCode)
	}
	if res, _ := e.uploadForm(e.login("referent.nantes@certif.demo"), lea, "cv", "cv.pdf", pdfBytes, ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("another centre's référent uploads: %d", res.StatusCode)
	}
}

// Another candidate's dossier is unknown to a candidate, by URL and by API; a closed dossier
// refuses a piece before reading it (409), and the admin reopens it.
func TestDossierAccessAndLock(t *testing.T) {
	e := newEnv(t)
	lea, other := dossierIns(t, e)
	cand := e.login("candidat@certif.demo")
	tok := e.token("candidat@certif.demo")
	if res, _ := e.get(cand, fmt.Sprintf("/inscriptions/%d/dossier", other)); res.StatusCode != http.StatusNotFound {
		t.Errorf("another candidate's page: %d", res.StatusCode)
	}
	if status, _ := e.api("GET", fmt.Sprintf("/api/v1/inscriptions/%d/dossier/conformite", other), tok, ""); status != http.StatusNotFound {
		t.Errorf("another candidate's report: %d", status)
	}
	if res, _ := e.uploadForm(cand, other, "cv", "cv.pdf", pdfBytes, ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("upload to another candidate: %d", res.StatusCode)
	}

	// The référent sets a session in three days: the deadline (J-10) has passed.
	ref := e.token("referent@certif.demo")
	d := e.dossierJSON(lea, ref)
	session := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	status, out := e.api("PATCH", fmt.Sprintf("/api/v1/inscriptions/%d", lea), ref, fmt.Sprintf(`{"date_session":%q,"version":%d}`, session, d.Version))
	if status != http.StatusOK {
		t.Fatalf("PATCH date_session: %d %s", status, out)
	}
	// Closed, its date no longer moves (a later one would reopen it without the admin).
	later := time.Now().AddDate(0, 2, 0).Format(time.DateOnly)
	if status, out = e.api("PATCH", fmt.Sprintf("/api/v1/inscriptions/%d", lea), ref, fmt.Sprintf(`{"date_session":%q}`, later)); status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(out), "Le dossier est clos") {
		t.Errorf("PATCH date_session of a closed dossier: %d %s", status, out)
	}
	d = e.dossierJSON(lea, tok)
	if !d.Verrouille || d.Echeance == nil {
		t.Fatalf("dossier not locked: %+v", d)
	}
	before := countFiles(t, e)
	status, out = e.apiRaw("PUT", fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/cv", lea), tok, "application/pdf", pdfBytes)
	if status != http.StatusConflict || !strings.Contains(string(out), "clos") {
		t.Errorf("upload to a closed dossier: %d %s", status, out)
	}
	res, body := e.uploadForm(cand, lea, "cv", "cv.pdf", pdfBytes, "")
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "clos") {
		t.Errorf("page upload to a closed dossier: %d", res.StatusCode)
	}
	if countFiles(t, e) != before {
		t.Error("a closed dossier stored a file")
	}
	_, doc := e.get(cand, fmt.Sprintf("/inscriptions/%d/dossier", lea))
	if got := text(doc.Find("#dossier-state")); !strings.Contains(got, "Dossier clos depuis le") || !strings.Contains(got, "à 0 h (heure de Paris)") {
		t.Errorf("synthesis of a closed dossier: %q", got)
	}
	if _, home := e.get(cand, "/"); !strings.Contains(text(home.Find("ul.next li").First()), "clos depuis le") || !strings.Contains(text(home.Find("ul.next li").First()), "transmis au jury") {
		t.Errorf("the candidate's home after the close: %q", text(home.Find("ul.next li").First()))
	}
	if doc.Find("form.piece-upload").Length() != 0 {
		t.Error("a closed dossier offers upload forms")
	}

	// The admin reopens it: the candidate deposits again.
	admin := e.login("admin@certif.demo")
	until := time.Now().AddDate(0, 0, 2).Format(time.DateOnly) // the session's eve at the latest
	if res := e.post(admin, fmt.Sprintf("/inscriptions/%d/dossier/reouverture", lea), url.Values{"motif": {"Hospitalisation"}, "jusqu_au": {until}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reopen: %d", res.StatusCode)
	}
	if res, body := e.uploadForm(cand, lea, "cv", "cv.pdf", pdfBytes, ""); res.StatusCode != http.StatusSeeOther {
		t.Errorf("upload after reopening: %d %s", res.StatusCode, body)
	}
	_, doc = e.get(cand, fmt.Sprintf("/inscriptions/%d/dossier", lea))
	if got := text(doc.Find("#dossier-state")); !strings.Contains(got, "rouvert") {
		t.Errorf("synthesis of a reopened dossier: %q", got)
	}
}

// Projects by the API: a NUL byte in a title is cleaned, 100,000 compétences are refused, two
// PATCHes from the same version give one 409 with the current project.
func TestDossierProjetsAPI(t *testing.T) {
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	tok := e.token("candidat@certif.demo")
	status, out := e.api("POST", fmt.Sprintf("/api/v1/inscriptions/%d/projets", lea), tok,
		`{"titre":"Blog\u0000 du club","origine":"entreprise","entreprise":"Club de voile","url":"https://club.example.fr","blog":"https://blog.example.fr","competences":["C1.1","C2.1"],"confidentiel":false}`)
	if status != http.StatusCreated {
		t.Fatalf("POST projet: %d %s", status, out)
	}
	var p apiDossierProjet
	_ = json.Unmarshal(out, &p)
	if p.Titre != "Blog du club" || strings.ContainsRune(p.Titre, 0) {
		t.Errorf("title with a NUL byte: %q", p.Titre)
	}
	many := `"C1.1"` + strings.Repeat(`,"C1.1"`, 99999)
	status, out = e.api("POST", fmt.Sprintf("/api/v1/inscriptions/%d/projets", lea), tok, `{"titre":"Trop","origine":"stage","competences":[`+many+`]}`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(out), `"competences"`) {
		t.Errorf("100,000 compétences: %d %.200s", status, out)
	}
	path := fmt.Sprintf("/api/v1/projets/%d", p.ID)
	body := fmt.Sprintf(`{"titre":"Blog du club nautique","version":%d}`, p.Version)
	if status, out = e.api("PATCH", path, tok, body); status != http.StatusOK {
		t.Fatalf("PATCH: %d %s", status, out)
	}
	status, out = e.api("PATCH", path, e.token("referent@certif.demo"), fmt.Sprintf(`{"titre":"Autre titre","version":%d}`, p.Version))
	if status != http.StatusConflict || !strings.Contains(string(out), `"current":{`) || !strings.Contains(string(out), "Blog du club nautique") {
		t.Errorf("stale PATCH: %d %s", status, out)
	}
	// A formateur, of this centre or another: 403 by the route's gate (the dossier is the
	// candidate's and their référent's, issue 8).
	for _, email := range []string{"formateur@certif.demo", "formateur.nantes@certif.demo"} {
		if status, _ := e.api("PATCH", path, e.token(email), body); status != http.StatusForbidden {
			t.Errorf("%s PATCH: %d", email, status)
		}
	}
	if status, _ := e.api("DELETE", path, tok, ""); status != http.StatusNoContent {
		t.Errorf("DELETE: %d", status)
	}
}

// The page renders for each role that may see it, with what each may do.
func TestDossierPageRoles(t *testing.T) {
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	for _, tc := range []struct {
		email                         string
		upload, date, reopen, approve bool
	}{
		{"candidat@certif.demo", true, false, false, false},
		{"referent@certif.demo", true, true, false, false},
		{"formateur@certif.demo", false, false, false, false}, // reads the dossier, never writes it (issue 8)
		{"admin@certif.demo", true, true, true, false},
	} {
		c := e.login(tc.email)
		res, doc := e.get(c, fmt.Sprintf("/inscriptions/%d/dossier", lea))
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", tc.email, res.StatusCode)
			continue
		}
		if n := doc.Find("#conformite li.check").Length(); n != len(dossierRegles) {
			t.Errorf("%s: %d conformity lines, want %d", tc.email, n, len(dossierRegles))
		}
		doc.Find("#conformite li.check").Each(func(_ int, s *goquery.Selection) {
			if st := text(s.Find(".check-state")); st == "" {
				t.Errorf("%s: a line without its state word", tc.email)
			}
		})
		if n := doc.Find("#groupe-technique article.piece").Length(); n < 9 {
			t.Errorf("%s: %d items in the dossier technique", tc.email, n)
		}
		checks := map[string]bool{"form.piece-upload": tc.upload, "#date-session form": tc.date, "#reouverture form": tc.reopen}
		for sel, want := range checks {
			if got := doc.Find(sel).Length() > 0; got != want {
				t.Errorf("%s: %s shown %v, want %v", tc.email, sel, got, want)
			}
		}
		if got := doc.Find("#texte").Length() == 1 && doc.Find("#projet-new").Length() == 1; got != tc.upload {
			t.Errorf("%s: the summary and the project form shown %v, want %v", tc.email, got, tc.upload)
		}
		if got := text(doc.Find("#dossier-state")); !strings.Contains(got, "échéance") && !strings.Contains(got, "Dossier") {
			t.Errorf("%s: synthesis %q", tc.email, got)
		}
	}
	if res, _ := e.get(e.login("jury@certif.demo"), fmt.Sprintf("/inscriptions/%d/dossier", lea)); res.StatusCode != http.StatusNotFound {
		t.Errorf("jury: %d", res.StatusCode)
	}
	// The référent approves a personal project from the page; a target date sets the deadline.
	ref := e.login("referent@certif.demo")
	_, doc := e.get(ref, "/")
	awaiting := text(doc.Find("#work-projets-personnels > .count")) // the demo's
	cand := e.login("candidat@certif.demo")
	res := e.post(cand, fmt.Sprintf("/inscriptions/%d/dossier/projets", lea), url.Values{"titre": {"Mon blog"}, "origine": {"personnel"},
		"url": {"https://mon.example.fr"}, "blog": {"https://blog.mon.example.fr"}, "competences": {"C1.1", "C1.2"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("project from the page: %d", res.StatusCode)
	}
	_, doc = e.get(ref, "/")
	if got := text(doc.Find("#work-projets-personnels > .count")); got != "2" || awaiting != "1" {
		t.Errorf("the référent's home: %q personal projects to approve", got)
	}
	_, doc = e.get(ref, fmt.Sprintf("/inscriptions/%d/dossier", lea))
	// The plan's items filled elsewhere have a short title, the référentiel's wording under it
	// with French typography (« d’une longueur d’environ 20 lignes … 1 200 caractères »).
	if h := doc.Find("#groupe-technique article.piece").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Find("header strong").Text(), "Résumé du projet")
	}); !strings.Contains(h.Find("header small").Text(), "d’une longueur d’environ 20 lignes") || !strings.Contains(h.Find("header small").Text(), "1\u202f200 caractères") {
		t.Errorf("item 2 of the plan: %q", text(h.Find("header")))
	}
	// The report's lines lead to what fixes them; the synthesis, to the session date's form.
	for regle, anchor := range map[string]string{"resume_mots": "#resume", "dossier_pages": "#piece-dossier_technique", "couverture": "#couverture-title",
		"pieces_professionnel": "#groupe-professionnel"} {
		if href, _ := doc.Find(`#conformite li[data-regle="` + regle + `"] a.check-text`).Attr("href"); href != anchor || doc.Find(anchor).Length() != 1 {
			t.Errorf("report line %s links to %q, want %s (on the page)", regle, href, anchor)
		}
	}
	if href, _ := doc.Find("#synthese #date-session-link").Attr("href"); href != "#date-session" {
		t.Errorf("the synthesis does not lead to the session date's form: %q", href)
	}
	approve := doc.Find(`form[action$="/approbation"]`)
	action, _ := approve.Attr("action")
	if approve.Length() != 1 {
		t.Fatal("the référent has no approval button")
	}
	if res := e.post(ref, action, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("approval: %d", res.StatusCode)
	}
	_, doc = e.get(cand, fmt.Sprintf("/inscriptions/%d/dossier", lea))
	if got := text(doc.Find("table.couverture")); !strings.Contains(got, "C1.1") || !strings.Contains(got, "Couverte") {
		t.Errorf("coverage matrix: %q", got)
	}
	// Léa's demo projects cover every compétence; another demo dossier leaves three to the
	// entretien technique.
	var muller int64
	if err := e.st.DB().QueryRow(`SELECT i.id FROM inscriptions i JOIN candidats c ON c.id = i.candidat_id WHERE c.nom_naissance = 'Muller'`).Scan(&muller); err != nil {
		t.Fatal(err)
	}
	_, doc = e.get(ref, fmt.Sprintf("/inscriptions/%d/dossier", muller))
	if !strings.Contains(text(doc.Find("#entretien-list")), "C3.1, C3.2, C3.3") {
		t.Errorf("compétences left to the entretien technique: %q", text(doc.Find("#entretien-list")))
	}
	// A line that does not apply is neutral, not a green « Conforme ».
	if got := text(doc.Find(`#conformite li[data-regle="confidentialite"] .check-state`)); got != "— Sans objet" {
		t.Errorf("a line that does not apply is not neutral: %q", got)
	}
	session := time.Now().AddDate(0, 2, 0).Format(time.DateOnly)
	d := e.dossierJSON(lea, e.token("referent@certif.demo"))
	if res := e.post(ref, fmt.Sprintf("/inscriptions/%d/dossier/date-session", lea), url.Values{"date_session": {session}, "version": {fmt.Sprint(d.Version)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("date de session: %d", res.StatusCode)
	}
	_, doc = e.get(cand, fmt.Sprintf("/inscriptions/%d/dossier", lea))
	if got := text(doc.Find("#dossier-state")); !strings.HasPrefix(got, "Dossier à déposer au plus tard le") || !strings.Contains(got, "à 23 h 59 (heure de Paris)") {
		t.Errorf("synthesis with a deadline: %q", got)
	}
	// The summary from the page (too short: the demo's complete dossier now misses points).
	if res := e.post(cand, fmt.Sprintf("/inscriptions/%d/dossier/resume", lea), url.Values{"texte": {"Un résumé\nsur deux lignes."}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("summary: %d", res.StatusCode)
	}
	if _, doc := e.get(cand, fmt.Sprintf("/inscriptions/%d/dossier", lea)); doc.Find("#resume #resume-flash").Length() != 1 {
		t.Error("the summary's flash is not where the redirect lands (#resume)")
	}
	if d := e.dossierJSON(lea, e.token("candidat@certif.demo")); d.Resume.Texte != "Un résumé\nsur deux lignes." {
		t.Errorf("summary kept: %q", d.Resume.Texte)
	}
	// The candidate's home puts the dossier first among what awaits them, with its deadline.
	_, doc = e.get(cand, "/")
	if got := text(doc.Find("ul.next li").First()); !strings.Contains(got, "Dossier de certification : 2 points non conformes") {
		t.Errorf("the candidate's home: %q", got)
	}
}

// exerciseDossierAPI calls every route of the dossier's API for the OpenAPI contract test.
func exerciseDossierAPI(t *testing.T, e *testEnv, c *contract, call func(method, path, token, body string, want int) []byte) {
	lea, _ := dossierIns(t, e)
	cand, ref, admin := e.token("candidat@certif.demo"), e.token("referent@certif.demo"), e.token("admin@certif.demo")
	ins := fmt.Sprintf("/api/v1/inscriptions/%d", lea)
	var d apiDossier
	_ = json.Unmarshal(call("GET", ins+"/dossier", cand, "", 200), &d)
	call("GET", "/api/v1/inscriptions/999999/dossier", cand, "", 404)
	call("GET", ins+"/dossier/conformite", ref, "", 200)
	put := func(kind, ct string, body []byte, want int) {
		t.Helper()
		status, out := e.apiRaw("PUT", ins+"/dossier/pieces/"+kind, cand, ct, body)
		if status != want {
			t.Errorf("PUT piece %s: %d, want %d (%s)", kind, status, want, out)
		}
		c.check("PUT", ins+"/dossier/pieces/"+kind, status, out)
	}
	put("cv", "application/pdf", pdfBytes, 201)
	put("cv", "application/pdf", pngBytes, 422)
	call("PUT", ins+"/dossier/resume", cand, `{"texte":"Un résumé court."}`, 200)
	call("PUT", ins+"/dossier/resume", cand, `{}`, 422)
	var p apiDossierProjet
	_ = json.Unmarshal(call("POST", ins+"/projets", cand, `{"titre":"Blog personnel","origine":"personnel","url":"https://a.example.fr","blog":"https://b.example.fr","competences":["C1.1"]}`, 201), &p)
	call("POST", ins+"/projets", cand, `{"titre":""}`, 422)
	pp := fmt.Sprintf("/api/v1/projets/%d", p.ID)
	call("PATCH", pp, cand, fmt.Sprintf(`{"competences":["C1.1","C1.2"],"version":%d}`, p.Version), 200)
	call("PATCH", pp, cand, fmt.Sprintf(`{"titre":"Vieux","version":%d}`, p.Version), 409)
	call("POST", pp+"/approbation", ref, "", 200)
	call("DELETE", pp, cand, "", 204)
	session := time.Now().AddDate(0, 2, 0)
	call("PATCH", ins, ref, `{"date_session":"demain"}`, 422)
	call("PATCH", ins, ref, fmt.Sprintf(`{"date_session":%q,"version":%d}`, session.Format(time.DateOnly), d.Version), 200)
	call("PATCH", ins, ref, fmt.Sprintf(`{"date_session":%q,"version":%d}`, session.Format(time.DateOnly), d.Version), 409)
	call("POST", ins+"/dossier/reouverture", admin, `{"motif":"","jusqu_au":"2020-01-01"}`, 422)
	call("POST", ins+"/dossier/reouverture", admin, fmt.Sprintf(`{"motif":"Report de session","jusqu_au":%q}`, session.AddDate(0, 0, -5).Format(time.DateOnly)), 200)
}

// Real files are measured when deposited (package inspect): a 32-page PDF dossier technique,
// a DOCX digital strategy with every section of the plan, a 7-minute MP4; the report says so.
func TestDossierMeasuredPieces(t *testing.T) {
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	tok := e.token("candidat@certif.demo")
	ref, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := sample.PDF([]string{"Introduction", "Annexes"}, 32, 1500)
	if err != nil {
		t.Fatal(err)
	}
	var headings []string
	for _, it := range ref.Livrables.DossierTechnique.Plan {
		if it.Numero == 6 {
			for _, s := range it.Sections {
				headings = append(headings, s.Libelle)
			}
		}
	}
	docx, err := sample.DOCX(headings, 3, 800)
	if err != nil {
		t.Fatal(err)
	}
	var mp4 bytes.Buffer
	if err := sample.MP4(&mp4, 7*time.Minute+2*time.Second, 0); err != nil {
		t.Fatal(err)
	}
	ins := fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/", lea)
	for _, up := range []struct {
		kind, ct string
		body     []byte
	}{{"dossier_technique", "application/pdf", pdf}, {"strategie", "application/octet-stream", docx}, {"video", "video/mp4", mp4.Bytes()}} {
		if status, out := e.apiRaw("PUT", ins+up.kind, tok, up.ct, up.body); status != http.StatusCreated {
			t.Fatalf("PUT %s: %d %s", up.kind, status, out)
		}
	}
	d := e.dossierJSON(lea, tok)
	got := map[string]dossier.Check{}
	for _, c := range d.Conformite {
		got[c.Regle] = c
	}
	if c := got["dossier_pages"]; c.Statut != dossier.StatutOK {
		t.Errorf("dossier_pages: %+v", c)
	}
	if c := got["strategie_sections"]; c.Statut != dossier.StatutOK {
		t.Errorf("strategie_sections: %+v", c)
	}
	if c := got["video_duree"]; c.Statut != dossier.StatutManquant || !strings.Contains(c.Valeur, "7 min") {
		t.Errorf("video_duree: %+v", c)
	}
}

// At the close, the livret and the attestation de formation are frozen into the dossier as
// they stand (system pieces, readable as the other pieces); the page then lists them as such.
func TestDossierFreeze(t *testing.T) {
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	ref := e.token("referent@certif.demo")
	d := e.dossierJSON(lea, ref)
	session := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	if status, out := e.api("PATCH", fmt.Sprintf("/api/v1/inscriptions/%d", lea), ref, fmt.Sprintf(`{"date_session":%q,"version":%d}`, session, d.Version)); status != http.StatusOK {
		t.Fatalf("PATCH date_session: %d %s", status, out)
	}
	cand := e.login("candidat@certif.demo")
	_, doc := e.get(cand, fmt.Sprintf("/inscriptions/%d/dossier", lea))
	if doc.Find("#piece-livret .system-pending a").Length() != 1 {
		t.Error("before the freeze, the livret is not listed as produced at the close with today's version")
	}
	if doc.Find("#piece-fiche_stage").Length() == 1 && doc.Find(`#piece-fiche_stage .system-pending a[href$="/documents/fiche-stage.pdf"]`).Length() != 1 {
		t.Error("today's version of the fiche de stage is not its PDF")
	}
	n, err := e.srv.FreezeDossiers(t.Context())
	if err != nil || n < 2 {
		t.Fatalf("FreezeDossiers: %d pieces, %v", n, err)
	}
	if again, err := e.srv.FreezeDossiers(t.Context()); err != nil || again != 0 {
		t.Errorf("a second run froze %d pieces (%v)", again, err)
	}
	d = e.dossierJSON(lea, e.token("candidat@certif.demo"))
	frozen := map[dossier.Kind]apiPiece{}
	for _, p := range d.Pieces {
		if p.Systeme {
			frozen[p.Kind] = p
		}
	}
	for _, k := range []dossier.Kind{dossier.KindLivret, dossier.KindAttestationFormation} {
		p, ok := frozen[k]
		if !ok || p.Type != "application/pdf" {
			t.Errorf("%s not frozen: %+v", k, frozen)
			continue
		}
		res, err := cand.Get(e.ts.URL + p.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("%s download: %d", k, res.StatusCode)
		}
	}
	_, doc = e.get(cand, fmt.Sprintf("/inscriptions/%d/dossier", lea))
	if got := text(doc.Find("#piece-livret .piece-current")); !strings.Contains(got, "joint à la clôture le") {
		t.Errorf("the frozen livret on the page: %q", got)
	}
}

// The project forms of the page: a refusal keeps the input with the message next to the field;
// a save from a stale version is 409 with « Modifié entre-temps » and the current values beside.
func TestDossierProjetForms(t *testing.T) {
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	cand := e.login("candidat@certif.demo")
	page := fmt.Sprintf("/inscriptions/%d/dossier", lea)
	res, doc := e.postDoc(cand, page+"/projets", url.Values{"titre": {""}, "origine": {"entreprise"}, "competences": {"C1.1"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty title: %d", res.StatusCode)
	}
	if v, _ := doc.Find("#new-titre").Attr("aria-invalid"); v != "true" {
		t.Error("the title is not marked invalid")
	}
	if _, ok := doc.Find(`#projet-new input[name=competences][value="C1.1"]`).Attr("checked"); !ok {
		t.Error("the ticked compétence was lost")
	}
	if res := e.post(cand, page+"/projets", url.Values{"titre": {"Blog du club"}, "origine": {"stage"}, "competences": {"C1.1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	d := e.dossierJSON(lea, e.token("candidat@certif.demo"))
	var p apiDossierProjet // after the demo's projects
	for _, dp := range d.Projets {
		if dp.Titre == "Blog du club" {
			p = dp
		}
	}
	if p.ID == 0 {
		t.Fatalf("projects: %+v", d.Projets)
	}
	form := func(titre string) url.Values {
		return url.Values{"titre": {titre}, "origine": {"stage"}, "competences": {"C1.1", "C1.2"}, "version": {fmt.Sprint(p.Version)}}
	}
	edit := fmt.Sprintf("%s/projets/%d", page, p.ID)
	if res := e.post(e.login("referent@certif.demo"), edit, form("Blog du club nautique")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", res.StatusCode)
	}
	res, doc = e.postDoc(cand, edit, form("Mon titre"))
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: %d", res.StatusCode)
	}
	if got := text(doc.Find(fmt.Sprintf("#projet-%d #conflict", p.ID))); !strings.Contains(got, "Modifié") {
		t.Errorf("conflict notice: %q", got)
	}
	if got := text(doc.Find(fmt.Sprintf("#projet-%d .theirs", p.ID)).First()); !strings.Contains(got, "Blog du club nautique") {
		t.Errorf("the current title beside the user's: %q", got)
	}
	if v, _ := doc.Find(fmt.Sprintf("#p%d-titre", p.ID)).Attr("value"); v != "Mon titre" {
		t.Errorf("the user's input was lost: %q", v)
	}
	// Deleting asks first (a folded confirmation, without JavaScript), with a danger button.
	if n := doc.Find(fmt.Sprintf(`#projet-%d details.confirm form[action$="/supprimer"] button.danger`, p.ID)).Length(); n != 1 {
		t.Errorf("the project's deletion is not behind a confirmation: %d", n)
	}
	if res := e.post(cand, edit+"/supprimer", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", res.StatusCode)
	}
}

// The fiche d'appréciation de stage a tutor filled is a PDF too (frozen into the dossier at
// the close), reachable from the internship's page.
func TestFicheStagePDF(t *testing.T) {
	e := newEnv(t)
	var ins int64
	if err := e.st.DB().QueryRow(`SELECT MIN(inscription_id) FROM stages WHERE fiche IS NOT NULL`).Scan(&ins); err != nil || ins == 0 {
		t.Fatalf("a demo fiche: %d %v", ins, err)
	}
	ref := e.login("referent@certif.demo")
	_, doc := e.get(ref, fmt.Sprintf("/inscriptions/%d/stage", ins))
	href, ok := doc.Find("#fiche-pdf").Attr("href")
	if !ok {
		t.Fatal("no link to the fiche's PDF on the internship's page")
	}
	res, err := ref.Get(e.ts.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("fiche PDF: %d %.100s", res.StatusCode, b)
	}
	var none int64
	if err := e.st.DB().QueryRow(`SELECT MIN(inscription_id) FROM stages WHERE fiche IS NULL`).Scan(&none); err == nil && none != 0 {
		if res, _ := e.get(ref, fmt.Sprintf("/inscriptions/%d/documents/fiche-stage.pdf", none)); res.StatusCode != http.StatusNotFound {
			t.Errorf("fiche not filled: %d", res.StatusCode)
		}
	}
}
