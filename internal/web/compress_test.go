package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/certif/certif/internal/demo"
)

// fetch sends GET path with the given Accept-Encoding (none when empty) and returns the
// response and its body, decoded when it was compressed.
func (e *testEnv) fetch(c *http.Client, path, acceptEncoding string) (*http.Response, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding) // set by hand: the transport then leaves the body as is
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	var rd io.Reader
	switch res.Header.Get("Content-Encoding") {
	case "":
		return res, raw
	case "gzip":
		if rd, err = gzip.NewReader(bytes.NewReader(raw)); err != nil {
			e.t.Fatal(err)
		}
	case "br":
		rd = brotli.NewReader(bytes.NewReader(raw))
	default:
		e.t.Fatalf("%s: Content-Encoding %q", path, res.Header.Get("Content-Encoding"))
	}
	body, err := io.ReadAll(rd)
	if err != nil {
		e.t.Fatalf("%s: decode %s: %v", path, res.Header.Get("Content-Encoding"), err)
	}
	res.Header.Set("X-Test-Wire-Length", itoa64(int64(len(raw))))
	return res, body
}

func TestCompressionPagesAndAssets(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	_, plain := e.fetch(c, "/referentiel", "")
	css := regexp.MustCompile(`/static/[0-9a-f]+/vendor/pico/pico\.min\.css`).Find(plain)
	if css == nil {
		t.Fatal("no stylesheet in /referentiel")
	}
	ref := e.login("referent@certif.demo")
	for _, tc := range []struct {
		c      *http.Client
		path   string
		accept string
		want   string
	}{
		{c, "/referentiel", "gzip, deflate, br, zstd", "br"},
		{c, "/referentiel", "gzip", "gzip"},
		{c, "/referentiel", "br;q=0, gzip;q=0.5", "gzip"},
		{c, "/referentiel", "identity", ""},
		{c, "/api/v1/certifications/1/referentiel", "br", "br"},
		{c, string(css), "br", "br"},
		{c, string(css), "gzip", "gzip"},
		{c, string(css), "", ""},
		{ref, "/promotions/" + demo.Promotion, "gzip, br", "br"},
		{ref, "/candidats", "gzip", "gzip"},
	} {
		res, body := e.fetch(tc.c, tc.path, tc.accept)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s (%s): status %d", tc.path, tc.accept, res.StatusCode)
		}
		if got := res.Header.Get("Content-Encoding"); got != tc.want {
			t.Errorf("%s (Accept-Encoding %q): Content-Encoding %q, want %q", tc.path, tc.accept, got, tc.want)
		}
		if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("%s: Vary %q lacks Accept-Encoding", tc.path, res.Header.Values("Vary"))
		}
		if tc.want != "" && len(body) < 1000 {
			t.Errorf("%s: decoded body of %d bytes", tc.path, len(body))
		}
		if tc.want != "" {
			if wire, _ := strconv.Atoi(res.Header.Get("X-Test-Wire-Length")); wire >= len(body) {
				t.Errorf("%s: %d bytes on the wire for %d decoded", tc.path, wire, len(body))
			}
		}
	}
	// The stylesheet decodes to the embedded file, byte for byte.
	want, err := fs.ReadFile(staticFS, "static/vendor/pico/pico.min.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []string{"br", "gzip"} {
		if _, got := e.fetch(c, string(css), enc); !bytes.Equal(got, want) {
			t.Errorf("pico.min.css in %s decodes to %d bytes, want the %d of the file", enc, len(got), len(want))
		}
	}
	// The page decodes to what an uncompressed request gets.
	_, br := e.fetch(c, "/referentiel", "br")
	if !bytes.Equal(br, plain) {
		t.Error("/referentiel in brotli differs from the uncompressed page")
	}
}

// A PDF and a response that shows a secret are never compressed.
func TestCompressionSkipsSecretsAndPDFs(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@certif.demo")
	if res := e.post(admin, "/compte/jetons", url.Values{"token_name": {"script"}, "token_days": {"30"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("token creation: status %d", res.StatusCode)
	}
	res, body := e.fetch(admin, "/compte", "gzip, br")
	if res.Header.Get("Content-Encoding") != "" {
		t.Errorf("the page showing a new token is compressed (%s)", res.Header.Get("Content-Encoding"))
	}
	if got := res.Header.Values("Cache-Control"); len(got) != 1 || got[0] != "no-store" {
		t.Errorf("Cache-Control %q, want one no-store", got)
	}
	if len(body) < minCompressSize {
		t.Errorf("/compte: %d bytes", len(body))
	}
	ref := e.login("referent@certif.demo")
	res, _ = e.fetch(ref, "/promotions/"+demo.Promotion+"/releves.pdf", "gzip, br")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" {
		t.Errorf("relevés PDF: status %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}

	// noCompress reaches the outer writer through any wrapper that unwraps.
	h := finalHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noCompress(struct{ unwrapper }{unwrapper{w}})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, strings.Repeat("secret ", 1000))
	}))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Encoding", "br, gzip")
	h.ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("noCompress: Content-Encoding %q, Cache-Control %q", rec.Header().Get("Content-Encoding"), rec.Header().Get("Cache-Control"))
	}
}

type unwrapper struct{ http.ResponseWriter }

func (u unwrapper) Unwrap() http.ResponseWriter { return u.ResponseWriter }

func TestAcceptedEncoding(t *testing.T) {
	for accept, want := range map[string]string{
		"":                       "",
		"gzip, deflate, br":      "br",
		"gzip":                   "gzip",
		"br;q=0":                 "",
		"BR ; q=0.8 , gzip":      "br",
		"deflate, x-gzip":        "gzip",
		"br;q=abc, gzip;q=0.001": "gzip",
		"*":                      "",
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", accept)
		if got := acceptedEncoding(r); got != want {
			t.Errorf("acceptedEncoding(%q) = %q, want %q", accept, got, want)
		}
	}
}
