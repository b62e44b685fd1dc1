package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Response compression and the last word on caching headers.
//
// Pages, stylesheets, scripts, JSON and SVG are compressed with brotli or gzip when the client
// accepts it (Accept-Encoding), with Vary: Accept-Encoding; static files are compressed once,
// at their best level (static.go), and pages on the fly at a fast level. Not compressed: PDFs,
// images but SVG, CSV downloads, small bodies, and any response whose handler called
// noCompress because it shows a secret (an activation or reset link, a new token, a generated
// password) next to text the requester chooses: compressed together, their sizes would leak
// the secret byte by byte (BREACH).

// Encodings, in the server's order of preference.
const (
	encBrotli = "br"
	encGzip   = "gzip"
)

// minCompressSize is the body size under which compression is not worth its cost.
const minCompressSize = 512

// Levels for responses compressed on the fly: fast ones, most of the gain at a fraction of the
// CPU time of the best levels (which static files get, once).
const (
	dynamicBrotliLevel = 3
	dynamicGzipLevel   = 4
)

// compressible reports whether a Content-Type is text worth compressing.
func compressible(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(strings.ToLower(ct)) {
	case "text/html", "text/css", "text/javascript", "application/javascript",
		"application/json", "application/problem+json", "image/svg+xml":
		return true
	}
	return false
}

// acceptedEncoding picks br, else gzip, among the encodings the request accepts ("" for none).
func acceptedEncoding(r *http.Request) string {
	var br, gz bool
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
				if f, err := strconv.ParseFloat(q, 64); err != nil || f <= 0 {
					continue
				}
			}
			switch strings.ToLower(strings.TrimSpace(name)) {
			case encBrotli:
				br = true
			case encGzip, "x-gzip":
				gz = true
			}
		}
	}
	switch {
	case br:
		return encBrotli
	case gz:
		return encGzip
	}
	return ""
}

var (
	gzipPool   = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, dynamicGzipLevel); return w }}
	brotliPool = sync.Pool{New: func() any { return brotli.NewWriterLevel(io.Discard, dynamicBrotliLevel) }}
)

// finalHeaders wraps every response: at WriteHeader, it leaves one Cache-Control (no-store when
// anything asked for it, or when a session cookie is set on a response not marked public:
// the session manager adds its own `no-cache="Set-Cookie"` after ours) and it compresses the
// body when the client accepts it and the response allows it.
func finalHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ow := &outWriter{ResponseWriter: w, enc: acceptedEncoding(r), head: r.Method == http.MethodHead}
		defer ow.close()
		next.ServeHTTP(ow, r)
	})
}

// outWriter is the ResponseWriter of finalHeaders.
type outWriter struct {
	http.ResponseWriter
	enc        string // accepted encoding, "" when none
	head       bool
	noCompress bool
	wrote      bool
	zw         io.WriteCloser // the compressor, nil when the body goes out as is
	pool       *sync.Pool
}

// noCompress marks the response to w as showing a secret: never compressed (BREACH), never
// stored by a cache (Cache-Control: no-store). Call it before writing the body.
func noCompress(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	for {
		if m, ok := w.(interface{ markNoCompress() }); ok {
			m.markNoCompress()
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}

func (w *outWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *outWriter) markNoCompress() { w.noCompress = true }

func (w *outWriter) WriteHeader(status int) {
	if w.wrote {
		w.ResponseWriter.WriteHeader(status) // let net/http report the superfluous call
		return
	}
	w.wrote = true
	h := w.Header()
	fixCacheControl(h)
	if compressible(h.Get("Content-Type")) && h.Get("Content-Encoding") == "" {
		h.Add("Vary", "Accept-Encoding")
		if w.compress(status, h) {
			h.Set("Content-Encoding", w.enc)
			h.Del("Content-Length")
			if w.enc == encBrotli {
				w.pool = &brotliPool
				bw := brotliPool.Get().(*brotli.Writer)
				bw.Reset(w.ResponseWriter)
				w.zw = bw
			} else {
				w.pool = &gzipPool
				gw := gzipPool.Get().(*gzip.Writer)
				gw.Reset(w.ResponseWriter)
				w.zw = gw
			}
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

// compress reports whether this response's body is to be compressed.
func (w *outWriter) compress(status int, h http.Header) bool {
	if w.enc == "" || w.noCompress || w.head || status < 200 || status == http.StatusNoContent ||
		status == http.StatusNotModified || h.Get("Content-Range") != "" {
		return false
	}
	if n, err := strconv.Atoi(h.Get("Content-Length")); err == nil && n < minCompressSize {
		return false
	}
	return true
}

// fixCacheControl leaves one Cache-Control header: no-store wins over anything else (the
// session manager appends `no-cache="Set-Cookie"` to our no-store); a response that sets a
// cookie and was not marked cacheable is not stored either.
func fixCacheControl(h http.Header) {
	values := h.Values("Cache-Control")
	for _, v := range values {
		if strings.Contains(v, "no-store") {
			h.Set("Cache-Control", "no-store")
			return
		}
	}
	if len(h.Values("Set-Cookie")) == 0 {
		return
	}
	for _, v := range values {
		if strings.Contains(v, "public") || strings.Contains(v, "max-age") {
			return // immutable static files: the cookie is the session's renewal, not the content
		}
	}
	h.Set("Cache-Control", "no-store")
}

func (w *outWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.zw != nil {
		return w.zw.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what the compressor holds, then flushes the connection.
func (w *outWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.zw.(interface{ Flush() error }); ok {
		_ = f.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// close ends the compressed stream and returns the compressor to its pool.
func (w *outWriter) close() {
	if w.zw == nil {
		return
	}
	_ = w.zw.Close()
	switch zw := w.zw.(type) {
	case *brotli.Writer:
		zw.Reset(io.Discard)
	case *gzip.Writer:
		zw.Reset(io.Discard)
	}
	w.pool.Put(w.zw)
	w.zw = nil
}
