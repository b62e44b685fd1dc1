package web

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestServerErrorsAreFrenchWithoutInternals(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@certif.demo")
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		if res, _ := http.Get(e.ts.URL + path); res.StatusCode != want {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	res, _ := http.Get(e.ts.URL + "/metrics")
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `certif_http_requests_total{method="GET",route="GET /readyz",status="200"}`) {
		t.Error("metrics lack the request counter by route")
	}
	// The database goes away: readiness says so, pages answer a French 500 without internals.
	e.st.DB().Close()
	if res, _ := http.Get(e.ts.URL + "/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz without database: %d", res.StatusCode)
	}
	res, doc := e.get(admin, "/admin/centres")
	body := text(doc.Find("main"))
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "Une erreur est survenue") {
		t.Errorf("500 page: %d %q", res.StatusCode, body)
	}
	for _, leak := range []string{"sql", "database", "closed", "goroutine"} {
		if strings.Contains(strings.ToLower(body), leak) {
			t.Errorf("500 page leaks %q: %q", leak, body)
		}
	}
	status, apiBody := e.api("GET", "/api/v1/certifications/1/referentiel", "", "")
	if status != http.StatusOK && (status != http.StatusInternalServerError || strings.Contains(string(apiBody), "sql")) {
		t.Errorf("API error: %d %s", status, apiBody)
	}
}
