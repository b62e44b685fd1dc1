package inspect

import (
	"context"
	"encoding/xml"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/certif/certif/internal/dossier"
)

// pptxFrom measures the presentation of an opened archive: Pages is the number of slides
// (ppt/slides/slideN.xml, in the order of N), PageChars the characters without spaces of each,
// and Headings each slide's title (the text of its title placeholder, p:ph type « title » or
// « ctrTitle »), or its first line of text when it has no title.
func pptxFrom(ctx context.Context, z *zipDoc) dossier.Measure {
	type slide struct {
		n    int
		name string
	}
	var slides []slide
	for name := range z.files {
		rest, ok := strings.CutPrefix(name, "ppt/slides/slide")
		if !ok {
			continue
		}
		num, ok := strings.CutSuffix(rest, ".xml")
		if n, err := strconv.Atoi(num); ok && err == nil && n >= 0 {
			slides = append(slides, slide{n, name})
		}
	}
	if len(slides) == 0 {
		return unmeasured("présentation PowerPoint sans diapositive lisible : non mesurée")
	}
	sort.Slice(slides, func(i, j int) bool { return slides[i].n < slides[j].n })
	var hs headings
	chars := make([]int, 0, len(slides))
	for _, s := range slides {
		if ctx.Err() != nil {
			return unmeasured("présentation trop longue à lire : non mesurée")
		}
		title, first, n, failed, ok := readSlide(ctx, z, s.name, s.n)
		if !ok && ctx.Err() != nil {
			return unmeasured("présentation trop longue à lire : non mesurée")
		}
		if !ok {
			return failed
		}
		chars = append(chars, n)
		if title == "" {
			title = first
		}
		hs.add(title)
	}
	return measured(len(slides), chars, hs)
}

// readSlide streams slide number n (entry name): the text of its title placeholder, its first
// line of text and its characters without spaces; when it cannot (broken, too big, too long
// to read: streamXML), ok is false and failed says why.
func readSlide(ctx context.Context, z *zipDoc, name string, n int) (title, first string, chars int, failed dossier.Measure, ok bool) {
	var (
		isTitle bool            // the current shape is the title placeholder
		shape   strings.Builder // the current shape's text, when it is the title
		line    strings.Builder // the current a:p's text
		inText  bool
	)
	failed, ok = streamXML(ctx, z, name, fmt.Sprintf("présentation PowerPoint (diapositive %d)", n), func(tok xml.Token) bool {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "sp":
				isTitle = false
				shape.Reset()
			case "ph":
				typ := attr(t, "type")
				isTitle = typ == "title" || typ == "ctrTitle"
			case "t":
				inText = true
			case "p":
				line.Reset()
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if first == "" {
					first = strings.TrimSpace(line.String())
				}
				if isTitle && shape.Len() > 0 {
					shape.WriteByte(' ')
				}
			case "sp":
				if isTitle && title == "" {
					title = shape.String()
				}
				isTitle = false
			}
		case xml.CharData:
			if !inText {
				return true
			}
			chars += dossier.CharsWithoutSpaces(string(t))
			if line.Len() < 4*maxHeadingRune {
				line.Write(t)
			}
			if isTitle && shape.Len() < 4*maxHeadingRune {
				shape.Write(t)
			}
		}
		return true
	})
	return strings.TrimSpace(title), strings.TrimSpace(first), chars, failed, ok
}
