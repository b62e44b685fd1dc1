package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/demo"
)

// TestDemoPromotionShowsEveryStage: with the rule « acquise when every critère is » (R4), the
// demo promotion still shows every stage — non évaluée, en cours, non acquise, acquise and a
// bloc validated in training — and the livret says how many critères are acquired.
func TestDemoPromotionShowsEveryStage(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	res, doc := e.get(c, "/promotions/"+demo.Promotion)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("matrix: status %d", res.StatusCode)
	}
	for _, etat := range []string{"non_evaluee", "en_cours", "non_acquise", "acquise"} {
		if n := doc.Find("table.matrice tbody td.cell.etat-" + etat).Length(); n == 0 {
			t.Errorf("no cell %s in the demo promotion", etat)
		}
	}
	if n := doc.Find("table.matrice tbody td.bloc-cell span").Length(); n == 0 {
		t.Error("no bloc validated in training in the demo promotion")
	}
	// Léa's livret: every compétence acquired, each with its critères counted.
	href, _ := doc.Find("table.matrice tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(strings.ToLower(s.Find("th").Text()), "moreau")
	}).Find("td.cell a").Attr("href")
	_, lv := e.get(c, strings.SplitN(href, "#", 2)[0])
	lead := lv.Find(`section[id="C1.1"] .criteres-etat-lead`).Text()
	if !strings.Contains(lead, "5/5 critères acquis") {
		t.Errorf("C1.1 lead = %q, want « 5/5 critères acquis »", lead)
	}
	lv.Find("section.competence").Each(func(_ int, s *goquery.Selection) {
		if b := s.Find("h3 .badge").Text(); b == "Acquise" && s.Find(".criteres-etat li.res-acquis").Length() != s.Find(".criteres-etat li").Length() {
			t.Errorf("%s acquise with a critère not acquired", s.AttrOr("id", "?"))
		}
	})
}

// leaLivret returns the inscription id of Léa Moreau, the demo candidate, from the matrix.
func leaInscription(t *testing.T, e *testEnv) string {
	t.Helper()
	_, doc := e.get(e.login("referent@certif.demo"), "/promotions/"+demo.Promotion)
	href, _ := doc.Find("table.matrice tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(strings.ToLower(s.Find("th").Text()), "moreau")
	}).Find("th a").Attr("href")
	id := strings.TrimSuffix(strings.TrimPrefix(href, "/inscriptions/"), "/livret")
	if id == "" || strings.Contains(id, "/") {
		t.Fatalf("Léa's livret link %q", href)
	}
	return id
}

