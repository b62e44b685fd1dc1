package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/french"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// staticAssets serves the embedded static files under /static/<hash>/<path>, where hash is
// the content hash of the file: URLs change when content does, so responses are immutable.
type staticAssets struct {
	hashes map[string]string // path → short hash
	files  fs.FS
	// compressed holds each file's compressed forms: "encoding\x00path" → *precompressed.
	compressed sync.Map
}

func newStaticAssets() (*staticAssets, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	a := &staticAssets{hashes: map[string]string{}, files: sub}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashes[p] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	return a, err
}

// URL returns the hashed URL of the static file p; it panics on an unknown file so that a
// typo in a template fails every test that renders it.
func (a *staticAssets) URL(p string) string {
	h, ok := a.hashes[p]
	if !ok {
		panic("unknown static file " + p)
	}
	return "/static/" + h + "/" + p
}

// ServeHTTP serves GET /static/{hash}/{path...}; a stale hash still serves the current
// file but without the immutable cache header.
func (a *staticAssets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.PathValue("path")
	h, ok := a.hashes[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.PathValue("hash") == h {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	if enc := acceptedEncoding(r); enc != "" {
		if ct := mime.TypeByExtension(path.Ext(p)); compressible(ct) {
			w.Header().Add("Vary", "Accept-Encoding")
			if b := a.encoded(p, enc); b != nil {
				w.Header().Set("Content-Type", ct)
				w.Header().Set("Content-Encoding", enc)
				http.ServeContent(w, r, p, time.Time{}, bytes.NewReader(b))
				return
			}
		}
	}
	http.ServeFileFS(w, r, a.files, p)
}

// precompressed is one static file compressed once, at the best level, on first request.
type precompressed struct {
	once  sync.Once
	bytes []byte // nil when compression does not make the file smaller
}

// encoded returns the file p compressed with enc (computed once), or nil.
func (a *staticAssets) encoded(p, enc string) []byte {
	v, _ := a.compressed.LoadOrStore(enc+"\x00"+p, &precompressed{})
	pc := v.(*precompressed)
	pc.once.Do(func() {
		raw, err := fs.ReadFile(a.files, p)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		var zw io.WriteCloser
		if enc == encBrotli {
			zw = brotli.NewWriterLevel(&buf, brotli.BestCompression)
		} else {
			zw, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
		}
		if _, err := zw.Write(raw); err != nil || zw.Close() != nil || buf.Len() >= len(raw) {
			return
		}
		pc.bytes = buf.Bytes()
	})
	return pc.bytes
}

// Base is embedded in every page struct: what the layout needs.
type Base struct {
	Title string
	// Description is the page's <meta name="description"> (public pages), empty: none.
	Description string
	Lang        string
	User        *account.User
	Path        string
	Flash       string
	Nav         []NavItem
	srv         *Server
}

// NavItem is one entry of the role-specific navigation.
type NavItem struct {
	Href   string
	Label  string
	Active bool
}

// T translates a UI message id in the page's language.
func (b *Base) T(id string, args ...any) string { return b.srv.tr.T(b.Lang, id, args...) }

// Static returns the hashed URL of a static file.
func (b *Base) Static(p string) string { return b.srv.static.URL(p) }

// RoleLabel returns the French (or English) name of a role.
func (b *Base) RoleLabel(r account.Role) string { return b.T("role." + string(r)) }

// page names a template set: the layout plus one page file.
type page string

var funcs = template.FuncMap{
	"paras":        paragraphs,
	"typo":         typo,
	"mentionsVAE":  func(s string) bool { return strings.Contains(s, "VAE") },
	"evalView":     evalView,
	"add":          func(a, b int) int { return a + b },
	"lines":        func(s string) []string { return strings.Split(s, "\n") }, // an address, mentions
	"french_heure": french.Heure,                                              // a passage's slot « 9 h 30 »
	"dict":         dict,
}

// dict builds a map from pairs of key and value, to pass several values to a template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// paragraphs splits a text on blank lines into paragraphs, for référentiel texts.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, typo(p))
		}
	}
	return out
}

// typoReplacer applies French typography to texts written with plain spaces and straight
// apostrophes (the référentiel is transcribed verbatim): a narrow no-break space before
// « : ; ! ? » and after «, a no-break space after « n° », the typographic apostrophe.
var typoReplacer = strings.NewReplacer(
	" :", "\u202f:", " ;", "\u202f;", " !", "\u202f!", " ?", "\u202f?",
	"« ", "«\u202f", " »", "\u202f»", "n° ", "n°\u00a0", "...", "…", "'", "’",
)

// typo returns s with French typography (see typoReplacer).
func typo(s string) string { return typoReplacer.Replace(s) }

// templates parses each page with the layout once at start-up.
type templates struct {
	sets map[page]*template.Template
}

func parseTemplates() (*templates, error) {
	t := &templates{sets: map[page]*template.Template{}}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		set, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html", p)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", p, err)
		}
		t.sets[page(name)] = set
	}
	return t, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes the page into a buffer first, so that a template error yields a clean 500
// instead of half a page.
func (s *Server) render(w http.ResponseWriter, status int, name page, data any) error {
	set, ok := s.tpl.sets[name]
	if !ok {
		return fmt.Errorf("unknown page %q", name)
	}
	s.localizeForms(data)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := set.ExecuteTemplate(buf, "layout.html", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}
