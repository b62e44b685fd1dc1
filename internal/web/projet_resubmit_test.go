package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestProjetResubmitPrefilled: « Remettre une nouvelle version » starts from the current version
// (title, description, link), so adding just a file keeps them; the deliverables already
// attached stay attached, and the form says so.
func TestProjetResubmitPrefilled(t *testing.T) {
	e := newEnv(t)
	lea := findInscription(t, e, e.token("referent@certif.demo"), "Moreau")
	cand := e.login("candidat@certif.demo")
	livretPath := "/inscriptions/" + lea + "/livret"
	_, doc := e.get(cand, livretPath)
	form := doc.Find("form[action^='/inscriptions/" + lea + "/projets/BC03#']")
	if form.Length() != 1 {
		t.Fatalf("BC03 project form: %d", form.Length())
	}
	titre, _ := form.Find("#titre-BC03").Attr("value")
	url, _ := form.Find("#url-BC03").Attr("value")
	desc := form.Find("#description-BC03").Text()
	current := text(doc.Find("#projet-BC03 > p strong").First())
	if titre == "" || titre != current {
		t.Errorf("title not pre-filled: %q, current %q", titre, current)
	}
	if desc == "" || url == "" {
		t.Errorf("description or link not pre-filled: %q %q", desc, url)
	}
	if hint := text(doc.Find("#resubmit-BC03-hint")); !strings.Contains(hint, "restent attachés") {
		t.Errorf("no word on the attached files: %q", hint)
	}
	before := doc.Find("#livrables-BC03 a[href^='/fichiers/']").Length()
	if before == 0 {
		t.Fatal("the demo's BC03 project has no deliverable")
	}

	// The browser sends the pre-filled fields back with just a new file.
	res, body := e.postFiles(cand, "/inscriptions/"+lea+"/projets/BC03",
		map[string]string{"titre": titre, "url": url, "description": desc}, map[string][]byte{"annexe.pdf": bigPDF(4 << 10)})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new version with a file only: %d %s", res.StatusCode, body)
	}
	_, doc = e.get(cand, livretPath)
	if got := text(doc.Find("#projet-BC03 > p strong").First()); got != titre {
		t.Errorf("title after the new version: %q, want %q", got, titre)
	}
	if got, _ := doc.Find("#projet-BC03 a[rel~='noopener']").First().Attr("href"); got != url {
		t.Errorf("link after the new version: %q, want %q", got, url)
	}
	if !strings.Contains(text(doc.Find("#projet-BC03")), strings.TrimSpace(desc)) {
		t.Error("description lost by the new version")
	}
	if n := doc.Find("#livrables-BC03 a[href^='/fichiers/']").Length(); n != before+1 {
		t.Errorf("deliverables after the new version: %d, want %d", n, before+1)
	}

	// A refused new version re-shows what was typed, not the stored version.
	res, body = e.postFiles(cand, "/inscriptions/"+lea+"/projets/BC03", map[string]string{"titre": "", "url": "https://autre.fr/x"}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "https://autre.fr/x") {
		t.Errorf("refused new version: %d", res.StatusCode)
	}
}
