package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func TestModulesAndSeances(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)

		// Modules: a référent creates in their own centre whatever the centre given.
		veille := &candidat.Module{CentreID: w.centreB.ID, Intitule: "  Veille   et benchmark ", Heures: 21, Competences: []string{"C1.1", "C1.2"}}
		if err := s.CreateModule(ctx, w.actor(w.refA), w.certID, veille); err != nil {
			t.Fatal(err)
		}
		if veille.ID == 0 || veille.CentreID != w.centreA.ID || !veille.Active || veille.Intitule != "Veille et benchmark" {
			t.Errorf("created = %+v", veille)
		}
		blog := &candidat.Module{CentreID: w.centreA.ID, Intitule: "Blog", Heures: 35, Competences: []string{"C2.1"}}
		if err := s.CreateModule(ctx, w.actor(w.admin), w.certID, blog); err != nil {
			t.Fatal(err)
		}
		if f := apperr.FieldErrors(s.CreateModule(ctx, w.actor(w.refA), w.certID, &candidat.Module{Intitule: "", Heures: -1, Competences: []string{"C7.7"}})); f["intitule"] == "" || f["heures"] == "" || f["competences"] == "" {
			t.Errorf("invalid module = %v", f)
		}
		if f := apperr.FieldErrors(s.CreateModule(ctx, w.actor(w.admin), w.certID, &candidat.Module{CentreID: w.certif.ID, Intitule: "X", Heures: 1, Competences: []string{"C1.1"}})); f["centre"] == "" {
			t.Errorf("module of the certificateur = %v", f)
		}
		if err := s.CreateModule(ctx, w.a(w.formA), w.certID, &candidat.Module{Intitule: "X", Heures: 1, Competences: []string{"C1.1"}}); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("create by a formateur = %v", err)
		}
		if err := s.CreateModule(ctx, w.actor(w.refA), 4242, &candidat.Module{Intitule: "X", Heures: 1, Competences: []string{"C1.1"}}); !errors.Is(err, apperr.NotFound) {
			t.Errorf("create for an unknown certification = %v", err)
		}
		mods, err := s.Modules(ctx, w.a(w.formA), w.centreA.ID)
		if err != nil || len(mods) != 2 || mods[0].ID != blog.ID || mods[1].Competences[1] != "C1.2" || mods[1].Heures != 21 {
			t.Errorf("modules = %+v, %v", mods, err)
		}
		for _, u := range []*account.User{w.formB, w.candUser, w.jury} {
			if _, err := s.Modules(ctx, w.a(u), w.centreA.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("Modules by %s = %v", u.Email, err)
			}
		}
		upd := *blog
		upd.Intitule, upd.Heures, upd.Active, upd.CentreID = "Création de blog", 28, false, w.centreB.ID
		if err := s.UpdateModule(ctx, w.actor(w.refA), &upd); err != nil {
			t.Fatal(err)
		}
		if upd.CentreID != w.centreA.ID {
			t.Errorf("module moved to centre %d", upd.CentreID)
		}
		if err := s.UpdateModule(ctx, w.a(w.formA), &upd); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("update by a formateur = %v", err)
		}
		if err := s.UpdateModule(ctx, w.actor(w.refB), &upd); !errors.Is(err, apperr.NotFound) {
			t.Errorf("update by another centre = %v", err)
		}
		bad := upd
		bad.Competences = []string{"Z"}
		if f := apperr.FieldErrors(s.UpdateModule(ctx, w.actor(w.admin), &bad)); f["competences"] == "" {
			t.Errorf("invalid update = %v", f)
		}

		// Séances of the candidate's planning.
		d := func(m, day int) time.Time { return time.Date(2026, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
		s2 := &candidat.Seance{InscriptionID: w.fc, ModuleID: veille.ID, Debut: d(3, 9), Fin: d(3, 11), HeuresPrevues: 21}
		if err := s.AddSeance(ctx, w.a(w.formA), s2); err != nil {
			t.Fatal(err)
		}
		s1 := &candidat.Seance{InscriptionID: w.fc, ModuleID: veille.ID, Debut: d(2, 2), Fin: d(2, 3), HeuresPrevues: 7, HeuresRealisees: 7}
		if err := s.AddSeance(ctx, w.actor(w.refA), s1); err != nil {
			t.Fatal(err)
		}
		// An inactive module, a module of another centre, bad dates.
		if f := apperr.FieldErrors(s.AddSeance(ctx, w.a(w.formA), &candidat.Seance{InscriptionID: w.fc, ModuleID: blog.ID, Debut: d(4, 1), Fin: d(4, 2), HeuresPrevues: 7})); f["module"] != "Ce module est désactivé." {
			t.Errorf("inactive module = %v", f)
		}
		modB := &candidat.Module{Intitule: "Ailleurs", Heures: 7, Competences: []string{"C1.1"}}
		if err := s.CreateModule(ctx, w.actor(w.refB), w.certID, modB); err != nil {
			t.Fatal(err)
		}
		if f := apperr.FieldErrors(s.AddSeance(ctx, w.a(w.formA), &candidat.Seance{InscriptionID: w.fc, ModuleID: modB.ID, Debut: d(3, 1), Fin: d(2, 1), HeuresPrevues: 0})); f["module"] == "" || f["fin"] == "" || f["heures_prevues"] == "" {
			t.Errorf("invalid séance = %v", f)
		}
		// Scope and VAE.
		if err := s.AddSeance(ctx, w.a(w.formA), &candidat.Seance{InscriptionID: w.vae, ModuleID: veille.ID, Debut: d(3, 1), Fin: d(3, 1), HeuresPrevues: 7}); !errors.Is(err, candidat.ErrVAE) {
			t.Errorf("séance on VAE = %v", err)
		}
		if err := s.AddSeance(ctx, w.a(w.formB), &candidat.Seance{InscriptionID: w.fc, ModuleID: modB.ID, Debut: d(3, 1), Fin: d(3, 1), HeuresPrevues: 7}); !errors.Is(err, apperr.NotFound) {
			t.Errorf("séance by another centre = %v", err)
		}
		if err := s.AddSeance(ctx, w.a(w.candUser), &candidat.Seance{InscriptionID: w.fc, ModuleID: veille.ID, Debut: d(3, 1), Fin: d(3, 1), HeuresPrevues: 7}); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("séance by the candidate = %v", err)
		}

		rows, err := s.Seances(ctx, w.a(w.candUser), w.fc)
		if err != nil || len(rows) != 2 {
			t.Fatalf("seances = %+v, %v", rows, err)
		}
		if rows[0].ID != s1.ID || rows[1].ID != s2.ID || rows[0].Module != "Veille et benchmark" || len(rows[0].Competences) != 2 ||
			!rows[0].Debut.Equal(d(2, 2)) || !rows[0].Fin.Equal(d(2, 3)) || rows[0].HeuresRealisees != 7 {
			t.Errorf("seances = %+v", rows)
		}
		if _, err := s.Seances(ctx, w.a(w.formA), w.vae); !errors.Is(err, candidat.ErrVAE) {
			t.Errorf("Seances on VAE = %v", err)
		}

		// Update: move the séance, then delete it.
		// The séance must belong to the inscription named (defect 7: parent and child ids).
		s2.Debut, s2.Fin, s2.HeuresRealisees, s2.InscriptionID = d(1, 12), d(1, 14), 20, w.vae
		if err := s.UpdateSeance(ctx, w.a(w.formA), s2); !errors.Is(err, apperr.NotFound) {
			t.Errorf("update through another inscription = %v", err)
		}
		s2.InscriptionID = w.fc
		if err := s.UpdateSeance(ctx, w.a(w.formA), s2); err != nil {
			t.Fatal(err)
		}
		if s2.Version != 2 {
			t.Errorf("version after update = %d", s2.Version)
		}
		if err := s.UpdateSeance(ctx, w.a(w.formB), s2); !errors.Is(err, apperr.NotFound) {
			t.Errorf("update by another centre = %v", err)
		}
		rows, _ = s.Seances(ctx, w.a(w.formA), w.fc)
		if len(rows) != 2 || rows[0].ID != s2.ID || rows[0].HeuresRealisees != 20 {
			t.Errorf("after update = %+v", rows)
		}
		if err := s.DeleteSeance(ctx, w.a(w.candUser), w.fc, s1.ID); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("delete by the candidate = %v", err)
		}
		if err := s.DeleteSeance(ctx, w.a(w.formA), w.vae, s1.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("delete through another inscription = %v", err)
		}
		if err := s.DeleteSeance(ctx, w.a(w.formA), w.fc, s1.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSeance(ctx, w.a(w.formA), w.fc, s1.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("second delete = %v", err)
		}
		if rows, _ = s.Seances(ctx, w.a(w.formA), w.fc); len(rows) != 1 {
			t.Errorf("after delete = %+v", rows)
		}
	})
}
