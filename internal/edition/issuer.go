package edition

import (
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/document"
	"github.com/certif/certif/internal/referentiel"
)

// Issuer is what every document says of who issues it: the certificateur (name, SIRET,
// address, signatory, logo) and the certification's registration at the RNCP.
type Issuer struct {
	Certificateur  *account.Certificateur      // nil when none was named yet
	Logo           []byte                      // the logo's bytes (PNG or JPEG); nil for none
	Enregistrement *referentiel.Enregistrement // nil when unknown
}

// Missing lists, in French, what must be set up before a document can be issued: the
// certificateur with its signatory, the RNCP number and level. Empty when nothing is missing.
func (is Issuer) Missing() []string {
	var out []string
	c := is.Certificateur
	switch {
	case c == nil:
		out = append(out, "le certificateur (nom, SIRET, adresse, signataire)")
	case c.Adresse == "" || c.SignataireNom == "":
		out = append(out, "l'adresse et le signataire du certificateur")
	}
	if is.Enregistrement == nil || !is.Enregistrement.Complete() {
		out = append(out, "le numéro RNCP et le niveau de la certification")
	}
	return out
}

// Apply writes the issuer into h: the certificateur's name, SIRET, address, signatory and
// logo, and the registration (RNCP number, level, dates, mentions) over the référentiel
// file's. Fields unknown to is are left as they are.
func (is Issuer) Apply(h *document.Header) {
	if c := is.Certificateur; c != nil {
		h.Certificateur, h.CertificateurSIRET = c.Nom, c.SIRET
		h.CertificateurAdresse = c.Adresse
		h.CertificateurSignataire, h.CertificateurQualite = c.SignataireNom, c.SignataireQualite
		h.Logo = is.Logo
	}
	if e := is.Enregistrement; e != nil {
		if e.RNCP != "" {
			h.RNCP = e.RNCP
		}
		if e.Niveau != "" {
			h.Niveau = e.Niveau
		}
		h.DateEnregistrement, h.FinValidite, h.Mentions = e.DateEnregistrement, e.FinValidite, e.Mentions
	}
}
