// Package inspect measures the files a candidate deposits in their dossier, once, when they
// are deposited: the pages, characters and headings of a PDF, DOCX, PPTX, ODT or ODP
// document, the
// duration of an MP4/MOV or WebM video. Every reader is bounded (bytes read, zip entries,
// decompressed size, time), never panics on a hostile file, and says in French why when it
// cannot measure (dossier.Measure with Measured false and a Reason) instead of guessing.
//
// It imports the standard library, internal/dossier (for Measure) and internal/french only.
package inspect

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/french"
)

// Limits bound every reader: the bytes of the file it accepts (MaxBytes), the entries of a
// zip archive (MaxEntries), the bytes decompressed from it or from a PDF's streams, text
// included (MaxInflated), and the time a document may take (Timeout).
type Limits struct {
	MaxBytes    int64
	MaxEntries  int
	MaxInflated int64
	Timeout     time.Duration
}

// DefaultLimits are the limits of the dossier's documents: 50 MB a file, 2,000 zip entries,
// 200 MB decompressed, 20 seconds.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 50 << 20, MaxEntries: 2000, MaxInflated: 200 << 20, Timeout: 20 * time.Second}
}

// The sniffed types Document reads.
const (
	MimePDF  = "application/pdf"
	MimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	MimePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	MimeODT  = "application/vnd.oasis.opendocument.text"
	MimeODP  = "application/vnd.oasis.opendocument.presentation"
	MimeZIP  = "application/zip"
)

// The caps of what a Measure keeps of a document's headings.
const (
	maxHeadings    = 2000
	maxHeadingRune = 200
)

// maxPages bounds the pages (slides) of a document every reader counts: beyond it the
// document is not measured (a real dossier has tens of pages; a hostile one with millions of
// page breaks would store megabytes of page_chars read back with every dossier).
const maxPages = 20000

// reasonTooManyPages is the Reason of a document of more than maxPages pages.
var reasonTooManyPages = "plus de " + french.Int(maxPages) + " pages : longueur non mesurable"

// capPages refuses the Measure of a document of more than maxPages pages.
func capPages(m dossier.Measure) dossier.Measure {
	if m.Pages > maxPages || len(m.PageChars) > maxPages {
		return unmeasured("%s", reasonTooManyPages)
	}
	return m
}

// Document measures a PDF, DOCX, PPTX, ODT or ODP document (mime is the type sniffed from its
// content; a plain zip is looked into for a Word, PowerPoint or OpenDocument file) read through r (size bytes):
// its pages (slides for a presentation), its characters without spaces page by page and in all, and its
// heading texts. It never panics, never reads past lim, and gives up when ctx is done or
// lim.Timeout has passed; when it cannot measure, Measured is false and Reason says why in
// French.
func Document(ctx context.Context, r io.ReaderAt, size int64, mime string, lim Limits) dossier.Measure {
	if size > lim.MaxBytes {
		return unmeasured("document trop volumineux (%s, %s au plus) : non mesuré", french.Bytes(size), french.Bytes(lim.MaxBytes))
	}
	if lim.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, lim.Timeout)
		defer cancel()
	}
	if ctx.Err() != nil {
		return unmeasured("document trop long à lire : non mesuré")
	}
	mime, _, _ = strings.Cut(strings.ToLower(mime), ";")
	switch mime = strings.TrimSpace(mime); mime {
	case MimePDF:
		return capPages(pdfDocument(ctx, r, size, lim, true))
	case MimeDOCX, MimePPTX, MimeODT, MimeODP, MimeZIP:
		return capPages(officeZip(ctx, r, size, lim, mime))
	}
	return unmeasured("%s : format non mesurable, PDF, Word (DOCX), PowerPoint (PPTX) ou OpenDocument (ODT, ODP) attendu", formatName(mime))
}

// formatName names a document type for a person.
func formatName(mime string) string {
	switch mime {
	case "application/msword", "application/x-ole-storage":
		return "document Word ou PowerPoint d'ancien format (.doc, .ppt)"
	case "application/vnd.ms-powerpoint":
		return "présentation PowerPoint d'ancien format (.ppt)"
	case "application/rtf", "text/rtf":
		return "document RTF"
	case "text/plain":
		return "texte brut"
	case "":
		return "type inconnu"
	}
	if strings.HasPrefix(mime, "image/") {
		return "image (" + strings.TrimPrefix(mime, "image/") + ")"
	}
	return "type " + mime
}

// unmeasured is a Measure that says in French why nothing could be measured.
func unmeasured(format string, args ...any) dossier.Measure {
	return dossier.Measure{Reason: fmt.Sprintf(format, args...)}
}

// headings collects the heading texts of a document, capped in number and length, spaces
// folded; the empty ones are dropped.
type headings []string

func (h *headings) add(s string) {
	if len(*h) >= maxHeadings {
		return
	}
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if s == "" {
		return
	}
	if utf8.RuneCountInString(s) > maxHeadingRune {
		s = string([]rune(s)[:maxHeadingRune])
	}
	*h = append(*h, s)
}

// measured builds the Measure of a document from its pages' characters and its headings.
func measured(pages int, pageChars []int, hs headings) dossier.Measure {
	m := dossier.Measure{Measured: true, Pages: pages, PageChars: pageChars, Headings: hs}
	for _, c := range pageChars {
		m.Chars += c
	}
	return m
}
