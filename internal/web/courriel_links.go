package web

import (
	"regexp"
	"slices"
	"strings"
)

// TextPart is a piece of a courriel's text: plain text, or one of its own http(s) links.
type TextPart struct {
	Text string
	URL  string // set for a link (Text is then empty)
}

// linkRE finds the http(s) URLs of a text; the punctuation that ends a sentence is trimmed
// afterwards.
var linkRE = regexp.MustCompile(`https?://[^\s<>"«»]+`)

// splitLinks cuts text into plain pieces and links, for a template to show the links as <a>
// (html/template escapes both and checks the href).
func splitLinks(text string) []TextPart {
	var parts []TextPart
	last := 0
	for _, m := range linkRE.FindAllStringIndex(text, -1) {
		end := m[1]
		for end > m[0] && strings.ContainsRune(".,;:!?)]’'", rune(text[end-1])) {
			end--
		}
		if end-m[0] <= len("https://") {
			continue
		}
		if m[0] > last {
			parts = append(parts, TextPart{Text: text[last:m[0]]})
		}
		parts = append(parts, TextPart{URL: text[m[0]:end]})
		last = end
	}
	if last < len(text) {
		parts = append(parts, TextPart{Text: text[last:]})
	}
	return parts
}

// TextParts is the courriel's text cut into plain pieces and links.
func (p *CourrielPage) TextParts() []TextPart { return splitLinks(p.Courriel.Text) }

// Links lists the courriel's own links once each, in order, for their « Copier » buttons.
func (p *CourrielPage) Links() []string {
	var out []string
	for _, t := range splitLinks(p.Courriel.Text) {
		if t.URL != "" && !slices.Contains(out, t.URL) {
			out = append(out, t.URL)
		}
	}
	return out
}
