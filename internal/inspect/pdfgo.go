package inspect

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"context"
	"encoding/ascii85"
	"errors"
	"io"
	"sort"

	"github.com/certif/certif/internal/dossier"
)

// The pure-Go PDF reader, for a server without poppler: best effort, bounded. It finds the
// objects by scanning the file (« n g obj », object streams included, no trust in the xref
// table), walks the page tree, and reads the text the content streams show (Tj, TJ, ', ")
// through each font's ToUnicode table, or the WinAnsi encoding of a simple font. It does not
// read text inside form XObjects, nor fonts with a custom encoding and no ToUnicode table:
// those PDFs are said unmeasurable rather than guessed.

var (
	errFilter = errors.New("inspect: unsupported PDF filter")
	errBudget = errors.New("inspect: PDF over the limits")
)

// maxObjects bounds the objects a PDF may have for the pure-Go reader.
const maxObjects = 500000

type pdfObj struct {
	v      any
	stream []byte // raw (still encoded) stream data; nil when the object is no stream
}

type pdfFile struct {
	ctx   context.Context
	b     []byte
	objs  map[int]*pdfObj
	left  int64 // bytes that may still be inflated
	fonts map[int]*pdfFont
	// nextEnd is the position of the first « endstream » at or after the last stream
	// start searched, len(b) when there is none.
	nextEnd int
	// elements is what is left of the array and dictionary elements the objects may keep.
	elements int
}

// maxKept bounds the array and dictionary elements of all the objects of a PDF (some
// hundred megabytes of values at most); a real PDF of 35 pages has a few thousand.
const maxKept = 4 << 20

// pdfGo measures a PDF with the pure-Go reader.
func pdfGo(ctx context.Context, r io.ReaderAt, size int64, lim Limits) dossier.Measure {
	if size > lim.MaxBytes || size < 0 {
		return unmeasured("%s", reasonPDFTooBig)
	}
	b := make([]byte, size)
	if n, err := r.ReadAt(b, 0); err != nil && !(err == io.EOF && int64(n) == size) {
		return unmeasured("%s", reasonPDFBroken)
	}
	if !bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) {
		return unmeasured("%s", reasonPDFBroken)
	}
	if bytes.Contains(b, []byte("/Encrypt")) {
		return unmeasured("%s", reasonPDFEncrypt)
	}
	f := &pdfFile{ctx: ctx, b: b, objs: map[int]*pdfObj{}, left: lim.MaxInflated, fonts: map[int]*pdfFont{}, nextEnd: -1, elements: maxKept}
	if err := f.scan(); err != nil {
		return f.failure(err)
	}
	pages := f.pages()
	if len(pages) == 0 {
		return unmeasured("%s", reasonPDFBroken)
	}
	if len(pages) > maxPages {
		return unmeasured("%s", reasonTooManyPages)
	}
	text := &pdfText{}
	var shown, unreadable int
	var filterErr bool
	for _, p := range pages {
		if ctx.Err() != nil {
			return unmeasured("%s", reasonPDFTooLong)
		}
		content, err := f.contents(p.dict)
		if errors.Is(err, errBudget) {
			return f.failure(err)
		}
		filterErr = filterErr || errors.Is(err, errFilter)
		s := f.showText(content, p.resources, text)
		shown += s.shown
		unreadable += s.unreadable
		text.put('\f')
	}
	switch {
	case shown == 0 && unreadable > 0:
		return unmeasured("%s", reasonPDFEncoding)
	case shown == 0 && filterErr:
		return unmeasured("%s", reasonPDFFilter)
	case unreadable > shown:
		return unmeasured("%s", reasonPDFEncoding)
	}
	return text.measure()
}

// failure is the Measure of a reading error.
func (f *pdfFile) failure(err error) dossier.Measure {
	switch {
	case f.ctx.Err() != nil:
		return unmeasured("%s", reasonPDFTooLong)
	case errors.Is(err, errBudget):
		return unmeasured("%s", reasonPDFTooBig)
	}
	return unmeasured("%s", reasonPDFBroken)
}

