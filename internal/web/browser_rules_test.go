package web

import (
	"net/http"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserEvaluationFormOnAPhone: on a 375 px phone the critères of the evaluation form are
// stacked, each with its three labelled choices on screen (« Non évalué » was off screen).
func TestBrowserEvaluationFormOnAPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)
	e := newEnv(t)
	ins := leaInscription(t, e)
	p := b.open(t)
	p.login(e.ts.URL, "formateur@certif.demo", "certif-demo-2026", http.StatusOK)
	p.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	p.navigate(e.ts.URL+"/inscriptions/"+ins+"/evaluations/nouvelle?competence=C1.1", http.StatusOK)
	p.do(chromedp.WaitVisible("table.criteres-form"))
	off := run(p, chromedp.Evaluate[[]string](`(() => {
		const out = [], w = document.documentElement.clientWidth;
		for (const el of document.querySelectorAll("table.criteres-form input[type=radio], table.criteres-form .choice-label")) {
			const r = el.getBoundingClientRect();
			if (r.left < 0 || r.right > w || r.width === 0) out.push((el.name || el.textContent) + " " + Math.round(r.left) + "–" + Math.round(r.right));
		}
		return out;
	})()`))
	if len(off) > 0 {
		t.Errorf("on a 375 px phone, choices off screen or hidden: %v", off)
	}
	if n := p.eval(`document.querySelectorAll("table.criteres-form tbody tr").length`); n != 5 {
		t.Errorf("%d critères, want the 5 of C1.1", n)
	}
	if !p.evalBool(`[...document.querySelectorAll("table.criteres-form .choice-label")].some(l => l.textContent.trim() === "Non évalué" && l.offsetWidth > 0)`) {
		t.Error("« Non évalué » is not shown next to its choice on a phone")
	}
	if p.evalBool(`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`) {
		t.Error("the form overflows horizontally on a 375 px phone")
	}
	p.save("evaluation-formulaire-375", run(p, chromedp.FullScreenshot(100)))
	// On a desktop the critères are a table again, the labels given by its header.
	p.do(chromedp.EmulateViewport(desktopWidth, desktopHeight))
	if p.evalBool(`[...document.querySelectorAll("table.criteres-form .choice-label")].some(l => l.offsetWidth > 1)`) {
		t.Error("the choice labels show on a desktop, next to the table's header")
	}
}
