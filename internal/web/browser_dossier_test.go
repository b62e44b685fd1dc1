package web

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/dossier"
)

// TestBrowserDossierPhone: a candidate deposits a piece of their dossier from a phone
// (Chromium at 390 px): the page never scrolls sideways, the report reads as a checklist
// (a state word and a symbol per line), and the upload lands as the next version of the piece
// (the demo deposited the first).
func TestBrowserDossierPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	cv := filepath.Join(t.TempDir(), "mon-cv.pdf")
	if err := os.WriteFile(cv, pdfBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	// Two projects, so that the coverage matrix has columns to scroll.
	for _, titre := range []string{"Blog du club de voile nautique de Lyon", "Stratégie sociale du festival"} {
		pr := &dossier.Projet{InscriptionID: lea, Titre: titre, Origine: dossier.OrigineStage, Competences: []string{"C1.1", "C2.1", "C3.1"}}
		if err := e.st.CreateProjet(t.Context(), account.System, pr); err != nil {
			t.Fatal(err)
		}
	}
	p := b.open(t)
	p.login(e.ts.URL, "candidat@certif.demo", demo.Password, http.StatusOK)
	p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	page := fmt.Sprintf("%s/inscriptions/%d/dossier", e.ts.URL, lea)
	p.navigate(page, http.StatusOK)
	if w := p.eval(`document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("the dossier page scrolls sideways by %d px at 390 px", w)
	}
	lines := run(p, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#conformite li.check .check-state")].map(s => s.textContent.trim())`))
	if len(lines) != len(dossierRegles) {
		t.Fatalf("conformity lines %q", lines)
	}
	for _, l := range lines {
		if !strings.ContainsAny(l, "✓!✗?") || len(strings.Fields(l)) < 2 {
			t.Errorf("a line's state %q is not a symbol and a word", l)
		}
	}
	// The summary counts as it is typed, as the server will.
	const typed = "Un blog l’image : mots-clés 200–250 !"
	p.do(chromedp.SendKeys("#texte", typed))
	want := fmt.Sprintf("%d mots, %d caractères", dossier.CountWords(typed), dossier.CharsWithoutSpaces(typed))
	if got := p.text("#resume-live"); !strings.Contains(got, want) {
		t.Errorf("live counts of the summary: %q, want %q", got, want)
	}
	p.shoot("dossier-phone")
	// A file over the cap is refused by the browser before it is sent.
	e.srv.cfg.MaxDocumentBytes = 1 << 20
	p.navigate(page, http.StatusOK)
	big := filepath.Join(t.TempDir(), "gros.pdf")
	if err := os.WriteFile(big, append(append([]byte{}, pdfBytes...), make([]byte, 2<<20)...), 0o644); err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.SetUploadFiles("#fichier-brief", []string{big}))
	if msg := run(p, chromedp.Evaluate[string](`document.querySelector("#fichier-brief").validationMessage`)); !strings.Contains(msg, "1 Mo") {
		t.Errorf("a file over the cap is not refused before sending: %q", msg)
	}
	p.do(chromedp.SetUploadFiles("#fichier-cv", []string{cv}))
	res, err := chromedp.RunResponse(p.ctx, chromedp.Click(`#piece-cv form button[type=submit]`))
	if err != nil {
		t.Fatal(err)
	}
	p.checkStatus("upload", res, http.StatusOK)
	if got := p.text("#piece-cv .piece-current"); !strings.Contains(got, "Version 2") || !strings.Contains(got, "mon-cv.pdf") { // after the demo's
		t.Errorf("the CV after upload: %q", got)
	}
	if w := p.eval(`document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("the dossier page scrolls sideways by %d px after an upload", w)
	}
	p.shoot("dossier-phone-cv")
}
