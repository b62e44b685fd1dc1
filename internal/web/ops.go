package web

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/certif/certif/internal/apperr"
)

var errNotFoundPage = fmt.Errorf("page: %w", apperr.NotFound)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 when the database answers within 2 s, 503 otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readyz: database unreachable", slog.String("error", err.Error()))
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unreachable\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// metrics are the Prometheus collectors of the HTTP layer.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "certif_http_requests_total", Help: "HTTP requests by route pattern and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "certif_http_request_duration_seconds", Help: "HTTP request duration by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	// Registering twice (tests building several servers on one registry) is harmless.
	for _, c := range []prometheus.Collector{m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
				switch c.(type) {
				case *prometheus.CounterVec:
					m.requests = are.ExistingCollector.(*prometheus.CounterVec)
				case *prometheus.HistogramVec:
					m.duration = are.ExistingCollector.(*prometheus.HistogramVec)
				}
			}
		}
	}
	return m
}

// metricsHandler serves the Prometheus metrics to whoever presents the configured bearer token
// (Config.MetricsToken; compared in constant time); without one configured, /metrics does not
// exist (404). A missing or wrong token is a 401 asking for it.
func (s *Server) metricsHandler() http.Handler {
	prom := promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{})
	want := []byte("Bearer " + s.cfg.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.cfg.MetricsToken == "" {
			http.NotFound(w, r)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "Jeton de métriques requis.", http.StatusUnauthorized)
			return
		}
		prom.ServeHTTP(w, r)
	})
}

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe recovers panics, counts and times requests by route pattern, and logs server
// errors and slow requests. It never logs query strings, form values or user data.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now() // wall time: a request lasts real seconds, whatever the clock of the domain says
		sw := &statusWriter{ResponseWriter: w}
		pattern := new(string)
		r = r.WithContext(context.WithValue(r.Context(), routeKey, pattern))
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", slog.String("route", *pattern), slog.Any("panic", v))
				if sw.status == 0 {
					s.writeError(sw, r, fmt.Errorf("panic: %v", v))
				}
			}
			route := *pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
			s.metrics.duration.WithLabelValues(route).Observe(d.Seconds())
			if sw.status >= 500 || d > time.Second {
				s.log.WarnContext(r.Context(), "request", slog.String("method", r.Method), slog.String("route", route),
					slog.Int("status", sw.status), slog.Duration("duration", d))
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

const routeKey ctxKey = 2

// recordPattern runs the mux and copies the matched pattern to the holder that observe put
// in the context (the mux sets Pattern on the request copy it receives, not on observe's).
func recordPattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := r.Context().Value(routeKey).(*string); ok {
			_, *p = mux.Handler(r)
		}
		mux.ServeHTTP(w, r)
	})
}
