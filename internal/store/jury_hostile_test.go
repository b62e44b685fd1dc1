package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// TestJuryHostile replays what an attack from outside found: an absent candidate's earlier
// bloc decisions certified them at the next session; one session's attestation opened the
// dossier presented again to another; a candidate convoked to two sessions at once, or with
// nothing left to present.
func TestJuryHostile(t *testing.T) {
	clock := &dsClock{}
	storetest.EachWith(t, store.Options{Now: clock.Now}, func(t *testing.T, s *store.Store) {
		clock.Set(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
		w := lvFixtureWorld(t, s)
		admin := w.actor(w.admin)
		jury2 := mustUser(t, s, admin, "jury2@example.org", account.RoleJury, 0)
		abs := lvFixtureInscription(t, s, lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID,
			voie: candidat.VAE, statut: candidat.DossierEnPreparation, nom: "Absente", prenom: "Zoé"})
		day := time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC)
		f := pvFixtureSession(t, s, w, clock, day, []*account.User{w.jury, jury2}, 2, abs)
		p, pres := f.passages[0], w.a(w.jury)
		for _, u := range []int64{w.jury.ID, jury2.ID} {
			pvGrid(t, s, w, p.ID, u, "BC01", "BC02", "BC03")
		}
		all := pvAll(jury.Valide, "Démontré.", "", "BC01", "BC02", "BC03")
		if _, err := s.Decide(ctx, pres, p.ID, jury.Present, all); err != nil {
			t.Fatal(err)
		}
		// Absent with blocs: refused; absent alone: the earlier rows are void.
		_, err := s.Decide(ctx, pres, p.ID, jury.Absent, all)
		jyField(t, err, "blocs")
		d, err := s.Decide(ctx, pres, p.ID, jury.Absent, nil)
		if err != nil || d.Passage.Resultat != jury.ResultatAbsent || d.Blocs[0].Decision != nil {
			t.Fatalf("absent: %+v %v", d, err)
		}
		// While the session is not concluded, no second convocation.
		day2 := time.Date(2027, 4, 12, 0, 0, 0, 0, time.UTC)
		js2 := &store.JurySession{CertificationID: w.certID, CentreID: w.centreA.ID, Date: day2, Lieu: "Lyon",
			DureePresentation: 20, DureeEntretienTechnique: 25, DureeEntretienFinal: 15}
		if err := s.CreateJurySession(ctx, admin, js2); err != nil {
			t.Fatal(err)
		}
		for i, u := range []*account.User{w.jury, jury2} {
			if err := s.AddMembre(ctx, admin, js2.ID, u.ID, i == 0); err != nil {
				t.Fatal(err)
			}
		}
		msg := jyField(t, s.AddPassage(ctx, admin, &store.Passage{SessionID: js2.ID, InscriptionID: abs, Heure: "09:00"}), "inscription_id")
		if !strings.Contains(msg, "février") {
			t.Errorf("convoked twice: %s", msg)
		}
		// The admin's list of candidates says the same, in the same words (PassageRefus); only
		// the admin reads it.
		if refus, err := s.PassageRefus(ctx, admin, js2.ID, []int64{abs, 999999}); err != nil || refus[abs] != msg || refus[999999] != "Inscription introuvable." {
			t.Errorf("refusals: %v %v", refus, err)
		}
		if _, err := s.PassageRefus(ctx, w.a(w.jury), js2.ID, []int64{abs}); !errors.Is(err, apperr.Forbidden) && !errors.Is(err, apperr.NotFound) {
			t.Errorf("a juror reads the refusals: %v", err)
		}
		if _, err := s.PassageRefus(ctx, admin, 999999, []int64{abs}); !errors.Is(err, apperr.NotFound) {
			t.Errorf("an unknown session: %v", err)
		}
		if _, err := s.MoveJurySession(ctx, admin, f.js.ID, jury.Deliberee, 0); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*account.User{w.jury, jury2} {
			if _, _, err := s.SignPV(ctx, w.a(u), f.js.ID, "192.0.2.9"); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.SignAttestation(ctx, w.a(jury2), f.js.ID, "192.0.2.9"); err != nil {
			t.Fatalf("an attestation already signed reads back: %v", err)
		}
		// The next session: every bloc still to present, none acquired while absent.
		clock.Set(day.AddDate(0, 0, 3))
		if refus, err := s.PassageRefus(ctx, admin, js2.ID, []int64{abs}); err != nil || len(refus) != 0 {
			t.Errorf("convocable again: %v %v", refus, err)
		}
		p2 := &store.Passage{SessionID: js2.ID, InscriptionID: abs, Heure: "09:00"}
		if err := s.AddPassage(ctx, admin, p2); err != nil {
			t.Fatal(err)
		}
		for _, st := range []struct {
			etat jury.Etat
			at   time.Time
		}{{jury.ConvocationsEnvoyees, day.AddDate(0, 0, 3)}, {jury.DossiersClos, day2.AddDate(0, 0, -9)}, {jury.EnCours, day2.Add(8 * time.Hour)}} {
			clock.Set(st.at)
			if _, err := s.MoveJurySession(ctx, admin, js2.ID, st.etat, 0); err != nil {
				t.Fatal(err)
			}
		}
		d2, err := s.Deliberation(ctx, admin, p2.ID)
		if err != nil || len(d2.Blocs) != 3 || len(d2.Acquis) != 0 {
			t.Fatalf("after an absence: %+v %v", d2, err)
		}
		// R17 per session: jury2 signed session 1's attestation, not session 2's.
		if _, err := s.PassageDossier(ctx, w.a(jury2), p2.ID); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the dossier through session 2 unsigned: %v", err)
		}
		if _, err := s.Dossier(ctx, w.a(jury2), abs); err == nil {
			t.Fatal("the file through session 1's attestation while session 2 is the current one")
		}
		if _, _, err := s.SignAttestation(ctx, w.a(jury2), js2.ID, "192.0.2.9"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PassageDossier(ctx, w.a(jury2), p2.ID); err != nil {
			t.Fatalf("signed: %v", err)
		}
	})
}
