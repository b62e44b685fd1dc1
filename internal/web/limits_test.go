package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A body over its route's limit is a 413, in French: JSON on the API (the message on "body"),
// the error page on a form route (64 Kio) and on the sign-in form (16 Kio).
func TestBodyOverTheLimitIs413(t *testing.T) {
	e := newEnv(t)
	tok := e.token("admin@certif.demo")
	status, body := e.api("POST", "/api/v1/centres", tok, `{"nom":"`+strings.Repeat("x", 1<<20)+`"}`)
	var out struct {
		Error struct {
			Code   string            `json:"code"`
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &out)
	if status != http.StatusRequestEntityTooLarge || out.Error.Code != "too_large" || out.Error.Fields["body"] != "Le corps de la requête dépasse 1 Mo." {
		t.Errorf("API, 1 MiB JSON: %d %.300s", status, body)
	}
	if status, _ := e.api("POST", "/api/v1/centres", tok, `{"nom":""}`); status != http.StatusUnprocessableEntity {
		t.Errorf("API, invalid JSON under the limit: %d, want 422", status)
	}

	admin := e.login("admin@certif.demo")
	res, doc := e.postDoc(admin, "/admin/centres", url.Values{"nom": {strings.Repeat("x", 70<<10)}})
	if res.StatusCode != http.StatusRequestEntityTooLarge || text(doc.Find("h1")) != "Requête trop volumineuse" {
		t.Errorf("form over 64 KiB: %d %q", res.StatusCode, text(doc.Find("h1")))
	}
	res, doc = e.postDoc(e.client(), "/connexion", url.Values{"email": {strings.Repeat("a", 5<<20) + "@x.fr"}, "password": {"x"}})
	if res.StatusCode != http.StatusRequestEntityTooLarge || text(doc.Find("h1")) != "Requête trop volumineuse" {
		t.Errorf("sign-in form of 5 MB: %d %q", res.StatusCode, text(doc.Find("h1")))
	}
}

// The language cookie is Secure when the session's is (--secure-cookies).
func TestLangCookieSecureWithSecureCookies(t *testing.T) {
	e := newEnv(t)
	for _, secure := range []bool{false, true} {
		env := newEnvWith(t, e.st, func(c *Config) { c.SecureCookies = secure })
		res, err := env.client().Get(env.ts.URL + "/langue/en")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var found bool
		for _, ck := range res.Cookies() {
			if ck.Name == langCookie {
				found = true
				if ck.Secure != secure {
					t.Errorf("secure cookies %v: certif_lang Secure %v", secure, ck.Secure)
				}
			}
		}
		if !found {
			t.Errorf("secure cookies %v: no certif_lang cookie", secure)
		}
	}
}
