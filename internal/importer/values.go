package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/referentiel"
)

// squash keeps the letters and digits of s, lower-cased and without accents, so that
// "Contrat pro", "contrat_pro" and "CONTRAT-PRO" compare equal.
func squash(s string) string {
	var b strings.Builder
	for _, r := range candidat.Fold(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// parseSexe reads F/M, Femme/Homme and the civilités (Mme, Madame, Mlle, M., Monsieur).
func parseSexe(s string) (candidat.Sexe, bool) {
	switch squash(s) {
	case "f", "femme", "feminin", "mme", "madame", "mlle", "mademoiselle":
		return candidat.Femme, true
	case "m", "h", "homme", "masculin", "monsieur", "mr":
		return candidat.Homme, true
	}
	return "", false
}

// parseVoie reads an access path: its French names, the usual short forms and the codes.
// "VAE classique" and "congé VAE" also give the type de VAE.
func parseVoie(s string) (candidat.Voie, candidat.TypeVAE, bool) {
	switch squash(s) {
	case "formationcontinue", "horscontrat", "formationcontinuehorscontrat", "fc":
		return candidat.FormationContinue, "", true
	case "contratdeprofessionnalisation", "contratpro", "contratprofessionnalisation", "professionnalisation",
		"formationcontinueencontratdeprofessionnalisation":
		return candidat.ContratPro, "", true
	case "apprentissage", "apprenti", "contratdapprentissage":
		return candidat.Apprentissage, "", true
	case "vae", "validationdesacquisdelexperience":
		return candidat.VAE, "", true
	case "vaeclassique":
		return candidat.VAE, candidat.VAEClassique, true
	case "congevae", "vaecongevae", "vaeencongevae", "congepourvae":
		return candidat.VAE, candidat.CongeVAE, true
	}
	return "", "", false
}

// parseTypeVAE reads "congé VAE" or "classique" (and the codes).
func parseTypeVAE(s string) (candidat.TypeVAE, bool) {
	switch squash(s) {
	case "congevae", "conge", "congepourvae", "vaeencongevae":
		return candidat.CongeVAE, true
	case "classique", "vaeclassique":
		return candidat.VAEClassique, true
	}
	return "", false
}

var (
	blocNumRe = regexp.MustCompile(`^(?:rncp[0-9]+)?(?:bloc|bc|b)?0*([0-9]{1,3})$`)
	blocEtRe  = regexp.MustCompile(`(?i)\s+et\s+`)
)

// parseBlocs reads "BC01, BC03" (also "bloc 1", "1", "RNCP37805BC01"; separated by
// ',', ';', '/', '+' or "et"); empty or "tous" means every bloc. It returns the codes in
// the référentiel's order without duplicates, and the items that name no bloc.
func parseBlocs(s string, ref *referentiel.Referentiel) (codes, unknown []string) {
	all := func() []string {
		out := make([]string, len(ref.Blocs))
		for i, b := range ref.Blocs {
			out[i] = b.Code
		}
		return out
	}
	switch squash(s) {
	case "", "tous", "tout", "touslesblocs", "all", "complet", "titrecomplet", "totalite":
		return all(), nil
	}
	items := strings.FieldsFunc(blocEtRe.ReplaceAllString(s, ","), func(r rune) bool {
		return r == ',' || r == ';' || r == '/' || r == '+' || r == '&' || r == '\n'
	})
	want := map[string]bool{}
	for _, item := range items {
		k := squash(item)
		if k == "" {
			continue
		}
		found := ""
		for _, b := range ref.Blocs {
			if squash(b.Code) == k {
				found = b.Code
				break
			}
		}
		if found == "" {
			if m := blocNumRe.FindStringSubmatch(k); m != nil {
				n, _ := strconv.Atoi(m[1])
				for _, b := range ref.Blocs {
					if b.Numero == n {
						found = b.Code
						break
					}
				}
			}
		}
		if found == "" {
			unknown = append(unknown, strings.TrimSpace(item))
			continue
		}
		want[found] = true
	}
	for _, b := range ref.Blocs {
		if want[b.Code] {
			codes = append(codes, b.Code)
		}
	}
	if len(codes) == 0 && len(unknown) == 0 {
		return all(), nil
	}
	return codes, unknown
}

var (
	serialRe  = regexp.MustCompile(`^[0-9]{1,7}(?:[.,][0-9]+)?$`)
	shortYear = regexp.MustCompile(`^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2})$`)
)

// parseDate reads a date cell: an Excel serial number (a date cell of an XLSX, or a CSV
// saved from an unformatted column), what candidat.ParseDate reads, the same followed by a
// time ("1990-12-31 00:00:00"), or JJ/MM/AA. A two-digit year is the latest one not after
// now for a birth date, 20AA otherwise. The message is "" when s is a date.
func parseDate(s string, date1904 bool, now time.Time, birth bool) (time.Time, string) {
	if serialRe.MatchString(s) {
		v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if err == nil && v >= 1 && v < 2958466 { // 2958465 is 31/12/9999
			if t, err := excelize.ExcelDateToTime(v, date1904); err == nil {
				return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), ""
			}
		}
	}
	if t, err := candidat.ParseDate(s); err == nil {
		return t, ""
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		if t, err := candidat.ParseDate(s[:i]); err == nil {
			return t, ""
		}
	}
	if m := shortYear.FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		y += 2000
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if birth && t.After(now) {
			y -= 100
			t = time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		}
		if t.Day() == d && int(t.Month()) == mo { // 31/02 would roll over to March
			return t, ""
		}
	}
	if dateShape.MatchString(s) {
		return time.Time{}, fmt.Sprintf("Date « %s » inexistante : vérifiez le jour et le mois (JJ/MM/AAAA).", short(s))
	}
	return time.Time{}, fmt.Sprintf("Date « %s » illisible : attendu JJ/MM/AAAA (par exemple 31/12/1990).", short(s))
}

// dateShape matches what looks like a date, to tell an impossible one (31/02) from garbage.
var dateShape = regexp.MustCompile(`^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$|^\d{4}-\d{2}-\d{2}$`)

// france reports whether a country cell means France (empty included).
func france(pays string) bool {
	f := candidat.Fold(pays)
	return f == "" || f == "france"
}

// leadingZero restores the leading zero Excel drops from a code of n digits typed as a
// number (01053 → 1053).
func leadingZero(s string, n int) string {
	if len(s) == n-1 && digits(s) {
		return "0" + s
	}
	return s
}

// frenchPhone restores the leading zero of a French number typed as a number in Excel
// (612345678 → 0612345678).
func frenchPhone(s string) string {
	if len(s) == 9 && digits(s) && s[0] != '0' {
		return "0" + s
	}
	return s
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
