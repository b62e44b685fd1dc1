package web

import (
	"net/http"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/certif/certif/internal/demo"
)

// TestBrowserPhoneLayout checks at a phone's width (375 px) that the menu takes one row under
// the brand instead of filling the screen, and that the candidates' list and the livret's
// synthesis by bloc show every column (stacked cards) without sideways scrolling.
func TestBrowserPhoneLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)
	e := newEnv(t)
	phone := func(p *browserTab) {
		p.do(chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	}
	// Every cell of the stacked table sel lies within the screen, with its label shown.
	const cellsJS = `(sel => {
		const w = window.innerWidth; let bad = 0, cells = 0;
		for (const td of document.querySelectorAll(sel + " tbody td[data-label]")) {
			cells++;
			const r = td.getBoundingClientRect();
			if (r.left < 0 || r.right > w + 1 || r.width < 150 || getComputedStyle(td, "::before").content.length < 3) bad++;
		}
		return cells === 0 ? -1 : bad;
	})`

	p := b.open(t)
	p.login(e.ts.URL, "admin@certif.demo", demo.Password, http.StatusOK)
	p.navigate(e.ts.URL+"/admin/journal", http.StatusOK)
	phone(p)
	if h := p.eval(`Math.round(document.querySelector("header").getBoundingClientRect().height)`); h > 160 {
		t.Errorf("admin header %d px tall at 375 px, want one row of menu under the brand", h)
	}
	if !p.evalBool(`(() => { const m = document.querySelector("header nav .menu"); return m.scrollWidth > m.clientWidth && !!m.querySelector('[aria-current="page"]'); })()`) {
		t.Error("the admin menu does not scroll sideways on a phone, or lost aria-current")
	}
	p.save("phone-admin-journal", run(p, chromedp.CaptureScreenshot()))

	p = b.open(t)
	p.login(e.ts.URL, "referent@certif.demo", demo.Password, http.StatusOK)
	p.navigate(e.ts.URL+"/candidats", http.StatusOK)
	phone(p)
	if bad := p.eval(cellsJS + `("table.stack")`); bad != 0 {
		t.Errorf("candidates at 375 px: %d cells off-screen or unlabelled (-1: none)", bad)
	}
	p.save("phone-candidats", run(p, chromedp.CaptureScreenshot()))
	livret := run(p, chromedp.Evaluate[string](`document.querySelector("table.stack td.stack-title a").href + "/livret"`))
	p.navigate(livret, http.StatusOK)
	phone(p)
	if bad := p.eval(cellsJS + `("table.synthese")`); bad != 0 {
		t.Errorf("livret synthesis at 375 px: %d cells off-screen or unlabelled (-1: none)", bad)
	}
	p.do(chromedp.ScrollIntoView("#synthese-titre"))
	p.save("phone-livret-synthese", run(p, chromedp.CaptureScreenshot()))
}
