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
	metrics := newEnvWith(t, e.st, func(c *Config) { c.MetricsToken = "s3cret-metrics" })
	http.Get(metrics.ts.URL + "/readyz")
	for _, tc := range []struct {
		srv    *testEnv
		header string
		want   int
	}{
		{e, "", http.StatusNotFound},                                                 // no token configured: no /metrics
		{e, "Bearer ", http.StatusNotFound},                                          // not even with an empty one
		{metrics, "", http.StatusUnauthorized},                                       // public no more
		{metrics, "Bearer wrong", http.StatusUnauthorized},                           // wrong token
		{metrics, "Bearer " + e.token("admin@certif.demo"), http.StatusUnauthorized}, // an API token is not it
		{metrics, "Bearer s3cret-metrics", http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodGet, tc.srv.ts.URL+"/metrics", nil)
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("/metrics with %q: %d, want %d", tc.header, res.StatusCode, tc.want)
		}
		if tc.want == http.StatusOK && !strings.Contains(string(b), `certif_http_requests_total{method="GET",route="GET /readyz",status="200"}`) {
			t.Error("metrics lack the request counter by route")
		}
		if tc.want != http.StatusOK && strings.Contains(string(b), "certif_http") {
			t.Errorf("/metrics with %q leaks metrics", tc.header)
		}
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
