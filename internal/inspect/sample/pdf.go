package sample

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
)

// PDF returns a real PDF of the given pages (A4, Helvetica, the standard font every reader
// has, so no font is embedded) whose pages carry the headings, spread in order (16 pt
// lines), and body text of charsPerPage characters without spaces a page. The content
// streams are compressed (FlateDecode), as a word processor writes them.
func PDF(headings []string, pages, charsPerPage int) ([]byte, error) {
	if err := checkSize(pages, charsPerPage); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	var offsets []int
	obj := func(format string, args ...any) {
		offsets = append(offsets, buf.Len())
		fmt.Fprintf(&buf, "%d 0 obj\n", len(offsets))
		fmt.Fprintf(&buf, format, args...)
		buf.WriteString("\nendobj\n")
	}
	buf.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	kids := make([]string, pages)
	for p := range kids {
		kids[p] = fmt.Sprintf("%d 0 R", 4+2*p)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages)
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	for p, hs := range pageHeadings(headings, pages) {
		var c bytes.Buffer
		y := 790
		for _, h := range hs {
			fmt.Fprintf(&c, "BT /F1 16 Tf 56 %d Td (%s) Tj ET\n", y, pdfString(h))
			y -= 28
		}
		c.WriteString("BT /F1 10 Tf 13 TL\n")
		fmt.Fprintf(&c, "56 %d Td\n", y)
		for _, l := range lines(charsPerPage, 95, p*7) {
			fmt.Fprintf(&c, "(%s) Tj T*\n", pdfString(l))
		}
		c.WriteString("ET\n")
		fmt.Fprintf(&c, "BT /F1 8 Tf 290 30 Td (%d) Tj ET\n", p+1)
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		_, _ = zw.Write(c.Bytes())
		_ = zw.Close()
		obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*p)
		obj("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.Bytes())
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return buf.Bytes(), nil
}

// pdfString writes a text as the bytes of a PDF literal string in WinAnsiEncoding
// (Windows-1252), escaped; a character the encoding lacks becomes « ? ».
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		c, ok := winAnsi(r)
		if !ok {
			c = '?'
		}
		if c == '(' || c == ')' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

func winAnsi(r rune) (byte, bool) {
	if r < 0x80 || (r >= 0xA0 && r <= 0xFF) {
		return byte(r), true
	}
	table := []rune("€\uFFFD‚ƒ„…†‡ˆ‰Š‹Œ\uFFFDŽ\uFFFD\uFFFD‘’“”•–—˜™š›œ\uFFFDžŸ")
	for i, x := range table {
		if x == r && r != '\uFFFD' {
			return byte(0x80 + i), true
		}
	}
	return 0, false
}
