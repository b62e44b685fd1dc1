package sample

import (
	"bytes"
	"io"
	"testing"
	"time"
)

// TestPadTo: a padded video is exactly padTo bytes, written without holding it (the writer
// only counts).
func TestPadTo(t *testing.T) {
	for name, write := range map[string]func(io.Writer, time.Duration, int64) error{"mp4": MP4, "webm": WebM} {
		for _, pad := range []int64{0, 1 << 20, 300 << 20} {
			n := &countWriter{}
			if err := write(n, 5*time.Minute, pad); err != nil {
				t.Fatal(err)
			}
			if pad > 0 && n.n != pad {
				t.Errorf("%s padded to %d: %d bytes", name, pad, n.n)
			}
		}
		if err := write(io.Discard, 0, 0); err == nil {
			t.Errorf("%s of no duration: no error", name)
		}
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func TestDocuments(t *testing.T) {
	p, err := PDF([]string{"Titre (1)", "Œuvre à l’affiche"}, 2, 100)
	if err != nil || !bytes.HasPrefix(p, []byte("%PDF-1.4")) || !bytes.HasSuffix(p, []byte("%%EOF\n")) {
		t.Errorf("PDF: %v", err)
	}
	d, err := DOCX([]string{"Titre & <1>"}, 2, 100)
	if err != nil || !bytes.HasPrefix(d, []byte("PK")) {
		t.Errorf("DOCX: %v", err)
	}
	if _, err := PDF(nil, 0, 10); err == nil {
		t.Error("PDF of 0 pages: no error")
	}
}
