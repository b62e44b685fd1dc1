package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkSignedInGET is a signed-in user's page view (GET /compte) through the whole
// handler, session load and save included: scs saves the session at the end of every
// request, which the session store turns into no write when nothing changed.
func BenchmarkSignedInGET(b *testing.B) {
	e := newEnv(b)
	c := e.login("referent@certif.demo")
	h := e.srv.Handler()
	req := httptest.NewRequest(http.MethodGet, "/compte", nil)
	e.withCookies(c, req)
	b.ResetTimer()
	for range b.N {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
