package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/apperr"
)

func TestPutOpenDelete(t *testing.T) {
	ctx := context.Background()
	d, err := NewDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("%PDF-1.7 cachet de l'entreprise")
	key, size, sha, err := d.Put(ctx, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if size != int64(len(data)) || sha != hex.EncodeToString(sum[:]) || !validKey(key) {
		t.Errorf("Put = %q, %d, %q", key, size, sha)
	}
	if _, err := os.Stat(filepath.Join(d.root, key[:2], key[2:4], key)); err != nil {
		t.Errorf("not in two-level folders: %v", err)
	}
	f, err := d.Open(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(9, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if string(got) != string(data[9:]) {
		t.Errorf("read back %q", got)
	}
	key2, _, _, err := d.Put(ctx, strings.NewReader(""), 10)
	if err != nil || key2 == key {
		t.Errorf("second Put = %q, %v", key2, err)
	}

	if err := d.Delete(key); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(key); err != nil {
		t.Errorf("second Delete = %v", err)
	}
	if _, err := d.Open(key); !errors.Is(err, apperr.NotFound) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open deleted = %v", err)
	}
	for _, bad := range []string{"", "../../etc/passwd", strings.Repeat("A", 32), strings.Repeat("a", 31) + "/"} {
		if _, err := d.Open(bad); !errors.Is(err, apperr.NotFound) {
			t.Errorf("Open(%q) = %v", bad, err)
		}
		if err := d.Delete(bad); !errors.Is(err, apperr.NotFound) {
			t.Errorf("Delete(%q) = %v", bad, err)
		}
	}
	if _, err := NewDir(" "); err == nil {
		t.Error("NewDir with an empty root succeeded")
	}
}

func TestPutTooLarge(t *testing.T) {
	ctx := context.Background()
	d, err := NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const max = 2 << 20
	_, _, _, err = d.Put(ctx, io.LimitReader(zeros{}, max+1), max)
	if !errors.Is(err, apperr.Invalid) {
		t.Fatalf("Put over max = %v", err)
	}
	if msg := apperr.FieldErrors(err)["fichier"]; msg != "Le fichier dépasse la taille maximale de 2 Mo." {
		t.Errorf("message = %q", msg)
	}
	// Exactly max is fine.
	if _, size, _, err := d.Put(ctx, io.LimitReader(zeros{}, max), max); err != nil || size != max {
		t.Errorf("Put of max bytes = %d, %v", size, err)
	}
	if _, _, _, err := d.Put(ctx, strings.NewReader("x"), 0); err == nil || errors.Is(err, apperr.Invalid) {
		t.Errorf("Put with max 0 = %v", err)
	}
	// Nothing is left behind by refused or failed uploads.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, _, err := d.Put(cancelled, strings.NewReader("x"), 10); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context = %v", err)
	}
	tmp, _ := os.ReadDir(filepath.Join(d.root, "tmp"))
	if len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

func TestMegabytes(t *testing.T) {
	for n, want := range map[int64]string{10 << 20: "10", 1 << 19: "0,5", 1536 << 10: "1,5", 1000: "0,01", 3 << 20 / 10 * 1: "0,3"} {
		if got := megabytes(n); got != want {
			t.Errorf("megabytes(%d) = %q, want %q", n, got, want)
		}
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// A partial write left by a process killed during Put is removed at the next start, once old.
func TestNewDirRemovesStalePartialWrites(t *testing.T) {
	root := filepath.Join(t.TempDir(), "blobs")
	if _, err := NewDir(root); err != nil {
		t.Fatal(err)
	}
	old, young, other := filepath.Join(root, "tmp", "put-1"), filepath.Join(root, "tmp", "put-2"), filepath.Join(root, "tmp", "autre")
	for _, p := range []string{old, young, other} {
		if err := os.WriteFile(p, []byte("partiel"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-2 * time.Hour)
	for _, p := range []string{old, other} {
		if err := os.Chtimes(p, long, long); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := NewDir(root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale partial write kept: %v", err)
	}
	for _, p := range []string{young, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", filepath.Base(p), err)
		}
	}
}
