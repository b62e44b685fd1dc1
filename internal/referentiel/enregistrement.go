package referentiel

import (
	"regexp"
	"strings"
	"time"

	"github.com/certif/certif/internal/apperr"
)

// Enregistrement is a certification's registration at the RNCP (répertoire national des
// certifications professionnelles), as the certificateur records it: it is printed on every
// document and on the public référentiel page. It belongs to the certification, not to a
// version of its référentiel (a new version does not change the registration).
type Enregistrement struct {
	CertificationID    int64
	RNCP               string    // "RNCP35467"
	Niveau             string    // "1" … "8" (cadre national des certifications)
	DateEnregistrement time.Time // date of the registration decision; zero when unknown
	FinValidite        time.Time // date of end of validity; zero when unknown
	Mentions           string    // the certificateur's mentions printed on documents (several lines)
	Version            int64     // the stored version read; an update gives it back
}

// MaxMentions bounds the mentions, in characters.
const MaxMentions = 1000

var rncpRe = regexp.MustCompile(`^RNCP[0-9]{4,6}$`)

// Complete reports whether the registration says what every document needs: the RNCP number
// and the level.
func (e *Enregistrement) Complete() bool { return e.RNCP != "" && e.Niveau != "" }

// Validate normalises the fields (« rncp 35467 » or « 35467 » becomes « RNCP35467 », « Niveau
// 5 » becomes « 5 ») and checks them: an RNCP number RNCP followed by 4 to 6 digits, a level
// from 1 to 8, an end of validity after the registration date, mentions of at most 1,000
// characters. It returns a *apperr.Validation listing every problem.
func (e *Enregistrement) Validate() error {
	v := apperr.NewValidation()
	r := strings.ToUpper(strings.Join(strings.Fields(e.RNCP), ""))
	if r != "" && !strings.HasPrefix(r, "RNCP") {
		r = "RNCP" + r
	}
	e.RNCP = r
	if !rncpRe.MatchString(r) {
		v.Add("rncp", "Le numéro RNCP s'écrit RNCP suivi de 4 à 6 chiffres (ex. : RNCP35467).")
	}
	n := strings.TrimSpace(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(e.Niveau)), "niveau"))
	e.Niveau = n
	if len(n) != 1 || n[0] < '1' || n[0] > '8' {
		v.Add("niveau", "Le niveau est un chiffre de 1 à 8.")
	}
	if !e.DateEnregistrement.IsZero() && !e.FinValidite.IsZero() && !e.FinValidite.After(e.DateEnregistrement) {
		v.Add("date_fin_validite", "La date de fin de validité doit suivre la date d'enregistrement.")
	}
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(e.Mentions, "\r\n", "\n"), "\n") {
		lines = append(lines, strings.TrimSpace(l))
	}
	e.Mentions = strings.TrimSpace(strings.Join(lines, "\n"))
	if len([]rune(e.Mentions)) > MaxMentions {
		v.Add("mentions", "Les mentions ne doivent pas dépasser 1 000 caractères.")
	}
	return v.Err()
}
