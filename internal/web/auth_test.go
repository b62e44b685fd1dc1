package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/demo"
)

func TestLoginFailureDoesNotRevealAccounts(t *testing.T) {
	e := newEnv(t)
	res1, doc1 := e.postDoc(e.client(), "/connexion", url.Values{"email": {"admin@certif.demo"}, "password": {"mauvais mot de passe"}})
	res2, doc2 := e.postDoc(e.client(), "/connexion", url.Values{"email": {"personne@certif.demo"}, "password": {"mauvais mot de passe"}})
	if res1.StatusCode != http.StatusUnauthorized || res2.StatusCode != http.StatusUnauthorized {
		t.Fatalf("statuses %d %d", res1.StatusCode, res2.StatusCode)
	}
	m1, m2 := text(doc1.Find("#login-error")), text(doc2.Find("#login-error"))
	if m1 != "Adresse e-mail ou mot de passe incorrect." || m1 != m2 {
		t.Errorf("messages %q / %q", m1, m2)
	}
	if doc1.Find("#email").AttrOr("value", "") != "admin@certif.demo" {
		t.Error("e-mail not kept in the form")
	}
}

func TestLoginLogoutAndHomePerRole(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ email, heading string }{
		{"admin@certif.demo", "Espace certificateur"},
		{"referent@certif.demo", "Espace référent pédagogique"},
		{"formateur@certif.demo", "Espace formateur"},
		{"candidat@certif.demo", "Mon espace candidat"},
		{"jury@certif.demo", "Espace membre du jury"},
	} {
		c := e.login(tc.email)
		_, doc := e.get(c, "/")
		if got := text(doc.Find("h1")); got != tc.heading {
			t.Errorf("%s: h1 %q, want %q", tc.email, got, tc.heading)
		}
		res := e.post(c, "/deconnexion", nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("logout: %d", res.StatusCode)
		}
		if res, _ := e.get(c, "/compte"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/connexion") {
			t.Errorf("%s after logout: %d %s", tc.email, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

func TestLoginRedirectsOnlyToLocalPaths(t *testing.T) {
	e := newEnv(t)
	for next, want := range map[string]string{"/admin/centres": "/admin/centres", "//evil.example": "/", "https://evil.example/": "/", "/\\evil": "/"} {
		res := e.post(e.client(), "/connexion", url.Values{"email": {"admin@certif.demo"}, "password": {demo.Password}, "next": {next}})
		if got := res.Header.Get("Location"); got != want {
			t.Errorf("next %q → %q, want %q", next, got, want)
		}
	}
}

func TestLoginIsRateLimitedPerAccount(t *testing.T) {
	e := newEnv(t)
	var last int
	for i := 0; i < 7; i++ {
		res := e.post(e.client(), "/connexion", url.Values{"email": {"jury@certif.demo"}, "password": {"faux-mot-de-passe"}})
		last = res.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("7th failed attempt: %d, want 429", last)
	}
	// Even the right password is refused while limited, with a French message.
	res, doc := e.postDoc(e.client(), "/connexion", url.Values{"email": {"jury@certif.demo"}, "password": {demo.Password}})
	if res.StatusCode != http.StatusTooManyRequests || text(doc.Find("#login-error")) != "Trop de tentatives infructueuses depuis cette adresse. Réessayez dans quelques minutes." {
		t.Errorf("limited login: %d %q", res.StatusCode, text(doc.Find("#login-error")))
	}
	// Another account from another address is not affected.
	e.login("admin@certif.demo")
}

func TestCrossOriginPostIsRejected(t *testing.T) {
	e := newEnv(t)
	c := e.login("admin@certif.demo")
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/admin/centres", strings.NewReader("nom=X&siret=51234567800019"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	// In French, a page or JSON on the API, not net/http's English text.
	doc, err := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusForbidden || text(doc.Find("h1")) != "Requête refusée" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("cross-site POST: %d %q %q, want 403 and the French page", res.StatusCode, res.Header.Get("Content-Type"), text(doc.Find("h1")))
	}
	req, _ = http.NewRequest(http.MethodPost, e.ts.URL+"/deconnexion", nil)
	req.Header.Set("Origin", "https://evil.example")
	if res, _ = c.Do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("foreign Origin: %d, want 403", res.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/centres", strings.NewReader(`{"nom":"X"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://evil.example")
	if res, err = c.Do(req); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	err = json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden || err != nil || out.Error.Code != "forbidden" || !strings.Contains(out.Error.Message, "autre site") {
		t.Errorf("cross-origin API call: %d %+v %v", res.StatusCode, out, err)
	}
}

func TestSessionSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	// A second server process on the same database accepts the session cookie.
	e2 := newEnvOn(t, e.st)
	u, _ := url.Parse(e.ts.URL)
	u2, _ := url.Parse(e2.ts.URL)
	c.Jar.SetCookies(u2, c.Jar.Cookies(u))
	_, doc := e2.get(c, "/")
	if got := text(doc.Find("h1")); got != "Espace référent pédagogique" {
		t.Errorf("after restart: %q", got)
	}
}

func TestDeactivatedUserIsSignedOut(t *testing.T) {
	e := newEnv(t)
	c := e.login("formateur@certif.demo")
	admin := e.login("admin@certif.demo")
	u, _, _ := e.st.Credentials(t.Context(), "formateur@certif.demo")
	res := e.post(admin, "/admin/utilisateurs/"+itoa64(u.ID), url.Values{
		"email": {u.Email}, "prenom": {u.Prenom}, "nom": {u.Nom}, "role": {"formateur"}, "centre": {itoa64(u.CentreID)}, "lang": {"fr"},
		"version": {itoa64(u.Version)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", res.StatusCode)
	}
	if res, _ := e.get(c, "/compte"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("deactivated session still works: %d", res.StatusCode)
	}
	res, _ = e.postDoc(e.client(), "/connexion", url.Values{"email": {u.Email}, "password": {demo.Password}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("deactivated login: %d", res.StatusCode)
	}
}
