package candidat

import (
	"fmt"
	"slices"

	"github.com/certif/certif/internal/apperr"
)

// Auteur is who moves an inscription's status.
type Auteur string

// The authors of status changes.
const (
	// ParCentre is the training centre's référent or the certificateur's staff, from the
	// candidate's file.
	ParCentre Auteur = "centre"
	// ParJury is a jury's PV (its last signature, or the admin's amendment of a signed PV):
	// the only way to the result statuses.
	ParJury Auteur = "jury"
)

// transition is one allowed move of the status table.
type transition struct {
	from, to Statut
	by       Auteur
}

// transitions is the table of allowed moves. A status not listed as a "from" has no way
// out. The result statuses (Certifie, PartiellementCertifie, NonCertifie) are reached only by
// a jury; after a partial or failed result the centre may prepare a new dossier for the
// remaining blocs (R18: validated blocs stay acquired). Certifie is final for the centre;
// only the jury's PV moves it again: an amendment of a signed PV that changes the result.
//
// The PV, when its last member signs, moves a present candidate's inscription to
// « présenté au jury » (from « en formation » or « dossier en préparation »: nothing else
// does it on the way) and from there to its result; an absent or excused candidate's
// inscription that the centre had moved to « présenté au jury » goes back to « dossier en
// préparation ». A later session's result, or an amendment, moves between result statuses.
var transitions = []transition{
	{EnFormation, DossierEnPreparation, ParCentre},
	{EnFormation, Abandon, ParCentre},
	{DossierEnPreparation, EnFormation, ParCentre},
	{DossierEnPreparation, PresenteAuJury, ParCentre},
	{DossierEnPreparation, Abandon, ParCentre},
	{PresenteAuJury, DossierEnPreparation, ParCentre}, // passage postponed
	{PresenteAuJury, Abandon, ParCentre},
	{PresenteAuJury, Certifie, ParJury},
	{PresenteAuJury, PartiellementCertifie, ParJury},
	{PresenteAuJury, NonCertifie, ParJury},
	{EnFormation, PresenteAuJury, ParJury},
	{DossierEnPreparation, PresenteAuJury, ParJury},
	{PresenteAuJury, DossierEnPreparation, ParJury}, // absent or excused
	{Certifie, PartiellementCertifie, ParJury},      // an amendment
	{Certifie, NonCertifie, ParJury},
	{PartiellementCertifie, Certifie, ParJury}, // a later session, or an amendment
	{PartiellementCertifie, NonCertifie, ParJury},
	{NonCertifie, Certifie, ParJury},
	{NonCertifie, PartiellementCertifie, ParJury},
	{PartiellementCertifie, DossierEnPreparation, ParCentre},
	{NonCertifie, DossierEnPreparation, ParCentre},
	{Abandon, EnFormation, ParCentre}, // resumed
	{Abandon, DossierEnPreparation, ParCentre},
}

// allowed reports whether the table lets by move from → to for an inscription that is (vae)
// or is not on the VAE path; a VAE inscription is never "en formation" (R2).
func allowed(from, to Statut, by Auteur, vae bool) bool {
	if vae && to == EnFormation {
		return false
	}
	return slices.Contains(transitions, transition{from, to, by})
}

// Initial reports whether an inscription may start at status s: en formation (not VAE) or
// dossier en préparation; every other status is reached through the transition table.
func Initial(s Statut, vae bool) bool {
	return s == DossierEnPreparation || (s == EnFormation && !vae)
}

// Suivants lists, in display order, the statuses by may move an inscription from s to
// (vae: the inscription is on the VAE path). It is empty for a final status.
func (s Statut) Suivants(by Auteur, vae bool) []Statut {
	var out []Statut
	for _, to := range Statuts {
		if allowed(s, to, by, vae) {
			out = append(out, to)
		}
	}
	return out
}

// CheckTransition returns nil when by may move an inscription from → to (vae: on the VAE
// path), and otherwise a *apperr.Validation on "statut" with the French reason. Staying on
// the same status is not a transition: callers treat it as no change before asking.
func CheckTransition(from, to Statut, by Auteur, vae bool) error {
	v := apperr.NewValidation()
	switch {
	case to.Libelle() == "":
		v.Add("statut", "Statut inconnu.")
	case allowed(from, to, by, vae):
		return nil
	case by != ParJury && allowed(from, to, ParJury, vae):
		v.Add("statut", fmt.Sprintf("Le statut « %s » est fixé par la délibération du jury.", to.Libelle()))
	case vae && to == EnFormation:
		v.Add("statut", "Un candidat en VAE ne suit pas de formation : le statut « En formation » ne s'applique pas.")
	case to == Certifie || to == PartiellementCertifie || to == NonCertifie:
		v.Add("statut", fmt.Sprintf("Le statut « %s » est fixé par la délibération du jury.", to.Libelle()))
	default:
		v.Add("statut", fmt.Sprintf("Une inscription « %s » ne peut pas passer à « %s ».", from.Libelle(), to.Libelle()))
	}
	return v
}
