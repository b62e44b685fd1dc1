package dossier

// Temporary copy of the text helpers until the inspect helper's text.go lands (then this file
// goes): the same names and signatures.

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// CountWords counts the words of s: runs of letters or digits, an apostrophe or a hyphen
// inside a word keeping it whole (« aujourd'hui », « peut-être » are one word each).
func CountWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || (in && (r == '\'' || r == '’' || r == '-'))
		if word && !in {
			n++
		}
		in = word
	}
	return n
}

// CharsWithoutSpaces counts the characters of s that are not white space.
func CharsWithoutSpaces(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// Sections reports, for each label, whether one of headings names it, tolerant of accents,
// case, punctuation and numbering: a heading names a label when it holds every significant
// word of the label (or the label holds every word of a heading of two words or more).
func Sections(labels, headings []string) []bool {
	hs := make([][]string, len(headings))
	for i, h := range headings {
		hs[i] = words(h)
	}
	out := make([]bool, len(labels))
	for i, l := range labels {
		lw := words(l)
		for _, h := range hs {
			if len(lw) > 0 && containsAll(h, lw) || len(h) >= 2 && containsAll(lw, h) {
				out[i] = true
				break
			}
		}
	}
	return out
}

// stop are the words a heading may leave out.
var stop = map[string]bool{"le": true, "la": true, "les": true, "l": true, "de": true, "des": true, "du": true,
	"d": true, "et": true, "un": true, "une": true, "en": true, "a": true, "au": true, "aux": true, "dans": true,
	"pour": true, "par": true, "sur": true, "mis": true, "place": true, "cadre": true, "projet": true}

// words returns the significant folded words of s (no accents, lower case, no numbers).
func words(s string) []string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	f, _, err := transform.String(t, strings.ToLower(s))
	if err != nil {
		f = strings.ToLower(s)
	}
	var out []string
	for _, w := range strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if !stop[w] {
			out = append(out, w)
		}
	}
	return out
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
