package inspect

import (
	"bytes"
	"math"
	"unicode/utf16"
)

// pdfFont says how the strings shown in a font become text.
type pdfFont struct {
	toUnicode map[uint32]string // from the ToUnicode CMap; nil for a simple font without one
	codeLen   int               // bytes a code takes in toUnicode: 1 or 2
	readable  bool              // false: no ToUnicode and a composite, Type3 or custom-encoded font
}

// maxCMap bounds the codes a ToUnicode table may map.
const maxCMap = 1 << 17

// font reads the font a resource name stands for (cached by object number).
func (f *pdfFile) font(res pdfDict, name pdfName) *pdfFont {
	fonts := f.dict(res["Font"])
	v := fonts[name]
	ref, isRef := v.(pdfRef)
	if isRef && f.fonts[ref.num] != nil {
		return f.fonts[ref.num]
	}
	pf := &pdfFont{codeLen: 1}
	if d := f.dict(v); d != nil {
		sub, _ := f.resolve(d["Subtype"]).(pdfName)
		if tu, ok := d["ToUnicode"].(pdfRef); ok && f.objs[tu.num] != nil && f.objs[tu.num].stream != nil {
			if data, err := f.decode(f.objs[tu.num]); err == nil {
				pf.toUnicode, pf.codeLen = parseCMap(data)
				pf.readable = len(pf.toUnicode) > 0
			}
		}
		if pf.toUnicode == nil {
			if sub == "Type0" {
				pf.codeLen = 2
			}
			_, custom := f.resolve(d["Encoding"]).(pdfDict)
			pf.readable = sub != "Type0" && sub != "Type3" && !custom
		}
	}
	if isRef {
		f.fonts[ref.num] = pf
	}
	return pf
}

// parseCMap reads the bfchar and bfrange mappings of a ToUnicode CMap, and the length of its
// codes (its codespace ranges).
func parseCMap(data []byte) (map[uint32]string, int) {
	m := map[uint32]string{}
	codeLen := 1
	l := &lexer{b: data}
	var ops []any
	for len(m) < maxCMap {
		v, ok := l.object(0)
		if !ok {
			break
		}
		kw, isKw := v.(pdfKeyword)
		if !isKw {
			if len(ops) < 3*100 {
				ops = append(ops, v)
			}
			continue
		}
		switch kw {
		case "endcodespacerange":
			for _, o := range ops {
				if s, ok := o.(pdfString); ok && len(s) >= 2 {
					codeLen = 2
				}
			}
		case "endbfchar":
			for k := 0; k+1 < len(ops); k += 2 {
				src, ok1 := ops[k].(pdfString)
				dst, ok2 := ops[k+1].(pdfString)
				if ok1 && ok2 {
					m[code(src)] = utf16BE(dst)
				}
			}
		case "endbfrange":
			for k := 0; k+2 < len(ops); k += 3 {
				lo, ok1 := ops[k].(pdfString)
				hi, ok2 := ops[k+1].(pdfString)
				if !ok1 || !ok2 {
					continue
				}
				a, b := code(lo), code(hi)
				if b < a || b-a > maxCMap || len(m)+int(b-a) > maxCMap {
					continue
				}
				switch dst := ops[k+2].(type) {
				case pdfString:
					base := []rune(utf16BE(dst))
					for i := uint32(0); i <= b-a && len(base) > 0; i++ { // b-a is small: no wrap
						r := append([]rune{}, base...)
						r[len(r)-1] += rune(i)
						m[a+i] = string(r)
					}
				case pdfArray:
					for i, d := range dst {
						if s, ok := d.(pdfString); ok && a+uint32(i) <= b {
							m[a+uint32(i)] = utf16BE(s)
						}
					}
				}
			}
		}
		ops = ops[:0]
	}
	return m, codeLen
}

// code is the number a CMap's hex string stands for.
func code(s pdfString) uint32 {
	var c uint32
	for i := 0; i < len(s) && i < 4; i++ {
		c = c<<8 | uint32(s[i])
	}
	return c
}

// utf16BE decodes a ToUnicode destination.
func utf16BE(s pdfString) string {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return string(utf16.Decode(u))
}

