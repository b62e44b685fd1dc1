package document

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
)

// What gopdf leaves out and PDF checkers ask for, added to the compiled file: the document's
// language in the catalog (/Lang, for screen readers and text extraction), a file identifier
// in the trailer (/ID), and the subset tag of each embedded font subset ("ABCDEF+NotoSans-Bold",
// PDF 32000 § 9.6.4: six capital letters, derived here from the file so that two different
// subsets never share a name). The catalog grows, so the cross-reference table is rewritten.

// docLang is the language of every document Certif issues.
const docLang = "fr-FR"

// subsetPlaceholder is the tag the fonts are registered with (pdf.go), replaced at the end.
const subsetPlaceholder = "CRTFXX"

// fontFamilies are the families registered on gopdf, one per embedded font file; each is
// written as the font's name (/BaseFont, /FontName) by gopdf.
var fontFamilies = [...]string{
	regular: subsetPlaceholder + "+NotoSans-Regular",
	bold:    subsetPlaceholder + "+NotoSans-Bold",
	italic:  subsetPlaceholder + "+NotoSans-Italic",
	symbols: subsetPlaceholder + "+NotoSansSymbols2-Regular",
}

// polish adds /Lang, /ID and the subset tags to a PDF compiled by gopdf.
func polish(pdf []byte) ([]byte, error) {
	sum := sha256.Sum256(pdf)
	out := bytes.Clone(pdf)
	for i, fam := range fontFamilies {
		h := sha256.Sum256(append(sum[:], byte(i)))
		tag := make([]byte, len(subsetPlaceholder))
		for k := range tag {
			tag[k] = 'A' + h[k]%26
		}
		out = bytes.ReplaceAll(out, []byte("/"+fam), append([]byte("/"+string(tag)), fam[len(subsetPlaceholder):]...))
	}

	// /Lang in the catalog (object 1: gopdf's /Root).
	catalog := []byte("1 0 obj\n<<\n  /Type /Catalog\n")
	at := bytes.Index(out, catalog)
	if at < 0 || bytes.Count(out, []byte("/Type /Catalog")) != 1 {
		return nil, errors.New("catalogue introuvable")
	}
	at += len(catalog)
	ins := []byte("  /Lang (" + docLang + ")\n")
	out = append(out[:at], append(ins, out[at:]...)...)
	delta := int64(len(ins))

	// The cross-reference table: every object after the catalog moved by delta.
	sx := bytes.LastIndex(out, []byte("startxref\n"))
	if sx < 0 {
		return nil, errors.New("startxref introuvable")
	}
	numStart := sx + len("startxref\n")
	numEnd := numStart + bytes.IndexByte(out[numStart:], '\n')
	if numEnd < numStart {
		return nil, errors.New("startxref illisible")
	}
	xrefAt, err := strconv.ParseInt(string(out[numStart:numEnd]), 10, 64)
	if err != nil || xrefAt <= int64(at) {
		return nil, fmt.Errorf("startxref %q", out[numStart:numEnd])
	}
	xrefAt += delta
	out = append(out[:numStart], append([]byte(strconv.FormatInt(xrefAt, 10)), out[numEnd:]...)...)
	p := int(xrefAt)
	if !bytes.HasPrefix(out[p:], []byte("xref\n0 ")) {
		return nil, errors.New("table xref introuvable")
	}
	p += len("xref\n0 ")
	nl := bytes.IndexByte(out[p:], '\n')
	n, err := strconv.Atoi(string(out[p : p+nl]))
	if err != nil || n < 1 {
		return nil, errors.New("table xref illisible")
	}
	p += nl + 1
	for i := 0; i < n; i++ {
		e := out[p+20*i : p+20*i+20]
		if e[19] != '\n' {
			return nil, fmt.Errorf("entrée xref %d illisible", i)
		}
		if e[17] != 'n' {
			continue
		}
		off, err := strconv.ParseInt(string(e[:10]), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("entrée xref %d : %w", i, err)
		}
		if off >= int64(at) {
			copy(e[:10], fmt.Sprintf("%010d", off+delta))
		}
	}

	// /ID in the trailer: the same identifier twice, as for a file never updated.
	trailer := []byte("trailer\n<<\n")
	t := bytes.LastIndex(out, trailer)
	if t < 0 || t < int(xrefAt) {
		return nil, errors.New("trailer introuvable")
	}
	id := hex.EncodeToString(sum[:16])
	t += len(trailer)
	out = append(out[:t], append([]byte("/ID [<"+id+"> <"+id+">]\n"), out[t:]...)...)
	return out, nil
}
