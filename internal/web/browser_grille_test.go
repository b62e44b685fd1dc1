package web

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/certif/certif/internal/demo"
)

// TestBrowserGrille: a juror fills their grid on a tablet (Chromium at 820 px) during an oral:
// each tap saves at once (htmx) and says when; a remark is saved while typing; a reload shows
// what was saved. A second juror saves their own grid of the same passage meanwhile (no
// conflict); a second window of the first juror, left behind, gets the stale message with the
// newer values, and nothing is overwritten.
func TestBrowserGrille(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)
	g := newGrilleEnv(t)
	page := fmt.Sprintf("%s/passages/%d/grille", g.ts.URL, g.passage)
	tablet := chromedp.EmulateViewport(820, 1180, chromedp.EmulateTouch, chromedp.EmulatePortrait)

	w1 := b.open(t)
	w1.login(g.ts.URL, "jury@certif.demo", demo.Password, http.StatusOK)
	w1.do(tablet)
	w1.navigate(page, http.StatusOK)
	w1.save("grille-tablette-vierge", run(w1, chromedp.CaptureScreenshot()))
	// The second window of the same juror, opened now (version 0).
	w2 := b.open(t)
	w2.login(g.ts.URL, "jury@certif.demo", demo.Password, http.StatusOK)
	w2.do(tablet)
	w2.navigate(page, http.StatusOK)

	// A tap on « acquis »: saved at once.
	w1.do(chromedp.Click(`label[for="p-0-0-acquis"]`),
		chromedp.WaitVisible(`#grille-etat .saved`),
		chromedp.WaitReady(`#grille-etat input[name=version][value="1"]`))
	if got := w1.text("#grille-etat"); !strings.Contains(got, "Enregistré à") {
		t.Errorf("after a tap: %q", got)
	}
	// The second juror saves their own grid of the same passage meanwhile.
	if status, out := g.api("PUT", g.path(), g.token(g.jury2), `{"version":0,"competences":[],"entretien_final":{"culture":"acquis"}}`); status != 200 {
		t.Fatalf("second juror: %d %s", status, out)
	}
	// The entretien technique's first compétence is one the project does not cover, when any.
	w1.do(chromedp.ScrollIntoView(`#entretien`))
	w1.do(chromedp.Click(`#entretien fieldset .seg label.n-non_acquis`),
		chromedp.WaitReady(`#grille-etat input[name=version][value="2"]`))
	// A remark typed: saved after a pause.
	w1.do(chromedp.ScrollIntoView(`textarea[name="f:remarque"]`),
		chromedp.SendKeys(`textarea[name="f:remarque"]`, "Bonne culture du métier, vision claire."),
		chromedp.WaitReady(`#grille-etat input[name=version][value="3"]`))
	w1.save("grille-tablette-saisie", run(w1, chromedp.CaptureScreenshot()))

	// A reload shows what was saved.
	w1.navigate(page, http.StatusOK)
	if !w1.evalBool(`document.getElementById("p-0-0-acquis").checked`) {
		t.Error("after a reload, « acquis » is not checked")
	}
	if got := w1.value(`textarea[name="f:remarque"]`); got != "Bonne culture du métier, vision claire." {
		t.Errorf("after a reload, the remark is %q", got)
	}

	// The window left behind at version 0: its tap is refused, the newer values shown.
	w2.do(chromedp.Click(`label[for="p-0-0-non_acquis"]`),
		chromedp.WaitVisible(`.notice.grille-stale`))
	if got := w2.text(".notice.grille-stale"); !strings.Contains(got, "autre fenêtre") {
		t.Errorf("stale message: %q", got)
	}
	if !w2.evalBool(`document.getElementById("p-0-0-acquis").checked`) {
		t.Error("the stale window does not show the newer value")
	}
	if got := w2.text("#presentation .mine"); !strings.Contains(got, "non acquis") {
		t.Errorf("the juror's own choice is not shown beside: %q", got)
	}
	w2.save("grille-tablette-conflit", run(w2, chromedp.CaptureScreenshot()))
	// Nothing was overwritten: the server still has version 3 with « acquis ».
	status, out := g.api("GET", g.path(), g.token("jury@certif.demo"), "")
	if status != 200 || !strings.Contains(string(out), `"version":3`) {
		t.Errorf("after the stale save: %d %.200s", status, out)
	}
	// The next tap in that window saves over the newer values, deliberately (version 3 now).
	w2.do(chromedp.Click(`label[for="p-0-0-non_acquis"]`),
		chromedp.WaitReady(`#grille-etat input[name=version][value="4"]`))

	// The first window, now behind (version 3), types more of its remark: refused. The sticky
	// state bar says so in red, linking to the explanation; the text typed stays in its field,
	// the text saved elsewhere beside it, the focus still in the field.
	w1.do(chromedp.SendKeys(`textarea[name="f:remarque"]`, " Culture à approfondir."),
		chromedp.WaitVisible(`#grille-etat .grille-refused`))
	if got := w1.text("#grille-etat"); !strings.Contains(got, "Enregistrement refusé") || strings.Contains(got, "Enregistré à") {
		t.Errorf("state bar after a refused save: %q", got)
	}
	if got := w1.value(`textarea[name="f:remarque"]`); !strings.Contains(got, "Culture à approfondir.") || !strings.Contains(got, "vision claire.") {
		t.Errorf("the remark typed is lost: %q", got)
	}
	if !w1.evalBool(`document.activeElement && document.activeElement.name === "f:remarque"`) {
		t.Error("the focus left the remark being typed")
	}
	if !w1.evalBool(`(function () { var r = document.querySelector("#grille-etat").getBoundingClientRect(); return r.top >= 0 && r.top < 80; })()`) {
		t.Error("the state bar is not in view at the top")
	}
	w1.save("grille-tablette-refus", run(w1, chromedp.CaptureScreenshot()))

	// The président's view at desktop and phone sizes (no sideways scroll on a phone).
	w1.do(chromedp.EmulateViewport(desktopWidth, desktopHeight))
	w1.navigate(page, http.StatusOK)
	w1.shoot("grille")

	// The network gone (the server stopped): the state line says the choice is not saved.
	g.ts.Close()
	w1.do(chromedp.Click(`label[for="p-0-1-acquis"]`), chromedp.WaitVisible(`#grille-etat .grille-offline`))
	if got := w1.text("#grille-etat .grille-offline"); !strings.Contains(got, "Hors ligne") {
		t.Errorf("offline: %q", got)
	}
	w1.save("grille-hors-ligne", run(w1, chromedp.CaptureScreenshot()))
	w1.mu.Lock()
	w1.problems = nil // the failed request's console error is the point here, not a page error
	w1.mu.Unlock()
}
