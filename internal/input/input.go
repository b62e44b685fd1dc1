// Package input holds the one rule every text entering Certif obeys, whatever its edge (an
// HTML form, a JSON body, a URL, an imported file): no NUL byte (PostgreSQL refuses it: a 500),
// no other control character, no invalid UTF-8. It imports only the standard library.
package input

import (
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean returns s without NUL and the other control characters (C0, DEL, C1) nor invisible
// format characters (Unicode Cf: zero-width spaces, right-to-left overrides and isolates, BOM:
// "Nantais\u200b" would not match "Nantais" and a "\u202e" prints a name backwards), invalid
// UTF-8 bytes replaced by U+FFFD. A multi-line text (a comment, a description) keeps its line
// feeds and tabs, CR LF and lone CR becoming LF, and the zero-width joiner of composed emoji;
// in a one-line text a line break or a tab becomes a space ("Claire\r\nMartin" is "Claire
// Martin", not "ClaireMartin"). Clean returns s itself, without allocating, when there is
// nothing to remove.
func Clean(s string, multiline bool) string {
	clean := true
	for _, c := range s {
		if c == utf8.RuneError || unicode.IsControl(c) || (c >= 0xAD && unicode.Is(unicode.Cf, c)) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	space := false // a one-line text's line break or tab already written as a space
	for _, c := range s {
		switch { // ranging over s yields utf8.RuneError for each invalid byte: written as U+FFFD
		case multiline && (c == '\n' || c == '\t'):
			b.WriteRune(c)
		case multiline && c == '\r':
			b.WriteByte('\n')
		case c == '\n' || c == '\r' || c == '\t':
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		case unicode.IsControl(c):
			// dropped
		case c == 0x200D && multiline:
			b.WriteRune(c) // joins the parts of a composed emoji
		case unicode.Is(unicode.Cf, c):
			// dropped: invisible, it makes two equal-looking names differ or prints them backwards
		default:
			b.WriteRune(c)
		}
		space = false
	}
	return b.String()
}

// MaxFileName is the longest file name kept, in characters.
const MaxFileName = 120

// FileName returns the name an uploaded file is stored and offered under: the base name the
// client sent (a Windows path loses its folders), without control characters nor invisible
// format characters (a right-to-left override shows "facture‮txt.exe" as "factureexe.txt"),
// at most MaxFileName characters with its extension kept, "fichier" when nothing is left.
// When exts is given (the extensions of the type sniffed from the bytes, the usual one
// first), a name whose extension is not one of them gets the usual one appended: a text file
// sent as "lancer.bat" is offered back as "lancer.bat.txt", never as something to run.
func FileName(name string, exts ...string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '/' {
			return -1
		}
		return r
	}, name))
	if name == "" || name == "." || name == ".." {
		name = "fichier"
	}
	ext := path.Ext(name)
	if len(exts) > 0 && !slices.Contains(exts, strings.ToLower(ext)) {
		ext = exts[0]
		name += ext
	}
	if r := []rune(name); len(r) > MaxFileName {
		e := []rune(ext)
		if len(e) > 16 {
			e = nil
		}
		name = string(r[:MaxFileName-len(e)]) + string(e)
	}
	return name
}
