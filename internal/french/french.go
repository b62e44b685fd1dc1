// Package french writes dates, numbers and plurals the French way, for the pages and the
// PDF documents alike: « 12 mars 2027 », « 1er mars 2027 à 10 h 42 », « 1 234,5 »,
// « 0 inscription créée », « 2 modules ». Dates are shown in Europe/Paris.
//
// It imports only the standard library and golang.org/x/text: the domain packages, web and
// document may all use it.
package french

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Spaces of French typography: a no-break space (between a day, its month and its year, and
// around « h » in times) and a narrow no-break space (between groups of thousands).
const (
	NBSP  = "\u00a0"
	NNBSP = "\u202f"
)

// Empty is what a zero date or a missing value shows.
const Empty = "—"

// parisOffset is the fixed offset used when no zoneinfo is available (cmd/certif embeds
// time/tzdata, so only a test binary on a stripped host can get there): Central European
// Time, one hour ahead of UTC, without summer time.
const parisOffset = 3600

// paris loads Europe/Paris once.
var paris = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.FixedZone("CET", parisOffset)
	}
	return loc
})

// Paris returns the Europe/Paris time zone, loaded once; without zoneinfo on the host and
// without time/tzdata in the binary it is a fixed UTC+1 ("CET").
func Paris() *time.Location { return paris() }

// InParis returns t in Europe/Paris.
func InParis(t time.Time) time.Time { return t.In(paris()) }

// Today returns the calendar day of instant now in Paris as "2006-01-02", the value of a
// date input.
func Today(now time.Time) string { return InParis(now).Format(time.DateOnly) }

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"}

// Month returns the French name of m in lower case (« mars »); "" when m is out of range.
func Month(m time.Month) string {
	if m < time.January || m > time.December {
		return ""
	}
	return months[m-1]
}

// Date formats t in Paris as « 12 mars 2027 », the first of a month as « 1er mars 2027 »,
// with no-break spaces; Empty for the zero time.
// A calendar date stored as midnight UTC (a birth date) keeps its day: Paris is ahead of UTC.
func Date(t time.Time) string {
	if t.IsZero() {
		return Empty
	}
	t = InParis(t)
	d := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		d = "1er"
	}
	return d + NBSP + months[t.Month()-1] + NBSP + strconv.Itoa(t.Year())
}

// Time formats the time of day of t in Paris as « 10 h 42 » (no-break spaces).
func Time(t time.Time) string {
	t = InParis(t)
	return strconv.Itoa(t.Hour()) + NBSP + "h" + NBSP + twoDigits(t.Minute())
}

// Heure formats a time of day written « HH:MM » (a passage's slot) as « 9 h 30 »; anything
// else is returned unchanged.
func Heure(hhmm string) string {
	h, m, ok := strings.Cut(hhmm, ":")
	hn, err1 := strconv.Atoi(h)
	mn, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hn < 0 || hn > 23 || mn < 0 || mn > 59 {
		return hhmm
	}
	return strconv.Itoa(hn) + NBSP + "h" + NBSP + twoDigits(mn)
}

// DateTime formats t in Paris as « 12 mars 2027 à 10 h 42 »; Empty for the zero time.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return Empty
	}
	t = InParis(t)
	return Date(t) + " à " + Time(t)
}

// Deadline is how a last day is said everywhere (dossier page, reminder mail, home):
// « au plus tard le 7 janvier 2027 à 23 h 59 (heure de Paris) »; Empty for the zero time.
func Deadline(lastDay time.Time) string {
	if lastDay.IsZero() {
		return Empty
	}
	return "au plus tard le " + Date(lastDay) + " à 23" + NBSP + "h" + NBSP + "59 (heure de Paris)"
}

// ClosedSince is how a passed deadline is said, closesAt being the instant it passed (the
// midnight after the last day, in Paris): « depuis le 8 janvier 2027 à 0 h (heure de Paris) ».
func ClosedSince(closesAt time.Time) string {
	if closesAt.IsZero() {
		return Empty
	}
	return "depuis le " + Date(closesAt) + " à 0" + NBSP + "h (heure de Paris)"
}

