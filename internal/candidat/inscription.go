package candidat

import (
	"fmt"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

// Voie is the access path to the certification.
type Voie string

// The access paths.
const (
	FormationContinue Voie = "formation_continue" // hors contrat
	ContratPro        Voie = "contrat_pro"        // formation continue en contrat de professionnalisation
	Apprentissage     Voie = "apprentissage"
	VAE               Voie = "vae"
)

// Voies lists the access paths in display order.
var Voies = []Voie{FormationContinue, ContratPro, Apprentissage, VAE}

// Libelle is the French name of the access path.
func (v Voie) Libelle() string {
	switch v {
	case FormationContinue:
		return "Formation continue (hors contrat)"
	case ContratPro:
		return "Formation continue en contrat de professionnalisation"
	case Apprentissage:
		return "Apprentissage"
	case VAE:
		return "VAE"
	}
	return string(v)
}

// TypeVAE is the kind of VAE.
type TypeVAE string

// The kinds of VAE.
const (
	CongeVAE     TypeVAE = "conge_vae"
	VAEClassique TypeVAE = "classique"
)

// Libelle is the French name of the kind of VAE.
func (t TypeVAE) Libelle() string {
	switch t {
	case CongeVAE:
		return "congé VAE"
	case VAEClassique:
		return "VAE classique"
	}
	return string(t)
}

// Statut is where an inscription stands.
type Statut string

// The statuses of an inscription.
const (
	EnFormation           Statut = "en_formation"
	DossierEnPreparation  Statut = "dossier_en_preparation"
	PresenteAuJury        Statut = "presente_au_jury"
	Certifie              Statut = "certifie"
	PartiellementCertifie Statut = "partiellement_certifie"
	NonCertifie           Statut = "non_certifie"
	Abandon               Statut = "abandon"
)

// Statuts lists the statuses in display order.
var Statuts = []Statut{EnFormation, DossierEnPreparation, PresenteAuJury, Certifie, PartiellementCertifie, NonCertifie, Abandon}

// Libelle is the French name of the status.
func (s Statut) Libelle() string {
	return map[Statut]string{
		EnFormation: "En formation", DossierEnPreparation: "Dossier en préparation", PresenteAuJury: "Présenté au jury",
		Certifie: "Certifié", PartiellementCertifie: "Partiellement certifié", NonCertifie: "Non certifié", Abandon: "Abandon",
	}[s]
}

// Inscription ties a candidate to one version of a certification.
type Inscription struct {
	ID              int64
	CandidatID      int64
	CertificationID int64
	VersionID       int64 // the référentiel version the inscription started with; it stays on it
	CentreID        int64
	Voie            Voie
	TypeVAE         TypeVAE // only for VAE
	Promotion       string  // the cohort, e.g. "CM-2027-A"
	Date            time.Time
	BlocsVises      []string // bloc codes; all the blocs for a full certification
	Statut          Statut
	CreatedAt       time.Time
}

// InTraining reports whether the évaluation en cours de formation applies to the inscription,
// as its référentiel ref declares for its voie d'accès (referentiel.EvaluationEnFormation; a
// nil ref applies the seed's rule: every path but the VAE). When it does not (the VAE), the
// inscription has no livret, attestation de formation, fiche de stage or relevé des
// évaluations (R2). It is the one place that rule is decided.
func (i *Inscription) InTraining(ref *referentiel.Referentiel) bool {
	return ref.EvaluationEnFormation(string(i.Voie))
}

// ErrVAE is wrapped by refusals of in-training features to an inscription without in-training
// evaluation (see InTraining).
var ErrVAE = fmt.Errorf("l'évaluation en cours de formation ne s'applique pas aux candidats en VAE (pas de livret, d'attestation de formation, de fiche de stage ni de relevé des évaluations): %w", apperr.Invalid)

// MsgCentreSansFormation refuses an inscription with in-training evaluation at a centre that
// is not habilitated to train.
const MsgCentreSansFormation = "Ce centre n'est pas habilité à la formation : seule une inscription en VAE est possible."

// ValidateCentre checks that the inscription's centre may take it: a centre not habilitated to
// train (formation false) only takes inscriptions without in-training evaluation (InTraining).
// It returns a *apperr.Validation on field "centre", or nil. The form, the API and the import
// (which reports it on the voie's column, see ImportField) all call it.
func (i *Inscription) ValidateCentre(ref *referentiel.Referentiel, formation bool) error {
	if formation || !i.InTraining(ref) {
		return nil
	}
	v := apperr.NewValidation()
	v.Add("centre", MsgCentreSansFormation)
	return v
}

// Partielle reports whether the inscription aims at only some of the référentiel's blocs.
func (i *Inscription) Partielle(ref *referentiel.Referentiel) bool {
	return len(i.BlocsVises) < len(ref.Blocs)
}

// Vise reports whether bloc code is aimed at.
func (i *Inscription) Vise(code string) bool {
	for _, b := range i.BlocsVises {
		if b == code {
			return true
		}
	}
	return false
}

// Validate checks the inscription against its référentiel; an empty BlocsVises means all the
// blocs. It returns a *apperr.Validation listing every problem.
func (i *Inscription) Validate(ref *referentiel.Referentiel) error {
	v := apperr.NewValidation()
	valid := false
	for _, x := range Voies {
		valid = valid || x == i.Voie
	}
	if !valid {
		v.Add("voie", "La voie d'accès est obligatoire : formation continue, contrat de professionnalisation, apprentissage ou VAE.")
	} else if _, ok := ref.Voie(string(i.Voie)); !ok {
		v.Add("voie", "Cette voie d'accès n'est pas ouverte pour cette certification.")
	}
	if i.Voie == VAE {
		if i.TypeVAE != CongeVAE && i.TypeVAE != VAEClassique {
			v.Add("type_vae", "Précisez le type de VAE : congé VAE ou VAE classique.")
		}
	} else {
		i.TypeVAE = ""
	}
	if i.CentreID == 0 {
		v.Add("centre", "Choisissez le centre.")
	}
	i.Promotion = collapse(i.Promotion)
	if len([]rune(i.Promotion)) > 60 {
		v.Add("promotion", "La promotion ne doit pas dépasser 60 caractères.")
	}
	if i.Date.IsZero() {
		v.Add("date", "La date d'inscription est obligatoire.")
	}
	if i.Statut == "" {
		i.Statut = EnFormation
		if !i.InTraining(ref) {
			i.Statut = DossierEnPreparation
		}
	}
	if i.Statut.Libelle() == "" {
		v.Add("statut", "Statut inconnu.")
	} else if !Initial(i.Statut, i.Voie == VAE) {
		v.Add("statut", fmt.Sprintf("Une inscription ne commence pas au statut « %s ».", i.Statut.Libelle()))
	}
	i.BlocsVises = referentiel.UniqueCodes(i.BlocsVises)
	if len(i.BlocsVises) > len(ref.Blocs) {
		v.Add("blocs", fmt.Sprintf("%d blocs au plus.", len(ref.Blocs)))
		i.BlocsVises = nil
		return v.Err()
	}
	if len(i.BlocsVises) == 0 {
		for _, b := range ref.Blocs {
			i.BlocsVises = append(i.BlocsVises, b.Code)
		}
	}
	seen := map[string]bool{}
	var ordered []string
	for _, b := range ref.Blocs { // keep the référentiel's order, drop duplicates
		for _, code := range i.BlocsVises {
			if code == b.Code && !seen[code] {
				seen[code] = true
				ordered = append(ordered, code)
			}
		}
	}
	for _, code := range i.BlocsVises {
		if _, ok := ref.Bloc(code); !ok {
			v.Add("blocs", fmt.Sprintf("Bloc inconnu : %s.", code))
		}
	}
	i.BlocsVises = ordered
	return v.Err()
}
