package store_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// planWorld is lvFixtureWorld with a promotion of four candidates in training at centre A, a
// module of each centre and a candidate of centre B.
type planWorld struct {
	lvWorld
	promo               []int64 // CM-2026-A in training: Martin (w.fc), then Alpha, Bravo, Charlie
	otherCentre         int64   // a candidate of centre B
	moduleA, moduleA2   *candidat.Module
	moduleB             *candidat.Module
	janvier, janvierFin time.Time
}

func newPlanWorld(t *testing.T, s *store.Store) planWorld {
	w := planWorld{lvWorld: lvFixtureWorld(t, s)}
	w.promo = []int64{w.fc}
	for _, nom := range []string{"Alpha", "Bravo", "Charlie"} {
		w.promo = append(w.promo, lvFixtureInscription(t, s, lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID,
			voie: candidat.FormationContinue, promotion: "CM-2026-A", nom: nom, prenom: "Test"}))
	}
	w.otherCentre = lvFixtureInscription(t, s, lvIns{centre: w.centreB.ID, cert: w.certID, version: w.versionID,
		voie: candidat.FormationContinue, promotion: "CM-2026-A", nom: "Nantais", prenom: "Yann"})
	mk := func(centre int64, intitule string) *candidat.Module {
		m := &candidat.Module{CentreID: centre, Intitule: intitule, Heures: 21, Competences: []string{"C1.1"}}
		if err := s.CreateModule(ctx, w.actor(w.admin), w.certID, m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	w.moduleA, w.moduleA2, w.moduleB = mk(w.centreA.ID, "Veille"), mk(w.centreA.ID, "Blog"), mk(w.centreB.ID, "Veille B")
	w.janvier, w.janvierFin = time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)
	return w
}

func (w planWorld) plan(ids []int64, module int64, debut, fin time.Time) *store.PromotionPlan {
	return &store.PromotionPlan{CentreID: w.centreA.ID, Promotion: "CM-2026-A", InscriptionIDs: ids,
		Seance: candidat.Seance{ModuleID: module, Debut: debut, Fin: fin, HeuresPrevues: 21}}
}

func TestPlanPromotion(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := newPlanWorld(t, s)
		members, err := s.PromotionMembers(ctx, w.a(w.formA), w.centreA.ID, "CM-2026-A")
		if err != nil || len(members) != 4 || members[0].Nom != "ALPHA Test" || members[3].Nom != "MARTIN Élodie" {
			t.Fatalf("members = %+v, %v (the VAE candidate and centre B's are not members)", members, err)
		}

		// The whole promotion (no selection), by a formateur of the centre.
		res, err := s.PlanPromotion(ctx, w.a(w.formA), w.plan(nil, w.moduleA.ID, w.janvier, w.janvierFin))
		if err != nil || res.Planned != 4 || len(res.Skipped) != 0 {
			t.Fatalf("plan all = %+v, %v", res, err)
		}
		for _, id := range w.promo {
			got, err := s.Seances(ctx, w.a(w.formA), id)
			if err != nil || len(got) != 1 || got[0].ModuleID != w.moduleA.ID || got[0].HeuresPrevues != 21 {
				t.Errorf("seances of %d = %+v, %v", id, got, err)
			}
		}

		// Again: every candidate has the module already; nothing is written.
		_, err = s.PlanPromotion(ctx, w.actor(w.refA), w.plan(w.promo[:2], w.moduleA.ID, w.janvier.AddDate(0, 1, 0), w.janvierFin.AddDate(0, 1, 0)))
		var ce *store.PlanConflictError
		if !errors.As(err, &ce) || !errors.Is(err, apperr.Conflict) || len(ce.Conflicts) != 2 || !ce.Conflicts[0].Planned ||
			ce.Conflicts[0].Message != "Module déjà planifié du 4 au 15\u00a0janvier\u00a02027." {
			t.Fatalf("plan again = %v %+v", err, ce)
		}

		// Overlap: another module at the same dates, for a selection; the French dates name it.
		_, err = s.PlanPromotion(ctx, w.actor(w.refA), w.plan(w.promo[1:3], w.moduleA2.ID, w.janvierFin, w.janvierFin.AddDate(0, 0, 5)))
		if !errors.As(err, &ce) || len(ce.Conflicts) != 2 || ce.Conflicts[0].Planned ||
			!strings.Contains(ce.Conflicts[0].Message, "chevauchent le module « Veille », planifié du 4 au 15\u00a0janvier\u00a02027") {
			t.Fatalf("overlap = %v %+v", err, ce)
		}

		// Skip the planned ones: Bravo gets Blog first, then the promotion gets Blog skipping Bravo.
		if _, err := s.PlanPromotion(ctx, w.actor(w.refA), w.plan([]int64{w.promo[2]}, w.moduleA2.ID, w.janvierFin.AddDate(0, 0, 1), w.janvierFin.AddDate(0, 0, 5))); err != nil {
			t.Fatal(err)
		}
		p := w.plan(nil, w.moduleA2.ID, w.janvierFin.AddDate(0, 0, 10), w.janvierFin.AddDate(0, 0, 12))
		if _, err := s.PlanPromotion(ctx, w.actor(w.refA), p); !errors.As(err, &ce) || len(ce.Conflicts) != 1 || !ce.Conflicts[0].Planned {
			t.Fatalf("without skip = %v", err)
		}
		p.SkipPlanned = true
		res, err = s.PlanPromotion(ctx, w.actor(w.refA), p)
		if err != nil || res.Planned != 3 || len(res.Skipped) != 1 || res.Skipped[0].InscriptionID != w.promo[2] {
			t.Fatalf("skip planned = %+v, %v", res, err)
		}
	})
}

