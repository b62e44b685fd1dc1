package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// jyField returns the message of field in err, a *apperr.Validation (fails otherwise).
func jyField(t *testing.T, err error, field string) string {
	t.Helper()
	var v *apperr.Validation
	if !errors.As(err, &v) || v.Fields[field] == "" {
		t.Fatalf("want a validation error on %s, got %v", field, err)
	}
	return v.Fields[field]
}

// TestJurySessions: a session is created by the admin, its jury composed under the
// certification's rules, candidates convoked only when eligible (the dossier's date follows),
// jurors assigned only when independent; a juror sees their sessions from the day on, and the
// dossiers only once they signed the attestation.
func TestJurySessions(t *testing.T) {
	clock := &dsClock{}
	storetest.EachWith(t, store.Options{Now: clock.Now}, func(t *testing.T, s *store.Store) {
		clock.Set(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
		w := lvFixtureWorld(t, s)
		admin := w.actor(w.admin)
		day := time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC)
		// One bloc aimed at, evaluated in training: eligible (its relevé has content).
		fc1 := lvFixtureInscription(t, s, lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID, blocs: []string{"BC01"},
			voie: candidat.FormationContinue, promotion: "CM-2026-A", nom: "Petit", prenom: "Jeanne"})
		if err := s.AddEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, fc1, "C1.1", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)), nil); err != nil {
			t.Fatal(err)
		}
		jury2 := mustUser(t, s, admin, "jury2@example.org", account.RoleJury, 0)
		jury3 := mustUser(t, s, admin, "jury3@example.org", account.RoleJury, 0)
		stranger := mustUser(t, s, admin, "jury4@example.org", account.RoleJury, 0)

		js := &store.JurySession{CertificationID: w.certID, CentreID: w.centreA.ID, Date: day, Lieu: "12 rue de la Paix, Lyon",
			DureePresentation: 20, DureeEntretienTechnique: 25, DureeEntretienFinal: 15}
		if err := s.CreateJurySession(ctx, w.actor(w.refA), js); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("a référent creates a session: %v", err)
		}
		past := *js
		past.Date, past.Lieu, past.DureeEntretienFinal = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), " ", 0
		err := s.CreateJurySession(ctx, admin, &past)
		for _, f := range []string{"date", "lieu", "duree_entretien_final_min"} {
			jyField(t, err, f)
		}
		if err := s.CreateJurySession(ctx, admin, js); err != nil || js.Etat != jury.Planifiee {
			t.Fatalf("create: %v %+v", err, js)
		}

		// Composition: jury accounts only; a président; half external.
		jyField(t, s.AddMembre(ctx, admin, js.ID, w.formA.ID, false), "user_id")
		if err := s.AddMembre(ctx, admin, js.ID, w.jury.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = s.MoveJurySession(ctx, admin, js.ID, jury.ConvocationsEnvoyees, 0)
		if msg := jyField(t, err, "membres"); !strings.Contains(msg, "au moins 2") {
			t.Errorf("one member: %s", msg)
		}
		if err := s.AddMembre(ctx, admin, js.ID, jury2.ID, false); err != nil {
			t.Fatal(err)
		}
		_, err = s.MoveJurySession(ctx, admin, js.ID, jury.ConvocationsEnvoyees, 0)
		if msg := jyField(t, err, "membres"); !strings.Contains(msg, "externe") {
			t.Errorf("no external member: %s", msg)
		}
		if err := s.SetProfilJury(ctx, admin, jury2.ID, store.ProfilJury{Profession: "Directrice de la communication", College: jury.Employeur, Externe: true}, 0); err != nil {
			t.Fatal(err)
		}
		jyField(t, s.SetProfilJury(ctx, admin, w.formA.ID, store.ProfilJury{College: jury.Salarie}, 0), "role")
		jyField(t, s.SetProfilJury(ctx, admin, jury2.ID, store.ProfilJury{College: "patron"}, 0), "college")
		if p, err := s.ProfilJuryOf(ctx, admin, jury2.ID); err != nil || !p.Externe || p.College != jury.Employeur {
			t.Fatalf("profile: %+v %v", p, err)
		}
		_, err = s.MoveJurySession(ctx, admin, js.ID, jury.EnCours, 0)
		jyField(t, err, "etat")

		// Convocations: the VAE candidate after a recevable decision only; the dossier's date follows.
		jyField(t, s.AddPassage(ctx, admin, &store.Passage{SessionID: js.ID, InscriptionID: w.vae, Heure: "09:00"}), "inscription_id")
		_, err = s.RecordRecevabilite(ctx, admin, w.fc, jury.Recevable, "")
		jyField(t, err, "inscription_id")
		_, err = s.RecordRecevabilite(ctx, admin, w.vae, jury.NonRecevable, "")
		jyField(t, err, "motif")
		if _, err := s.RecordRecevabilite(ctx, w.actor(w.refA), w.vae, jury.Recevable, ""); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("a référent decides: %v", err)
		}
		if _, err := s.RecordRecevabilite(ctx, admin, w.vae, jury.NonRecevable, "Expérience hors du champ du titre."); err != nil {
			t.Fatal(err)
		}
		err = s.AddPassage(ctx, admin, &store.Passage{SessionID: js.ID, InscriptionID: w.vae, Heure: "09:00"})
		if msg := jyField(t, err, "inscription_id"); !strings.Contains(msg, "non recevable") {
			t.Errorf("non recevable: %s", msg)
		}
		if _, err := s.RecordRecevabilite(ctx, admin, w.vae, jury.Recevable, "Trois ans d'expérience en agence."); err != nil {
			t.Fatal(err)
		}
		if h, err := s.Recevabilites(ctx, admin, w.vae); err != nil || len(h) != 2 || h[1].Decision != jury.Recevable || h[0].Motif == "" {
			t.Fatalf("history: %+v %v", h, err)
		}
		pVAE := &store.Passage{SessionID: js.ID, InscriptionID: w.vae, Heure: "9:00"}
		jyField(t, s.AddPassage(ctx, admin, pVAE), "heure")
		pVAE.Heure = "09:00"
		if err := s.AddPassage(ctx, admin, pVAE); err != nil {
			t.Fatal(err)
		}
		jyField(t, s.AddPassage(ctx, admin, &store.Passage{SessionID: js.ID, InscriptionID: w.vae, Heure: "10:00"}), "inscription_id")
		if d, err := s.Dossier(ctx, admin, w.vae); err != nil || d.DateSession == nil || !d.DateSession.Equal(day) {
			t.Fatalf("the dossier's date follows the session: %+v %v", d, err)
		}
		conf := &dossier.Projet{InscriptionID: w.vae, Titre: "Campagne confidentielle", Origine: dossier.OrigineResponsablePedagogique,
			Competences: []string{"C1.1"}, Confidentiel: true}
		if err := s.CreateProjet(ctx, account.System, conf); err != nil {
			t.Fatal(err)
		}
		// Formation continue: BC01 BC02 BC03 never evaluated are refused, named.
		err = s.AddPassage(ctx, admin, &store.Passage{SessionID: js.ID, InscriptionID: w.fc, Heure: "10:00"})
		if msg := jyField(t, err, "inscription_id"); !strings.Contains(msg, "BC01, BC02, BC03") {
			t.Errorf("not eligible: %s", msg)
		}
		// A dossier closed for another date keeps it until the admin reopens it.
		if d, err := s.Dossier(ctx, admin, fc1); err != nil {
			t.Fatal(err)
		} else if err := s.SetDateSession(ctx, admin, fc1, time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC), d.InscriptionVersion); err != nil {
			t.Fatal(err)
		}
		pFC := &store.Passage{SessionID: js.ID, InscriptionID: fc1, Heure: "10:30"}
		if msg := jyField(t, s.AddPassage(ctx, admin, pFC), "inscription_id"); !strings.Contains(msg, "clos") {
			t.Errorf("closed dossier: %s", msg)
		}
		if err := s.ReopenDossier(ctx, admin, fc1, "Convocation à la session de février.", time.Date(2027, 1, 8, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		if err := s.AddPassage(ctx, admin, pFC); err != nil {
			t.Fatal(err)
		}
		if d, err := s.Dossier(ctx, admin, fc1); err != nil || !d.DateSession.Equal(day) {
			t.Fatalf("reopened then convoked: %+v %v", d, err)
		}

		// Independence: formA evaluated fc1, jury3 tutored it; both refused by name.
		if _, err := s.DB().ExecContext(ctx, rebind(s, `UPDATE users SET role = 'jury', centre_id = NULL WHERE id = ?`), w.formA.ID); err != nil {
			t.Fatal(err)
		}
		stage := &store.Stage{InscriptionID: fc1, Entreprise: "Agence Lumière", TuteurNom: "Tuteur", TuteurEmail: "JURY3@example.org",
			Debut: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Fin: time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)}
		if err := s.CreateStage(ctx, account.System, stage); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*account.User{w.formA, jury3} {
			if err := s.AddMembre(ctx, admin, js.ID, u.ID, false); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			u    *account.User
			want string
		}{{w.formA, "a évalué"}, {jury3, "a tutoré"}} {
			_, err := s.SetJures(ctx, admin, pFC.ID, []int64{w.jury.ID, c.u.ID})
			if msg := jyField(t, err, "user_ids"); !strings.Contains(msg, c.want) || !strings.Contains(msg, c.u.Nom) {
				t.Errorf("%s: %s", c.u.Email, msg)
			}
		}
		_, err = s.SetJures(ctx, admin, pFC.ID, []int64{w.jury.ID, stranger.ID})
		jyField(t, err, "user_ids")
		if p, err := s.SetJures(ctx, admin, pFC.ID, []int64{jury2.ID, w.jury.ID}); err != nil || len(p.Jures) != 2 {
			t.Fatalf("jurors: %+v %v", p, err)
		}
		for _, u := range []*account.User{jury3, w.formA} {
			if err := s.SetProfilJury(ctx, admin, u.ID, store.ProfilJury{Externe: true}, 0); err != nil {
				t.Fatal(err)
			}
		}

		// Before the day: the jurors see nothing.
		juror := w.a(w.jury)
		if l, err := s.JurySessions(ctx, juror); err != nil || len(l) != 0 {
			t.Fatalf("before the day: %+v %v", l, err)
		}
		if _, err := s.JurySession(ctx, juror, js.ID); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("before the day: %v", err)
		}
		if _, _, err := s.SignAttestation(ctx, juror, js.ID, "192.0.2.1"); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("sign before the day: %v", err)
		}
		if _, err := s.MoveJurySession(ctx, admin, js.ID, jury.ConvocationsEnvoyees, 0); err != nil {
			t.Fatal(err)
		}
		// The dossiers close after their last day (5 February), the session goes under way on its day.
		_, err = s.MoveJurySession(ctx, admin, js.ID, jury.DossiersClos, 0)
		if msg := jyField(t, err, "etat"); !strings.Contains(msg, "se closent à partir du") {
			t.Errorf("closing early: %s", msg)
		}
		clock.Set(time.Date(2027, 2, 6, 8, 0, 0, 0, time.UTC))
		if _, err := s.MoveJurySession(ctx, admin, js.ID, jury.DossiersClos, 0); err != nil {
			t.Fatal(err)
		}
		_, err = s.MoveJurySession(ctx, admin, js.ID, jury.EnCours, 0)
		if msg := jyField(t, err, "etat"); !strings.Contains(msg, "ce jour-là") {
			t.Errorf("under way early: %s", msg)
		}

		// The day: members see it, others do not; the dossier waits for the attestation.
		clock.Set(time.Date(2027, 2, 15, 8, 0, 0, 0, time.UTC))
		if _, err := s.MoveJurySession(ctx, admin, js.ID, jury.EnCours, 0); err != nil {
			t.Fatal(err)
		}
		jyField(t, s.AddMembre(ctx, admin, js.ID, stranger.ID, false), "etat")
		if l, err := s.JurySessions(ctx, juror); err != nil || len(l) != 1 {
			t.Fatalf("the day: %+v %v", l, err)
		}
		for _, a := range []account.Actor{w.a(stranger), w.actor(w.refA), w.a(w.candUser)} {
			if l, err := s.JurySessions(ctx, a); err != nil || len(l) != 0 {
				t.Errorf("%s sees %+v %v", a.Role, l, err)
			}
			if _, err := s.JurySession(ctx, a, js.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s: %v", a.Role, err)
			}
			if _, err := s.PassageDossier(ctx, a, pFC.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s reads the dossier: %v", a.Role, err)
			}
		}
		got, err := s.JurySession(ctx, juror, js.ID)
		if err != nil || len(got.Membres) != 4 || len(got.Passages) != 2 || !got.Membres[0].President {
			t.Fatalf("session: %+v %v", got, err)
		}
		for _, p := range got.Passages {
			if p.Confidentiel != (p.InscriptionID == w.vae) {
				t.Errorf("passage %d: confidentiel %v", p.ID, p.Confidentiel)
			}
		}
		if _, err := s.PassageDossier(ctx, juror, pFC.ID); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("unsigned: %v", err)
		}
		if _, err := s.Dossier(ctx, juror, fc1); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("unsigned, by the inscription: %v", err)
		}
		if _, _, err := s.SignAttestation(ctx, admin, js.ID, "192.0.2.1"); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the admin signs: %v", err)
		}
		a, created, err := s.SignAttestation(ctx, juror, js.ID, "192.0.2.7")
		if err != nil || !created || a.IP != "192.0.2.7" || !strings.Contains(a.Texte, "février") {
			t.Fatalf("sign: %+v %v", a, err)
		}
		if again, created, err := s.SignAttestation(ctx, juror, js.ID, "192.0.2.8"); err != nil || created || again.IP != "192.0.2.7" {
			t.Fatalf("sign again: %+v %v", again, err)
		}
		if d, err := s.PassageDossier(ctx, juror, pFC.ID); err != nil || d.InscriptionID != fc1 {
			t.Fatalf("signed: %+v %v", d, err)
		}
		if _, err := s.Dossier(ctx, juror, fc1); err != nil {
			t.Fatalf("signed, by the inscription: %v", err)
		}
		if l, err := s.Inscriptions(ctx, juror, store.InscriptionFilter{Limit: 10}); err != nil || len(l) != 2 {
			t.Fatalf("the juror's inscriptions: %d %v", len(l), err)
		}
		if err := s.SaveResume(ctx, juror, fc1, "pirate"); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the juror writes: %v", err)
		}
		// A member who evaluated the candidate never reads their dossier, signed or not.
		evaluator := account.Actor{UserID: w.formA.ID, Role: account.RoleJury}
		if _, _, err := s.SignAttestation(ctx, evaluator, js.ID, "192.0.2.9"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PassageDossier(ctx, evaluator, pFC.ID); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the evaluator: %v", err)
		}
		if _, err := s.PassageDossier(ctx, evaluator, pVAE.ID); err != nil {
			t.Fatalf("the evaluator, another candidate: %v", err)
		}
		// The journal names the records: the session by its date, the passage by its candidate.
		log, err := s.AuditLog(ctx, admin, 200)
		if err != nil {
			t.Fatal(err)
		}
		refs, err := s.AuditRefs(ctx, admin, log)
		if err != nil {
			t.Fatal(err)
		}
		named := map[string]string{}
		for _, e := range log {
			named[e.Action] = refs[e.ID].Name
		}
		if named["jury_session.create"] != "2027-02-15" || !strings.Contains(named["passage.create"], "Durand") || named["recevabilite.create"] == "" {
			t.Errorf("journal names: %v", named)
		}
		// Append-only.
		for _, q := range []string{`UPDATE jury_attestations SET ip = 'x'`, `DELETE FROM recevabilites`} {
			if _, err := s.DB().ExecContext(ctx, q); err == nil {
				t.Errorf("%s: allowed", q)
			}
		}
	})
}

func rebind(s *store.Store, q string) string {
	if s.Dialect() == store.DialectPostgres {
		return store.Rebind(q)
	}
	return q
}
