package account

import (
	"strings"

	"github.com/certif/certif/internal/apperr"
)

// Certificateur is the organisation that owns the certification, as its documents print it:
// its organisme record (Nom, SIRET; Certificateur is true), its postal address, the person
// who signs for it and a logo.
type Certificateur struct {
	Organisme
	Adresse           string // postal address, several lines (required for documents)
	SignataireNom     string // who signs the documents, e.g. "Claire Dubois" (required)
	SignataireQualite string // their title, e.g. "Directrice de la certification" (required)
	LogoFileID        int64  // the logo (a stored PNG or JPEG file); 0 for none
}

// Bounds of the certificateur's fields, in characters.
const (
	MaxAdresse    = 300
	MaxSignataire = 100
)

// Validate normalises and checks the certificateur's fields (Organisme.Validate, then the
// address and the signatory), returning a *apperr.Validation listing every problem.
func (c *Certificateur) Validate() error {
	v := apperr.NewValidation()
	if err := c.Organisme.Validate(); err != nil {
		for k, msg := range apperr.FieldErrors(err) {
			v.Add(k, msg)
		}
	}
	c.Adresse = normaliseLines(c.Adresse)
	c.SignataireNom = strings.Join(strings.Fields(c.SignataireNom), " ")
	c.SignataireQualite = strings.Join(strings.Fields(c.SignataireQualite), " ")
	switch {
	case c.Adresse == "":
		v.Add("adresse", "L'adresse est obligatoire : elle figure sur les documents.")
	case len([]rune(c.Adresse)) > MaxAdresse:
		v.Add("adresse", "L'adresse ne doit pas dépasser 300 caractères.")
	}
	switch {
	case c.SignataireNom == "":
		v.Add("signataire_nom", "Le nom du signataire est obligatoire.")
	case len([]rune(c.SignataireNom)) > MaxSignataire:
		v.Add("signataire_nom", "Le nom du signataire ne doit pas dépasser 100 caractères.")
	}
	switch {
	case c.SignataireQualite == "":
		v.Add("signataire_qualite", "La qualité du signataire est obligatoire (ex. : Directrice de la certification).")
	case len([]rune(c.SignataireQualite)) > MaxSignataire:
		v.Add("signataire_qualite", "La qualité du signataire ne doit pas dépasser 100 caractères.")
	}
	return v.Err()
}

// normaliseLines trims every line of s, collapses inner spaces and drops empty lines.
func normaliseLines(s string) string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