// scan finds every « n g obj » of the file, then the objects packed in object streams.
func (f *pdfFile) scan() error {
	pos := 0
	for pos < len(f.b) {
		k := bytes.Index(f.b[pos:], []byte("obj"))
		if k < 0 {
			break
		}
		at := pos + k
		pos = at + 3
		num, ok := objHeader(f.b, at)
		if !ok || (pos < len(f.b) && !isSpace(f.b[pos]) && !isDelim(f.b[pos])) {
			continue
		}
		if len(f.objs) >= maxObjects {
			return errBudget
		}
		if len(f.objs)%1024 == 0 && f.ctx.Err() != nil {
			return f.ctx.Err()
		}
		l := &lexer{b: f.b, i: pos, budget: &f.elements}
		v, _ := l.object(0)
		o := &pdfObj{v: v}
		pos = l.i
		if _, isDict := v.(pdfDict); isDict {
			l.skip()
			if bytes.HasPrefix(f.b[l.i:], []byte("stream")) {
				start := l.i + len("stream")
				if start < len(f.b) && f.b[start] == '\r' {
					start++
				}
				if start < len(f.b) && f.b[start] == '\n' {
					start++
				}
				end := f.endstream(start)
				o.stream = bytes.TrimRight(f.b[start:end], "\r\n")
				pos = end
			}
		}
		f.objs[num] = o
	}
	return f.unpackObjectStreams()
}

// endstream is where the stream data starting at start ends: the next « endstream », or the
// end of the file. The positions found are kept, so that a file of a million streams without
// endstream is searched once, not a million times.
func (f *pdfFile) endstream(start int) int {
	if f.nextEnd < start && f.nextEnd != len(f.b) {
		if e := bytes.Index(f.b[start:], []byte("endstream")); e >= 0 {
			f.nextEnd = start + e
		} else {
			f.nextEnd = len(f.b)
		}
	}
	return max(f.nextEnd, start)
}

// objHeader reads the « n g » before the « obj » at b[at:].
func objHeader(b []byte, at int) (int, bool) {
	i := at
	back := func() (int, bool) { // white space then digits, backwards
		j := i
		for j > 0 && isSpace(b[j-1]) {
			j--
		}
		if j == i {
			return 0, false
		}
		e := j
		for j > 0 && b[j-1] >= '0' && b[j-1] <= '9' && e-j < 10 {
			j--
		}
		if j == e {
			return 0, false
		}
		n := 0
		for _, c := range b[j:e] {
			n = n*10 + int(c-'0')
		}
		i = j
		return n, true
	}
	if _, ok := back(); !ok {
		return 0, false
	}
	return back()
}

// unpackObjectStreams adds the objects of the /Type /ObjStm streams (PDF 1.5) that no plain
// object of the same number overrides.
func (f *pdfFile) unpackObjectStreams() error {
	var streams []*pdfObj
	for _, o := range f.objs {
		if d, ok := o.v.(pdfDict); ok && o.stream != nil && d["Type"] == pdfName("ObjStm") {
			streams = append(streams, o)
		}
	}
	for _, o := range streams {
		d := o.v.(pdfDict)
		data, err := f.decode(o)
		if errors.Is(err, errBudget) {
			return err
		}
		if err != nil {
			continue
		}
		n, _ := f.resolve(d["N"]).(float64)
		first, _ := f.resolve(d["First"]).(float64)
		if n <= 0 || first <= 0 || int(first) > len(data) {
			continue
		}
		l := &lexer{b: data[:int(first)]}
		for k := 0; k < int(n) && len(f.objs) < maxObjects; k++ {
			num, ok1 := l.token()
			off, ok2 := l.token()
			nf, isNum := num.(float64)
			of, isOff := off.(float64)
			if !ok1 || !ok2 || !isNum || !isOff {
				break
			}
			at := int(first) + int(of)
			if at < 0 || at >= len(data) || f.objs[int(nf)] != nil {
				continue
			}
			ol := &lexer{b: data, i: at, budget: &f.elements}
			v, _ := ol.object(0)
			f.objs[int(nf)] = &pdfObj{v: v}
			// Objects may overlap in a hostile stream: the bytes parsed count as decoded.
			if f.left -= int64(ol.i - at); f.left < 0 {
				return errBudget
			}
			if k%256 == 0 && f.ctx.Err() != nil {
				return f.ctx.Err()
			}
		}
	}
	return nil
}

// resolve follows indirect references.
func (f *pdfFile) resolve(v any) any {
	for k := 0; k < 16; k++ {
		r, ok := v.(pdfRef)
		if !ok {
			return v
		}
		o := f.objs[r.num]
		if o == nil {
			return nil
		}
		v = o.v
	}
	return nil
}

func (f *pdfFile) dict(v any) pdfDict {
	d, _ := f.resolve(v).(pdfDict)
	return d
}

