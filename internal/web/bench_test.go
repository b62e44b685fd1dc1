package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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

// BenchmarkRatioToStatic measures the référentiel page, the référentiel API and a static file
// in the same run, alternating, and reports each page's throughput as a percentage of the
// static file's (issue 2 target: ≥ 25 %).
func BenchmarkRatioToStatic(b *testing.B) {
	e := newEnv(b)
	h := e.srv.Handler()
	static := e.srv.static.URL("css/app.css")
	serve := func(path string, n int) time.Duration {
		start := time.Now()
		for i := 0; i < n; i++ {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d", path, rec.Code)
			}
		}
		return time.Since(start)
	}
	var ts, tp, ta time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ts += serve(static, 20)
		tp += serve("/referentiel", 20)
		ta += serve("/api/v1/certifications/1/referentiel", 20)
	}
	b.ReportMetric(100*float64(ts)/float64(tp), "page/static-%")
	b.ReportMetric(100*float64(ts)/float64(ta), "api/static-%")
	b.ReportMetric(25, "target-%")
}
