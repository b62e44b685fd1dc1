package web

import (
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
	// Every control of the bar is as tall as the search field, on one line at desktop size,
	// and the button's label stays on one line.
	const barJS = `(() => {
		const f = document.querySelector("form.filters"), q = f.querySelector("#q").getBoundingClientRect();
		let worst = 0;
		for (const el of f.querySelectorAll("input, select, button")) {
			const r = el.getBoundingClientRect();
			worst = Math.max(worst, Math.round(Math.abs(r.height - q.height)), Math.round(Math.abs(r.top - q.top)));
		}
		return worst;
	})()`
	if d := p.eval(barJS); d > 4 {
		t.Errorf("filter bar: a control differs by %d px in height or position from the search field", d)
	}
	if h := p.eval(`Math.round(document.querySelector("form.filters button").getBoundingClientRect().height)`); h > 70 {
		t.Errorf("filter button %d px tall", h)
	}
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
