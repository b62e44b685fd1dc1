// Package candidat models the candidates, their inscriptions to a certification (access path,
// centre, promotion, blocs aimed at, status) and their training plan.
package candidat

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// Sexe is the sex recorded on legal documents.
type Sexe string

// The values of Sexe.
const (
	Femme Sexe = "F"
	Homme Sexe = "M"
)

// The messages of a missing or unknown sexe: the form offers « Femme » and « Homme », a file
// (import) writes F or M. One set, so that the form and the import never disagree.
const (
	SexeFormMessage   = "Choisissez Femme ou Homme."
	SexeImportMessage = "Indiquez F (femme) ou M (homme)."
)

// Adresse is a postal address.
type Adresse struct {
	Ligne1     string `json:"ligne1"`
	Ligne2     string `json:"ligne2,omitempty"`
	CodePostal string `json:"code_postal"`
	Ville      string `json:"ville"`
	Pays       string `json:"pays,omitempty"` // empty = France
}

// Candidat is a person who seeks the certification, with what the legal outputs need.
type Candidat struct {
	ID            int64
	NomNaissance  string
	NomUsage      string   // empty when it is the birth name
	Prenoms       []string // 1 to 3, the first is the usual one
	Sexe          Sexe
	DateNaissance time.Time // a date (midnight UTC)
	// CommuneNaissanceCode is the INSEE code (5 characters, 2A/2B for Corsica) or the postal
	// code of the birth commune; empty for those born abroad.
	CommuneNaissanceCode string
	CommuneNaissance     string // the commune's (or foreign city's) name
	PaysNaissance        string // empty = France
	Email                string
	Telephone            string
	Adresse              Adresse
	UserID               int64 // the candidate's account, 0 before it exists
	CreatedAt            time.Time
	// Version is the stored version this value was read at; an update must give it back
	// (see store.StaleError).
	Version int64
}

// NomAffiche is the name to show: "Prénom NOM-D'USAGE" (birth name when no usage name).
func (c *Candidat) NomAffiche() string {
	nom := c.NomUsage
	if nom == "" {
		nom = c.NomNaissance
	}
	p := ""
	if len(c.Prenoms) > 0 {
		p = c.Prenoms[0]
	}
	return strings.TrimSpace(p + " " + nom)
}

// Identity is the key that matches a candidate across enrolments and imports: birth name,
// first given name and birth date, compared without case or accents. It matches only within
// one training centre (the store never attaches, returns or reveals another centre's
// candidate on an identity match): one person enrolled in two centres has one record per
// centre, and only the certificateur merges them (store.MergeCandidats, `certif candidat
// merge`), which is journalled.
type Identity struct {
	NomNaissance string
	Prenom       string
	Naissance    string // YYYY-MM-DD
}

// Identity returns c's matching key.
func (c *Candidat) Identity() Identity {
	p := ""
	if len(c.Prenoms) > 0 {
		p = c.Prenoms[0]
	}
	return Identity{NomNaissance: Fold(c.NomNaissance), Prenom: Fold(p), Naissance: c.DateNaissance.Format(time.DateOnly)}
}

// Fold lower-cases s, removes accents and collapses spaces and hyphens, for matching names.
func Fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r) || r == '-' || r == '\'' || r == '’':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

var (
	inseeRe  = regexp.MustCompile(`^(?:[0-9]{5}|2[AaBb][0-9]{3})$`)
	phoneRe  = regexp.MustCompile(`^\+?[0-9 .()-]{6,20}$`)
	postalRe = regexp.MustCompile(`^[0-9]{5}$`)
)

