package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certif/certif/internal/account"
)

// TestReferentCannotMoveActivatedLogin reproduces the outside attack: the référent changed an
// activated candidate's e-mail (their login) through PATCH /api/v1/candidats/{id} or the identity
// page, then a reset link went to the new address.
func TestReferentCannotMoveActivatedLogin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u, _, err := e.st.Credentials(ctx, "candidat@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.st.CandidatByUser(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/candidats/%d", c.ID)
	status, body := e.api("PATCH", path, e.token("referent@certif.demo"),
		fmt.Sprintf(`{"email":"attaquant@exemple.fr","version":%d}`, c.Version))
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "seul le certificateur") {
		t.Fatalf("PATCH by the referent = %d %s", status, body)
	}
	ref := e.login("referent@certif.demo")
	form := url.Values{}
	for k, v := range identiteValues(c) {
		form.Set(k, v)
	}
	form.Set("prenom1", c.Prenoms[0])
	form.Set("email", "attaquant@exemple.fr")
	res, doc := e.postDoc(ref, fmt.Sprintf("/candidats/%d/identite", c.ID), form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc.Find("#email-error")), "seul le certificateur") {
		t.Fatalf("identity page by the referent = %d %q", res.StatusCode, text(doc.Find("#email-error")))
	}
	if now, _ := e.st.User(ctx, account.System, u.ID); now.Email != "candidat@certif.demo" {
		t.Fatalf("login moved to %s", now.Email)
	}
	// The certificateur may; the candidate's API token dies with the old login.
	tok := e.token("candidat@certif.demo")
	status, body = e.api("PATCH", path, e.token("admin@certif.demo"),
		fmt.Sprintf(`{"email":"lea.moreau@exemple.fr","version":%d}`, c.Version))
	if status != http.StatusOK {
		t.Fatalf("PATCH by the admin = %d %s", status, body)
	}
	if status, _ := e.api("GET", "/api/v1/me", tok, ""); status != http.StatusUnauthorized {
		t.Errorf("candidate's token after the change = %d", status)
	}
}

// TestTokenAnswerNotCompressed: POST /api/v1/me/tokens answered the new token compressed (BREACH).
func TestTokenAnswerNotCompressed(t *testing.T) {
	e := newEnv(t)
	body := fmt.Sprintf(`{"name":%q,"expires_in_days":30}`, strings.Repeat("script ", 14))
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/me/tokens", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.token("referent@certif.demo"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Encoding", "gzip, br")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || res.Header.Get("Content-Encoding") != "" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("token answer: %d, Content-Encoding %q, Cache-Control %q", res.StatusCode,
			res.Header.Get("Content-Encoding"), res.Header.Get("Cache-Control"))
	}
}

// TestCourrielsParametersChecked: ?before=-5, ?before=99999999999999999999, ?limit=abc were accepted.
func TestCourrielsParametersChecked(t *testing.T) {
	e := newEnv(t)
	tok := e.token("admin@certif.demo")
	for q, field := range map[string]string{"before=-5": "before", "before=99999999999999999999": "before", "before=abc": "before",
		"limit=abc": "limit", "limit=0": "limit", "limit=501": "limit"} {
		status, body := e.api("GET", "/api/v1/courriels?"+q, tok, "")
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "« "+field+" »") {
			t.Errorf("?%s = %d %s", q, status, body)
		}
	}
	if status, body := e.api("GET", "/api/v1/courriels?before=1000&limit=5", tok, ""); status != http.StatusOK {
		t.Errorf("valid parameters = %d %s", status, body)
	}
}
