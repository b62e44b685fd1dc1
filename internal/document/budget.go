package document

import (
	"fmt"
	"io"
)

// Budgets of the documents: a document that would exceed its page or byte budget is refused
// with an error wrapping ErrInvalid (French) instead of being produced, so that no input
// — an evaluation listing a compétence 100,000 times, a promotion of 100,000 candidates —
// can make the server build a 14,000-page PDF. The budgets are far above any real document:
// a full livret of the Community Manager title is about 30 pages.
const (
	// MaxLivretPages bounds the livret d'évaluation et de suivi.
	MaxLivretPages = 300
	// MaxAttestationPages bounds the attestation de formation.
	MaxAttestationPages = 30
	// MaxReleves bounds the relevés of one file (one page each): a promotion's relevés.
	MaxReleves = 500
	// MaxBytes bounds the size of any document.
	MaxBytes = 20 << 20
)

// budget is the page and byte limit of one rendering.
type budget struct {
	document string // the document's French name, for the error
	pages    int
	bytes    int64
}

// overPages is the error of a document that would exceed its page budget.
func (b budget) overPages() error {
	return &InvalidError{Document: b.document, Problemes: []string{fmt.Sprintf(
		"le document dépasserait %d pages : trop de données à imprimer, vérifiez les évaluations et les modules enregistrés", b.pages)}}
}

// overBytes is the error of a document that would exceed its byte budget.
func (b budget) overBytes() error {
	return &InvalidError{Document: b.document, Problemes: []string{fmt.Sprintf(
		"le document dépasserait %d Mo : trop de données à imprimer", b.bytes>>20)}}
}

// limitWriter passes at most n bytes to w; past them it drops the rest and sets over (gopdf
// does not look at its writer's errors).
type limitWriter struct {
	w    io.Writer
	n    int64
	over bool
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.over || int64(len(p)) > l.n {
		l.over = true
		return len(p), nil
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}
