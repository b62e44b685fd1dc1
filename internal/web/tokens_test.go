package web

import (
	"encoding/json"
	"github.com/PuerkitoBio/goquery"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// exerciseTokenAPI walks GET/POST/DELETE /api/v1/me/tokens (called by TestAPIMatchesOpenAPI).
func exerciseTokenAPI(t *testing.T, e *testEnv, call func(method, path, token, body string, want int) []byte) {
	t.Helper()
	jury, other := e.token("jury@certif.demo"), e.token("candidat@certif.demo")
	call("GET", "/api/v1/me/tokens", "", "", 401)
	call("POST", "/api/v1/me/tokens", "", `{"name":"x"}`, 401)
	call("DELETE", "/api/v1/me/tokens/1", "", "", 401)

	out := call("POST", "/api/v1/me/tokens", jury, `{"name":"export mensuel","expires_in_days":30}`, 201)
	var created struct {
		apiToken
		Token string `json:"token"`
	}
	if err := json.Unmarshal(out, &created); err != nil || !strings.HasPrefix(created.Token, "ctf_") || !created.Valid {
		t.Fatalf("created token: %v %s", err, out)
	}
	if d := time.Until(created.ExpiresAt); d < 29*24*time.Hour || d > 30*24*time.Hour {
		t.Errorf("expires in %v, want 30 days", d)
	}
	out = call("POST", "/api/v1/me/tokens", jury, `{"expires_in_days":400}`, 422)
	if !strings.Contains(string(out), `"expires_in_days"`) {
		t.Errorf("lifetime over a year: %s", out)
	}
	call("POST", "/api/v1/me/tokens", jury, `{"name":"x","secret":"mine"}`, 422)
	if status, _ := e.api("GET", "/api/v1/me", created.Token, ""); status != http.StatusOK {
		t.Errorf("the new token does not work: %d", status)
	}

	out = call("GET", "/api/v1/me/tokens", jury, "", 200)
	var list []apiToken
	_ = json.Unmarshal(out, &list)
	if len(list) != 2 || list[0].ID != created.ID || strings.Contains(string(out), "ctf_") {
		t.Errorf("token list %s", out)
	}
	id := itoa64(created.ID)
	call("DELETE", "/api/v1/me/tokens/"+id, other, "", 404) // someone else's
	call("DELETE", "/api/v1/me/tokens/"+id, jury, "", 204)
	call("DELETE", "/api/v1/me/tokens/"+id, jury, "", 204) // again: nothing changes
	call("DELETE", "/api/v1/me/tokens/999999", jury, "", 404)
	if status, _ := e.api("GET", "/api/v1/me", created.Token, ""); status != http.StatusUnauthorized {
		t.Errorf("revoked token still works: %d", status)
	}
	out = call("GET", "/api/v1/me/tokens", jury, "", 200)
	_ = json.Unmarshal(out, &list)
	if list[0].Valid || list[0].RevokedAt == nil {
		t.Errorf("revoked token listed as %+v", list[0])
	}
}

func TestAccountPageTokens(t *testing.T) {
	e := newEnv(t)
	c := e.login("formateur@certif.demo")
	if _, doc := e.get(c, "/compte"); text(doc.Find("#jetons tbody")) != "Aucun jeton." {
		t.Errorf("empty list: %q", text(doc.Find("#jetons tbody")))
	}
	// The lifetimes go from the shortest, the default (90 days) preselected.
	_, doc := e.get(c, "/compte")
	if got := strings.Join(doc.Find("#token_days option").Map(func(_ int, o *goquery.Selection) string { return text(o) }), " / "); got != "30 jours / 90 jours / 180 jours / 365 jours" {
		t.Errorf("lifetimes %q", got)
	}
	if v, _ := doc.Find("#token_days option[selected]").Attr("value"); v != "90" {
		t.Errorf("preselected lifetime %q, want 90", v)
	}
	// Creating is a POST answered by a redirect (a reload does not create another token); the
	// page it leads to shows the secret once, in a read-only field with a copy button.
	res := e.post(c, "/compte/jetons", url.Values{"token_name": {"tableur"}, "token_days": {"30"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/compte#jetons" {
		t.Fatalf("create: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, doc = e.get(c, "/compte")
	secret, _ := doc.Find("#new-token input#new-token-secret[readonly]").Attr("value")
	if !strings.HasPrefix(secret, "ctf_") || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("created: %q %q", secret, res.Header.Get("Cache-Control"))
	}
	if doc.Find(`#new-token button[type=button][data-copy="new-token-secret"]`).Length() != 1 {
		t.Error("no copy button next to the secret")
	}
	if text(doc.Find(".flash").First()) != "Jeton créé." {
		t.Errorf("flash %q", text(doc.Find(".flash").First()))
	}
	row := doc.Find("#jetons tbody tr")
	if row.Length() != 1 || !strings.Contains(text(row), "tableur") || text(row.Find(".badge.state-on")) != "Valide" ||
		!strings.Contains(text(row), "jamais") || !strings.Contains(text(row), strings.Join(strings.Fields(formatDate("fr", time.Now().AddDate(0, 0, 30))), " ")) {
		t.Errorf("token row %q", text(row))
	}
	if status, _ := e.api("GET", "/api/v1/me", secret, ""); status != http.StatusOK {
		t.Errorf("token from the page: %d", status)
	}
	// The secret is shown once only: a reload neither shows it nor creates a token.
	if _, doc := e.get(c, "/compte"); doc.Find("#new-token").Length() != 0 || strings.Contains(doc.Text(), secret) ||
		doc.Find("#jetons tbody tr").Length() != 1 {
		t.Error("the secret is shown again, or another token was created")
	}
	// A lifetime out of range is refused next to its field and in the summary on top.
	res, doc = e.postDoc(c, "/compte/jetons", url.Values{"token_days": {"400"}})
	const tooLong = "La durée de validité d’un jeton va de 1 à 365 jours."
	if res.StatusCode != http.StatusUnprocessableEntity || text(doc.Find("#token_days-error")) != tooLong ||
		text(doc.Find(`#token-errors a[href="#token_days"]`)) != tooLong {
		t.Errorf("400 days: %d %q %q", res.StatusCode, text(doc.Find("#token_days-error")), text(doc.Find("#token-errors")))
	}
	// « Révoquer » is not the section's first button, and asks for a confirmation (works
	// without JavaScript: a <details> holding the form).
	if first := doc.Find("#jetons button").First(); strings.Contains(text(first), "Révoquer") {
		t.Errorf("first button of the token section: %q", text(first))
	}
	if row.Find("details.confirm form button[type=submit]").Length() != 1 || row.Find("details > summary").Length() != 1 {
		t.Error("revocation without a confirmation step")
	}
	// Revoke from the page; someone else cannot.
	action, _ := row.Find("form").Attr("action")
	if res := e.post(e.login("referent@certif.demo"), action, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("revoke another's token: %d", res.StatusCode)
	}
	if res := e.post(c, action, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if status, _ := e.api("GET", "/api/v1/me", secret, ""); status != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", status)
	}
	_, doc = e.get(c, "/compte")
	if row := doc.Find("#jetons tbody tr"); text(row.Find(".badge.state-off")) != "Révoqué" || row.Find("form").Length() != 0 {
		t.Errorf("revoked row %q", text(row))
	}
	if !strings.Contains(text(doc.Find(".flash")), "Jeton révoqué") {
		t.Errorf("flash %q", text(doc.Find(".flash")))
	}
}
