package web

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/certif/certif/internal/demo"
)

// TestBrowserUIFixes checks in Chromium what HTML alone cannot show: the candidates' filter
// bar is one row of normal-height fields (it was ~210 px tall, its button's letters stacked),
// and the « Copier » buttons appear with JavaScript next to a secret shown once.
func TestBrowserUIFixes(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)
	e := newEnv(t)
	p := b.open(t)
	p.login(e.ts.URL, "referent@certif.demo", demo.Password, http.StatusOK)

	p.navigate(e.ts.URL+"/candidats", http.StatusOK)
	// At a phone's, a tablet's and a desktop's width: every control of the bar is as tall as
	// the search field; on a phone each takes a whole line, from the tablet up they share
	// lines; the button's label stays on one line and the search box shows its whole hint.
	const barJS = `(() => {
		const f = document.querySelector("form.filters"), q = f.querySelector("#q").getBoundingClientRect();
		let tall = 0, narrow = 0;
		for (const el of f.querySelectorAll("input, select, button")) {
			const r = el.getBoundingClientRect();
			tall = Math.max(tall, Math.round(Math.abs(r.height - q.height)));
			if (el.tagName !== "BUTTON" && r.width < 120) narrow++;
		}
		return tall * 1000 + narrow;
	})()`
	for _, width := range []int64{375, 768, 1280} {
		p.do(chromedp.EmulateViewport(width, 900))
		v := p.eval(barJS)
		if tall, narrow := v/1000, v%1000; tall > 4 || narrow > 0 {
			t.Errorf("filter bar at %d px: a control differs by %d px in height from the search field, %d narrower than 120 px", width, tall, narrow)
		}
		if h := p.eval(`Math.round(document.querySelector("form.filters button").getBoundingClientRect().height)`); h > 70 {
			t.Errorf("filter button %d px tall at %d px", h, width)
		}
		if !p.evalBool(`(() => { const q = document.querySelector("#q"); return q.scrollWidth <= q.clientWidth + 1 && q.getBoundingClientRect().width >= 200; })()`) {
			t.Errorf("search box too narrow at %d px", width)
		}
		p.save(fmt.Sprintf("ui-candidats-filtres-%d", width), run(p, chromedp.CaptureScreenshot()))
	}
	p.do(chromedp.EmulateViewport(desktopWidth, desktopHeight))
	p.shoot("ui-candidats")

	// A token created from the account page: its secret in a read-only field with a visible
	// copy button (copy.js), the revocation folded behind a confirmation.
	p.navigate(e.ts.URL+"/compte", http.StatusOK)
	p.do(chromedp.SendKeys("#token_name", "tableur"))
	res, err := chromedp.RunResponse(p.ctx, chromedp.Click(`form[action="/compte/jetons"] button[type=submit]`))
	if err != nil {
		t.Fatal(err)
	}
	p.checkStatus("token creation", res, http.StatusOK)
	if !p.evalBool(`(() => { const b = document.querySelector('button[data-copy="new-token-secret"]'); return !!b && !b.hidden && b.offsetHeight > 0 && document.querySelector("#new-token-secret").readOnly; })()`) {
		t.Error("no visible copy button next to the read-only secret")
	}
	if p.evalBool(`document.querySelector("details.confirm").open`) {
		t.Error("the revocation is not folded")
	}
	p.shoot("ui-compte-jeton")
	p.navigate(e.ts.URL+"/compte", http.StatusOK)
	if p.evalBool(`!!document.querySelector("#new-token")`) {
		t.Error("the secret is shown again after a reload")
	}
}
