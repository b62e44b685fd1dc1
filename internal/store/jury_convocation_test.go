package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/mail"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// jcCourriels returns the outbox's messages of kind, oldest first.
func jcCourriels(t *testing.T, s *store.Store, kind string) []store.Courriel {
	t.Helper()
	all, err := s.Courriels(ctx, account.System, store.CourrielFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Courriel
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Kind == kind {
			out = append(out, all[i])
		}
	}
	return out
}

// TestJuryConvocations: the convocations leave with the move to « convocations envoyées »
// (one message per passage, convoque_le set), a passage added afterwards is convoked at once,
// a refused move convokes nobody; the convocation is read by the admin, the candidate and
// their centre's staff, never by a juror or another centre; the J-2 reminder goes once.
func TestJuryConvocations(t *testing.T) {
	clock := &dsClock{}
	storetest.EachWith(t, store.Options{Now: clock.Now}, func(t *testing.T, s *store.Store) {
		clock.Set(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
		w := lvFixtureWorld(t, s)
		admin := w.actor(w.admin)
		day := time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC)
		leaUser := mustUser(t, s, admin, "lea.convoquee@example.org", account.RoleCandidat, 0)
		fc1 := lvFixtureInscription(t, s, lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID, blocs: []string{"BC01"},
			voie: candidat.FormationContinue, promotion: "CM-2026-A", nom: "Petit", prenom: "Jeanne", user: leaUser.ID})
		if err := s.AddEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, fc1, "C1.1", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)), nil); err != nil {
			t.Fatal(err)
		}
		js := &store.JurySession{CertificationID: w.certID, CentreID: w.centreA.ID, Date: day, Lieu: "12 rue de la Paix, Lyon",
			DureePresentation: 20, DureeEntretienTechnique: 25, DureeEntretienFinal: 15}
		if err := s.CreateJurySession(ctx, admin, js); err != nil {
			t.Fatal(err)
		}
		p1 := &store.Passage{SessionID: js.ID, InscriptionID: fc1, Heure: "10:30"}
		if err := s.AddPassage(ctx, admin, p1); err != nil {
			t.Fatal(err)
		}
		// Planned: nobody is convoked; only the admin previews the convocation.
		if got, err := s.Passage(ctx, admin, p1.ID); err != nil || !got.ConvoqueLe.IsZero() {
			t.Fatalf("planned: %+v %v", got, err)
		}
		if _, err := s.Convocation(ctx, w.a(leaUser), p1.ID); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("the candidate before the convocation: %v", err)
		}
		if c, err := s.Convocation(ctx, admin, p1.ID); err != nil || c.Session.ID != js.ID || c.Echeance.IsZero() {
			t.Fatalf("the admin's preview: %+v %v", c, err)
		}
		// A refused move (no jury) convokes nobody.
		if _, err := s.MoveJurySession(ctx, admin, js.ID, jury.ConvocationsEnvoyees, 0); err == nil {
			t.Fatal("moved without a jury")
		}
		if n := len(jcCourriels(t, s, mail.KindJuryConvocation)); n != 0 {
			t.Fatalf("%d convocations after a refused move", n)
		}
		for i, u := range []*account.User{w.jury, mustUser(t, s, admin, "jury2@example.org", account.RoleJury, 0)} {
			if err := s.SetProfilJury(ctx, admin, u.ID, store.ProfilJury{Externe: true}, 0); err != nil {
				t.Fatal(err)
			}
			if err := s.AddMembre(ctx, admin, js.ID, u.ID, i == 0); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.MoveJurySession(ctx, admin, js.ID, jury.ConvocationsEnvoyees, 0); err != nil {
			t.Fatal(err)
		}
		sent := jcCourriels(t, s, mail.KindJuryConvocation)
		if len(sent) != 1 || !strings.Contains(sent[0].Text, fmt.Sprintf("/passages/%d/convocation.pdf", p1.ID)) ||
			!strings.Contains(sent[0].Text, "10\u00a0h\u00a030") || !strings.Contains(sent[0].Text, "12 rue de la Paix") ||
			!strings.Contains(sent[0].Text, "au plus tard le 5\u00a0février\u00a02027") || !strings.Contains(sent[0].Text, "Vous êtes convoquée") {
			t.Fatalf("convocations: %+v", sent)
		}
		if got, err := s.Passage(ctx, admin, p1.ID); err != nil || got.ConvoqueLe.IsZero() {
			t.Fatalf("convoked: %+v %v", got, err)
		}
		// When it leaves, the convocation carries what the attacher makes of its passage.
		if id, ok := store.ConvocationOf(sent[0].Ref); !ok || id != p1.ID {
			t.Fatalf("the convocation names %q", sent[0].Ref)
		}
		s.SetAttacher(func(_ context.Context, c store.Courriel) ([]mail.Attachment, error) {
			if id, ok := store.ConvocationOf(c.Ref); ok {
				return []mail.Attachment{{Name: fmt.Sprintf("convocation-%d.pdf", id), Type: "application/pdf", Data: []byte("%PDF")}}, nil
			}
			return nil, errors.New("no record")
		})
		defer s.SetAttacher(nil)
		var delivered []mail.Message
		if _, err := s.DeliverCourriels(ctx, func(_ context.Context, m mail.Message, _ mail.Envelope) error {
			delivered = append(delivered, m)
			return nil
		}, 500); err != nil {
			t.Fatal(err)
		}
		attached := 0
		for _, m := range delivered {
			if len(m.Attachments) > 0 {
				attached++
				if m.To != sent[0].To || m.Attachments[0].Name != fmt.Sprintf("convocation-%d.pdf", p1.ID) {
					t.Errorf("attachment %+v to %s", m.Attachments, m.To)
				}
			}
		}
		if attached != 1 || len(delivered) != attached {
			t.Errorf("%d of %d messages delivered with an attachment, want the convocation with its PDF", attached, len(delivered))
		}
		// A passage added afterwards is convoked at once.
		if _, err := s.RecordRecevabilite(ctx, admin, w.vae, jury.Recevable, ""); err != nil {
			t.Fatal(err)
		}
		p2 := &store.Passage{SessionID: js.ID, InscriptionID: w.vae, Heure: "14:00"}
		if err := s.AddPassage(ctx, admin, p2); err != nil {
			t.Fatal(err)
		}
		if n := len(jcCourriels(t, s, mail.KindJuryConvocation)); n != 2 {
			t.Fatalf("%d convocations after a late passage", n)
		}

		// Who reads the convocation.
		for _, c := range []struct {
			who  string
			a    account.Actor
			want error
		}{
			{"the candidate", w.a(leaUser), nil},
			{"the centre's référent", w.actor(w.refA), nil},
			{"the centre's formateur", w.a(w.formA), nil},
			{"another centre's référent", w.actor(w.refB), apperr.NotFound},
			{"another candidate", w.a(w.candUser), apperr.NotFound},
			{"a juror", w.a(w.jury), apperr.NotFound},
			{"anonymous", account.Actor{}, apperr.NotFound},
		} {
			_, err := s.Convocation(ctx, c.a, p1.ID)
			if (c.want == nil && err != nil) || (c.want != nil && !errors.Is(err, c.want)) {
				t.Errorf("%s: %v", c.who, err)
			}
		}
		if _, err := s.Convocation(ctx, admin, 999999); !errors.Is(err, apperr.NotFound) {
			t.Errorf("missing passage: %v", err)
		}
		if l, err := s.Convocations(ctx, w.a(leaUser), fc1); err != nil || len(l) != 1 || l[0].Passage.Heure != "10:30" {
			t.Fatalf("the candidate's convocations: %+v %v", l, err)
		}
		if _, err := s.Convocations(ctx, w.a(w.candUser), fc1); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("another candidate's convocations: %v", err)
		}

		// The reminders: from J-2 on, once.
		clock.Set(time.Date(2027, 2, 12, 9, 0, 0, 0, time.UTC))
		if n, err := s.SendJuryReminders(ctx); err != nil || n != 0 {
			t.Fatalf("J-3: %d %v", n, err)
		}
		clock.Set(time.Date(2027, 2, 13, 9, 0, 0, 0, time.UTC))
		if n, err := s.SendReminders(ctx); err != nil || n < 2 {
			t.Fatalf("J-2: %d %v", n, err)
		}
		if n, err := s.SendJuryReminders(ctx); err != nil || n != 0 {
			t.Fatalf("J-2 again: %d %v", n, err)
		}
		rappels := jcCourriels(t, s, mail.KindJuryReminder)
		if len(rappels) != 2 || !strings.Contains(rappels[0].Subject, "15 février 2027") {
			t.Fatalf("reminders: %+v", rappels)
		}
		if got, err := s.Passage(ctx, admin, p2.ID); err != nil || got.RappelLe.IsZero() {
			t.Fatalf("reminded: %+v %v", got, err)
		}
	})
}

