package inspect

import (
	"context"
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"github.com/certif/certif/internal/dossier"
)

// OpenDocument files (LibreOffice's own formats) are zip archives too: their text is in
// content.xml, their statistics in meta.xml.

// odt measures an OpenDocument text by streaming its content.xml: headings are the text:h
// elements (and, as in a Word document, the short numbered paragraphs), pages the page-count
// LibreOffice saved in meta.xml, the characters page by page split at the
// text:soft-page-break LibreOffice writes where it laid a page out, or failing those before
// the paragraphs whose style breaks the page (fo:break-before="page").
func odt(ctx context.Context, z *zipDoc) dossier.Measure {
	var (
		f        flowText
		breaking = map[string]bool{} // automatic styles that break the page before
		style    string              // the automatic style being read
		skip     int                 // depth inside an annotation (a comment is no text of the document)
	)
	failed, ok := streamXML(ctx, z, "content.xml", "document OpenDocument", func(tok xml.Token) bool {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "annotation":
				skip++
			case "style":
				style = attr(t, "name")
			case "paragraph-properties":
				if attr(t, "break-before") == "page" {
					breaking[style] = true
				}
			case "h", "p":
				f.open(t.Name.Local == "h")
				if breaking[attr(t, "style-name")] && skip == 0 {
					f.manual.brk()
				}
			case "s", "tab", "line-break":
				f.space()
			case "soft-page-break":
				f.laid.brk()
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "annotation":
				skip--
			case "h", "p":
				f.close(skip == 0)
			}
		case xml.CharData:
			if skip == 0 {
				f.chars(t)
			}
		}
		return !f.tooManyPages()
	})
	if !ok {
		return failed
	}
	return f.measure(odfPageCount(z), "document OpenDocument")
}

// odp measures an OpenDocument presentation: Pages is the number of slides (draw:page),
// PageChars their characters, Headings each slide's title (the frame of presentation:class
// « title ») or its first line of text.
func odp(ctx context.Context, z *zipDoc) dossier.Measure {
	var (
		hs           headings
		chars        []int
		title, first string
		inTitle      int // depth inside the title frame
		inSlide      bool
		line         strings.Builder
	)
	failed, ok := streamXML(ctx, z, "content.xml", "présentation OpenDocument", func(tok xml.Token) bool {
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "page" && !inSlide:
				inSlide, title, first = true, "", ""
				if len(chars) <= maxPages { // one more than maxPages at most: capPages refuses it
					chars = append(chars, 0)
				}
			case t.Name.Local == "frame" && attr(t, "class") == "title":
				inTitle = 1
			case inTitle > 0:
				inTitle++
			}
			if t.Name.Local == "p" {
				line.Reset()
			}
		case xml.EndElement:
			switch {
			case t.Name.Local == "page" && inSlide:
				inSlide = false
				if strings.TrimSpace(title) == "" {
					title = first
				}
				hs.add(title)
			case inTitle > 0:
				inTitle--
			}
			if t.Name.Local == "p" && inSlide {
				if first == "" {
					first = strings.TrimSpace(line.String())
				}
				if inTitle > 0 && len(title) < 4*maxHeadingRune {
					title += line.String() + " "
				}
			}
		case xml.CharData:
			if inSlide {
				chars[len(chars)-1] += dossier.CharsWithoutSpaces(string(t))
				if line.Len() < 4*maxHeadingRune {
					line.Write(t)
				}
			}
		}
		return len(chars) <= maxPages // one more: too many slides, capPages refuses it
	})
	if !ok {
		return failed
	}
	if len(chars) == 0 {
		return unmeasured("présentation OpenDocument sans diapositive lisible : non mesurée")
	}
	return measured(len(chars), chars, hs)
}

// odfPageCount reads the page count LibreOffice saved in meta.xml; 0 when absent.
func odfPageCount(z *zipDoc) int {
	rc, err := z.open("meta.xml")
	if err != nil {
		return 0
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, 1<<20))
	for {
		tok, err := d.Token()
		if err != nil {
			return 0
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "document-statistic" {
			n, err := strconv.Atoi(attr(t, "page-count"))
			if err != nil || n < 0 || n > 100000 {
				return 0
			}
			return n
		}
	}
}

// odfType reads the mimetype entry an OpenDocument archive starts with.
func odfType(z *zipDoc) string {
	rc, err := z.open("mimetype")
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 100))
	return strings.TrimSpace(string(b))
}
