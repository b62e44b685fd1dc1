// Package account models the organisations (the certificateur and its partner training
// centres), the users with their single role, and the actor on whose behalf every store
// method runs.
package account

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"

	"github.com/certif/certif/internal/apperr"
)

// Role is the one role a user holds.
type Role string

// The roles of Certif.
const (
	RoleAdmin     Role = "admin"     // certificateur staff
	RoleReferent  Role = "referent"  // responsable pédagogique of one centre
	RoleFormateur Role = "formateur" // trainer of one centre
	RoleCandidat  Role = "candidat"
	RoleJury      Role = "jury"
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleReferent, RoleFormateur, RoleCandidat, RoleJury}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// NeedsCentre reports whether a user of this role belongs to exactly one centre.
func (r Role) NeedsCentre() bool { return r == RoleReferent || r == RoleFormateur }

// Organisme is the certificateur or a partner training centre (organisme de formation).
type Organisme struct {
	ID    int64
	Nom   string
	SIRET string
	// Certificateur is true for the organisation that owns the certification (one only).
	Certificateur bool
	// HabilitationFormation: the centre is habilitated to train candidates.
	HabilitationFormation bool
	// HabilitationEvaluation: the centre is habilitated to organise the evaluation.
	HabilitationEvaluation bool
	Active                 bool
	// NDA is the numéro de déclaration d'activité of a training centre (11 digits, "" when not
	// recorded yet); the attestation de formation carries it (Code du travail L6353-1).
	NDA       string
	CreatedAt time.Time
	Version   int64 // the stored version read; an update gives it back
}

// Validate checks the organisme's fields and returns a *apperr.Validation listing every problem.
func (o *Organisme) Validate() error {
	v := apperr.NewValidation()
	o.Nom = strings.TrimSpace(o.Nom)
	o.SIRET = strings.ReplaceAll(strings.TrimSpace(o.SIRET), " ", "")
	if o.Nom == "" {
		v.Add("nom", "La raison sociale est obligatoire.")
	} else if len([]rune(o.Nom)) > 200 {
		v.Add("nom", "La raison sociale ne doit pas dépasser 200 caractères.")
	}
	if err := CheckSIRET(o.SIRET); err != "" {
		v.Add("siret", err)
	}
	o.NDA = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '.' || r == '-' {
			return -1 // « 84 69 12345 69 » as printed on the récépissé
		}
		return r
	}, strings.TrimSpace(o.NDA))
	if err := CheckNDA(o.NDA); err != "" {
		v.Add("nda", err)
	}
	return v.Err()
}

// CheckNDA returns a French message when s is not empty and not a numéro de déclaration
// d'activité (11 digits, the first two a region code other than 00), or "" when it is valid
// or empty (not recorded yet).
func CheckNDA(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 40 {
		return "Le numéro de déclaration d'activité comporte 11 chiffres."
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return "Le numéro de déclaration d'activité ne contient que des chiffres."
		}
	}
	if len(s) != 11 {
		return "Le numéro de déclaration d'activité comporte 11 chiffres."
	}
	if s[:2] == "00" {
		return "Ce numéro de déclaration d'activité n'est pas valide (il commence par le code de la région)."
	}
	return ""
}

// FormatNDA groups an NDA as the récépissé prints it: « 84 69 12345 69 ».
func FormatNDA(s string) string {
	if len(s) != 11 {
		return s
	}
	return s[:2] + " " + s[2:4] + " " + s[4:9] + " " + s[9:]
}

