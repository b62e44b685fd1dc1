// Package blob keeps the bytes of uploaded files; their metadata (name, type, size, digest,
// who may read them) stays in SQL. Dir stores them in a local directory; an S3-compatible
// implementation will come when several servers must share them.
package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/apperr"
)

// keyLen is the length of a key: 16 random bytes in hexadecimal.
const keyLen = 32

// Dir stores blobs as files under a root directory, in two levels of folders named by the
// first four hexadecimal digits of their key (ab/cd/abcd…), so that no folder grows too large.
// It is safe for concurrent use, including by several processes sharing the directory.
type Dir struct {
	root string
}

// staleTemp is the age after which a partial write left in the temporary folder (by a process
// killed during Put) is removed by NewDir; no upload takes that long.
const staleTemp = time.Hour

// NewDir returns a Dir rooted at root, creating root (and its temporary folder) when missing,
// and removing the partial writes older than an hour that a killed process left there. It
// returns an error when root is empty or cannot be created.
func NewDir(root string) (*Dir, error) {
	if strings.TrimSpace(root) == "" {
		return nil, errors.New("blob: empty root directory")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(abs, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	d := &Dir{root: abs}
	d.removeStaleTemp(time.Now().Add(-staleTemp))
	return d, nil
}

// removeStaleTemp removes the put-* files of the temporary folder last written before
// before; others may be Puts under way in another process sharing the directory. Failures
// are ignored: the next start tries again.
func (d *Dir) removeStaleTemp(before time.Time) {
	entries, err := os.ReadDir(filepath.Join(d.root, "tmp"))
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "put-") || e.IsDir() {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(before) {
			_ = os.Remove(filepath.Join(d.root, "tmp", e.Name()))
		}
	}
}

// Put stores the bytes read from r and returns their new key, size and hexadecimal SHA-256.
//
// The bytes go to a temporary file first, renamed into place once complete, so that a key
// never names a partial blob. When r yields more than max bytes nothing is kept and the error
// is a *apperr.Validation (so errors.Is(err, apperr.Invalid)) on field "fichier" saying, in
// French, the maximum size. max must be positive. A cancelled ctx or a failing r or disk
// returns their error, nothing kept.
func (d *Dir) Put(ctx context.Context, r io.Reader, max int64) (key string, size int64, sha string, err error) {
	if max <= 0 {
		return "", 0, "", fmt.Errorf("blob: put: non-positive maximum size %d", max)
	}
	tmp, err := os.CreateTemp(filepath.Join(d.root, "tmp"), "put-*")
	if err != nil {
		return "", 0, "", fmt.Errorf("blob: put: %w", err)
	}
	kept := false
	defer func() {
		if !kept {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), ctxReader{ctx, io.LimitReader(r, max+1)})
	if err != nil {
		return "", 0, "", fmt.Errorf("blob: put: %w", err)
	}
	if size > max {
		v := apperr.NewValidation()
		v.Add("fichier", "Le fichier dépasse la taille maximale de "+megabytes(max)+" Mo.")
		return "", 0, "", v
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, "", fmt.Errorf("blob: put: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, "", fmt.Errorf("blob: put: %w", err)
	}
	if key, err = newKey(); err != nil {
		return "", 0, "", fmt.Errorf("blob: put: %w", err)
	}
	path := d.path(key)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", 0, "", fmt.Errorf("blob: put: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", 0, "", fmt.Errorf("blob: put: %w", err)
	}
	kept = true
	return key, size, hexSum(h), nil
}

// Open returns the blob stored under key; the caller closes it. A key that is malformed or
// names no blob returns an error wrapping both apperr.NotFound and fs.ErrNotExist.
func (d *Dir) Open(key string) (io.ReadSeekCloser, error) {
	if !validKey(key) {
		return nil, fmt.Errorf("blob %q: %w: %w", key, apperr.NotFound, fs.ErrNotExist)
	}
	f, err := os.Open(d.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w: %w", key, apperr.NotFound, err)
	}
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", key, err)
	}
	return f, nil
}

// Delete removes the blob stored under key. Deleting a blob that does not exist (any more)
// returns nil, so that a retried cleanup succeeds; a malformed key returns an error wrapping
// apperr.NotFound.
func (d *Dir) Delete(key string) error {
	if !validKey(key) {
		return fmt.Errorf("blob %q: %w", key, apperr.NotFound)
	}
	if err := os.Remove(d.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob %s: %w", key, err)
	}
	return nil
}

// megabytes formats n bytes as mebibytes the French way: "10" for 10 MiB, "0,5" for 512 KiB,
// with at most two decimals ("0,01" at least, for a tiny positive size).
func megabytes(n int64) string {
	const mib = 1 << 20
	if n%mib == 0 {
		return strconv.FormatInt(n/mib, 10)
	}
	v := float64(n) / mib
	if v < 0.01 {
		v = 0.01
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return strings.Replace(s, ".", ",", 1)
}

func (d *Dir) path(key string) string {
	return filepath.Join(d.root, key[0:2], key[2:4], key)
}

func newKey() (string, error) {
	var b [keyLen / 2]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// validKey reports whether key has the shape newKey gives (so it cannot escape the root).
func validKey(key string) bool {
	if len(key) != keyLen {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// ctxReader stops reading once ctx is done, so that a cancelled upload stops being written.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
