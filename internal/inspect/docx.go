package inspect

import (
	"context"
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/certif/certif/internal/dossier"
)

// docxFrom measures the Word document of an opened archive by streaming its
// word/document.xml: the text of the paragraphs (w:t), the headings, and the pages.
//
// Headings are the paragraphs whose style id starts with heading, titre or title (any case:
// « Heading1 », « Titre2 », « Title »), those with an outline level, and the short numbered
// paragraphs (« 3. Stratégie… », « II - … », « a) … ») that candidates type without styles.
// Pages: the <Pages> Word saved in docProps/app.xml (0 when absent: unknown); the characters
// page by page are split at the page breaks Word rendered when it last saved
// (w:lastRenderedPageBreak), or failing those at the hand-made ones (w:br w:type="page").
func docxFrom(ctx context.Context, z *zipDoc) dossier.Measure {
	var (
		f      flowText
		inText bool
	)
	failed, ok := streamXML(ctx, z, "word/document.xml", "document Word", func(tok xml.Token) bool {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				f.open(false)
			case "pStyle":
				if p := f.top(); p != nil && headingStyle(attr(t, "val")) {
					p.heading = true
				}
			case "outlineLvl":
				if n, err := strconv.Atoi(attr(t, "val")); err == nil && n < 9 && f.top() != nil {
					f.top().heading = true
				}
			case "t":
				inText = true
			case "tab":
				f.space()
			case "lastRenderedPageBreak":
				f.laid.brk()
			case "br":
				if attr(t, "type") == "page" {
					f.manual.brk()
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				f.close(true)
			}
		case xml.CharData:
			if inText {
				f.chars(t)
			}
		}
		return !f.tooManyPages()
	})
	if !ok {
		return failed
	}
	return f.measure(appPages(z), "document Word")
}

// flowText gathers the text of a word processor's document: nested paragraphs (a text box's
// sit inside one), the headings, the characters page by page at the page breaks the word
// processor laid out when it last saved, and at the hand-made ones.
type flowText struct {
	hs     headings
	paras  []*paragraph
	laid   pageSplit
	manual pageSplit
}

// paragraph is a paragraph being read.
type paragraph struct {
	text    strings.Builder
	heading bool
}

func (f *flowText) open(heading bool) { f.paras = append(f.paras, &paragraph{heading: heading}) }

// top is the innermost paragraph being read, nil outside any.
func (f *flowText) top() *paragraph {
	if len(f.paras) == 0 {
		return nil
	}
	return f.paras[len(f.paras)-1]
}

// close ends the innermost paragraph; it is a heading when so styled or a short numbered
// line, and kept as one when keep.
func (f *flowText) close(keep bool) {
	if p := f.top(); p != nil {
		f.paras = f.paras[:len(f.paras)-1]
		if keep && (p.heading || p.numberedTitle()) {
			f.hs.add(p.text.String())
		}
	}
}

func (f *flowText) space() {
	if p := f.top(); p != nil {
		p.text.WriteByte(' ')
	}
}

// chars takes text of the innermost paragraph (none outside one).
func (f *flowText) chars(t []byte) {
	p := f.top()
	if p == nil {
		return
	}
	c := dossier.CharsWithoutSpaces(string(t))
	f.laid.add(c)
	f.manual.add(c)
	if p.text.Len() < 4*maxHeadingRune {
		p.text.Write(t)
	}
}

// measure is the Measure of the document: pages as saved (0: unknown; when not saved, the
// laid-out pages when known), characters split at the laid-out breaks or failing those at
// the hand-made ones.
func (f *flowText) measure(pages int, what string) dossier.Measure {
	if f.tooManyPages() {
		return unmeasured("%s", reasonTooManyPages)
	}
	split := f.laid
	if f.laid.breaks == 0 {
		split = f.manual
	}
	if pages == 0 && f.laid.breaks > 0 {
		pages = len(split.chars)
	}
	m := dossier.Measure{Measured: true, Pages: pages, Chars: split.total(), Headings: f.hs}
	if m.Chars == 0 {
		return unmeasured("%s sans texte (images seules ?) : longueur non mesurable", what)
	}
	if split.breaks > 0 || pages == 1 {
		m.PageChars = split.chars
	}
	return m
}

// maxNesting bounds the depth of an Office document's XML (Word nests a few tens of levels):
// the decoder keeps every open element, a million of them would be a gigabyte.
const maxNesting = 1000