// decodeString turns a shown string into text.
func (pf *pdfFont) decodeString(s pdfString) string {
	var out []rune
	if pf.toUnicode != nil {
		for i := 0; i < len(s); i += pf.codeLen {
			var c uint32
			if pf.codeLen == 2 && i+1 < len(s) {
				c = uint32(s[i])<<8 | uint32(s[i+1])
			} else {
				c = uint32(s[i])
			}
			if t, ok := pf.toUnicode[c]; ok {
				out = append(out, []rune(t)...)
			} else {
				out = append(out, '\uFFFD')
			}
		}
		return string(out)
	}
	for i := 0; i < len(s); i++ {
		out = append(out, winAnsi(s[i]))
	}
	return string(out)
}

// winAnsi is the character of a byte in WinAnsiEncoding (Windows-1252).
func winAnsi(b byte) rune {
	if b >= 0x80 && b < 0xA0 {
		return cp1252[b-0x80]
	}
	return rune(b)
}

var cp1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

// shownText counts the strings a content stream shows: those read, those in an unreadable
// font.
type shownText struct{ shown, unreadable int }

// showText runs a page's content stream for its text: strings shown go to text, a new line
// starting whenever the text moves to another height.
func (f *pdfFile) showText(content []byte, res pdfDict, text *pdfText) shownText {
	var (
		st          shownText
		font        *pdfFont
		ops         []any
		lineY, y    float64
		lastY       = math.NaN()
		forceNewRow bool
		l           = &lexer{b: content}
		count       int
	)
	show := func(s pdfString) {
		if font == nil || !font.readable {
			st.unreadable++
			return
		}
		if forceNewRow || y != lastY {
			text.put('\n')
			forceNewRow = false
		}
		lastY = y
		st.shown++
		for _, r := range font.decodeString(s) {
			text.put(r)
		}
	}
	num := func(k int) float64 { // the operand k places from the end
		if len(ops) < k {
			return 0
		}
		n, _ := ops[len(ops)-k].(float64)
		return n
	}
	for {
		if count++; count%8192 == 0 && f.ctx.Err() != nil {
			return st
		}
		v, ok := l.object(0)
		if !ok {
			break
		}
		kw, isKw := v.(pdfKeyword)
		if !isKw || kw == "]" || kw == ">>" {
			if len(ops) < 64 {
				ops = append(ops, v)
			}
			continue
		}
		switch kw {
		case "BT":
			lineY, y = 0, 0
		case "Tf":
			if len(ops) >= 2 {
				if name, ok := ops[len(ops)-2].(pdfName); ok {
					font = f.font(res, name)
				}
			}
		case "Td", "TD":
			lineY += num(1)
			y = lineY
		case "Tm":
			lineY = num(1)
			y = lineY
		case "T*":
			forceNewRow = true
		case "Tj":
			if s, ok := lastString(ops); ok {
				show(s)
			}
		case "'", "\"":
			forceNewRow = true
			if s, ok := lastString(ops); ok {
				show(s)
			}
		case "TJ":
			if len(ops) > 0 {
				arr, _ := ops[len(ops)-1].(pdfArray)
				for _, e := range arr {
					switch e := e.(type) {
					case pdfString:
						show(e)
					case float64:
						if e < -180 && font != nil && font.readable {
							text.put(' ')
						}
					}
				}
			}
		case "BI":
			// An inline image: its bytes run from ID to EI and are no operators.
			// Without ID or EI nothing after can be read: the stream ends there (and is
			// never searched again, so that « BI BI BI… » stays linear).
			k := bytes.Index(l.b[l.i:], []byte("ID"))
			if k < 0 {
				l.i = len(l.b)
				break
			}
			l.i += k + 2
			if e := bytes.Index(l.b[l.i:], []byte("EI")); e >= 0 {
				l.i += e + 2
			} else {
				l.i = len(l.b)
			}
		}
		ops = ops[:0]
	}
	return st
}

func lastString(ops []any) (pdfString, bool) {
	if len(ops) == 0 {
		return "", false
	}
	s, ok := ops[len(ops)-1].(pdfString)
	return s, ok
}
