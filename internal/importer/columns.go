package importer

import (
	"fmt"
	"strings"
)

// The field keys of an import file. Most are the keys candidat.Candidat.Validate uses, so
// its problems map back to a column; prenom1…prenom3 are the one-prénom columns that
// together make "prenoms".
const (
	kNomNaissance    = "nom_naissance"
	kNomUsage        = "nom_usage"
	kPrenoms         = "prenoms"
	kPrenom1         = "prenom1"
	kPrenom2         = "prenom2"
	kPrenom3         = "prenom3"
	kSexe            = "sexe"
	kDateNaissance   = "date_naissance"
	kCodeCommune     = "commune_naissance_code"
	kCommune         = "commune_naissance"
	kPaysNaissance   = "pays_naissance"
	kEmail           = "email"
	kTelephone       = "telephone"
	kAdresse         = "adresse"
	kAdresse2        = "adresse2"
	kCodePostal      = "code_postal"
	kVille           = "ville"
	kPays            = "pays"
	kVoie            = "voie"
	kTypeVAE         = "type_vae"
	kPromotion       = "promotion"
	kDateInscription = "date_inscription"
	kBlocs           = "blocs"
)

// fieldDef is one field of the import file: its key, the headers accepted for it (the first
// is its French name, used by Template and in messages) and whether it is required.
type fieldDef struct {
	key      string
	headers  []string
	required bool
}

// fieldDefs lists the fields in Template order. A function, not a package variable, so
// the package keeps no mutable global state.
func fieldDefs() []fieldDef {
	return []fieldDef{
		{kNomNaissance, []string{"Nom de naissance", "Nom", "Nom de famille"}, true},
		{kNomUsage, []string{"Nom d'usage", "Nom marital"}, false},
		{kPrenoms, []string{"Prénoms"}, true},
		{kPrenom1, []string{"Prénom", "Prénom 1", "Premier prénom", "1er prénom"}, false},
		{kPrenom2, []string{"Prénom 2", "Deuxième prénom", "Second prénom", "2e prénom"}, false},
		{kPrenom3, []string{"Prénom 3", "Troisième prénom", "3e prénom"}, false},
		{kSexe, []string{"Sexe", "Civilité", "Genre"}, true},
		{kDateNaissance, []string{"Date de naissance", "Date naissance", "Né le", "Née le"}, true},
		{kCodeCommune, []string{"Code commune de naissance", "Code INSEE de naissance", "Code INSEE",
			"Code postal de naissance", "Code INSEE commune de naissance"}, false},
		{kCommune, []string{"Commune de naissance", "Lieu de naissance", "Ville de naissance"}, true},
		{kPaysNaissance, []string{"Pays de naissance"}, false},
		{kEmail, []string{"E-mail", "Email", "Courriel", "Adresse e-mail", "Adresse mail", "Mail"}, true},
		{kTelephone, []string{"Téléphone", "Tél", "Portable", "Téléphone portable", "Mobile"}, false},
		{kAdresse, []string{"Adresse", "Adresse postale"}, false},
		{kAdresse2, []string{"Complément d'adresse", "Adresse 2"}, false},
		{kCodePostal, []string{"Code postal", "CP"}, false},
		{kVille, []string{"Ville"}, false},
		{kPays, []string{"Pays"}, false},
		{kVoie, []string{"Voie d'accès", "Voie"}, true},
		{kTypeVAE, []string{"Type de VAE", "Type VAE"}, false},
		{kPromotion, []string{"Promotion", "Groupe", "Session", "Promo"}, false},
		{kDateInscription, []string{"Date d'inscription"}, false},
		{kBlocs, []string{"Blocs visés", "Blocs", "Blocs de compétences visés", "Blocs de compétences"}, false},
	}
}

// frenchName returns the French name of field key (its first accepted header).
func frenchName(key string) string {
	for _, f := range fieldDefs() {
		if f.key == key {
			return f.headers[0]
		}
	}
	return key
}

