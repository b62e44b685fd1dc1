package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestEnrolPostRedirectGet: a successful enrolment answers 303 to a GET page; that page shows
// the activation link once, a reload shows the outcome without it (and enrols no one again);
// another centre's référent cannot read the outcome of this enrolment.
func TestEnrolPostRedirectGet(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	form := url.Values{"nom_naissance": {"Rechargé"}, "prenom1": {"Anaïs"}, "sexe": {"F"},
		"date_naissance": {"14/05/1999"}, "commune_naissance": {"Lyon"}, "commune_naissance_code": {"69123"},
		"email": {"anais.recharge@exemple.fr"}, "voie": {"formation_continue"}, "date_inscription": {"01/09/2026"}}
	res, doc := e.postDoc(c, "/candidats", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("enrol: %d %q", res.StatusCode, text(doc.Find(".field-error")))
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/candidats/nouveau?inscrit=") {
		t.Fatalf("Location %q", loc)
	}
	res, doc = e.get(c, loc)
	if res.StatusCode != http.StatusOK || !strings.Contains(text(doc.Find("#activation-link")), "/activation/") {
		t.Fatalf("first GET: %d, link %q", res.StatusCode, text(doc.Find("#activation-link")))
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	if !strings.Contains(text(doc.Find(".flash")), "Rechargé") {
		t.Errorf("flash %q", text(doc.Find(".flash")))
	}
	// The reload: same outcome, no link, no second enrolment.
	res, doc = e.get(c, loc)
	if res.StatusCode != http.StatusOK || doc.Find("#activation-link").Length() != 0 || doc.Find("#activation-gone").Length() != 1 {
		t.Errorf("reload: %d, link shown again: %v", res.StatusCode, doc.Find("#activation-link").Length())
	}
	_, list := e.get(c, "/candidats?q=Recharg%C3%A9")
	if n := strings.Count(text(list.Find("main")), "Anaïs"); n != 1 {
		t.Errorf("%d enrolments listed, want 1", n)
	}
	// Another centre: 404, as for its file; a malformed id too.
	nantes := e.login("referent.nantes@certif.demo")
	if res, _ := e.get(nantes, loc); res.StatusCode != http.StatusNotFound {
		t.Errorf("Nantes référent: %d, want 404", res.StatusCode)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/candidats/nouveau?inscrit="), 10, 64)
	for _, q := range []string{"abc", "-1", "0", strconv.FormatInt(id+100000, 10)} {
		if res, _ := e.get(c, "/candidats/nouveau?inscrit="+q); res.StatusCode != http.StatusNotFound {
			t.Errorf("inscrit=%s: %d, want 404", q, res.StatusCode)
		}
	}
}
