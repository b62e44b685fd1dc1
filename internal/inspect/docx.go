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
	rc, err := z.open("word/document.xml")
	if err != nil {
		return unmeasured("document Word illisible : word/document.xml absent ou invalide")
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var (
		hs       headings
		paras    []*paragraph // nested: a text box's paragraphs sit inside a paragraph
		rendered = pageSplit{}
		manual   = pageSplit{}
		inText   bool
		tokens   int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if z.over {
				return unmeasured("document Word trop volumineux une fois décompressé : non mesuré")
			}
			return unmeasured("document Word illisible : XML invalide (%s)", xmlProblem(err))
		}
		if tokens++; tokens%4096 == 0 && ctx.Err() != nil {
			return unmeasured("document Word trop long à lire : non mesuré")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				paras = append(paras, &paragraph{})
			case "pStyle":
				if len(paras) > 0 && headingStyle(attr(t, "val")) {
					paras[len(paras)-1].heading = true
				}
			case "outlineLvl":
				if n, err := strconv.Atoi(attr(t, "val")); err == nil && n < 9 && len(paras) > 0 {
					paras[len(paras)-1].heading = true
				}
			case "t":
				inText = true
			case "tab":
				if len(paras) > 0 {
					paras[len(paras)-1].text.WriteByte(' ')
				}
			case "lastRenderedPageBreak":
				rendered.brk()
			case "br":
				if attr(t, "type") == "page" {
					manual.brk()
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if n := len(paras); n > 0 {
					p := paras[n-1]
					paras = paras[:n-1]
					if p.heading || p.numberedTitle() {
						hs.add(p.text.String())
					}
				}
			}
		case xml.CharData:
			if inText && len(paras) > 0 {
				c := dossier.CharsWithoutSpaces(string(t))
				rendered.add(c)
				manual.add(c)
				if p := paras[len(paras)-1]; p.text.Len() < 4*maxHeadingRune {
					p.text.Write(t)
				}
			}
		}
	}
	split := rendered
	if rendered.breaks == 0 {
		split = manual
	}
	pages := appPages(z)
	if pages == 0 && rendered.breaks > 0 {
		pages = len(split.chars)
	}
	m := dossier.Measure{Measured: true, Pages: pages, Chars: split.total(), Headings: hs}
	if m.Chars == 0 {
		return unmeasured("document Word sans texte (images seules ?) : longueur non mesurable")
	}
	if split.breaks > 0 || pages == 1 {
		m.PageChars = split.chars
	}
	return m
}

// paragraph is a w:p being read.
type paragraph struct {
	text    strings.Builder
	heading bool
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
	s.chars = append(s.chars, 0)
}

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