// ShortDate formats t as « 05/01/2027 » for table columns; Empty for the zero time.
func ShortDate(t time.Time) string {
	if t.IsZero() {
		return Empty
	}
	return InParis(t).Format("02/01/2006")
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// printer is golang.org/x/text's French printer; it groups thousands with U+00A0 (its CLDR
// data predates the narrow no-break space), which group() replaces.
var printer = sync.OnceValue(func() *message.Printer { return message.NewPrinter(language.French) })

// group writes the printer's output with French typography: narrow no-break space between
// thousands, minus sign U+2212.
func group(s string) string {
	s = strings.ReplaceAll(s, NBSP, NNBSP)
	if strings.HasPrefix(s, "-") {
		s = "−" + s[1:]
	}
	return s
}

// Int formats n with groups of thousands: « 48 750 », « −3 » (narrow no-break spaces).
func Int(n int) string { return group(printer().Sprint(number.Decimal(n))) }

// Number formats f with a decimal comma, at most two decimals (rounded, trailing zeros
// dropped) and groups of thousands: « 1 234,5 », « 0,33 », « 12 ».
func Number(f float64) string {
	f = math.Round(f*100) / 100 // half away from zero, like a person rounding
	if f == 0 {
		f = 0 // no « −0 »
	}
	return group(printer().Sprint(number.Decimal(f, number.MaxFractionDigits(2))))
}

// Bytes writes a file size the one way every page and message says it: « 300 octets »,
// « 64 Ko », « 1 Mo », « 1,2 Mo », « 2 Go » (units of 1 024, one decimal at most for Mo and Go).
func Bytes(n int64) string {
	one := func(f float64) string { return Number(math.Round(f*10) / 10) }
	switch {
	case n >= 1<<30:
		return one(float64(n)/(1<<30)) + " Go"
	case n >= 1<<20:
		return one(float64(n)/(1<<20)) + " Mo"
	case n >= 1<<10:
		return Number(math.Round(float64(n)/(1<<10))) + " Ko"
	}
	return Count(int(n), "octet", "octets")
}

// Plural returns one when n is 0 or 1 — French counts zero in the singular, « 0 inscription
// créée » — and other otherwise.
func Plural(n int, one, other string) string {
	if n > -2 && n < 2 {
		return one
	}
	return other
}

// Count returns n formatted by Int followed by the singular or plural noun phrase:
// Count(0, "module", "modules") is « 0 module », Count(1234, …) « 1 234 modules ».
func Count(n int, one, other string) string {
	return Int(n) + " " + Plural(n, one, other)
}

// typographic replaces what a keyboard types by what French print uses.
var typographic = strings.NewReplacer("'", "’", "...", "…")

// Typographic returns s with the typographic apostrophe (’) for the straight one and the
// ellipsis (…) for three dots, as Certif's pages and documents print them. It is idempotent.
func Typographic(s string) string {
	if !strings.Contains(s, "'") && !strings.Contains(s, "...") {
		return s
	}
	return typographic.Replace(s)
}

// longNumber is a whole number of four digits or more in running text, not part of a longer
// figure (a decimal, a code, an identifier).
var longNumber = regexp.MustCompile(`(^|[^\p{L}\p{N}.,/:_-])([1-9][0-9]{3,})($|[^\p{L}\p{N}.,/:_-])`)

// Prose is a text transcribed verbatim (the référentiel's) as pages print it: Typographic,
// and its numbers of four digits or more grouped the French way (« environ 1 200 caractères »).
func Prose(s string) string {
	s = Typographic(s)
	return longNumber.ReplaceAllStringFunc(s, func(m string) string {
		sub := longNumber.FindStringSubmatch(m)
		n, err := strconv.Atoi(sub[2])
		if err != nil {
			return m
		}
		return sub[1] + Int(n) + sub[3]
	})
}

// De returns « de » followed by name, elided before a vowel or an h: De("Élodie Martin") is
// « d’Élodie Martin », De("Karim Benali") « de Karim Benali ».
func De(name string) string {
	if Elides(name) {
		return "d’" + name
	}
	return "de " + name
}

// Elides reports whether a word starting s takes the elided article (« d’ », « l’ »): its
// first letter is a vowel (accented or not), a y or an h.
func Elides(s string) bool {
	for _, r := range s {
		return strings.ContainsRune("aàâäeéèêëiîïoôöuùûüyÿhAÀÂÄEÉÈÊËIÎÏOÔÖUÙÛÜYŸHæÆœŒ", r)
	}
	return false
}

// Range writes the period from a to b the French way, without repeating what both dates
// share: « du 14 au 25 août 2026 », « du 28 juillet au 8 août 2026 », « du 30 décembre 2026
// au 2 janvier 2027 », « le 3 mars 2027 » for a single day. A zero date is Empty.
func Range(a, b time.Time) string {
	if a.IsZero() || b.IsZero() {
		return "du " + Date(a) + " au " + Date(b)
	}
	a, b = InParis(a), InParis(b)
	if a.Year() != b.Year() {
		return "du " + Date(a) + " au " + Date(b)
	}
	if a.Month() == b.Month() && a.Day() == b.Day() {
		return "le " + Date(a)
	}
	first := strconv.Itoa(a.Day())
	if a.Day() == 1 {
		first = "1er"
	}
	if a.Month() != b.Month() {
		first += NBSP + months[a.Month()-1]
	}
	return "du " + first + " au " + Date(b)
}
