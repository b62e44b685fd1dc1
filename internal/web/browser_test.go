package web

// Browser tests: a real Chromium drives the real server, as a French user would.
//
// They need /usr/bin/chromium and are skipped with -short. One browser serves the whole
// TestBrowser run; every subtest gets its own server (newEnv) and its own incognito-like
// browser context, so that no cookie leaks from one subtest to the next.
//
// Screenshots go to t.TempDir(), or to testdata/screenshots/ at the repository root when
// CERTIF_SCREENSHOTS=1; they are also copied to $CERTIF_SHOTS_DIR when it is set.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/certif/certif/internal/demo"
)

const (
	chromiumPath   = "/usr/bin/chromium"
	browserTimeout = 60 * time.Second

	desktopWidth, desktopHeight = 1280, 900
	phoneWidth, phoneHeight     = 390, 844

	// submitButton is the submit button of the page's own form, not the logout button of the header.
	submitButton = `#contenu form button[type=submit]`
)

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)

	t.Run("Connexion", func(t *testing.T) {
		for _, tc := range []struct{ email, heading string }{
			{"admin@certif.demo", "Espace certificateur"},
			{"referent@certif.demo", "Espace référent pédagogique"},
			{"formateur@certif.demo", "Espace formateur"},
			{"candidat@certif.demo", "Mon espace candidat"},
			{"jury@certif.demo", "Espace membre du jury"},
		} {
			role := strings.TrimSuffix(tc.email, "@certif.demo")
			t.Run(role, func(t *testing.T) {
				e := newEnv(t)
				p := b.open(t)
				p.login(e.ts.URL, tc.email, demo.Password, http.StatusOK)
				if got := p.location(); got != e.ts.URL+"/" {
					t.Errorf("after login: location %q, want the home page", got)
				}
				if got := p.text("#contenu h1"); got != tc.heading {
					t.Errorf("h1 = %q, want %q", got, tc.heading)
				}
				p.shoot("accueil-" + role)
			})
		}
	})

	t.Run("Referentiel", func(t *testing.T) {
		e := newEnv(t)
		p := b.open(t)
		p.navigate(e.ts.URL+"/referentiel", http.StatusOK)
		for sel, want := range map[string]int{"ol.criteres > li": 65, "section.competence": 14, "article.bloc": 3} {
			if got := p.eval(fmt.Sprintf("document.querySelectorAll(%q).length", sel)); got != want {
				t.Errorf("%s: %d elements, want %d", sel, got, want)
			}
		}
		if h1 := p.text("#contenu h1"); h1 == "" {
			t.Error("the référentiel has no h1")
		}
		p.shoot("referentiel")
	})

	t.Run("ParcoursAdmin", func(t *testing.T) {
		e := newEnv(t)
		p := b.open(t)
		p.login(e.ts.URL, "admin@certif.demo", demo.Password, http.StatusOK)

		// An empty name and a SIRET with a wrong key: both fields are flagged, in French.
		p.navigate(e.ts.URL+"/admin/centres/nouveau", http.StatusOK)
		if got := p.value("#nom"); got != "" {
			t.Fatalf("#nom starts with %q, want it empty", got)
		}
		p.do(chromedp.SendKeys("#siret", "12345678901234"))
		p.submit(http.StatusUnprocessableEntity)
		p.do(chromedp.WaitVisible("#nom-error"), chromedp.WaitVisible("#siret-error"))
		if got := p.text("#nom-error"); !strings.Contains(got, "obligatoire") {
			t.Errorf("#nom-error = %q, want a French “obligatoire” message", got)
		}
		if got := p.text("#siret-error"); !strings.Contains(got, "SIRET") || !strings.Contains(got, "clé") {
			t.Errorf("#siret-error = %q, want the French message about the SIRET key", got)
		}
		if got := p.text(".error-summary"); !strings.Contains(got, "erreurs") {
			t.Errorf(".error-summary = %q, want a French summary", got)
		}
		if got := p.value("#siret"); got != "12345678901234" {
			t.Errorf("the SIRET was not kept: %q", got)
		}
		p.shoot("admin-centre-erreurs")

		// A valid centre: back to the list, with a flash message.
		p.do(chromedp.SendKeys("#nom", "Digital Campus Bordeaux"),
			chromedp.Clear("input#siret"), chromedp.SendKeys("input#siret", "77612345600035")) // not "#siret": the error summary links to it
		p.submit(http.StatusOK)
		if got := p.location(); got != e.ts.URL+"/admin/centres" {
			t.Errorf("after creating the centre: location %q, want the list", got)
		}
		if got := p.text(".flash"); !strings.Contains(got, "Digital Campus Bordeaux") {
			t.Errorf(".flash = %q, want the name of the new centre", got)
		}
		if !p.evalBool(`[...document.querySelectorAll("#contenu table tbody td")].some(td => td.textContent.includes("Digital Campus Bordeaux"))`) {
			t.Error("the list does not show the new centre")
		}
		if !p.evalBool(`[...document.querySelectorAll("#contenu table tbody td")].some(td => td.textContent.includes("77612345600035"))`) {
			t.Error("the list does not show the SIRET of the new centre")
		}
		p.shoot("admin-centres-liste")

		// A formateur of that centre, without a password: one is generated and shown once.
		p.navigate(e.ts.URL+"/admin/utilisateurs/nouveau", http.StatusOK)
		p.do(chromedp.SendKeys("#email", "julie.lambert@digital-campus.test"),
			chromedp.SendKeys("#prenom", "Julie"),
			chromedp.SendKeys("#nom", "Lambert"),
			chromedp.SetValue("#role", "formateur"))
		if !p.evalBool(`(() => {
			const s = document.querySelector("#centre");
			const o = [...s.options].find(o => o.textContent.trim() === "Digital Campus Bordeaux");
			if (!o) return false;
			s.value = o.value;
			return true;
		})()`) {
			t.Fatal("the new centre is not offered in #centre")
		}
		p.shoot("admin-utilisateur-nouveau")
		p.submit(http.StatusCreated)
		p.do(chromedp.WaitVisible("#generated-password"))
		if pw := p.text("#generated-password"); len(pw) < 12 {
			t.Errorf("#generated-password = %q, want a long password", pw)
		}
		if got := p.text(".flash"); !strings.Contains(got, "julie.lambert@digital-campus.test") {
			t.Errorf(".flash = %q, want the e-mail of the new account", got)
		}
		p.shoot("admin-utilisateur-cree")
	})

	t.Run("ErreurConnexion", func(t *testing.T) {
		e := newEnv(t)
		p := b.open(t)
		p.login(e.ts.URL, "candidat@certif.demo", "pas-le-bon-mot-de-passe", http.StatusUnauthorized)
		p.do(chromedp.WaitVisible("#login-error"))
		if got, want := p.text("#login-error"), "Adresse e-mail ou mot de passe incorrect."; got != want {
			t.Errorf("#login-error = %q, want %q", got, want)
		}
		if got := p.value("#email"); got != "candidat@certif.demo" {
			t.Errorf("the e-mail was not kept: %q", got)
		}
		if got := p.value("#password"); got != "" {
			t.Errorf("the password was sent back: %q", got)
		}
		p.shoot("connexion-erreur")
	})
}

