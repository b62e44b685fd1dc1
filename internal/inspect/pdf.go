package inspect

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certif/certif/internal/dossier"
)

// pdfMemory is the address space pdftotext may use (prlimit --as): a hostile PDF cannot make
// it eat the server's memory.
const pdfMemory = 1 << 30

// Reasons shared by both PDF readers.
const (
	reasonPDFNoText   = "PDF sans texte (numérisé ?) : longueur non mesurable"
	reasonPDFTooLong  = "PDF trop long à lire : non mesuré"
	reasonPDFTooBig   = "PDF au texte trop volumineux : non mesuré"
	reasonPDFEncrypt  = "PDF protégé (chiffré) : texte non lisible, longueur non mesurable"
	reasonPDFBroken   = "PDF illisible ou endommagé : non mesuré"
	reasonPDFEncoding = "PDF dont les polices ne disent pas leurs caractères (pas de table ToUnicode) : longueur non mesurable"
	reasonPDFFilter   = "PDF compressé d'une façon non prise en charge : longueur non mesurable"
)

// pdfDocument measures a PDF with poppler's pdftotext when it is installed (and poppler is
// true), or else with the pure-Go reader of pdfgo.go.
func pdfDocument(ctx context.Context, r io.ReaderAt, size int64, lim Limits, poppler bool) dossier.Measure {
	if poppler {
		if bin, err := exec.LookPath("pdftotext"); err == nil {
			return pdftotext(ctx, bin, r, size, lim)
		}
	}
	return pdfGo(ctx, r, size, lim)
}

// pdftotext runs poppler's pdftotext on the PDF, fed on its standard input (pdftotext reads
// « - » as stdin, so no temporary file), its text read from its standard output, capped at
// lim.MaxInflated bytes; the run is bounded by ctx's deadline and, when util-linux's prlimit
// is installed, by an address-space limit (pdfMemory). pdftotext ends every page with a form
// feed: the pages are counted by them. The headings are the non-empty lines (pdftotext does
// not know which line is a heading; dossier.Sections tells a heading from body text by its
// words).
func pdftotext(ctx context.Context, bin string, r io.ReaderAt, size int64, lim Limits) dossier.Measure {
	args := []string{bin, "-enc", "UTF-8", "-eol", "unix", "-", "-"} // no -q: stderr says « Incorrect password »
	if pl, err := exec.LookPath("prlimit"); err == nil {
		args = append([]string{pl, fmt.Sprintf("--as=%d", pdfMemory), "--"}, args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin = io.NewSectionReader(r, 0, size)
	cmd.WaitDelay = 2 * time.Second
	var stderr strings.Builder
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return unmeasured("%s", reasonPDFBroken)
	}
	if err := cmd.Start(); err != nil {
		return unmeasured("%s", reasonPDFBroken)
	}
	text := &pdfText{}
	capped := &io.LimitedReader{R: out, N: lim.MaxInflated + 1}
	readErr := text.read(bufio.NewReaderSize(capped, 64<<10))
	if capped.N <= 0 {
		_ = cmd.Process.Kill()
	}
	_, _ = io.Copy(io.Discard, out)
	waitErr := cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return unmeasured("%s", reasonPDFTooLong)
	case capped.N <= 0:
		return unmeasured("%s", reasonPDFTooBig)
	case waitErr != nil || readErr != nil:
		if strings.Contains(strings.ToLower(stderr.String()), "incorrect password") ||
			strings.Contains(strings.ToLower(stderr.String()), "encrypt") {
			return unmeasured("%s", reasonPDFEncrypt)
		}
		return unmeasured("%s", reasonPDFBroken)
	}
	return text.measure()
}

// pdfText gathers the text of a PDF page by page (pages end with a form feed) and line by
// line.
type pdfText struct {
	pageChars []int
	cur       int      // characters without spaces of the current page
	page      []string // the lines of the current page, at most maxPageLines
	line      []rune
	hs        headings
}

// maxPageLines bounds the lines of a page considered as headings.
const maxPageLines = 5000

// read consumes pdftotext's output.
func (t *pdfText) read(r *bufio.Reader) error {
	for {
		c, _, err := r.ReadRune()
		if err == io.EOF {
			t.endLine()
			if t.cur > 0 || len(t.page) > 0 {
				t.endPage()
			}
			return nil
		}
		if err != nil {
			return err
		}
		t.put(c)
	}
}

// put takes one character of the text: a form feed ends a page, a line feed a line.
func (t *pdfText) put(c rune) {
	switch c {
	case '\f':
		t.endLine()
		t.endPage()
	case '\n':
		t.endLine()
	default:
		if dossier.IsChar(c) {
			t.cur++
		}
		if len(t.line) < maxHeadingRune {
			t.line = append(t.line, c)
		}
	}
}

func (t *pdfText) endLine() {
	if s := strings.TrimSpace(string(t.line)); s != "" && len(t.page) < maxPageLines {
		t.page = append(t.page, s)
	}
	t.line = t.line[:0]
}

// endPage ends a page and keeps its lines that may be headings. A PDF does not say which
// line is a heading; on a page of prose (its longer lines, the 90th percentile, of 60
// characters or more) the lines as long as the body's are body text and are dropped, unless
// numbered (« 3. Stratégie… »). On a page of short lines (a slide) every line stays.
func (t *pdfText) endPage() {
	if len(t.pageChars) > maxPages { // too many pages: capPages refuses the document
		t.page, t.cur = t.page[:0], 0
		return
	}
	t.pageChars = append(t.pageChars, t.cur)
	t.cur = 0
	lens := make([]int, len(t.page))
	for i, l := range t.page {
		lens[i] = utf8.RuneCountInString(l)
	}
	slices.Sort(lens)
	long := 0
	if len(lens) > 0 {
		long = lens[len(lens)*9/10]
	}
	for _, l := range t.page {
		if long < 60 || utf8.RuneCountInString(l)*10 <= long*7 || numberedHeading.MatchString(l) {
			t.hs.add(l)
		}
	}
	t.page = t.page[:0]
}

// measure is the Measure of the text read; a PDF with (almost) no text is a scan.
func (t *pdfText) measure() dossier.Measure {
	m := measured(len(t.pageChars), t.pageChars, t.hs)
	if m.Chars < 10*max(1, m.Pages) {
		return dossier.Measure{Reason: reasonPDFNoText, Pages: m.Pages}
	}
	return m
}

// limitedWriter keeps the first n bytes written to it and drops the rest.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(l.n, len(p))
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
