package importer

import (
	"bufio"
	"errors"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encoding names how a CSV file's bytes were read.
type Encoding string

// The encodings a CSV file may be in.
const (
	UTF8        Encoding = "UTF-8"        // with or without a BOM (and plain ASCII)
	Windows1252 Encoding = "Windows-1252" // French Excel's "CSV (séparateur : point-virgule)"
)

// notText is the whole-file problem of a CSV that is neither UTF-8 nor Windows-1252.
const notText = "Le fichier n'est pas un texte lisible (ni UTF-8 ni Windows-1252 : fichier binaire, UTF-16 sans BOM ou abîmé) — enregistrez la liste des candidats en « CSV UTF-8 » ou en .xlsx"

// errNotText is returned by charsetReader for a byte that no text encoding accepted here
// would hold.
var errNotText = errors.New("importer: neither UTF-8 nor Windows-1252")

// charsetReader streams a CSV file as UTF-8 whatever Excel wrote it in. It passes ASCII
// through and decides at the first non-ASCII byte: a valid UTF-8 sequence means UTF-8 (the
// bytes then pass as they are; a stray invalid byte later is the row's problem, see
// invalidUTF8), anything else means Windows-1252, decoded from then on. In Windows-1252 a
// control byte (other than tab, CR, LF) or one of the five bytes the code page leaves
// undefined fails the reading with errNotText: such a file is binary or in another encoding.
// It holds no more than the bufio.Reader it reads from.
type charsetReader struct {
	br   *bufio.Reader
	enc  Encoding // "" until decided
	buf  []byte   // raw bytes being decoded (Windows-1252)
	out  []byte   // their decoding
	dec  []byte   // decoded bytes not yet returned (a window of out)
	fail bool
}

func newCharsetReader(br *bufio.Reader) *charsetReader { return &charsetReader{br: br} }

// encoding is the encoding decided so far: UTF-8 when every byte read was ASCII.
func (c *charsetReader) encoding() Encoding {
	if c.enc == "" {
		return UTF8
	}
	return c.enc
}

func (c *charsetReader) Read(p []byte) (int, error) {
	if len(c.dec) > 0 {
		n := copy(p, c.dec)
		c.dec = c.dec[n:]
		return n, nil
	}
	if c.fail {
		return 0, errNotText
	}
	switch c.enc {
	case UTF8:
		return c.br.Read(p)
	case Windows1252:
		return c.read1252(p)
	}
	// Undecided: pass the ASCII bytes the buffer holds, decide at the first other one.
	if c.br.Buffered() == 0 {
		if _, err := c.br.Peek(1); err != nil {
			return 0, err
		}
	}
	head, _ := c.br.Peek(c.br.Buffered())
	i := 0
	for i < len(head) && i < len(p) && head[i] < utf8.RuneSelf {
		i++
	}
	if i > 0 {
		return c.br.Read(p[:i])
	}
	if len(p) == 0 {
		return 0, nil
	}
	seq, _ := c.br.Peek(utf8.UTFMax)
	if r, size := utf8.DecodeRune(seq); r != utf8.RuneError || size > 1 {
		c.enc = UTF8
	} else {
		c.enc = Windows1252
	}
	return c.Read(p)
}

// read1252 decodes the next bytes of the file from Windows-1252 into p.
func (c *charsetReader) read1252(p []byte) (int, error) {
	if cap(c.buf) == 0 {
		c.buf, c.out = make([]byte, 4096), make([]byte, 0, 3*4096)
	}
	n, err := c.br.Read(c.buf[:min(len(c.buf), max(len(p)/3, 1))])
	out := c.out[:0]
	for _, b := range c.buf[:n] {
		if !allowed1252(b) {
			// What was decoded before the byte is returned first; the failure comes next.
			c.fail, err = true, nil
			if len(out) == 0 {
				return 0, errNotText
			}
			break
		}
		if b < utf8.RuneSelf {
			out = append(out, b)
			continue
		}
		out = utf8.AppendRune(out, charmap.Windows1252.DecodeByte(b))
	}
	k := copy(p, out)
	c.dec = out[k:] // p shorter than the decoded bytes: the rest goes with the next Read
	if k == 0 && len(c.dec) == 0 {
		return 0, err
	}
	if err != nil && len(c.dec) > 0 {
		err = nil // io.EOF after the rest; a read failure comes back from the next Read
	}
	return k, err
}

// allowed1252 reports whether b may appear in a Windows-1252 text file: not a control byte
// but tab, LF and CR (nor DEL), not one of the bytes the code page leaves undefined.
func allowed1252(b byte) bool {
	switch b {
	case '\t', '\n', '\r':
		return true
	case 0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D:
		return false
	}
	return b >= 0x20
}

// looksUTF16 reports whether head looks like UTF-16 text without a BOM: ASCII characters
// with a NUL byte beside each, on the same side, for most of the first bytes.
func looksUTF16(head []byte) bool {
	var even, odd int
	n := min(len(head), 512) &^ 1
	for i := 0; i < n; i += 2 {
		if head[i] == 0 && head[i+1] != 0 {
			even++
		} else if head[i+1] == 0 && head[i] != 0 {
			odd++
		}
	}
	return n >= 4 && max(even, odd) >= n/2*3/4
}
