package web

import (
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/certif/certif/internal/demo"
)

// TestBrowserPlanifier: from the matrix, a référent plans a module for the whole promotion in
// one form; the second time the page lists the candidates who have it, next to the list, and
// the page fits a phone.
func TestBrowserPlanifier(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)
	e := newEnv(t)
	mod, ids := planifierSetup(t, e)
	p := b.open(t)
	p.login(e.ts.URL, "referent@certif.demo", demo.Password, http.StatusOK)

	p.navigate(e.ts.URL+"/promotions/"+demo.Promotion, http.StatusOK)
	res, err := chromedp.RunResponse(p.ctx, chromedp.Click("#planifier-link"))
	if err != nil {
		t.Fatal(err)
	}
	p.checkStatus("the planning link", res, http.StatusOK)
	if n := p.eval(`document.querySelectorAll("input[name=candidats]:checked").length`); n != len(ids) {
		t.Errorf("%d candidates ticked, want %d", n, len(ids))
	}
	fill := func() {
		p.do(chromedp.SetValue("#module", strconv.FormatInt(mod.ID, 10)),
			chromedp.SetValue("#debut", "2028-03-06"), chromedp.SetValue("#fin", "2028-03-10"))
	}
	fill()
	p.submit(http.StatusOK) // 303 to the same page, with the flash
	if got := p.text(".flash"); !strings.Contains(got, "planifié pour "+strconv.Itoa(len(ids))+" candidats") {
		t.Errorf(".flash = %q", got)
	}
	fill()
	p.submit(http.StatusConflict)
	p.do(chromedp.WaitVisible("#plan-conflicts"))
	if got := p.text("#plan-conflicts"); !strings.Contains(got, "Module déjà planifié du 6 au 10 mars 2028.") {
		t.Errorf("#plan-conflicts = %q", got)
	}
	p.shoot("planifier-conflits")
}