// normHeader reduces a header to the letters and digits that identify it: lower case,
// without accents, spaces, punctuation, nor a parenthesised hint such as "(JJ/MM/AAAA)".
func normHeader(h string) string {
	if i := strings.IndexByte(h, '('); i > 0 {
		if j := strings.IndexByte(h[i:], ')'); j > 0 && strings.TrimSpace(h[:i]) != "" {
			h = h[:i] + h[i+j+1:]
		}
	}
	return squash(h)
}

// columns maps the fields to the columns of one file.
type columns struct {
	headers []string       // as written in the file, trimmed
	index   map[string]int // field key → column index
	ignored []string       // non-empty headers no field claims
}

// mapHeader recognises the header row. Problems (a field given twice, required fields
// missing) come back as messages for line 1.
func mapHeader(cells []string) (columns, []string) {
	lookup := map[string]string{}
	for _, f := range fieldDefs() {
		lookup[normHeader(f.key)] = f.key
		for _, h := range f.headers {
			lookup[normHeader(h)] = f.key
		}
	}
	c := columns{headers: make([]string, len(cells)), index: map[string]int{}}
	var problems []string
	for i, raw := range cells {
		h := strings.TrimSpace(strings.TrimPrefix(raw, "\uFEFF"))
		c.headers[i] = h
		if h == "" {
			continue
		}
		key, ok := lookup[normHeader(h)]
		if !ok {
			c.ignored = append(c.ignored, h)
			continue
		}
		if j, dup := c.index[key]; dup {
			problems = append(problems, fmt.Sprintf("Les colonnes « %s » et « %s » désignent toutes deux « %s » : gardez-en une seule",
				short(c.headers[j]), short(h), frenchName(key)))
			continue
		}
		c.index[key] = i
	}
	var missing []string
	for _, f := range fieldDefs() {
		if !f.required {
			continue
		}
		if _, ok := c.index[f.key]; ok {
			continue
		}
		if f.key == kPrenoms && c.has(kPrenom1, kPrenom2, kPrenom3) {
			continue
		}
		missing = append(missing, "« "+f.headers[0]+" »")
	}
	switch len(missing) {
	case 0:
	case 1:
		problems = append(problems, "Colonne obligatoire absente : "+missing[0]+" (la première ligne doit contenir les en-têtes des colonnes)")
	default:
		problems = append(problems, "Colonnes obligatoires absentes : "+strings.Join(missing, ", ")+" (la première ligne doit contenir les en-têtes des colonnes)")
	}
	return c, problems
}

// has reports whether any of the fields has a column.
func (c *columns) has(keys ...string) bool {
	for _, k := range keys {
		if _, ok := c.index[k]; ok {
			return true
		}
	}
	return false
}

// cell returns the trimmed cell of field key in row, "" when the column is absent or the
// row shorter.
func (c *columns) cell(row []string, key string) string {
	i, ok := c.index[key]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

// locate returns where a problem of field key is reported: the column's header as written
// and its index, or — when the file has no such column — the closest column and a hint
// naming the column to add ("" and -1 when none applies).
func (c *columns) locate(key string) (header string, index int, hint string) {
	candidates := []string{key}
	switch key {
	case kPrenoms:
		candidates = []string{kPrenoms, kPrenom1, kPrenom2, kPrenom3}
	case kCodeCommune:
		candidates = []string{kCodeCommune, kCommune, kPaysNaissance}
		hint = " Ajoutez une colonne « Code commune de naissance » (ou « Pays de naissance » pour une naissance à l'étranger)."
	case kTypeVAE:
		candidates = []string{kTypeVAE, kVoie}
		hint = " Ajoutez une colonne « Type de VAE »."
	default:
		hint = " Ajoutez une colonne « " + frenchName(key) + " »."
	}
	for n, k := range candidates {
		if i, ok := c.index[k]; ok {
			if n == 0 || key == kPrenoms {
				hint = ""
			}
			return c.headers[i], i, hint
		}
	}
	return "", -1, hint
}
