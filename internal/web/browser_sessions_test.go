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
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// TestBrowserSessions looks at the jury sessions' pages on a desktop (1280 px), a tablet
// (820 px) and a phone (390 px): the admin's list, the session of today and an open one with
// its forms (convoking: the candidates who may be convoked, the others' reasons), the juror's view of it (the call to sign
// the attestation first, no admin form) and the attestation page; none scrolls sideways.
func TestBrowserSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)
	e := newEnv(t)
	list, err := e.st.JurySessions(t.Context(), account.System)
	if err != nil {
		t.Fatal(err)
	}
	var today int64
	for _, js := range list {
		if js.Date.Format(time.DateOnly) == time.Now().Format(time.DateOnly) {
			today = js.ID
		}
	}
	if today == 0 {
		t.Fatal("the demo has no session today")
	}
	look := func(p *browserTab, name string) {
		t.Helper()
		for _, size := range []struct {
			w, h int
			tag  string
		}{{1280, 900, "bureau"}, {820, 1180, "tablette"}, {390, 844, "mobile"}} {
			p.do(chromedp.EmulateViewport(int64(size.w), int64(size.h)))
			o := run(p, chromedp.Evaluate[overflow](overflowJS))
			if o.ScrollWidth > o.InnerWidth+1 {
				t.Errorf("%s at %d px: scrolls sideways (%d): %s", name, size.w, o.ScrollWidth, strings.Join(o.Culprits, ", "))
			}
			p.save(name+"-"+size.tag, run(p, chromedp.FullScreenshot(100)))
		}
	}
	session := fmt.Sprintf("%s/sessions/%d", e.ts.URL, today)

	p := b.open(t)
	p.login(e.ts.URL, "admin@certif.demo", demo.Password, http.StatusOK)
	p.navigate(e.ts.URL+"/sessions", http.StatusOK)
	if n := p.eval(`document.querySelectorAll("#sessions tbody tr").length`); n < 3 {
		t.Errorf("the admin sees %d sessions, want the demo's three", n)
	}
	look(p, "sessions-admin")
	p.navigate(e.ts.URL+"/sessions/nouvelle", http.StatusOK)
	look(p, "session-nouvelle")
	p.navigate(session, http.StatusOK)
	if !p.evalBool(`!!document.querySelector("#etat-form")`) { // under way: the jury no longer changes
		t.Error("the admin's state form is missing")
	}
	look(p, "session-admin")
	var open int64
	for _, js := range list {
		if js.Etat == jury.Planifiee || js.Etat == jury.ConvocationsEnvoyees {
			open = js.ID
		}
	}
	p.navigate(fmt.Sprintf("%s/sessions/%d", e.ts.URL, open), http.StatusOK)
	if !p.evalBool(`!!document.querySelector("#passage-form select optgroup option[disabled]")`) {
		t.Error("the open session's form marks no candidate as not convocable")
	}
	if !p.evalBool(`document.querySelector("details.non-convocables").open = true`) {
		t.Error("no reasons beside the form")
	}
	look(p, "session-ouverte")
	// A refusal (no hour) sits under the form, not over the « Convoquer » button.
	p.do(chromedp.SetValue("#inscription_id", run(p, chromedp.Evaluate[string](`document.querySelector("#inscription_id optgroup option:not([disabled])").value`))))
	res, err := chromedp.RunResponse(p.ctx, chromedp.Click("#passage-form button[type=submit]"))
	if err != nil || res == nil || res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("convoking without an hour: %v %v", res, err)
	}
	if !p.evalBool(`document.querySelector("#passage-error").getBoundingClientRect().top >= document.querySelector("#passage-form button").getBoundingClientRect().bottom`) {
		t.Error("the refusal overlaps the « Convoquer » button")
	}
	if !p.evalBool(`document.querySelector("#heure").getAttribute("aria-invalid") === "true" && !document.querySelector("#inscription_id").hasAttribute("aria-invalid")`) {
		t.Error("the hour is refused, the candidate marked invalid")
	}
	look(p, "session-refus")
	jurorUser, _, err := e.st.Credentials(t.Context(), "jury@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	p.navigate(fmt.Sprintf("%s/admin/utilisateurs/%d", e.ts.URL, jurorUser.ID), http.StatusOK)
	if !p.evalBool(`!!document.querySelector("#profil-jury select#college")`) {
		t.Error("no jury profile on the juror's account page")
	}
	look(p, "profil-jure")
	rows, err := e.st.Inscriptions(t.Context(), account.System, store.InscriptionFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Voie == candidat.VAE {
			p.navigate(fmt.Sprintf("%s/inscriptions/%d", e.ts.URL, r.ID), http.StatusOK)
			break
		}
	}
	if !p.evalBool(`!!document.querySelector("#recevabilite form textarea#motif")`) {
		t.Error("no recevabilité form on a VAE file")
	}
	look(p, "recevabilite")

	p = b.open(t)
	p.login(e.ts.URL, "jury@certif.demo", demo.Password, http.StatusOK)
	if !p.evalBool(`!!document.querySelector("#work-attestations a[href$='/attestation']")`) {
		t.Error("the juror's home does not ask for the attestation")
	}
	look(p, "accueil-jure")
	p.navigate(session, http.StatusOK)
	if !p.evalBool(`!!document.querySelector("#attestation-a-signer") && !document.querySelector("form[action$='/membres']")`) {
		t.Error("the juror's view: no call to sign, or an admin form")
	}
	look(p, "session-jure")
	p.navigate(session+"/attestation", http.StatusOK)
	look(p, "session-attestation")

	// The candidate convoked to the upcoming session sees it on her page.
	p = b.open(t)
	p.login(e.ts.URL, "candidat@certif.demo", demo.Password, http.StatusOK)
	p.navigate(e.ts.URL+"/", http.StatusOK)
	if !p.evalBool(`!!document.querySelector("article.convocation a[href$='/convocation.pdf']")`) {
		t.Error("Léa's home shows no convocation")
	}
	look(p, "accueil-candidate")
	p.navigate(e.ts.URL+"/mon-dossier", http.StatusOK)
	if !p.evalBool(`!!document.querySelector("article.convocation a[href$='/convocation.pdf']")`) {
		t.Error("Léa's page shows no convocation")
	}
	look(p, "convocation-candidate")
}
