package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// PromotionDossiers joins each inscription of the promotion (with its candidate) to its
// livret data, in PromotionLivrets' order and scope.
func TestPromotionDossiers(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s) // w.fc: MARTIN Élodie; w.vae is left out
		base := lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID, voie: candidat.ContratPro, promotion: "CM-2026-A"}
		add := func(nom, prenom string, change func(*lvIns)) int64 {
			in := base
			in.nom, in.prenom = nom, prenom
			if change != nil {
				change(&in)
			}
			return lvFixtureInscription(t, s, in)
		}
		abel := add("Abel", "Zoé", nil)
		add("Aaron", "Quitte", func(in *lvIns) { in.statut = candidat.Abandon })
		add("Aaron", "Autre", func(in *lvIns) { in.promotion = "CM-2026-B" })
		add("Aaron", "Ailleurs", func(in *lvIns) { in.centre = w.centreB.ID })
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		if err := s.AddEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, abel, "C1.1", day), nil); err != nil {
			t.Fatal(err)
		}

		for _, actor := range []account.Actor{w.actor(w.admin), w.actor(w.refA), w.a(w.formA)} {
			data, err := s.PromotionDossiers(ctx, actor, w.centreA.ID, "CM-2026-A")
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, d := range data {
				ids = append(ids, d.ID)
				if d.ID != d.Livret.InscriptionID || d.CandidatID != d.Livret.CandidatID || d.Candidat.ID != d.CandidatID ||
					d.CentreID != w.centreA.ID || d.Promotion != "CM-2026-A" || d.Certification == "" || d.Version == 0 {
					t.Errorf("dossier %d = %+v", d.ID, d.InscriptionRow)
				}
			}
			if want := []int64{abel, w.fc}; !slices.Equal(ids, want) {
				t.Fatalf("inscriptions = %v, want %v (ABEL, MARTIN; VAE, abandoned, other promotion and centre left out)", ids, want)
			}
			if a := data[0]; a.Candidat.NomNaissance != "Abel" || a.Candidat.Prenoms[0] != "Zoé" || len(a.Livret.Evaluations) != 1 {
				t.Errorf("abel = %+v", a)
			}
		}
		if data, err := s.PromotionDossiers(ctx, w.a(w.formA), w.centreA.ID, "inconnue"); err != nil || data == nil || len(data) != 0 {
			t.Errorf("empty promotion = %v, %v", data, err)
		}
		for _, u := range []*account.User{w.refB, w.formB, w.candUser, w.jury} {
			if _, err := s.PromotionDossiers(ctx, w.a(u), w.centreA.ID, "CM-2026-A"); !errors.Is(err, apperr.NotFound) {
				t.Errorf("PromotionDossiers by %s = %v", u.Email, err)
			}
		}
	})
}
