package inspect

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
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
		title, first, n, err := readSlide(z, s.name)
		if err != nil {
			if z.over {
				return unmeasured("présentation PowerPoint : contenu trop volumineux une fois décompressé, non mesuré")
			}
			return unmeasured("présentation PowerPoint illisible : diapositive %d invalide", s.n)
		}
		chars = append(chars, n)
		if title == "" {
			title = first
		}
		hs.add(title)
	}
	return measured(len(slides), chars, hs)
}

// readSlide streams one slide: the text of its title placeholder, its first line of text and
// its characters without spaces.
func readSlide(z *zipDoc, name string) (title, first string, chars int, err error) {
	rc, err := z.open(name)
	if err != nil {
		return "", "", 0, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var (
		isTitle bool            // the current shape is the title placeholder
		shape   strings.Builder // the current shape's text, when it is the title
		line    strings.Builder // the current a:p's text
		inText  bool
		depth   int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return strings.TrimSpace(title), strings.TrimSpace(first), chars, nil
		}
		if err != nil {
			return "", "", 0, err
		}
		if depth = nesting(depth, tok); depth > maxNesting {
			return "", "", 0, errors.New("inspect: XML nested too deep")
		}
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
				continue
			}
			chars += dossier.CharsWithoutSpaces(string(t))
			if line.Len() < 4*maxHeadingRune {
				line.Write(t)
			}
			if isTitle && shape.Len() < 4*maxHeadingRune {
				shape.Write(t)
			}
		}
	}
}
