package candidat_test

import (
	"slices"
	"testing"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
)

func TestCheckTransition(t *testing.T) {
	const (
		c = candidat.ParCentre
		j = candidat.ParJury
	)
	for _, tc := range []struct {
		from, to candidat.Statut
		by       candidat.Auteur
		vae      bool
		ok       bool
	}{
		{candidat.EnFormation, candidat.DossierEnPreparation, c, false, true},
		{candidat.EnFormation, candidat.Abandon, c, false, true},
		{candidat.EnFormation, candidat.Certifie, c, false, false}, // the defect: a référent certified
		{candidat.EnFormation, candidat.Certifie, j, false, false}, // not even a jury without a passage
		{candidat.EnFormation, candidat.PresenteAuJury, c, false, false},
		{candidat.DossierEnPreparation, candidat.PresenteAuJury, c, false, true},
		{candidat.DossierEnPreparation, candidat.EnFormation, c, false, true},
		{candidat.DossierEnPreparation, candidat.EnFormation, c, true, false}, // VAE: no training
		{candidat.PresenteAuJury, candidat.Certifie, c, false, false},
		{candidat.PresenteAuJury, candidat.PartiellementCertifie, c, false, false},
		{candidat.PresenteAuJury, candidat.NonCertifie, c, false, false},
		{candidat.PresenteAuJury, candidat.Certifie, j, false, true},
		{candidat.PresenteAuJury, candidat.NonCertifie, j, true, true},
		{candidat.PresenteAuJury, candidat.DossierEnPreparation, c, false, true},
		{candidat.Certifie, candidat.EnFormation, c, false, false},
		{candidat.Certifie, candidat.Abandon, c, false, false},
		{candidat.PartiellementCertifie, candidat.DossierEnPreparation, c, false, true},
		{candidat.NonCertifie, candidat.Certifie, c, false, false},
		{candidat.Abandon, candidat.EnFormation, c, false, true},
		{candidat.Abandon, candidat.EnFormation, c, true, false},
		{candidat.Abandon, candidat.Certifie, c, false, false},
		{candidat.EnFormation, "inconnu", c, false, false},
		// The PV's moves (issue 9): to « présenté au jury » on the way to the result, back for an
		// absent candidate, and between results for an amendment or a later session.
		{candidat.DossierEnPreparation, candidat.PresenteAuJury, j, false, true},
		{candidat.EnFormation, candidat.PresenteAuJury, j, false, true},
		{candidat.PresenteAuJury, candidat.DossierEnPreparation, j, true, true},
		{candidat.NonCertifie, candidat.Certifie, j, false, true},
		{candidat.Certifie, candidat.PartiellementCertifie, j, false, true},
		{candidat.PartiellementCertifie, candidat.Certifie, j, true, true},
		{candidat.Certifie, candidat.PartiellementCertifie, c, false, false},
		{candidat.Certifie, candidat.DossierEnPreparation, j, false, false},
		{candidat.Abandon, candidat.PresenteAuJury, j, false, false},
	} {
		err := candidat.CheckTransition(tc.from, tc.to, tc.by, tc.vae)
		if (err == nil) != tc.ok {
			t.Errorf("%s → %s by %s (vae %v): %v, want ok=%v", tc.from, tc.to, tc.by, tc.vae, err, tc.ok)
		}
		if err != nil && apperr.FieldErrors(err)["statut"] == "" {
			t.Errorf("%s → %s: %v, want a message on statut", tc.from, tc.to, err)
		}
	}
}

func TestInitial(t *testing.T) {
	for _, tc := range []struct {
		s       candidat.Statut
		vae, ok bool
	}{
		{candidat.EnFormation, false, true},
		{candidat.EnFormation, true, false},
		{candidat.DossierEnPreparation, true, true},
		{candidat.Certifie, false, false},
		{candidat.PresenteAuJury, false, false},
		{candidat.Abandon, true, false},
	} {
		if got := candidat.Initial(tc.s, tc.vae); got != tc.ok {
			t.Errorf("Initial(%s, vae %v) = %v", tc.s, tc.vae, got)
		}
	}
}

func TestSuivantsNeverOffersJuryStatusesToTheCentre(t *testing.T) {
	for _, from := range candidat.Statuts {
		for _, vae := range []bool{false, true} {
			for _, to := range from.Suivants(candidat.ParCentre, vae) {
				if to == candidat.Certifie || to == candidat.PartiellementCertifie || to == candidat.NonCertifie {
					t.Errorf("%s offers %s to the centre", from, to)
				}
				if err := candidat.CheckTransition(from, to, candidat.ParCentre, vae); err != nil {
					t.Errorf("%s offers %s but CheckTransition refuses: %v", from, to, err)
				}
			}
		}
	}
	if got := candidat.Certifie.Suivants(candidat.ParCentre, false); len(got) != 0 {
		t.Errorf("Certifié is final, offers %v", got)
	}
	if got := candidat.EnFormation.Suivants(candidat.ParCentre, false); !slices.Equal(got, []candidat.Statut{candidat.DossierEnPreparation, candidat.Abandon}) {
		t.Errorf("from en formation: %v", got)
	}
}
