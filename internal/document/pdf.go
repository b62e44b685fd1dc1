package document

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/signintech/gopdf"
)

// The embedded fonts: subsets of Noto Sans and Noto Sans Symbols2 (SIL OFL 1.1, fonts/OFL.txt).
var (
	//go:embed fonts/NotoSans-Regular.ttf
	fontRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	fontBold []byte
	//go:embed fonts/NotoSans-Italic.ttf
	fontItalic []byte
	//go:embed fonts/NotoSansSymbols2-Regular.ttf
	fontSymbols []byte
)

// Page geometry, in points (the PDF unit, 1/72 inch).
const (
	mm            = 72 / 25.4
	pageW         = 595.28 // A4
	pageH         = 841.89
	marginX       = 18 * mm
	marginTop     = 18 * mm
	contentW      = pageW - 2*marginX
	contentRight  = pageW - marginX
	contentBottom = pageH - 21*mm // the footer lives below
	leading       = 1.3           // line height as a multiple of the font size
)

// style is a font style of the main family.
type style int

const (
	regular style = iota
	bold
	italic
	symbols // the fallback font, for ✓ ✗ and the like
)

type rgb struct{ r, g, b uint8 }

// The palette: sober, printable in grey scale.
var (
	colText   = rgb{33, 37, 41}
	colMuted  = rgb{100, 108, 117}
	colLight  = rgb{150, 155, 160}
	colAccent = rgb{28, 57, 97}
	colRule   = rgb{196, 203, 212}
	colHead   = rgb{226, 233, 242}
	colZebra  = rgb{246, 248, 251}
	colBox    = rgb{242, 245, 249}
	colGreen  = rgb{35, 122, 57}
	colRed    = rgb{190, 38, 38}
	colGrey   = rgb{118, 124, 131}
	colWhite  = rgb{255, 255, 255}
)

func toneColor(t tone) rgb {
	switch t {
	case positive:
		return colGreen
	case negative:
		return colRed
	}
	return colGrey
}

// glyph identifies a rune in a style, for the caches.
type glyph struct {
	st style
	r  rune
}

// footer records the page range of one document of the file and its footer's left text.
type footer struct {
	first, last int
	left        string
}

// writer lays text out on A4 pages over gopdf. Its first error sticks: drawing calls after
// it do nothing and finish returns it. In dry mode nothing is drawn but positions, wrapping
// and page breaks are computed the same way, to measure a layout before drawing it.
type writer struct {
	pdf     *gopdf.GoPdf
	err     error
	dry     bool
	y       float64 // top of the next line
	pages   int     // pages started (counted in dry mode too)
	first   int     // first page of the current document
	running func()  // draws the continuation header on a new page of the document
	repeat  func()  // redraws the open table's header after a page break
	footers []footer
	budget  budget            // pages and bytes allowed; exceeding the pages sets err
	width   map[glyph]float64 // advance width at size 1
	font    map[glyph]style   // which font draws a rune of a style; -1 when none
}

// newWriter starts a PDF with the embedded fonts and the document information.
func newWriter(title, author, subject string, created time.Time) (*writer, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	w := &writer{pdf: pdf, width: map[glyph]float64{}, font: map[glyph]style{}}
	fonts := []struct {
		family string
		data   []byte
		style  int
	}{
		// One family per font file, named as the PDF will name it (polish.go adds the tag).
		{fontFamilies[regular], fontRegular, gopdf.Regular},
		{fontFamilies[bold], fontBold, gopdf.Regular},
		{fontFamilies[italic], fontItalic, gopdf.Regular},
		{fontFamilies[symbols], fontSymbols, gopdf.Regular},
	}
	for _, f := range fonts {
		opt := gopdf.TtfOption{Style: f.style, OnGlyphNotFoundSubstitute: func(rune) rune { return '?' }}
		if err := pdf.AddTTFFontDataWithOption(f.family, f.data, opt); err != nil {
			return nil, fmt.Errorf("document : police %s : %w", f.family, err)
		}
	}
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Author: author, Subject: subject,
		Creator: "Certif", Producer: "Certif (gopdf)", CreationDate: created})
	return w, nil
}