// nesting is the depth after tok.
func nesting(depth int, tok xml.Token) int {
	switch tok.(type) {
	case xml.StartElement:
		return depth + 1
	case xml.EndElement:
		return depth - 1
	}
	return depth
}

// streamXML reads the XML entry name of z token by token, giving each to fn, until fn returns
// false (it has seen enough: a document of too many pages). When the entry is missing,
// broken, too big or too long to read, ok is false and failed says why in French (what names
// the document: « document Word »).
func streamXML(ctx context.Context, z *zipDoc, name, what string, fn func(xml.Token) bool) (failed dossier.Measure, ok bool) {
	rc, err := z.open(name)
	if err != nil {
		return unmeasured("%s illisible : %s absent ou invalide", what, name), false
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	depth := 0
	for tokens := 1; ; tokens++ {
		tok, err := d.Token()
		if err == io.EOF {
			return dossier.Measure{}, true
		}
		if err != nil {
			if z.over {
				return unmeasured("%s : contenu trop volumineux une fois décompressé, non mesuré", what), false
			}
			return unmeasured("%s illisible : XML invalide (%s)", what, xmlProblem(err)), false
		}
		if tokens%4096 == 0 && ctx.Err() != nil {
			return unmeasured("%s trop long à lire : non mesuré", what), false
		}
		if depth = nesting(depth, tok); depth > maxNesting {
			return unmeasured("%s illisible : XML imbriqué à plus de %d niveaux", what, maxNesting), false
		}
		if !fn(tok) {
			return dossier.Measure{}, true
		}
	}
}

// numberedHeading is a short paragraph that starts with a numbering and does not end like a
// sentence: « 3. Stratégie de gestion de crise », « II - Plan éditorial », « a) Veille ».
var numberedHeading = regexp.MustCompile(`^\s*(\d+(\.\d+)*\.?|[IVXivx]+\s*[-.)–]|[a-zA-Z]\))\s+\S`)

func (p *paragraph) numberedTitle() bool {
	s := strings.TrimSpace(p.text.String())
	return len([]rune(s)) <= 120 && dossier.CountWords(s) <= 15 && !strings.HasSuffix(s, ".") &&
		numberedHeading.MatchString(s)
}

// headingStyle reports whether a paragraph style id is a heading's.
func headingStyle(id string) bool {
	id = strings.ToLower(id)
	return strings.HasPrefix(id, "heading") || strings.HasPrefix(id, "titre") || strings.HasPrefix(id, "title")
}

// tooManyPages reports whether either split has more than maxPages pages: the reading stops
// there, the document is not measured.
func (f *flowText) tooManyPages() bool { return f.laid.over() || f.manual.over() }

// pageSplit counts characters page by page.
type pageSplit struct {
	chars  []int
	breaks int
}

func (s *pageSplit) add(n int) {
	if len(s.chars) == 0 {
		s.chars = []int{0}
	}
	s.chars[len(s.chars)-1] += n
}

func (s *pageSplit) brk() {
	if len(s.chars) == 0 {
		s.chars = []int{0}
	}
	s.breaks++
	if len(s.chars) <= maxPages { // one more than maxPages at most: capPages refuses the document
		s.chars = append(s.chars, 0)
	}
}

// over reports whether more than maxPages pages were counted.
func (s *pageSplit) over() bool { return len(s.chars) > maxPages }

func (s *pageSplit) total() int {
	n := 0
	for _, c := range s.chars {
		n += c
	}
	return n
}

// appPages reads the page count Word saved in docProps/app.xml; 0 when absent or unreadable.
func appPages(z *zipDoc) int {
	if !z.has("docProps/app.xml") {
		return 0
	}
	rc, err := z.open("docProps/app.xml")
	if err != nil {
		return 0
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, 1<<20))
	in := false
	for {
		tok, err := d.Token()
		if err != nil {
			return 0
		}
		switch t := tok.(type) {
		case xml.StartElement:
			in = t.Name.Local == "Pages"
		case xml.EndElement:
			in = false
		case xml.CharData:
			if in {
				n, err := strconv.Atoi(strings.TrimSpace(string(t)))
				if err != nil || n < 0 || n > 100000 {
					return 0
				}
				return n
			}
		}
	}
}

// attr is the value of an element's attribute by its local name.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// xmlProblem is a short description of an XML error for a Reason (no file content).
func xmlProblem(err error) string {
	if se, ok := err.(*xml.SyntaxError); ok {
		return "ligne " + strconv.Itoa(se.Line)
	}
	return "contenu inattendu"
}