// CheckSIRET returns a French message when s is not a valid SIRET (14 digits, Luhn key),
// or "" when it is valid.
func CheckSIRET(s string) string {
	if s == "" {
		return "Le SIRET est obligatoire."
	}
	if len(s) != 14 {
		return "Le SIRET comporte 14 chiffres."
	}
	sum := 0
	for i, c := range s {
		if c < '0' || c > '9' {
			return "Le SIRET ne contient que des chiffres."
		}
		d := int(c - '0')
		if i%2 == 0 { // positions 1, 3, 5… from the left are doubled (14 digits)
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	// La Poste's establishments use a different key; accept them as INSEE does.
	if sum%10 != 0 && !strings.HasPrefix(s, "356000000") {
		return "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."
	}
	return ""
}

// User is an account with one role. CentreID is 0 unless the role needs a centre.
type User struct {
	ID        int64
	Email     string
	Nom       string
	Prenom    string
	Role      Role
	CentreID  int64
	Active    bool
	Lang      string // "fr" (default) or "en"
	CreatedAt time.Time
	Version   int64 // the stored version read; an update gives it back
}

// DisplayName is "Prénom Nom", or the e-mail when both are empty.
func (u *User) DisplayName() string {
	n := strings.TrimSpace(u.Prenom + " " + u.Nom)
	if n == "" {
		return u.Email
	}
	return n
}

// Validate normalises and checks the user's fields, returning a *apperr.Validation listing every problem.
func (u *User) Validate() error {
	v := apperr.NewValidation()
	u.Email = NormalizeEmail(u.Email)
	u.Nom = strings.TrimSpace(u.Nom)
	u.Prenom = strings.TrimSpace(u.Prenom)
	if u.Email == "" {
		v.Add("email", "L'adresse e-mail est obligatoire.")
	} else if !ValidEmail(u.Email) {
		v.Add("email", "Cette adresse e-mail n'est pas valide.")
	}
	if len(u.Email) > MaxEmailLen {
		v.Add("email", "L'adresse e-mail ne doit pas dépasser 254 caractères.")
	}
	if len([]rune(u.Nom)) > 100 {
		v.Add("nom", "Le nom ne doit pas dépasser 100 caractères.")
	}
	if len([]rune(u.Prenom)) > 100 {
		v.Add("prenom", "Le prénom ne doit pas dépasser 100 caractères.")
	}
	switch {
	case !u.Role.Valid():
		v.Add("role", "Choisissez un rôle.")
	case u.Role.NeedsCentre() && u.CentreID == 0:
		v.Add("centre", "Ce rôle est rattaché à un centre de formation : choisissez-le.")
	case !u.Role.NeedsCentre() && u.CentreID != 0 && u.Role != RoleCandidat:
		v.Add("centre", "Ce rôle n'est rattaché à aucun centre.")
	}
	if u.Lang == "" {
		u.Lang = "fr"
	}
	if u.Lang != "fr" && u.Lang != "en" {
		v.Add("lang", "Langue inconnue.")
	}
	return v.Err()
}

// MaxEmailLen is the longest e-mail address accepted (RFC 5321's path limit less its brackets).
const MaxEmailLen = 254

// ValidEmail reports whether s is a bare address (no display name) with a dot in its
// domain, that does not start with a character a spreadsheet takes for a formula ('=',
// '+', '-', '@'): RFC 5322 allows "=cmd|'/C calc'!A0@x.fr", but such an address only ever
// serves CSV injection. It is the one check of an e-mail address in input.
func ValidEmail(s string) bool {
	if s == "" || len(s) > MaxEmailLen || strings.IndexByte("=+-@", s[0]) >= 0 {
		return false
	}
	// Printable ASCII only: an invisible or full-width character in front of a formula sign
	// ("\u200b=cmd…", "＝cmd…") would pass the check above and still reach a spreadsheet.
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.IndexByte(s, '@'):], ".")
}

// NormalizeEmail trims and lower-cases an e-mail address so that lookups are case-insensitive.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimFunc(s, unicode.IsSpace))
}

// Actor is who performs an operation. Store methods take it explicitly and scope their
// queries with it: a referent or formateur sees only their centre's data.
type Actor struct {
	UserID   int64
	Role     Role
	CentreID int64
}

// System is the actor of command-line and start-up operations (migrations, demo data, CLI).
var System = Actor{Role: RoleAdmin}

// ActorOf returns the actor for u.
func ActorOf(u *User) Actor { return Actor{UserID: u.ID, Role: u.Role, CentreID: u.CentreID} }

// IsAdmin reports whether the actor is certificateur staff (or the system).
func (a Actor) IsAdmin() bool { return a.Role == RoleAdmin }

// String names the actor for the audit log without personal data.
func (a Actor) String() string {
	if a.UserID == 0 {
		return "system"
	}
	return fmt.Sprintf("user:%d", a.UserID)
}
