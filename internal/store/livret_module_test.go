package store_test

import (
	"testing"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// TestEvaluationModuleAndForme: an entry names the training module it follows (an active
// module of the candidate's centre and certification) and, for a form the référentiel does
// not give the compétence, the reason; both are read back (migration 00008), on both engines.
func TestEvaluationModuleAndForme(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		mod := candidat.Module{CentreID: w.centreA.ID, Intitule: "Création visuelle", Heures: 21, Competences: []string{"C2.4"}, Active: true}
		if err := s.CreateModule(ctx, w.actor(w.refA), w.certID, &mod); err != nil {
			t.Fatal(err)
		}
		other := candidat.Module{CentreID: w.centreB.ID, Intitule: "Autre centre", Heures: 7, Competences: []string{"C2.4"}, Active: true}
		if err := s.CreateModule(ctx, w.actor(w.refB), w.certID, &other); err != nil {
			t.Fatal(err)
		}
		old := candidat.Module{CentreID: w.centreA.ID, Intitule: "Ancien module", Heures: 7, Competences: []string{"C2.4"}, Active: true}
		if err := s.CreateModule(ctx, w.actor(w.refA), w.certID, &old); err != nil {
			t.Fatal(err)
		}

		// The référentiel's form (a TP for C2.4), after the module: accepted, no reason kept.
		tp := lvAcquired(w.ref, w.fc, "C2.4", day)
		tp.Forme, tp.ModuleID, tp.MotifForme = referentiel.TP, mod.ID, "sans objet"
		if err := s.AddEvaluation(ctx, w.a(w.formA), tp, nil); err != nil {
			t.Fatal(err)
		}
		// Another form without a reason: refused next to the field; with one: accepted.
		quiz := lvAcquired(w.ref, w.fc, "C2.4", day.AddDate(0, 0, 1))
		quiz.Forme, quiz.ModuleID = referentiel.Quiz, old.ID
		if msg := apperr.FieldErrors(s.AddEvaluation(ctx, w.a(w.formA), quiz, nil))["motif_forme"]; msg == "" {
			t.Error("a quiz for C2.4 (a TP in the référentiel) was accepted without a reason")
		}
		quiz.MotifForme = "Absent au TP : rattrapage par un quiz\u00a0pratique."
		if err := s.AddEvaluation(ctx, w.a(w.formA), quiz, nil); err != nil {
			t.Fatal(err)
		}
		// A module of another centre, an unknown one, an inactive one: refused on "module".
		for name, id := range map[string]int64{"other centre": other.ID, "unknown": 999999} {
			e := lvAcquired(w.ref, w.fc, "C2.4", day)
			e.Forme, e.ModuleID = referentiel.TP, id
			if msg := apperr.FieldErrors(s.AddEvaluation(ctx, w.a(w.formA), e, nil))["module"]; msg == "" {
				t.Errorf("%s module accepted", name)
			}
		}
		old.Active = false
		if err := s.UpdateModule(ctx, w.actor(w.refA), &old); err != nil {
			t.Fatal(err)
		}
		e := lvAcquired(w.ref, w.fc, "C2.4", day)
		e.Forme, e.ModuleID = referentiel.TP, old.ID
		if msg := apperr.FieldErrors(s.AddEvaluation(ctx, w.a(w.formA), e, nil))["module"]; msg == "" {
			t.Error("an inactive module accepted for a new entry")
		}
		// The correction of an entry keeps its module, even deactivated since.
		fix := lvAcquired(w.ref, w.fc, "C2.4", day.AddDate(0, 0, 2))
		fix.Forme, fix.ModuleID, fix.MotifForme, fix.Remplace = referentiel.Quiz, old.ID, quiz.MotifForme, quiz.ID
		if err := s.AddEvaluation(ctx, w.a(w.formA), fix, nil); err != nil {
			t.Fatalf("correction keeping its deactivated module: %v", err)
		}

		evals, err := s.Evaluations(ctx, w.a(w.formA), w.fc)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]livret.Evaluation{}
		for _, e := range evals {
			byID[e.ID] = e
		}
		if got := byID[tp.ID]; got.ModuleID != mod.ID || got.Module != "Création visuelle" || got.MotifForme != "" {
			t.Errorf("TP entry read back: module %d %q, reason %q", got.ModuleID, got.Module, got.MotifForme)
		}
		if got := byID[fix.ID]; got.ModuleID != old.ID || got.Module != "Ancien module" || got.MotifForme != quiz.MotifForme || got.Forme != referentiel.Quiz {
			t.Errorf("quiz entry read back: module %d %q, reason %q", got.ModuleID, got.Module, got.MotifForme)
		}
		// Entries written before migration 00008 (no module) still read.
		noMod := lvAcquired(w.ref, w.fc, "C1.1", day)
		if err := s.AddEvaluation(ctx, w.a(w.formA), noMod, nil); err != nil {
			t.Fatal(err)
		}
		evals, _ = s.Evaluations(ctx, w.a(w.formA), w.fc)
		for _, e := range evals {
			byID[e.ID] = e
		}
		if last := byID[noMod.ID]; last.ID == 0 || last.ModuleID != 0 || last.Module != "" {
			t.Errorf("entry without module read back as %d %q", last.ModuleID, last.Module)
		}
	})
}