// browser is one Chromium shared by the subtests of TestBrowser.
type browser struct {
	ctx   context.Context // the root tab; its first Run started the browser
	shots []string        // directories the screenshots go to
}

func startBrowser(t *testing.T) *browser {
	t.Helper()
	profile := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.Flag("accept-lang", "fr-FR,fr"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(desktopWidth, desktopHeight),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("closing the browser: %v", err)
		}
		cancel()
		cancelAlloc()
		// Chromium's helpers can write in the profile for a moment after the browser exits:
		// empty it before t.TempDir's own cleanup, which does not retry.
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	// The first Run binds the life of the browser to ctx, so it must not carry a timeout:
	// bound the start from the outside instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("starting Chromium: %v", err)
		}
	case <-time.After(browserTimeout):
		t.Fatal("Chromium did not start in time")
	}

	b := &browser{ctx: ctx}
	if os.Getenv("CERTIF_SCREENSHOTS") == "1" {
		b.shots = append(b.shots, filepath.Join("..", "..", "testdata", "screenshots"))
	}
	if d := os.Getenv("CERTIF_SHOTS_DIR"); d != "" {
		b.shots = append(b.shots, d)
	}
	for _, d := range b.shots {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// browserTab is one tab in a fresh browser context, bound to one test.
type browserTab struct {
	t     *testing.T
	ctx   context.Context
	shots []string

	mu       sync.Mutex
	problems []string // page errors: uncaught exceptions, console errors, CSP violations
}

// open opens a tab in a new browser context; it closes when the test ends or after browserTimeout.
func (b *browser) open(t *testing.T) *browserTab {
	t.Helper()
	p := &browserTab{t: t, shots: b.shots}
	if os.Getenv("CERTIF_SCREENSHOTS") != "1" {
		p.shots = append([]string{t.TempDir()}, p.shots...)
	}
	tctx, cancelTimeout := context.WithTimeout(b.ctx, browserTimeout)
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(p.listen))
	p.ctx = ctx
	t.Cleanup(func() {
		if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("closing the tab: %v", err)
		}
		cancel()
		cancelTimeout()
	})
	t.Cleanup(p.checkProblems) // runs first, while the page is still open
	p.do(chromedp.EmulateViewport(desktopWidth, desktopHeight))
	return p
}