// TestEvaluationFormFollowsTheReferentiel: the form offers the référentiel's form of the
// compétence first (C2.4: a TP); another form needs a reason (≤ 500 characters, French error
// next to the field), shown on the livret (« Forme hors référentiel ») with the module the
// evaluation follows; same rule on the API.
func TestEvaluationFormFollowsTheReferentiel(t *testing.T) {
	e := newEnv(t)
	ins := leaInscription(t, e)
	c := e.login("formateur@certif.demo")
	res, doc := e.get(c, "/inscriptions/"+ins+"/evaluations/nouvelle?competence=C2.4")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("form: %d", res.StatusCode)
	}
	if got := doc.Find("#forme > option").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("value", "") }); strings.Join(got, ",") != "tp" {
		t.Errorf("forms offered first = %v, want only the référentiel's (tp)", got)
	}
	if n := doc.Find("#forme optgroup option").Length(); n != 4 {
		t.Errorf("%d other forms, want 4 under « hors référentiel »", n)
	}
	if v := doc.Find("#forme option[selected]").AttrOr("value", ""); v != "tp" {
		t.Errorf("form preselected %q, want tp", v)
	}
	mod := doc.Find("#module option[selected]")
	if !strings.Contains(mod.Text(), "Animation de communautés") {
		t.Errorf("module preselected %q, want the one training C2.4", mod.Text())
	}
	moduleID := mod.AttrOr("value", "")

	form := url.Values{"competence": {"C2.4"}, "forme": {"quiz"}, "date": {"2026-11-02"}, "module": {moduleID},
		"critere_C2.4.1": {"acquis"}}
	res, doc = postMultipart(t, e, c, "/inscriptions/"+ins+"/evaluations", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("quiz for C2.4 without a reason: %d", res.StatusCode)
	}
	if msg := doc.Find("#motif_forme-error").Text(); !strings.Contains(msg, "C2.4") || !strings.Contains(msg, "motif") {
		t.Errorf("error next to the reason = %q", msg)
	}
	if doc.Find("#motif_forme[aria-invalid=true]").Length() != 1 {
		t.Error("the reason field is not marked invalid")
	}
	form.Set("motif_forme", strings.Repeat("x", 501))
	if res, doc = postMultipart(t, e, c, "/inscriptions/"+ins+"/evaluations", form); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(doc.Find("#motif_forme-error").Text(), "500") {
		t.Errorf("a 501-character reason: %d %q", res.StatusCode, doc.Find("#motif_forme-error").Text())
	}
	form.Set("motif_forme", "Absente au TP\x00 : rattrapage par quiz.")
	if res, _ = postMultipart(t, e, c, "/inscriptions/"+ins+"/evaluations", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("quiz with a reason: %d", res.StatusCode)
	}
	_, lv := e.get(c, "/inscriptions/"+ins+"/livret")
	sec := lv.Find(`section[id="C2.4"]`)
	if got := sec.Find(".hors-referentiel").First().Text(); !strings.Contains(got, "Forme hors référentiel") || !strings.Contains(got, "Absente au TP : rattrapage par quiz.") {
		t.Errorf("livret: hors référentiel = %q", got)
	}
	if got := sec.Find(".module").First().Text(); !strings.Contains(got, "Animation de communautés") {
		t.Errorf("livret: module = %q", got)
	}
	// The livret PDF says it too.
	if _, err := exec.LookPath("pdftotext"); err == nil {
		res, err := c.Get(e.ts.URL + "/inscriptions/" + ins + "/documents/livret.pdf")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("livret.pdf: %v %v", err, res.Status)
		}
		pdf, _ := io.ReadAll(res.Body)
		res.Body.Close()
		path := filepath.Join(t.TempDir(), "livret.pdf")
		_ = os.WriteFile(path, pdf, 0o600)
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, want := range []string{"Forme hors référentiel : Absente au TP : rattrapage par quiz.", "À la suite du module « Animation de communautés", "5/5 critères acquis"} {
			if !strings.Contains(strings.ReplaceAll(strings.ReplaceAll(text, "\u202f", " "), "\u00a0", " "), want) {
				t.Errorf("livret.pdf lacks %q", want)
			}
		}
	}
	// A module of the other centre is refused next to the field.
	form.Set("module", "999999")
	if res, doc = postMultipart(t, e, c, "/inscriptions/"+ins+"/evaluations", form); res.StatusCode != http.StatusUnprocessableEntity || doc.Find("#module-error").Text() == "" {
		t.Errorf("unknown module: %d %q", res.StatusCode, doc.Find("#module-error").Text())
	}

	// The API: same rule, the reason and the module read back.
	tok := e.token("formateur@certif.demo")
	status, out := e.api("POST", "/api/v1/inscriptions/"+ins+"/evaluations", tok, `{"competence":"C2.4","forme":"quiz","date":"2026-11-03","criteres":{"C2.4.1":"acquis"}}`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(out), "motif_forme") {
		t.Errorf("API quiz without a reason: %d %s", status, out)
	}
	status, out = e.api("POST", "/api/v1/inscriptions/"+ins+"/evaluations", tok, `{"competence":"C2.4","forme":"quiz","date":"2026-11-03","criteres":{"C2.4.1":"acquis"},"motif_forme":"Rattrapage.","module_id":`+moduleID+`}`)
	if status != http.StatusCreated || !strings.Contains(string(out), `"motif_forme":"Rattrapage."`) || !strings.Contains(string(out), `"module_id":`+moduleID) {
		t.Errorf("API quiz with a reason: %d %s", status, out)
	}
}

// postMultipart submits form as multipart/form-data, as the evaluation form does.
func postMultipart(t *testing.T, e *testEnv, c *http.Client, path string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, doc
}

// TestMatrixLettersAndParcours: each cell of the promotion matrix says its state by a letter
// and a label, not by colour alone (WCAG 1.4.1), with a legend; the compétences of a bloc the
// candidate does not aim at are « hors parcours », not « non évaluée ».
func TestMatrixLettersAndParcours(t *testing.T) {
	e := newEnv(t)
	_, doc := e.get(e.login("referent@certif.demo"), "/promotions/"+demo.Promotion)
	want := map[string]string{"acquise": "A", "en_cours": "E", "non_acquise": "N", "non_evaluee": "–"}
	for etat, letter := range want {
		cell := doc.Find("table.matrice tbody td.cell.etat-" + etat + " a").First()
		if got := strings.TrimSpace(cell.Text()); got != letter {
			t.Errorf("cell %s shows %q, want %q", etat, got, letter)
		}
		if label := cell.AttrOr("aria-label", ""); !strings.Contains(label, " : ") {
			t.Errorf("cell %s has no label: %q", etat, label)
		}
		if !strings.Contains(doc.Find("ul.matrice-legend").Text(), letter) {
			t.Errorf("the legend lacks %q", letter)
		}
	}
	if got := doc.Find("ul.matrice-legend").Text(); !strings.Contains(got, "Acquise") || !strings.Contains(got, "hors parcours") || !strings.Contains(got, "Non évaluée") {
		t.Errorf("legend = %q", got)
	}
	row := doc.Find("table.matrice tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(strings.ToLower(s.Find("th").Text()), "andré")
	})
	if n := row.Find("td.cell.hors-parcours").Length(); n != 7 { // the 6 compétences of bloc 1 and its bloc cell
		t.Errorf("André aims at blocs 2 and 3: %d cells hors parcours, want 7", n)
	}
	if got := row.Find("td.cell.hors-parcours").First().Text(); !strings.Contains(got, "hors parcours") {
		t.Errorf("hors parcours cell = %q", got)
	}
	if n := row.Find("td.cell.etat-non_evaluee").Length(); n != 8 {
		t.Errorf("André: %d cells non évaluée, want 8 (blocs 2 and 3)", n)
	}
	if n := doc.Find("table.matrice tbody td.cell a:empty").Length(); n != 0 {
		t.Errorf("%d cells still say their state by colour alone", n)
	}
}