// setFont selects a style and size on gopdf.
func (w *writer) setFont(st style, size float64) {
	if w.err != nil {
		return
	}
	var err error
	f := regular
	if st >= 0 && int(st) < len(fontFamilies) {
		f = st
	}
	err = w.pdf.SetFontWithStyle(fontFamilies[f], gopdf.Regular, size)
	if err != nil {
		w.err = fmt.Errorf("document : police : %w", err)
	}
}

// fontFor tells which font draws r in style st: st itself, the symbols font, or -1 (none:
// the rune is then drawn as "?").
func (w *writer) fontFor(st style, r rune) style {
	k := glyph{st, r}
	if f, ok := w.font[k]; ok {
		return f
	}
	f := style(-1)
	for _, cand := range []style{st, symbols} {
		w.setFont(cand, 10)
		if ok, err := w.pdf.IsCurrFontContainGlyph(r); err == nil && ok {
			f = cand
			break
		}
	}
	w.font[k] = f
	return f
}

// runeWidth is the advance width of r drawn in style st at size 1.
func (w *writer) runeWidth(st style, r rune) float64 {
	f := w.fontFor(st, r)
	if f < 0 {
		f, r = st, '?'
	}
	k := glyph{f, r}
	if v, ok := w.width[k]; ok {
		return v
	}
	w.setFont(f, 1000)
	v, err := w.pdf.MeasureTextWidth(string(r))
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("document : mesure du texte : %w", err)
	}
	v /= 1000
	w.width[k] = v
	return v
}

// textWidth measures s in style st and size.
func (w *writer) textWidth(s string, st style, size float64) float64 {
	var total float64
	for _, r := range s {
		total += w.runeWidth(st, r)
	}
	return total * size
}

// text draws one line with its baseline at y, switching to the symbols font for the runes
// the main font lacks.
func (w *writer) text(x, baseline float64, s string, st style, size float64, c rgb) {
	if w.dry || w.err != nil || s == "" {
		return
	}
	w.pdf.SetTextColor(c.r, c.g, c.b)
	var run []rune
	cur := style(-2)
	flush := func() {
		if len(run) == 0 || w.err != nil {
			return
		}
		w.setFont(cur, size)
		w.pdf.SetXY(x, baseline)
		if err := w.pdf.Text(string(run)); err != nil {
			w.err = fmt.Errorf("document : texte : %w", err)
		}
		x += w.textWidth(string(run), cur, size)
		run = run[:0]
	}
	for _, r := range s {
		f := w.fontFor(st, r)
		if f < 0 {
			f, r = st, '?'
		}
		if f != cur {
			flush()
			cur = f
		}
		run = append(run, r)
	}
	flush()
}

// align of a line within its box.
type align int

const (
	left align = iota
	center
	right
)

// line draws s on one line of the box [x, x+width] whose top is top, with the given alignment.
func (w *writer) line(x, width, top float64, s string, st style, size float64, c rgb, a align) {
	s = typo(s)
	switch a {
	case center:
		x += (width - w.textWidth(s, st, size)) / 2
	case right:
		x += width - w.textWidth(s, st, size)
	}
	w.text(x, top+size*1.02, s, st, size, c)
}

