package dossier

import "slices"

// kinds are the kinds a candidate (or their référent) uploads, in the dossier's order: the
// dossier professionnel, then the dossier technique's items, then the support de présentation.
var kinds = []Kind{
	KindCV, KindJustificatif, KindBrief, KindDossierTechnique, KindStrategie, KindCahierDesCharges,
	KindVideo, KindLettreEntreprise, KindAutorisationConfidentialite, KindSupportPresentation,
}

// Kinds returns the kinds of pieces the API accepts (PUT …/dossier/pieces/{kind}), in the
// dossier's order. The caller may modify the slice.
func Kinds() []Kind { return slices.Clone(kinds) }

// SystemKinds returns the kinds the system produces and freezes into a formation-continue
// candidate's dossier when it closes (never uploaded).
func SystemKinds() []Kind {
	return []Kind{KindLivret, KindAttestationFormation, KindFicheStage}
}

// Uploadable reports whether k is a kind a person uploads (one of Kinds).
func Uploadable(k Kind) bool { return slices.Contains(kinds, k) }

// Libelle is the French name of the kind, as pages and messages show it.
func (k Kind) Libelle() string {
	switch k {
	case KindCV:
		return "CV"
	case KindJustificatif:
		return "Justificatif"
	case KindBrief:
		return "Brief du client"
	case KindDossierTechnique:
		return "Dossier technique"
	case KindStrategie:
		return "Stratégie digitale"
	case KindCahierDesCharges:
		return "Cahier des spécifications"
	case KindVideo:
		return "Vidéo du projet"
	case KindLettreEntreprise:
		return "Courrier de l’entreprise"
	case KindAutorisationConfidentialite:
		return "Autorisation de confidentialité"
	case KindSupportPresentation:
		return "Support de présentation"
	case KindLivret:
		return "Livret d’évaluation"
	case KindAttestationFormation:
		return "Attestation de formation"
	case KindFicheStage:
		return "Fiche d’appréciation de stage"
	}
	return string(k)
}

// Libelle is the French name of the origin of a brief.
func (o Origine) Libelle() string {
	switch o {
	case OrigineEntreprise:
		return "Entreprise"
	case OrigineStage:
		return "Entreprise du stage"
	case OrigineResponsablePedagogique:
		return "Responsable pédagogique"
	case OriginePersonnel:
		return "Projet personnel"
	}
	return string(o)
}

// Origines lists the origins of a brief, in display order.
func Origines() []Origine {
	return []Origine{OrigineEntreprise, OrigineStage, OrigineResponsablePedagogique, OriginePersonnel}
}

// Valid reports whether o is one of Origines.
func (o Origine) Valid() bool { return slices.Contains(Origines(), o) }
