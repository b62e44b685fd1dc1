package inspect

import (
	"strconv"
)

// The values of the PDF syntax the pure-Go reader knows (ISO 32000-1, 7.3): numbers are
// float64, booleans and null are keywords.
type (
	pdfName    string // without its slash, #xx escapes decoded
	pdfString  string // the bytes of a literal or hex string
	pdfKeyword string // an operator, obj, R, true, or a delimiter [ ] << >>
	pdfRef     struct{ num, gen int }
	pdfDict    map[pdfName]any
	pdfArray   []any
)

// maxDepth bounds the nesting of arrays and dictionaries (a hostile file nests without end).
const maxDepth = 64

// maxElements bounds the elements an array or a dictionary keeps (the rest is read and
// dropped): a hostile array of millions of numbers does not become gigabytes of values.
const maxElements = 1 << 16

// lexer reads PDF tokens and objects from b; every call moves forward at least one byte, so
// that a loop over it always ends. When budget is set, the elements of arrays and
// dictionaries it keeps are counted against it, and dropped once it is spent.
type lexer struct {
	b      []byte
	i      int
	budget *int
}

// keep reports whether one more element may be kept in a container of n elements.
func (l *lexer) keep(n int) bool {
	if n >= maxElements {
		return false
	}
	if l.budget == nil {
		return true
	}
	if *l.budget <= 0 {
		return false
	}
	*l.budget--
	return true
}

func isSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skip passes white space and comments.
func (l *lexer) skip() {
	for l.i < len(l.b) {
		c := l.b[l.i]
		switch {
		case isSpace(c):
			l.i++
		case c == '%':
			for l.i < len(l.b) && l.b[l.i] != '\n' && l.b[l.i] != '\r' {
				l.i++
			}
		default:
			return
		}
	}
}

// token returns the next token; ok is false at the end of the bytes.
func (l *lexer) token() (tok any, ok bool) {
	l.skip()
	if l.i >= len(l.b) {
		return nil, false
	}
	c := l.b[l.i]
	switch c {
	case '/':
		l.i++
		start := l.i
		for l.i < len(l.b) && !isSpace(l.b[l.i]) && !isDelim(l.b[l.i]) {
			l.i++
		}
		return pdfName(unescapeName(l.b[start:l.i])), true
	case '(':
		return l.literal(), true
	case '<':
		if l.i+1 < len(l.b) && l.b[l.i+1] == '<' {
			l.i += 2
			return pdfKeyword("<<"), true
		}
		return l.hex(), true
	case '>':
		if l.i+1 < len(l.b) && l.b[l.i+1] == '>' {
			l.i += 2
			return pdfKeyword(">>"), true
		}
		l.i++
		return pdfKeyword(">"), true
	case '[', ']', '{', '}', ')':
		l.i++
		return pdfKeyword(string(c)), true
	}
	start := l.i
	for l.i < len(l.b) && !isSpace(l.b[l.i]) && !isDelim(l.b[l.i]) {
		l.i++
	}
	word := l.b[start:l.i]
	if c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
		if f, err := strconv.ParseFloat(string(word), 64); err == nil {
			return f, true
		}
	}
	return pdfKeyword(word), true
}

// literal reads a (string) with its escapes and balanced parentheses.
func (l *lexer) literal() pdfString {
	l.i++ // (
	var out []byte
	depth := 1
	for l.i < len(l.b) {
		c := l.b[l.i]
		l.i++
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return pdfString(out)
			}
		case '\\':
			if l.i >= len(l.b) {
				return pdfString(out)
			}
			e := l.b[l.i]
			l.i++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.i < len(l.b) && l.b[l.i] == '\n' {
					l.i++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.i < len(l.b) && l.b[l.i] >= '0' && l.b[l.i] <= '7'; k++ {
						v = v*8 + int(l.b[l.i]-'0')
						l.i++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return pdfString(out)
}

// hex reads a <hex string>; an odd last digit counts as followed by 0.
func (l *lexer) hex() pdfString {
	l.i++ // <
	var out []byte
	var v byte
	half := false
	for l.i < len(l.b) {
		c := l.b[l.i]
		l.i++
		if c == '>' {
			break
		}
		d, ok := hexDigit(c)
		if !ok {
			continue
		}
		if half {
			out = append(out, v<<4|d)
		} else {
			v = d
		}
		half = !half
	}
	if half {
		out = append(out, v<<4)
	}
	return pdfString(out)
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// unescapeName decodes the #xx escapes of a name.
func unescapeName(b []byte) string {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			h, ok1 := hexDigit(b[i+1])
			lo, ok2 := hexDigit(b[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

// object reads one object: a token, or an array, a dictionary or an indirect reference
// (n g R) made of several. ok is false at the end of the bytes.
func (l *lexer) object(depth int) (any, bool) {
	tok, ok := l.token()
	if !ok {
		return nil, false
	}
	switch t := tok.(type) {
	case pdfKeyword:
		switch t {
		case "[":
			if depth >= maxDepth {
				return nil, false
			}
			var arr pdfArray
			for {
				v, ok := l.object(depth + 1)
				if !ok {
					return arr, false
				}
				if k, isKw := v.(pdfKeyword); isKw && (k == "]" || k == ">>") {
					return arr, true
				}
				if l.keep(len(arr)) {
					arr = append(arr, v)
				}
			}
		case "<<":
			if depth >= maxDepth {
				return nil, false
			}
			d := pdfDict{}
			for {
				k, ok := l.object(depth + 1)
				if !ok {
					return d, false
				}
				if kw, isKw := k.(pdfKeyword); isKw && (kw == ">>" || kw == "]") {
					return d, true
				}
				name, isName := k.(pdfName)
				if !isName {
					continue
				}
				v, ok := l.object(depth + 1)
				if !ok {
					return d, false
				}
				if kw, isKw := v.(pdfKeyword); isKw && kw == ">>" {
					return d, true
				}
				if _, known := d[name]; known || l.keep(len(d)) {
					d[name] = v
				}
			}
		}
	case float64:
		save := l.i
		if g, ok := l.token(); ok {
			if gen, isNum := g.(float64); isNum {
				if r, ok := l.token(); ok && r == pdfKeyword("R") {
					return pdfRef{int(t), int(gen)}, true
				}
			}
		}
		l.i = save
	}
	return tok, true
}
