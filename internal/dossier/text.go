package dossier

import (
	"strings"
	"unicode"
)

// CountWords counts the words of a text as a word processor does, which is what the candidate
// sees in theirs: a word is a run of non-space characters holding at least one letter or
// digit. So « l'image », « mots-clés » and « 200–250 » are one word each (Word and LibreOffice
// count them so), and a lone « : », « — » or « ! » (French spacing puts spaces around them)
// is no word.
func CountWords(s string) int {
	n := 0
	for _, f := range strings.FieldsFunc(s, unicode.IsSpace) {
		if strings.IndexFunc(f, isWordRune) >= 0 {
			n++
		}
	}
	return n
}

// CharsWithoutSpaces counts the characters of a text that are not spaces (any Unicode white
// space: tabs, line breaks, no-break and narrow no-break spaces), as « caractères sans
// espaces » of a word processor. Control characters (a form feed between pages, a NUL) are
// not characters of the text either.
func CharsWithoutSpaces(s string) int {
	n := 0
	for _, r := range s {
		if IsChar(r) {
			n++
		}
	}
	return n
}

// IsChar reports whether CharsWithoutSpaces counts r: neither a space nor a control character.
func IsChar(r rune) bool { return !unicode.IsSpace(r) && !unicode.IsControl(r) }

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// Sections reports, for each wanted label (a section of the référentiel: « La stratégie de
// gestion de crise »), whether one of the headings found in a document is that section.
// Both are compared by their significant words: accents, case, punctuation, numbering
// (« 3. », « II - », « a) »), articles and linking words (« la », « de », « & »…), plural
// and feminine endings do not count. A heading is the section when
//   - it shares at least two significant words with the label (all of them when the label
//     has only one), and adds at most three words of its own (or twice as many as it
//     shares), so that a line of body text that happens to name the section is no heading
//     of it — a subtitle after « : » or « – » is not counted; or
//   - it is a single significant word of the label that no other wanted label has
//     (« Benchmark », « KPI »).
//
// Sharing one word only is not enough: « Stratégie de référencement » is not « La stratégie
// de communication ». The result has one entry per label, in order.
func Sections(labels, headings []string) []bool {
	found := make([]bool, len(labels))
	ls := make([][]string, len(labels))
	owners := map[string]int{} // significant word → how many labels have it
	for i, l := range labels {
		ls[i] = sectionWords(l)
		for _, w := range ls[i] {
			owners[w]++
		}
	}
	hs := make([][]string, 0, len(headings))
	for _, h := range headings {
		if w := sectionWords(h); len(w) > 0 {
			hs = append(hs, w)
		}
		// « Gestion de crise : prévenir et répondre aux bad buzz » is the section before
		// its subtitle.
		if i := strings.IndexAny(h, ":–—"); i > 0 {
			if w := sectionWords(h[:i]); len(w) > 0 {
				hs = append(hs, w)
			}
		}
	}
	for i, l := range ls {
		if len(l) == 0 {
			continue
		}
		for _, h := range hs {
			if sectionMatch(l, h, owners) {
				found[i] = true
				break
			}
		}
	}
	return found
}

// sectionMatch is the rule of Sections for one label and one heading (both as their sets of
// significant words).
func sectionMatch(label, heading []string, owners map[string]int) bool {
	common := 0
	for _, w := range heading {
		if contains(label, w) {
			common++
		}
	}
	extra := len(heading) - common
	if len(heading) == 1 && common == 1 {
		return len(label) == 1 || owners[heading[0]] == 1
	}
	return common >= min(2, len(label)) && extra <= max(3, 2*common)
}

func contains(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// sectionWords gives the significant words of a label or heading, folded (lower case, no
// accents, no plural or feminine ending), without numbering, stop-words or repeats.
func sectionWords(s string) []string {
	fields := strings.FieldsFunc(foldAccents(strings.ToLower(s)), func(r rune) bool { return !isWordRune(r) })
	var out []string
	leading := true
	for _, f := range fields {
		if leading && romanNumeral(f) {
			continue
		}
		leading = false
		if len([]rune(f)) < 2 || allDigits(f) || stopWords[f] {
			continue
		}
		// Plural, then feminine: « rencontrés » and « rencontrées » are one word.
		if len(f) > 3 && (strings.HasSuffix(f, "s") || strings.HasSuffix(f, "x")) {
			f = f[:len(f)-1]
		}
		for len(f) > 3 && strings.HasSuffix(f, "e") {
			f = f[:len(f)-1]
		}
		if !contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// stopWords are the words that say nothing of which section a heading is: articles,
// prepositions, and the generic words of the référentiel's labels (« la description de »,
// « la liste des », « mis en place », « dans le cadre du projet »).
var stopWords = map[string]bool{
	"la": true, "le": true, "les": true, "de": true, "des": true, "du": true, "et": true,
	"un": true, "une": true, "en": true, "au": true, "aux": true, "pour": true, "par": true,
	"sur": true, "dans": true, "avec": true, "ou": true, "son": true, "sa": true, "ses": true,
	"leur": true, "leurs": true, "ce": true, "cette": true, "ces": true, "qui": true, "que": true,
	"the": true, "of": true, "and": true, "partie": true, "chapitre": true, "section": true,
	"notamment": true, "description": true, "liste": true, "element": true, "elements": true,
	"aspect": true, "aspects": true, "principal": true, "principale": true, "principales": true,
	"principaux": true, "mis": true, "mise": true, "place": true, "lie": true, "lies": true,
	"liee": true, "liees": true, "cadre": true, "projet": true, "utilise": true, "utilises": true,
	"utilisee": true, "utilisees": true,
}

func allDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// romanNumeral reports whether s is a small Roman numeral (a heading's « II - »); only a
// heading's leading words are taken for numbering, so that « vi » in a text stays a word.
func romanNumeral(s string) bool {
	switch s {
	case "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv":
		return true
	}
	return allDigits(s) || len(s) == 1
}

// foldAccents removes the accents of French letters (the text is lower case already), also
// when they come as combining marks (a decomposed « é » pasted from a Mac).
func foldAccents(s string) string {
	return accentFolder.Replace(strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, s))
}

var accentFolder = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "á", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ô", "o", "ö", "o", "ó", "o", "ù", "u", "û", "u", "ü", "u",
	"ú", "u", "ÿ", "y", "œ", "oe", "æ", "ae", "’", "'",
)