// wrap splits s into lines no wider than width. It breaks at spaces (never at the no-break
// spaces typo puts in), honours "\n", and cuts a word wider than a line between letters.
func (w *writer) wrap(s string, width float64, st style, size float64) []string {
	s = typo(strings.ReplaceAll(s, "\r\n", "\n"))
	space := w.runeWidth(st, ' ') * size
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var cur strings.Builder
		curW := 0.0
		// Only ordinary spaces break: strings.Fields would also split at the no-break spaces.
		for _, word := range strings.FieldsFunc(para, func(r rune) bool { return r == ' ' || r == '\t' }) {
			ww := w.textWidth(word, st, size)
			if cur.Len() > 0 && curW+space+ww <= width {
				cur.WriteByte(' ')
				cur.WriteString(word)
				curW += space + ww
				continue
			}
			if cur.Len() > 0 {
				lines = append(lines, cur.String())
				cur.Reset()
				curW = 0
			}
			for ww > width { // a word longer than the line: cut it
				n, acc := 0, 0.0
				for _, r := range word {
					rw := w.runeWidth(st, r) * size
					if acc+rw > width && n > 0 {
						break
					}
					acc += rw
					n += len(string(r))
				}
				lines = append(lines, word[:n])
				word = word[n:]
				ww = w.textWidth(word, st, size)
			}
			cur.WriteString(word)
			curW = ww
		}
		lines = append(lines, cur.String())
	}
	return lines
}

// lineH is the height of one line of text at size.
func lineH(size float64) float64 { return size * leading }

// newPage starts a page of the current document, with its continuation header and the open
// table's header.
func (w *writer) newPage() {
	w.pages++
	if !w.dry && w.budget.pages > 0 && w.pages > w.budget.pages && w.err == nil { // measures do not count
		w.err = w.budget.overPages()
	}
	if !w.dry && w.err == nil {
		w.pdf.AddPage()
	}
	w.y = marginTop
	if w.running != nil && w.pages > w.first {
		w.running()
	}
	if w.repeat != nil {
		w.repeat()
	}
}

// startDoc begins a document of the file on a new page; its pages are numbered from 1.
func (w *writer) startDoc(running func()) {
	w.repeat = nil
	w.running = running
	w.first = w.pages + 1
	w.newPage()
}

// endDoc records the current document's pages and the left text of its footer.
func (w *writer) endDoc(footerLeft string) {
	w.footers = append(w.footers, footer{first: w.first, last: w.pages, left: footerLeft})
	w.running, w.repeat = nil, nil
}

// ensure starts a new page when h points do not fit below y; it reports whether it did.
// On a page that has nothing yet but its headers it does not break, to avoid blank pages.
func (w *writer) ensure(h float64) bool {
	if w.y+h <= contentBottom || w.y <= w.topOfPage()+0.5 {
		return false
	}
	w.newPage()
	return true
}

// topOfPage is where content starts on a continuation page (below the running header).
func (w *writer) topOfPage() float64 {
	if w.running != nil && w.pages > w.first {
		return marginTop + runningH
	}
	return marginTop
}

// para draws wrapped text from x over width, breaking pages between lines; it advances y.
func (w *writer) para(x, width float64, s string, st style, size float64, c rgb, a align) {
	if w.err != nil { // past the budget, or failed: skip the layout work too
		return
	}
	h := lineH(size)
	for _, l := range w.wrap(s, width, st, size) {
		w.ensure(h)
		w.line(x, width, w.y, l, st, size, c, a)
		w.y += h
	}
}

// fillRect fills a rectangle given by its upper-left corner.
func (w *writer) fillRect(x, y, width, height float64, c rgb) {
	if w.dry || w.err != nil || width <= 0 || height <= 0 {
		return
	}
	w.pdf.SetFillColor(c.r, c.g, c.b)
	w.pdf.RectFromUpperLeftWithStyle(x, y, width, height, "F")
}

// roundRect fills a rectangle with rounded corners.
func (w *writer) roundRect(x, y, width, height, radius float64, c rgb) {
	if w.dry || w.err != nil || width <= 2*radius || height <= 2*radius {
		return
	}
	w.pdf.SetFillColor(c.r, c.g, c.b)
	if err := w.pdf.Rectangle(x, y, x+width, y+height, "F", radius, 6); err != nil {
		w.err = fmt.Errorf("document : rectangle : %w", err)
	}
}

// strokeRect draws a rectangle's outline.
func (w *writer) strokeRect(x, y, width, height, lw float64, c rgb) {
	if w.dry || w.err != nil {
		return
	}
	w.pdf.SetLineWidth(lw)
	w.pdf.SetStrokeColor(c.r, c.g, c.b)
	w.pdf.RectFromUpperLeftWithStyle(x, y, width, height, "D")
}

