// Package input holds the one rule every text entering Certif obeys, whatever its edge (an
// HTML form, a JSON body, a URL, an imported file): no NUL byte (PostgreSQL refuses it: a 500),
// no other control character, no invalid UTF-8. It imports only the standard library.
package input

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean returns s without NUL and the other control characters (C0, DEL, C1), invalid UTF-8
// bytes replaced by U+FFFD. A multi-line text (a comment, a description) keeps its line feeds
// and tabs, CR LF and lone CR becoming LF; a one-line text loses them too. Clean returns s
// itself, without allocating, when there is nothing to remove.
func Clean(s string, multiline bool) string {
	clean := true
	for _, c := range s {
		if c == utf8.RuneError || unicode.IsControl(c) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, c := range s {
		switch { // ranging over s yields utf8.RuneError for each invalid byte: written as U+FFFD
		case multiline && (c == '\n' || c == '\t'):
			b.WriteRune(c)
		case multiline && c == '\r':
			b.WriteByte('\n')
		case unicode.IsControl(c):
			// dropped
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