// TestJuryConvocationsOnce: two admins sending the same session's convocations at the same
// time — one move wins, the other is refused (stale or already moved), and each candidate
// gets one convocation.
func TestJuryConvocationsOnce(t *testing.T) {
	clock := &dsClock{}
	storetest.EachWith(t, store.Options{Now: clock.Now}, func(t *testing.T, s *store.Store) {
		clock.Set(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
		w := lvFixtureWorld(t, s)
		admin := w.actor(w.admin)
		js := &store.JurySession{CertificationID: w.certID, CentreID: w.centreA.ID, Date: time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC),
			Lieu: "Lyon", DureePresentation: 20, DureeEntretienTechnique: 25, DureeEntretienFinal: 15}
		if err := s.CreateJurySession(ctx, admin, js); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordRecevabilite(ctx, admin, w.vae, jury.Recevable, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.AddPassage(ctx, admin, &store.Passage{SessionID: js.ID, InscriptionID: w.vae, Heure: "09:00"}); err != nil {
			t.Fatal(err)
		}
		for i, u := range []*account.User{w.jury, mustUser(t, s, admin, "jury2@example.org", account.RoleJury, 0)} {
			if err := s.SetProfilJury(ctx, admin, u.ID, store.ProfilJury{Externe: true}, 0); err != nil {
				t.Fatal(err)
			}
			if err := s.AddMembre(ctx, admin, js.ID, u.ID, i == 0); err != nil {
				t.Fatal(err)
			}
		}
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				_, err := s.MoveJurySession(ctx, admin, js.ID, jury.ConvocationsEnvoyees, 0)
				errs <- err
			}()
		}
		won := 0
		for range 4 {
			err := <-errs
			switch {
			case err == nil:
				won++
			case errors.Is(err, apperr.Conflict), errors.Is(err, apperr.Invalid):
			default:
				t.Errorf("concurrent move: %v", err)
			}
		}
		if n := len(jcCourriels(t, s, mail.KindJuryConvocation)); won != 1 || n != 1 {
			t.Fatalf("%d moves won, %d convocations queued; want 1 and 1", won, n)
		}
	})
}
