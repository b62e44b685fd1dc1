package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// benchServe measures one GET of path through the whole handler stack (middleware included).
func benchServe(b *testing.B, path string) {
	e := newEnv(b)
	h := e.srv.Handler()
	if strings.HasPrefix(path, "static:") {
		path = e.srv.static.URL(strings.TrimPrefix(path, "static:"))
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d", path, rec.Code)
			}
		}
	})
}

// BenchmarkStaticFile is the reference for the page benchmarks below (same run, same stack).
func BenchmarkStaticFile(b *testing.B) { benchServe(b, "static:css/app.css") }

// BenchmarkReferentielPage: target ≥ 25 % of BenchmarkStaticFile's throughput (issue 2).
func BenchmarkReferentielPage(b *testing.B) { benchServe(b, "/referentiel") }

// BenchmarkReferentielAPI: target ≥ 25 % of BenchmarkStaticFile's throughput (issue 2).
func BenchmarkReferentielAPI(b *testing.B) { benchServe(b, "/api/v1/certifications/1/referentiel") }
