package web

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/jury"
)

// TestBrowserPV runs the deliberation of the demo's session of today in Chromium: the
// président writes the reasons of each bloc and saves each passage's decision, the admin
// closes the deliberation, both members sign the PV from its page; the deliberation and the
// PV are looked at on a tablet (820 px) and a phone (390 px), and neither scrolls sideways.
func TestBrowserPV(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)
	e := newEnv(t)
	ctx := t.Context()
	list, err := e.st.JurySessions(ctx, account.System)
	if err != nil {
		t.Fatal(err)
	}
	var today int64
	for _, js := range list {
		if js.Date.Format(time.DateOnly) == time.Now().Format(time.DateOnly) {
			today = js.ID
		}
	}
	js, err := e.st.JurySession(ctx, account.System, today)
	if err != nil || len(js.Passages) == 0 || js.Etat != jury.EnCours {
		t.Fatalf("the demo's session of today: %+v %v", js, err)
	}
	for _, m := range js.Membres {
		if _, _, err := e.st.SignAttestation(ctx, account.Actor{UserID: m.UserID, Role: account.RoleJury}, today, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	look := func(p *browserTab, name string) {
		t.Helper()
		for _, size := range []struct {
			w, h int
			tag  string
		}{{820, 1180, "tablette"}, {390, 844, "mobile"}} {
			p.do(chromedp.EmulateViewport(int64(size.w), int64(size.h)))
			o := run(p, chromedp.Evaluate[overflow](overflowJS))
			if o.ScrollWidth > o.InnerWidth+1 {
				t.Errorf("%s at %d px: scrolls sideways (%d): %s", name, size.w, o.ScrollWidth, strings.Join(o.Culprits, ", "))
			}
			p.save(name+"-"+size.tag, run(p, chromedp.FullScreenshot(100)))
		}
	}

	// The président decides each passage as the proposal has it, with the reasons.
	pres := b.open(t)
	pres.login(e.ts.URL, "jury@certif.demo", demo.Password, http.StatusOK)
	for i, pa := range js.Passages {
		page := fmt.Sprintf("%s/passages/%d/deliberation", e.ts.URL, pa.ID)
		pres.navigate(page, http.StatusOK)
		if i == 0 {
			look(pres, "deliberation")
		}
		pres.do(chromedp.Evaluate[chromedp.Void](`(() => {
			document.querySelector('input[name=presence][value=present]').checked = true;
			document.querySelectorAll('article.dlb-bloc').forEach(a => {
				const code = a.id.replace('bloc-', '');
				const motif = a.querySelector('textarea[name=motif-' + code + ']');
				if (!motif.value) motif.value = 'Décision conforme aux grilles des jurés et à l’entretien.';
				const non = a.querySelector('input[name=decision-' + code + '][value=non_valide]');
				const reste = a.querySelector('textarea[name=reste-' + code + ']');
				if (non.checked && !reste.value) reste.value = 'Les compétences non acquises du bloc.';
			});
		})()`))
		res, err := chromedp.RunResponse(pres.ctx, chromedp.Click("#dlb-submit"))
		if err != nil || res == nil || res.Status != http.StatusOK {
			t.Fatalf("passage %d: the decision: %v %v", pa.ID, err, res)
		}
		if got := pres.text("#dlb-resultat"); !strings.Contains(got, "réussite") && !strings.Contains(got, "échec") {
			t.Errorf("passage %d: result %q", pa.ID, got)
		}
	}
	if _, err := e.st.MoveJurySession(ctx, account.System, today, jury.Deliberee, 0); err != nil {
		t.Fatal(err)
	}

	// Each member signs the PV from its page.
	other := b.open(t)
	other.login(e.ts.URL, "jury2@certif.demo", demo.Password, http.StatusOK)
	pv := fmt.Sprintf("%s/sessions/%d/pv", e.ts.URL, today)
	for _, p := range []*browserTab{other, pres} {
		p.navigate(pv, http.StatusOK)
		res, err := chromedp.RunResponse(p.ctx, chromedp.Click("#pv-sign"))
		if err != nil || res == nil || res.Status != http.StatusOK {
			t.Fatalf("signing the PV: %v %v", err, res)
		}
	}
	if !pres.evalBool(`!!document.querySelector("#pv-locked") && !document.querySelector("#pv-sign")`) {
		t.Error("the PV is not shown signed")
	}
	look(pres, "pv")
	if js, err := e.st.JurySession(ctx, account.System, today); err != nil || js.Etat != jury.PVSigne {
		t.Errorf("after both signatures: %v %v", js.Etat, err)
	}
}
