package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/certif/certif/internal/demo"
)

// Every response to a signed-in user carries one Cache-Control: no-store (not the session
// manager's no-cache="Set-Cookie" beside it); logging out clears the site's data.
func TestNoStoreSignedInAndClearSiteData(t *testing.T) {
	e := newEnv(t)
	anon := e.client()
	res := e.post(anon, "/connexion", map[string][]string{"email": {"referent@certif.demo"}, "password": {demo.Password}})
	if got := res.Header.Values("Cache-Control"); len(got) != 1 || got[0] != "no-store" {
		t.Errorf("sign-in redirect (sets the session cookie): Cache-Control %q, want one no-store", got)
	}
	ref := e.login("referent@certif.demo")
	for _, p := range []string{"/", "/candidats", "/promotions/" + demo.Promotion, "/referentiel", "/inscriptions/1/livret", "/n-existe-pas"} {
		res, _ := e.fetch(ref, p, "gzip")
		if got := res.Header.Values("Cache-Control"); len(got) != 1 || got[0] != "no-store" {
			t.Errorf("%s signed in: Cache-Control %q, want one no-store", p, got)
		}
	}
	// The public référentiel stays cacheable for visitors.
	res, _ = e.fetch(e.client(), "/api/v1/certifications/1/referentiel", "")
	if strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("public référentiel document: Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	res = e.post(ref, "/deconnexion", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: status %d", res.StatusCode)
	}
	if got := res.Header.Get("Clear-Site-Data"); got != `"cache", "cookies", "storage"` {
		t.Errorf("logout: Clear-Site-Data %q", got)
	}
	if got := res.Header.Values("Cache-Control"); len(got) != 1 || got[0] != "no-store" {
		t.Errorf("logout: Cache-Control %q", got)
	}
}

func TestSecurityHeadersCSPAndHSTS(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, https := range []bool{false, true} {
		rec := httptest.NewRecorder()
		securityHeaders(ok, https).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		csp := rec.Header().Get("Content-Security-Policy")
		for _, d := range []string{"base-uri 'self'", "object-src 'none'", "frame-ancestors 'none'", "default-src 'self'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("CSP %q lacks %q", csp, d)
			}
		}
		hsts := rec.Header().Get("Strict-Transport-Security")
		if https != (hsts != "") || (https && !strings.HasPrefix(hsts, "max-age=63072000")) {
			t.Errorf("secure cookies %v: Strict-Transport-Security %q", https, hsts)
		}
	}
}

// An unknown promotion is a French 404, not an empty matrix; another centre's too.
func TestPromotionUnknownIs404(t *testing.T) {
	e := newEnv(t)
	ref := e.login("referent@certif.demo")
	res, doc := e.get(ref, "/promotions/N-EXISTE-PAS")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown promotion: status %d, want 404", res.StatusCode)
	}
	if h := text(doc.Find("h1")); !strings.Contains(h, "introuvable") && !strings.Contains(strings.ToLower(h), "page") {
		t.Errorf("unknown promotion: heading %q", h)
	}
	if res, _ := e.get(e.login("referent.nantes@certif.demo"), "/promotions/"+demo.Promotion); res.StatusCode != http.StatusNotFound {
		t.Errorf("another centre's promotion: status %d, want 404", res.StatusCode)
	}
	if res, _ := e.get(ref, "/promotions/"+demo.Promotion); res.StatusCode != http.StatusOK {
		t.Errorf("own promotion: status %d", res.StatusCode)
	}
}

func TestReferentielMetaDescription(t *testing.T) {
	e := newEnv(t)
	_, doc := e.get(e.client(), "/referentiel")
	d, _ := doc.Find(`meta[name="description"]`).Attr("content")
	if !strings.Contains(d, "14 compétences") || !strings.Contains(d, "65 critères") {
		t.Errorf("meta description %q", d)
	}
}

// What html-validate and Lighthouse found, kept out of every template: links dressed as
// buttons (a.button instead), aria-label on a <p>, role="navigation" instead of <nav>,
// password fields without autocomplete.
func TestTemplatesAccessibilityLint(t *testing.T) {
	bad := map[string]*regexp.Regexp{
		`role="button" on a link`:       regexp.MustCompile(`<a\b[^>]*\brole="button"`),
		`aria-label on <p>`:             regexp.MustCompile(`<p\b[^>]*\baria-label=`),
		`role="navigation"`:             regexp.MustCompile(`role="navigation"`),
		`password without autocomplete`: regexp.MustCompile(`<input\b[^>]*type="password"[^>]*>`),
	}
	auto := regexp.MustCompile(`autocomplete="(current-password|new-password)"`)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, p)
		if err != nil {
			return err
		}
		for what, re := range bad {
			for _, m := range re.FindAll(b, -1) {
				if what == `password without autocomplete` && auto.Match(m) {
					continue
				}
				t.Errorf("%s: %s: %s", p, what, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Password fields say which password they want, so that managers fill the right one.
func TestPasswordAutocomplete(t *testing.T) {
	e := newEnv(t)
	_, doc := e.get(e.login("formateur@certif.demo"), "/compte")
	for name, want := range map[string]string{"username": "username", "current": "current-password", "password": "new-password", "confirm": "new-password"} {
		if got, _ := doc.Find(`input[name="` + name + `"]`).Attr("autocomplete"); got != want {
			t.Errorf("/compte %s: autocomplete %q, want %q", name, got, want)
		}
	}
	_, doc = e.get(e.client(), "/connexion")
	for name, want := range map[string]string{"email": "username", "password": "current-password"} {
		if got, _ := doc.Find(`input[name="` + name + `"]`).Attr("autocomplete"); got != want {
			t.Errorf("/connexion %s: autocomplete %q, want %q", name, got, want)
		}
	}
}