// decode gives the decoded data of a stream object, within the limit of bytes decoded (the
// raw bytes of an unfiltered stream count as decoded).
func (f *pdfFile) decode(o *pdfObj) ([]byte, error) {
	d, _ := o.v.(pdfDict)
	data := o.stream
	var filters []any
	switch v := f.resolve(d["Filter"]).(type) {
	case pdfName:
		filters = []any{v}
	case pdfArray:
		filters = v
	}
	for _, fl := range filters {
		name, _ := f.resolve(fl).(pdfName)
		var rd io.Reader
		switch name {
		case "FlateDecode", "Fl":
			zr, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				rd = flate.NewReader(bytes.NewReader(data))
			} else {
				rd = zr
			}
		case "ASCIIHexDecode", "AHx":
			rd = bytes.NewReader([]byte((&lexer{b: append([]byte{'<'}, data...)}).hex()))
		case "ASCII85Decode", "A85":
			s := bytes.TrimPrefix(bytes.TrimSpace(data), []byte("<~"))
			if e := bytes.Index(s, []byte("~>")); e >= 0 {
				s = s[:e]
			}
			rd = ascii85.NewDecoder(bytes.NewReader(s))
		default:
			return nil, errFilter
		}
		out, err := io.ReadAll(io.LimitReader(rd, f.left+1))
		if int64(len(out)) > f.left {
			return nil, errBudget
		}
		f.left -= int64(len(out))
		if err != nil && len(out) == 0 {
			return nil, err // a truncated stream still gives what it had
		}
		data = out
	}
	if len(filters) == 0 { // raw data counts too: a page may list the same stream a million times
		if int64(len(data)) > f.left {
			return nil, errBudget
		}
		f.left -= int64(len(data))
	}
	return data, nil
}

// pdfPage is a page dictionary with the resources it has or inherits.
type pdfPage struct {
	dict      pdfDict
	resources pdfDict
}

// pages walks the page tree from the catalog; failing it, every /Type /Page object in the
// order of their numbers.
func (f *pdfFile) pages() []pdfPage {
	var out []pdfPage
	seen := map[int]bool{}
	var walk func(v any, res pdfDict, depth int)
	walk = func(v any, res pdfDict, depth int) {
		if depth > maxDepth || len(out) > maxPages { // one more than maxPages: too many
			return
		}
		if r, ok := v.(pdfRef); ok {
			if seen[r.num] {
				return
			}
			seen[r.num] = true
		}
		d := f.dict(v)
		if d == nil {
			return
		}
		if r := f.dict(d["Resources"]); r != nil {
			res = r
		}
		if kids, ok := f.resolve(d["Kids"]).(pdfArray); ok && d["Type"] != pdfName("Page") {
			for _, k := range kids {
				walk(k, res, depth+1)
			}
			return
		}
		out = append(out, pdfPage{dict: d, resources: res})
	}
	nums := make([]int, 0, len(f.objs))
	for n := range f.objs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		if d, ok := f.objs[n].v.(pdfDict); ok && d["Type"] == pdfName("Catalog") {
			walk(d["Pages"], nil, 0)
			break
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, n := range nums {
		d, ok := f.objs[n].v.(pdfDict)
		if !ok || d["Type"] != pdfName("Page") || len(out) > maxPages {
			continue
		}
		res := f.dict(d["Resources"])
		for p, k := d, 0; res == nil && p != nil && k < maxDepth; k++ {
			p = f.dict(p["Parent"])
			res = f.dict(p["Resources"])
		}
		out = append(out, pdfPage{dict: d, resources: res})
	}
	return out
}

// contents gives a page's content streams, decoded and joined.
func (f *pdfFile) contents(page pdfDict) ([]byte, error) {
	var refs []any
	switch v := page["Contents"].(type) {
	case pdfArray:
		refs = v
	case pdfRef:
		if a, ok := f.resolve(v).(pdfArray); ok {
			refs = a
		} else {
			refs = []any{v}
		}
	}
	var out []byte
	var firstErr error
	for _, r := range refs {
		ref, ok := r.(pdfRef)
		if !ok || f.objs[ref.num] == nil || f.objs[ref.num].stream == nil {
			continue
		}
		data, err := f.decode(f.objs[ref.num])
		if errors.Is(err, errBudget) {
			return nil, err
		}
		if err != nil {
			firstErr = err
			continue
		}
		out = append(out, data...)
		out = append(out, '\n')
	}
	return out, firstErr
}
