package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certif/certif/internal/account"
)

// TestCentreNDA: the admin records a centre's numéro de déclaration d'activité on the centre's
// page and through the API; a malformed one is refused in French next to the field.
func TestCentreNDA(t *testing.T) {
	e := newEnv(t)
	lyon := demoCentre(t, e, "Campus Numérique Lyon")
	admin := e.login("admin@certif.demo")
	path := fmt.Sprintf("/admin/centres/%d", lyon)
	_, doc := e.get(admin, path)
	if v, _ := doc.Find("#nda").Attr("value"); v != "84691234569" {
		t.Errorf("demo NDA shown = %q", v)
	}
	version, _ := doc.Find(`input[name=version]`).Attr("value")
	form := url.Values{"nom": {"Campus Numérique Lyon"}, "siret": {"51234567800019"}, "nda": {"84 69 1234"},
		"habilitation_formation": {"1"}, "habilitation_evaluation": {"1"}, "active": {"1"}, "version": {version}}
	res, doc := e.postDoc(admin, path, form)
	if got := text(doc.Find("#nda-error")); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, "11 chiffres") {
		t.Errorf("short NDA: %d %q", res.StatusCode, got)
	}
	form.Set("nda", "84 69 99999 69")
	if res, _ := e.postDoc(admin, path, form); res.StatusCode != http.StatusSeeOther {
		t.Errorf("valid NDA: %d", res.StatusCode)
	}
	o, err := e.st.Organisme(t.Context(), account.System, lyon)
	if err != nil || o.NDA != "84699999969" {
		t.Fatalf("NDA saved = %+v, %v", o, err)
	}
	tok := e.token("admin@certif.demo")
	status, body := e.api("PATCH", fmt.Sprintf("/api/v1/centres/%d", lyon), tok, fmt.Sprintf(`{"nda":"00000000000","version":%d}`, o.Version))
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"nda"`) {
		t.Errorf("API invalid NDA: %d %s", status, body)
	}
	status, body = e.api("PATCH", fmt.Sprintf("/api/v1/centres/%d", lyon), tok, fmt.Sprintf(`{"nda":"84691234569","version":%d}`, o.Version))
	if status != http.StatusOK || !strings.Contains(string(body), `"nda":"84691234569"`) {
		t.Errorf("API NDA: %d %s", status, body)
	}
	// The référent reads their centre's NDA through the API, but does not change it.
	status, body = e.api("GET", fmt.Sprintf("/api/v1/centres/%d", lyon), e.token("referent@certif.demo"), "")
	if status != http.StatusOK || !strings.Contains(string(body), `"nda":"84691234569"`) {
		t.Errorf("référent reads the NDA: %d %s", status, body)
	}
}