// Normalize trims every field and drops empty prénoms, in place.
func (c *Candidat) Normalize() {
	c.NomNaissance = collapse(c.NomNaissance)
	c.NomUsage = collapse(c.NomUsage)
	var ps []string
	for _, p := range c.Prenoms {
		if p = collapse(p); p != "" {
			ps = append(ps, p)
		}
	}
	c.Prenoms = ps
	c.Sexe = Sexe(strings.ToUpper(strings.TrimSpace(string(c.Sexe))))
	c.CommuneNaissanceCode = strings.ToUpper(strings.TrimSpace(c.CommuneNaissanceCode))
	c.CommuneNaissance = collapse(c.CommuneNaissance)
	c.PaysNaissance = collapse(c.PaysNaissance)
	if Fold(c.PaysNaissance) == "france" {
		c.PaysNaissance = ""
	}
	c.Email = strings.ToLower(strings.TrimSpace(c.Email))
	c.Telephone = strings.TrimSpace(c.Telephone)
	c.Adresse.Ligne1, c.Adresse.Ligne2 = collapse(c.Adresse.Ligne1), collapse(c.Adresse.Ligne2)
	c.Adresse.CodePostal, c.Adresse.Ville, c.Adresse.Pays = strings.TrimSpace(c.Adresse.CodePostal), collapse(c.Adresse.Ville), collapse(c.Adresse.Pays)
	if Fold(c.Adresse.Pays) == "france" {
		c.Adresse.Pays = ""
	}
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// Validate normalises c and returns a *apperr.Validation listing every problem, keyed by the
// field names of the form and the import columns. now bounds the birth date.
func (c *Candidat) Validate(now time.Time) error {
	c.Normalize()
	v := apperr.NewValidation()
	if c.NomNaissance == "" {
		v.Add("nom_naissance", "Le nom de naissance est obligatoire.")
	} else if len([]rune(c.NomNaissance)) > 100 {
		v.Add("nom_naissance", "Le nom de naissance ne doit pas dépasser 100 caractères.")
	}
	if len([]rune(c.NomUsage)) > 100 {
		v.Add("nom_usage", "Le nom d'usage ne doit pas dépasser 100 caractères.")
	}
	switch {
	case len(c.Prenoms) == 0:
		v.Add("prenoms", "Au moins un prénom est obligatoire.")
	case len(c.Prenoms) > 3:
		v.Add("prenoms", "Trois prénoms au plus.")
	}
	for _, p := range c.Prenoms {
		if len([]rune(p)) > 60 {
			v.Add("prenoms", "Un prénom ne doit pas dépasser 60 caractères.")
		}
	}
	if c.Sexe != Femme && c.Sexe != Homme {
		v.Add("sexe", SexeFormMessage)
	}
	switch {
	case c.DateNaissance.IsZero():
		v.Add("date_naissance", "La date de naissance est obligatoire.")
	case c.DateNaissance.After(now.AddDate(-14, 0, 0)):
		v.Add("date_naissance", "La date de naissance est trop récente (14 ans au moins).")
	case c.DateNaissance.Before(now.AddDate(-100, 0, 0)):
		v.Add("date_naissance", "La date de naissance est trop ancienne.")
	}
	if c.CommuneNaissance == "" {
		v.Add("commune_naissance", "La commune (ou ville) de naissance est obligatoire.")
	}
	for _, f := range []struct {
		field, value, msg string
		max               int
	}{
		{"commune_naissance", c.CommuneNaissance, "La commune de naissance ne doit pas dépasser 100 caractères.", 100},
		{"pays_naissance", c.PaysNaissance, "Le pays de naissance ne doit pas dépasser 100 caractères.", 100},
		{"email", c.Email, "L'adresse e-mail ne doit pas dépasser 254 caractères.", 254},
		{"adresse1", c.Adresse.Ligne1, "L'adresse ne doit pas dépasser 200 caractères.", 200},
		{"adresse2", c.Adresse.Ligne2, "Le complément d'adresse ne doit pas dépasser 200 caractères.", 200},
		{"code_postal", c.Adresse.CodePostal, "Le code postal ne doit pas dépasser 20 caractères.", 20},
		{"ville", c.Adresse.Ville, "La ville ne doit pas dépasser 100 caractères.", 100},
		{"pays", c.Adresse.Pays, "Le pays ne doit pas dépasser 100 caractères.", 100},
	} {
		if utf8.RuneCountInString(f.value) > f.max {
			v.Add(f.field, f.msg)
		}
	}
	if c.PaysNaissance == "" {
		if c.CommuneNaissanceCode == "" {
			v.Add("commune_naissance_code", "Le code INSEE ou le code postal de la commune de naissance est obligatoire (ou indiquez le pays de naissance).")
		} else if !inseeRe.MatchString(c.CommuneNaissanceCode) {
			v.Add("commune_naissance_code", "Le code de la commune comporte 5 caractères (code INSEE ou code postal).")
		}
	}
	if c.Email == "" {
		v.Add("email", "L'adresse e-mail est obligatoire.")
	} else if !account.ValidEmail(c.Email) {
		v.Add("email", "Cette adresse e-mail n'est pas valide.")
	}
	if c.Telephone != "" && !phoneRe.MatchString(c.Telephone) {
		v.Add("telephone", "Ce numéro de téléphone n'est pas valide.")
	}
	if c.Adresse.CodePostal != "" && c.Adresse.Pays == "" && !postalRe.MatchString(c.Adresse.CodePostal) {
		v.Add("code_postal", "Le code postal comporte 5 chiffres.")
	}
	return v.Err()
}

// ParseDate reads a French (JJ/MM/AAAA) or ISO (AAAA-MM-JJ) date; the error is French.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly, "02-01-2006", "02.01.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q illisible : attendu JJ/MM/AAAA", s)
}
