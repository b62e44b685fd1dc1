package document

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func fiche() FicheStage {
	return FicheStage{Header: header(), Candidat: lea(), Entreprise: "Agence Lumière", EntrepriseSIRET: "51234567800019",
		Tuteur: "Isabelle Caron", Debut: time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC), Fin: time.Date(2027, 1, 3, 0, 0, 0, 0, time.UTC),
		Appreciations: []AppreciationLine{{Code: "C2.1", Intitule: "Créer et configurer un compte", Niveau: "Très satisfaisant", Commentaire: "Comptes sécurisés."}},
		Commentaire:   "Stagiaire autonome.", Signataire: "Isabelle Caron", Fonction: "Directrice de la communication",
		RemplieLe: time.Date(2027, 1, 4, 10, 0, 0, 0, time.UTC)}
}

// The fiche d'appréciation de stage states the company, the period, the tutor's appreciation
// of each compétence and who signed it; a stamp that is not an image is said to be attached.
func TestRenderFicheStage(t *testing.T) {
	pdf := renderBytes(t, func(b *bytes.Buffer) error { return RenderFicheStage(b, fiche()) })
	text := flat(pdfText(t, pdf))
	mustContain(t, text, "Fiche d’appréciation de stage pratique", "Madame Léa Moreau", "Agence Lumière (SIRET 512 345 678 00019)",
		"du 3 octobre 2026 au 3 janvier 2027", "sous la tutelle d’Isabelle Caron", "C2.1 — Créer et configurer un compte",
		"Très satisfaisant", "Stagiaire autonome.", "Remplie le 4 janvier 2027", "Directrice de la communication, Agence Lumière",
		"Cachet de l’entreprise joint à la fiche")
	bad := fiche()
	bad.Entreprise, bad.Signataire = "", " "
	if err := RenderFicheStage(&bytes.Buffer{}, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("a fiche without company nor signatory: %v", err)
	}
}