func TestPlanPromotionAttacks(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := newPlanWorld(t, s)
		count := func() int {
			var n int
			if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM seances`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		cases := map[string]struct {
			p    *store.PromotionPlan
			want error
		}{
			"another centre's candidate": {w.plan([]int64{w.promo[0], w.otherCentre}, w.moduleA.ID, w.janvier, w.janvierFin), apperr.NotFound},
			"the VAE candidate":          {w.plan([]int64{w.vae}, w.moduleA.ID, w.janvier, w.janvierFin), apperr.NotFound},
			"an unknown id":              {w.plan([]int64{w.promo[0], 987654}, w.moduleA.ID, w.janvier, w.janvierFin), apperr.NotFound},
			"an unknown promotion": {&store.PromotionPlan{CentreID: w.centreA.ID, Promotion: "N-EXISTE-PAS",
				Seance: candidat.Seance{ModuleID: w.moduleA.ID, Debut: w.janvier, Fin: w.janvierFin, HeuresPrevues: 7}}, apperr.NotFound},
			"another centre's module": {w.plan(nil, w.moduleB.ID, w.janvier, w.janvierFin), apperr.Invalid},
			"dates reversed":          {w.plan(nil, w.moduleA.ID, w.janvierFin, w.janvier), apperr.Invalid},
			"10 000 ids":              {w.plan(make([]int64, 10000), w.moduleA.ID, w.janvier, w.janvierFin), apperr.Invalid},
		}
		for name, c := range cases {
			if _, err := s.PlanPromotion(ctx, w.actor(w.refA), c.p); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", name, err, c.want)
			}
		}
		// Another centre's staff, the candidate, the jury: 404 for centre A's promotion.
		if _, err := s.PlanPromotion(ctx, w.actor(w.refB), w.plan(nil, w.moduleA.ID, w.janvier, w.janvierFin)); !errors.Is(err, apperr.NotFound) {
			t.Errorf("centre B's référent: %v", err)
		}
		if _, err := s.PlanPromotion(ctx, w.a(w.candUser), w.plan(nil, w.moduleA.ID, w.janvier, w.janvierFin)); !errors.Is(err, apperr.NotFound) {
			t.Errorf("the candidate: %v", err)
		}
		if _, err := s.PromotionMembers(ctx, w.a(w.formB), w.centreA.ID, "CM-2026-A"); !errors.Is(err, apperr.NotFound) {
			t.Errorf("members for centre B's formateur: %v", err)
		}
		if n := count(); n != before {
			t.Errorf("%d séances written by refused plannings", n-before)
		}

		// Duplicate ids plan once per candidate.
		res, err := s.PlanPromotion(ctx, w.actor(w.refA), w.plan([]int64{w.promo[1], w.promo[1], w.promo[1]}, w.moduleA.ID, w.janvier, w.janvierFin))
		if err != nil || res.Planned != 1 || count() != before+1 {
			t.Errorf("duplicate ids: %+v, %v, %d séances", res, err, count()-before)
		}
	})
}

// TestPlanPromotionConcurrent: plannings of the same module at once, from two processes on one
// database, give each candidate the module once; the others are refused as planned.
func TestPlanPromotionConcurrent(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := newPlanWorld(t, s)
		other := reopen(t, s) // a second process on the same database
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			st := s
			if i%2 == 1 {
				st = other
			}
			wg.Go(func() {
				_, errs[i] = st.PlanPromotion(ctx, w.actor(w.refA), w.plan(nil, w.moduleA.ID, w.janvier, w.janvierFin))
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, apperr.Conflict):
			default:
				t.Errorf("concurrent planning: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d plannings succeeded, want 1", ok)
		}
		var dup int
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM seances WHERE module_id = `+map[bool]string{true: "$1", false: "?"}[s.Dialect() == store.DialectPostgres], w.moduleA.ID).Scan(&dup); err != nil {
			t.Fatal(err)
		}
		if dup != len(w.promo) {
			t.Errorf("%d séances of the module, want %d", dup, len(w.promo))
		}
	})
}