// listen records what a user would not see but a developer must: errors of the page.
func (p *browserTab) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			msg += " " + ev.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		msg = "console.error"
		for _, a := range ev.Args {
			msg += " " + string(a.Value) + a.Description
		}
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level != cdplog.EntryLevelError {
			return
		}
		// A failed form on purpose answers 401 or 422: the browser logs it, it is no page error.
		if ev.Entry.Source == cdplog.EntrySourceNetwork && strings.Contains(ev.Entry.Text, "status of 4") {
			return
		}
		msg = fmt.Sprintf("%s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	p.mu.Lock()
	p.problems = append(p.problems, msg)
	p.mu.Unlock()
}

func (p *browserTab) checkProblems() {
	p.mu.Lock()
	defer p.mu.Unlock()
	known := false
	for _, m := range p.problems {
		// htmx injects its indicator <style> at load, which the CSP (style-src 'self') blocks.
		// Harmless until a page uses hx-indicator; reported to the app's owners, logged here.
		if strings.Contains(m, "Applying inline style violates") && strings.Contains(m, "/vendor/htmx/") {
			if !known {
				p.t.Logf("known page error (htmx indicator style blocked by the CSP): %s", m)
			}
			known = true
			continue
		}
		p.t.Errorf("page error: %s", m)
	}
}

// do runs actions in the tab and stops the test on failure.
func (p *browserTab) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

func run[T any](p *browserTab, a chromedp.Action[T]) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, a)
	if err != nil {
		p.t.Fatalf("browser: %v", err)
	}
	return v
}

// navigate loads url and checks the HTTP status of the document.
func (p *browserTab) navigate(url string, status int) {
	p.t.Helper()
	p.checkStatus(url, run(p, chromedp.NavigateResponse(url)), status)
}

// submit clicks the submit button of the page's form, waits for the next page and checks its status.
func (p *browserTab) submit(status int) {
	p.t.Helper()
	res, err := chromedp.RunResponse(p.ctx, chromedp.Click(submitButton))
	if err != nil {
		p.t.Fatalf("submitting the form: %v", err)
	}
	p.checkStatus("form submission", res, status)
}