// rule draws a line from (x1, y1) to (x2, y2).
func (w *writer) rule(x1, y1, x2, y2, lw float64, c rgb) {
	if w.dry || w.err != nil {
		return
	}
	w.pdf.SetLineWidth(lw)
	w.pdf.SetStrokeColor(c.r, c.g, c.b)
	w.pdf.Line(x1, y1, x2, y2)
}

// badgeSize is the font size of badges.
const badgeSize = 7.5

// badgeWidth is the width of the badge showing s.
func (w *writer) badgeWidth(s string) float64 {
	return w.textWidth(typo(capitalize(s)), bold, badgeSize) + 9
}

// badge draws a state as white text on a coloured pill whose right edge is at xRight and whose
// top is at top; it returns its width.
func (w *writer) badge(xRight, top float64, s string, c rgb) float64 {
	s = capitalize(s)
	bw := w.badgeWidth(s)
	h := badgeSize + 5
	w.roundRect(xRight-bw, top, bw, h, 3, c)
	w.line(xRight-bw, bw, top+2.2, s, bold, badgeSize, colWhite, center)
	return bw
}

// runningH is the height of the continuation header.
const runningH = 9 * mm

// runningHeader returns the function drawing the small header of continuation pages.
func (w *writer) runningHeader(leftText, rightText string) func() {
	return func() {
		half := contentW/2 - 6
		w.line(marginX, half, w.y, leftText, regular, 7.5, colMuted, left)
		w.line(contentRight-half, half, w.y, rightText, regular, 7.5, colMuted, right)
		w.rule(marginX, w.y+12, contentRight, w.y+12, 0.5, colRule)
		w.y += runningH
	}
}

// finish draws every page's footer (« Page 2 / 5 » per document) and writes the PDF to out.
func (w *writer) finish(out io.Writer) error {
	if w.err != nil {
		return w.err
	}
	for _, f := range w.footers {
		n := f.last - f.first + 1
		for p := f.first; p <= f.last; p++ {
			if err := w.pdf.SetPage(p); err != nil {
				return fmt.Errorf("document : page %d : %w", p, err)
			}
			y := pageH - 15*mm
			w.rule(marginX, y, contentRight, y, 0.5, colRule)
			w.line(marginX, contentW*0.7, y+4, f.left, regular, 7.5, colMuted, left)
			w.line(marginX, contentW, y+4, fmt.Sprintf("Page %d / %d", p-f.first+1, n), regular, 7.5, colMuted, right)
		}
	}
	if w.err != nil {
		return w.err
	}
	// gopdf ignores its writer's errors: compile into a bounded buffer, then copy, so that a
	// document over its byte budget writes nothing to out.
	var buf bytes.Buffer
	lw := &limitWriter{w: &buf, n: w.budget.bytes}
	if _, err := w.pdf.WriteTo(lw); err != nil {
		return fmt.Errorf("document : écriture du PDF : %w", err)
	}
	if lw.over {
		return w.budget.overBytes()
	}
	final, err := polish(buf.Bytes())
	if err != nil {
		return fmt.Errorf("document : finition du PDF : %w", err)
	}
	if int64(len(final)) > w.budget.bytes {
		return w.budget.overBytes()
	}
	if _, err := out.Write(final); err != nil {
		return fmt.Errorf("document : écriture du PDF : %w", err)
	}
	return nil
}

// render runs draw on a fresh writer and writes the result; a panic inside gopdf on input we
// failed to reject is turned into an error, since a server must not die on one document.
func render(out io.Writer, b budget, title, author, subject string, created time.Time, draw func(w *writer) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("document : erreur interne de rendu : %v", r)
		}
	}()
	w, err := newWriter(title, author, subject, created)
	if err != nil {
		return err
	}
	if b.bytes == 0 {
		b.bytes = MaxBytes
	}
	w.budget = b
	if err := draw(w); err != nil {
		return err
	}
	return w.finish(out)
}
