package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// The signed-in pages a centre opens all day (a promotion's matrix, a livret, the candidates
// list) are kept, compressed, per user, page and encoding, and served again while nothing was
// written: the key carries the journal's head (store.ChangeMark), which every write moves in
// its transaction. The store keeps the mark in memory: this process's writes move it as they
// commit, so a page never outlives a write of this process; another process's write (sharing
// the database) is seen within store.ChangeMarkTTL. The mark is read before the page is built.
// Not kept: pages of a session holding a one-time message (flash), error pages, pages that
// called noCompress. Only pages whose every input is journaled may use it.
//
// A kept page costs one database round trip: the session's. The session's user and the
// route's access check are kept by the store under the same mark (store.SessionUser,
// store.InscriptionRelations), and scs's commit compares with the session read
// (store.WithSessionRead).

// pageCacheBytes bounds the memory of the cache; past it, the cache is emptied.
const pageCacheBytes = 32 << 20

// pageCache holds the kept pages.
type pageCache struct {
	mu    sync.Mutex
	pages map[string]*cachedPage
	size  int
}

// cachedPage is one kept response.
type cachedPage struct {
	mark        int64
	contentType string
	encoding    string
	body        []byte
}

func newPageCache() *pageCache { return &pageCache{pages: map[string]*cachedPage{}} }

func (c *pageCache) get(key string, mark int64) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.pages[key]
	if p == nil || p.mark != mark {
		return nil
	}
	return p
}

func (c *pageCache) put(key string, p *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.pages[key]; old != nil {
		c.size -= len(old.body)
	}
	if c.size+len(p.body) > pageCacheBytes {
		clear(c.pages) // the pages of older marks are stale anyway
		c.size = 0
	}
	c.pages[key] = p
	c.size += len(p.body)
}

// cached serves fn's page from the cache when the user, the URL, the language, the encoding
// and the journal's head are the same as when it was built.
func (s *Server) cached(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u := currentUser(r)
		if u == nil || r.Method != http.MethodGet || !s.plainSession(r) {
			return fn(w, r)
		}
		mark, err := s.store.ChangeMark(r.Context())
		if err != nil {
			return fn(w, r)
		}
		enc := acceptedEncoding(r)
		// The minute too: a page may show something computed from the clock (« il y a 3 jours »).
		minute := strconv.FormatInt(s.cfg.Now().Unix()/60, 10)
		key := strconv.FormatInt(u.ID, 10) + "\x00" + requestLang(r) + "\x00" + enc + "\x00" + minute + "\x00" + r.URL.RequestURI()
		if p := s.pages.get(key, mark); p != nil {
			writeCached(w, p)
			return nil
		}
		rec := &pageRecorder{header: http.Header{}, status: http.StatusOK}
		if err := fn(rec, r); err != nil {
			return err
		}
		if rec.noCompress || rec.status != http.StatusOK || len(rec.header.Values("Set-Cookie")) > 0 || !compressible(rec.header.Get("Content-Type")) {
			return rec.replay(w) // written as it came, not kept
		}
		p := &cachedPage{mark: mark, contentType: rec.header.Get("Content-Type"), encoding: enc, body: rec.body.Bytes()}
		if enc != "" && len(p.body) >= minCompressSize {
			if p.body, err = compressOnce(rec.body.Bytes(), enc); err != nil {
				return err
			}
		} else {
			p.encoding = ""
		}
		s.pages.put(key, p)
		writeCached(w, p)
		return nil
	}
}

// plainSession reports whether the session holds nothing but who is signed in (and the
// language): a one-time message (flash, a link shown once) makes the page unique.
func (s *Server) plainSession(r *http.Request) bool {
	for _, k := range s.sessions.Keys(r.Context()) {
		if k != sessionUserKey && k != sessionEpochKey {
			return false
		}
	}
	return true
}

// writeCached writes a kept page, already compressed (finalHeaders leaves it as it is).
func writeCached(w http.ResponseWriter, p *cachedPage) {
	h := w.Header()
	h.Set("Content-Type", p.contentType)
	h.Add("Vary", "Accept-Encoding")
	if p.encoding != "" {
		h.Set("Content-Encoding", p.encoding)
	}
	h.Set("Content-Length", strconv.Itoa(len(p.body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(p.body)
}

// Levels for kept pages: compressed once per write and minute, served many times, so a
// better level than on the fly pays for itself in bytes written.
const (
	cachedBrotliLevel = 6
	cachedGzipLevel   = 6
)

// compressOnce compresses a page for the cache.
func compressOnce(b []byte, enc string) ([]byte, error) {
	var buf bytes.Buffer
	var zw io.WriteCloser
	if enc == encBrotli {
		zw = brotli.NewWriterLevel(&buf, cachedBrotliLevel)
	} else {
		zw, _ = gzip.NewWriterLevel(&buf, cachedGzipLevel)
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pageRecorder is the ResponseWriter a cached page is built into.
type pageRecorder struct {
	header     http.Header
	status     int
	wrote      bool
	noCompress bool
	body       bytes.Buffer
}

func (p *pageRecorder) Header() http.Header { return p.header }

func (p *pageRecorder) WriteHeader(status int) {
	if !p.wrote {
		p.status, p.wrote = status, true
	}
}

func (p *pageRecorder) Write(b []byte) (int, error) {
	p.wrote = true
	return p.body.Write(b)
}

// markNoCompress is noCompress reaching the recorder: the page shows a secret.
func (p *pageRecorder) markNoCompress() { p.noCompress = true }

// replay writes the recorded response to w as the handler wrote it.
func (p *pageRecorder) replay(w http.ResponseWriter) error {
	for k, v := range p.header {
		if strings.EqualFold(k, "Content-Length") {
			continue
		}
		w.Header()[k] = v
	}
	if p.noCompress {
		noCompress(w)
	}
	w.WriteHeader(p.status)
	_, err := w.Write(p.body.Bytes())
	return err
}
