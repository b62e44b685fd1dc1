package document

import (
	"strings"
	"unicode"

	"github.com/certif/certif/internal/french"
)

// French typography: a no-break space before « : », a narrow no-break space before « ; ! ? »
// and inside guillemets, so that wrapping never leaves a colon or a guillemet alone. Dates,
// numbers and plurals come from package french, shared with the pages.
const (
	nbsp  = french.NBSP
	nnbsp = french.NNBSP
)

// heures formats a duration in hours: « 35 h », « 3,5 h ».
func heures(h float64) string { return french.Number(h) + nbsp + "h" }

// score formats « 16 / 20 (seuil 10) »; any part may be missing; "" when there is no score.
func score(s, bareme, seuil *float64) string {
	if s == nil {
		return ""
	}
	out := french.Number(*s)
	if bareme != nil {
		out += nnbsp + "/" + nnbsp + french.Number(*bareme)
	}
	if seuil != nil {
		out += " (seuil " + french.Number(*seuil) + ")"
	}
	return out
}

// siret groups a 14-digit SIRET as « 123 456 789 00012 »; other values are returned trimmed.
func siret(s string) string {
	s = strings.TrimSpace(s)
	digits := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if len(digits) != 14 || strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return s
	}
	return digits[:3] + nbsp + digits[3:6] + nbsp + digits[6:9] + nbsp + digits[9:]
}

// niveau returns « Niveau 5 » from "5" or "Niveau 5"; "" stays "".
func niveau(n string) string {
	n = strings.TrimSpace(n)
	if n == "" || strings.HasPrefix(strings.ToLower(n), "niveau") {
		return n
	}
	return "Niveau " + n
}

// nomAffiche is the name the candidate is called by: first names and usage name (or birth name).
func nomAffiche(c Candidat) string {
	nom := strings.TrimSpace(c.NomNaissance)
	if usage := strings.TrimSpace(c.NomUsage); usage != "" {
		nom = usage
	}
	return strings.TrimSpace(strings.TrimSpace(c.Prenoms) + " " + nom)
}

// ne returns « née », « né » or « né(e) » according to the civilité.
func ne(c Candidat) string {
	switch strings.TrimSpace(c.Civilite) {
	case "Madame":
		return "née"
	case "Monsieur":
		return "né"
	}
	return "né(e)"
}

// identite is the candidate's identity sentence:
// « Madame Léa Moreau, née le 12 mars 1998 à Lyon (69) », or with a usage name
// « Madame Léa Martin, née Moreau le 12 mars 1998 à Lyon (69) ».
func identite(c Candidat) string {
	var b strings.Builder
	if civ := strings.TrimSpace(c.Civilite); civ != "" {
		b.WriteString(civ + " ")
	}
	b.WriteString(nomAffiche(c))
	b.WriteString(", " + ne(c))
	naissance, usage := strings.TrimSpace(c.NomNaissance), strings.TrimSpace(c.NomUsage)
	if usage != "" && !strings.EqualFold(usage, naissance) {
		b.WriteString(" " + naissance)
	}
	b.WriteString(" le " + french.Date(c.DateNaissance))
	if lieu := strings.TrimSpace(c.LieuNaissance); lieu != "" {
		b.WriteString(" à " + lieu)
	}
	return b.String()
}

// typo applies French typography to s: the apostrophe and the ellipsis (french.Typographic), the space before « : » becomes a no-break space, the
// one before « ; ! ? » and those inside « » become narrow no-break spaces (inserted when
// missing after « or before »). It is idempotent; "http://" and "10:30" are left alone.
func typo(s string) string {
	s = french.Typographic(s) // ’ and …, as on the pages
	if !strings.ContainsAny(s, ":;!?«»") {
		return s
	}
	in := []rune(s)
	out := make([]rune, 0, len(in)+4)
	for i, r := range in {
		switch r {
		case ':', ';', '!', '?':
			if n := len(out); n > 0 && out[n-1] == ' ' {
				if r == ':' {
					out[n-1] = '\u00a0'
				} else {
					out[n-1] = '\u202f'
				}
			}
			out = append(out, r)
		case '«':
			out = append(out, r)
			if i+1 < len(in) {
				if in[i+1] == ' ' {
					in[i+1] = '\u202f'
				} else if !unicode.IsSpace(in[i+1]) {
					out = append(out, '\u202f')
				}
			}
		case '»':
			if n := len(out); n > 0 {
				if out[n-1] == ' ' {
					out[n-1] = '\u202f'
				} else if !unicode.IsSpace(out[n-1]) {
					out = append(out, '\u202f')
				}
			}
			out = append(out, r)
		default:
			out = append(out, r)
		}
	}
	return string(out)
}

// capitalize upper-cases the first letter: "acquise" → "Acquise".
func capitalize(s string) string {
	s = strings.TrimSpace(s)
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// tone classifies a state or decision for its colour: positive (acquise, validé),
// negative (non acquise, refusé) or neutral (en cours, en attente, non évaluée…).
type tone int

const (
	neutral tone = iota
	positive
	negative
)

func toneOf(etat string) tone {
	e := strings.ToLower(strings.TrimSpace(etat))
	e = strings.ReplaceAll(e, "_", " ")
	switch {
	case strings.HasPrefix(e, "non acquis"), strings.HasPrefix(e, "non valid"),
		strings.HasPrefix(e, "refus"), strings.HasPrefix(e, "échou"), strings.HasPrefix(e, "ajourn"):
		return negative
	case strings.HasPrefix(e, "acquis"), strings.HasPrefix(e, "valid"), strings.HasPrefix(e, "admis"):
		return positive
	}
	return neutral
}
