package document

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestPageBudgets: an evaluation saved with one compétence listed 100,000 times printed its
// critères 100,000 times, and the livret came out at 14,673 pages, 32 MB, 35 s. Every
// document now has a page budget and fails with a French error instead.
func TestPageBudgets(t *testing.T) {
	l := livret()
	ev := &l.Blocs[0].Competences[0].Evaluations[0]
	crit := ev.Criteres
	for len(ev.Criteres) < 100_000 {
		ev.Criteres = append(ev.Criteres, crit...)
	}
	a := attestation()
	for len(a.Modules) < 5_000 {
		a.Modules = append(a.Modules, a.Modules...)
	}
	rs := releves()
	for len(rs) <= MaxReleves {
		rs = append(rs, rs...)
	}
	for _, tc := range []struct {
		name   string
		render func(*bytes.Buffer) error
		want   string
	}{
		{"livret", func(b *bytes.Buffer) error { return RenderLivret(b, l) }, "dépasserait 300 pages"},
		{"attestation", func(b *bytes.Buffer) error { return RenderAttestation(b, a) }, "dépasserait 30 pages"},
		{"relevés", func(b *bytes.Buffer) error { return RenderReleves(b, rs) }, "un fichier de relevés en compte au plus 500"},
	} {
		start := time.Now()
		var buf bytes.Buffer
		err := tc.render(&buf)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s over budget: %v, want ErrInvalid with %q", tc.name, err, tc.want)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s over budget took %v to refuse", tc.name, d)
		}
		if buf.Len() != 0 {
			t.Errorf("%s over budget wrote %d bytes", tc.name, buf.Len())
		}
	}
}

func TestByteBudget(t *testing.T) {
	var buf bytes.Buffer
	err := render(&buf, budget{document: "essai", pages: 10, bytes: 1000}, "t", "a", "s", time.Now(), func(w *writer) error {
		w.startDoc(nil)
		w.para(marginX, contentW, "Un texte.", regular, 10, colMuted, left)
		w.endDoc("essai")
		return nil
	})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "dépasserait") {
		t.Errorf("PDF over its byte budget: %v", err)
	}
}