func (p *browserTab) checkStatus(what string, res *network.Response, status int) {
	p.t.Helper()
	if res == nil {
		p.t.Fatalf("%s: no response", what)
	}
	if int(res.Status) != status {
		p.t.Fatalf("%s: status %d, want %d (%s)", what, res.Status, status, res.URL)
	}
}

// login fills the login form as a user types it.
func (p *browserTab) login(base, email, password string, status int) {
	p.t.Helper()
	p.navigate(base+"/connexion", http.StatusOK)
	p.do(chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", password))
	p.submit(status)
	p.do(chromedp.WaitVisible("#contenu h1"))
}

func (p *browserTab) text(sel string) string {
	p.t.Helper()
	return strings.Join(strings.Fields(run(p, chromedp.Text(sel))), " ")
}

func (p *browserTab) value(sel string) string {
	p.t.Helper()
	return run(p, chromedp.Value(sel))
}

func (p *browserTab) location() string {
	p.t.Helper()
	return run(p, chromedp.Location())
}

func (p *browserTab) eval(js string) int {
	p.t.Helper()
	return run(p, chromedp.Evaluate[int](js))
}

func (p *browserTab) evalBool(js string) bool {
	p.t.Helper()
	return run(p, chromedp.Evaluate[bool](js))
}

// overflowJS measures the page and lists the elements that stick out of it on the right.
// With mobile emulation, Chromium zooms out a page wider than the screen, so innerWidth grows
// with it: the culprits are measured against the layout width (clientWidth) instead.
const overflowJS = `(() => {
	const w = document.documentElement.clientWidth, out = [];
	// An element inside a scrolling or clipping box (.table-wrap) does not widen the page, unless
	// it is absolutely positioned and that box is below its containing block.
	const clipped = el => {
		let abs = getComputedStyle(el).position === "absolute";
		for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
			const cs = getComputedStyle(a);
			if (abs && cs.position === "static") continue;
			if (cs.overflowX !== "visible") return true;
			abs = cs.position === "absolute";
		}
		return false;
	};
	for (const el of document.querySelectorAll("body *")) {
		const r = el.getBoundingClientRect();
		if (r.width === 0 || r.right <= w + 1 || clipped(el)) continue;
		let s = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
			(el.classList.length ? "." + [...el.classList].join(".") : "");
		out.push(s + " right=" + Math.round(r.right));
		if (out.length === 8) break;
	}
	return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, culprits: out};
})()`

type overflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Culprits    []string `json:"culprits"`
}

// shoot checks that the page is in French, takes full-page screenshots at desktop size and at
// phone size (mobile emulation), checks that the phone layout does not scroll sideways, and goes
// back to the desktop size.
// It does not reload the page, so it also works on the answer to a POST.
func (p *browserTab) shoot(name string) {
	p.t.Helper()
	if lang := run(p, chromedp.Evaluate[string]("document.documentElement.lang")); lang != "fr" {
		p.t.Errorf("%s: <html lang=%q>, want fr", name, lang)
	}
	p.save(name+"-bureau", run(p, chromedp.FullScreenshot(100)))

	p.do(chromedp.EmulateViewport(phoneWidth, phoneHeight,
		chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	o := run(p, chromedp.Evaluate[overflow](overflowJS))
	if o.ScrollWidth > o.InnerWidth+1 || o.InnerWidth > phoneWidth {
		p.t.Errorf("%s: horizontal overflow on a %d px phone: scrollWidth %d, innerWidth %d; too wide: %s",
			name, phoneWidth, o.ScrollWidth, o.InnerWidth, strings.Join(o.Culprits, ", "))
	}
	p.save(name+"-mobile", run(p, chromedp.FullScreenshot(100)))
	p.do(chromedp.EmulateViewport(desktopWidth, desktopHeight))
}

func (p *browserTab) save(name string, png []byte) {
	p.t.Helper()
	for _, d := range p.shots {
		if err := os.WriteFile(filepath.Join(d, name+".png"), png, 0o644); err != nil {
			p.t.Fatal(err)
		}
	}
}
