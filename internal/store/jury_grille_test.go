package store_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// grWorld is a session of 15 February 2027 (state convocations envoyées) with one VAE
// candidate's passage evaluated by jury@ (président) and jury2; jury3 sits on the session
// without being assigned to the passage.
type grWorld struct {
	lvWorld
	session, passage       int64
	jury2, jury3, outsider *account.User
}

func grFixture(t *testing.T, s *store.Store, clock *dsClock) grWorld {
	t.Helper()
	clock.Set(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
	w := grWorld{lvWorld: lvFixtureWorld(t, s)}
	admin := w.actor(w.admin)
	w.jury2 = mustUser(t, s, admin, "jury2@example.org", account.RoleJury, 0)
	w.jury3 = mustUser(t, s, admin, "jury3@example.org", account.RoleJury, 0)
	w.outsider = mustUser(t, s, admin, "jury4@example.org", account.RoleJury, 0)
	js := &store.JurySession{CertificationID: w.certID, CentreID: w.centreA.ID, Date: time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC),
		Lieu: "Lyon", DureePresentation: 20, DureeEntretienTechnique: 25, DureeEntretienFinal: 15}
	if err := s.CreateJurySession(ctx, admin, js); err != nil {
		t.Fatal(err)
	}
	w.session = js.ID
	for i, u := range []*account.User{w.jury, w.jury2, w.jury3} {
		if err := s.AddMembre(ctx, admin, js.ID, u.ID, i == 0); err != nil {
			t.Fatal(err)
		}
		if err := s.SetProfilJury(ctx, admin, u.ID, store.ProfilJury{Externe: i > 0}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RecordRecevabilite(ctx, admin, w.vae, jury.Recevable, "Trois ans d'expérience."); err != nil {
		t.Fatal(err)
	}
	p := &store.Passage{SessionID: js.ID, InscriptionID: w.vae, Heure: "09:00"}
	if err := s.AddPassage(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	w.passage = p.ID
	if _, err := s.SetJures(ctx, admin, p.ID, []int64{w.jury.ID, w.jury2.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveJurySession(ctx, admin, js.ID, jury.ConvocationsEnvoyees, 0); err != nil {
		t.Fatal(err)
	}
	return w
}

// grRate returns g with critère k of compétence c rated n at the presentation.
func grRate(g jury.Grille, c, k int, n jury.Note, remarque string) jury.Grille {
	out := g
	out.Competences = append([]jury.CompetenceNote(nil), g.Competences...)
	out.Competences[c].Criteres = append([]jury.CritereNote(nil), g.Competences[c].Criteres...)
	out.Competences[c].Criteres[k].Presentation = n
	out.Competences[c].Criteres[k].Remarque = remarque
	return out
}

// TestGrille: who reads and saves a grid; a save is version+1; a stale save is refused with
// the current grid; two concurrent saves of one version — exactly one lands; the grids open
// at « dossiers clos » and lock at « délibérée »; the président and the admin read every grid.
func TestGrille(t *testing.T) {
	clock := &dsClock{}
	storetest.EachWith(t, store.Options{Now: clock.Now}, func(t *testing.T, s *store.Store) {
		w := grFixture(t, s, clock)
		admin, juror, juror2 := w.actor(w.admin), w.a(w.jury), w.a(w.jury2)

		// Before the day the passage is unknown to its jurors.
		if _, _, err := s.Grille(ctx, juror, w.passage); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("before the day: %v", err)
		}
		clock.Set(time.Date(2027, 2, 15, 8, 0, 0, 0, time.UTC))
		for _, a := range []account.Actor{w.a(w.outsider), w.actor(w.refA), w.a(w.formA), w.a(w.candUser)} {
			if _, _, err := s.Grille(ctx, a, w.passage); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s (%d) reads: %v", a.Role, a.UserID, err)
			}
			if _, _, err := s.SaveGrille(ctx, a, w.passage, jury.Grille{}); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s (%d) saves: %v", a.Role, a.UserID, err)
			}
			if _, err := s.Grilles(ctx, a, w.passage); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s (%d) reads every grid: %v", a.Role, a.UserID, err)
			}
		}
		if _, _, err := s.Grille(ctx, juror, 999999); !errors.Is(err, apperr.NotFound) {
			t.Errorf("unknown passage: %v", err)
		}
		// R17: not signed → 403; signed but not assigned → 403; the admin fills no grid.
		if _, _, err := s.Grille(ctx, juror, w.passage); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("unsigned: %v", err)
		}
		for _, u := range []*account.User{w.jury, w.jury2, w.jury3} {
			if _, _, err := s.SignAttestation(ctx, w.a(u), w.session, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.SaveGrille(ctx, w.a(w.jury3), w.passage, jury.Grille{}); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("not assigned: %v", err)
		}
		if _, _, err := s.Grille(ctx, admin, w.passage); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("the admin's own grid: %v", err)
		}
		blank, le, err := s.Grille(ctx, juror, w.passage)
		if err != nil || blank.Version != 0 || !le.IsZero() || len(blank.Competences) != 14 {
			t.Fatalf("blank: v%d %d compétences %v", blank.Version, len(blank.Competences), err)
		}
		if blank.Competences[0].Criteres[0].Presentation != jury.NonEvalue || blank.EntretienFinal.Vision != jury.NonEvalue {
			t.Fatalf("blank ratings: %+v", blank.Competences[0].Criteres[0])
		}

		// Not open before « dossiers clos ».
		g1 := grRate(blank, 0, 0, jury.Acquis, "Veille claire.\x00")
		_, _, err = s.SaveGrille(ctx, juror, w.passage, g1)
		var closed *store.GrilleCloseError
		if !errors.As(err, &closed) || !errors.Is(err, apperr.Conflict) || !strings.Contains(closed.Message(), "s’ouvrent") {
			t.Fatalf("before dossiers clos: %v", err)
		}
		if _, err := s.MoveJurySession(ctx, admin, w.session, jury.DossiersClos, 0); err != nil {
			t.Fatal(err)
		}

		// Validation: unknown codes and ratings are named, nothing is written.
		bad := grRate(blank, 0, 0, "excellent", "")
		bad.Competences = append(bad.Competences, jury.CompetenceNote{Code: "C9.9"})
		_, _, err = s.SaveGrille(ctx, juror, w.passage, bad)
		c0, k0 := blank.Competences[0].Code, blank.Competences[0].Criteres[0].Code
		jyField(t, err, c0+"/"+k0+"/presentation")
		jyField(t, err, "C9.9")

		saved, at, err := s.SaveGrille(ctx, juror, w.passage, g1)
		if err != nil || saved.Version != 1 || !at.Equal(clock.Now().UTC().Truncate(time.Microsecond)) && at.IsZero() {
			t.Fatalf("save: v%d %v %v", saved.Version, at, err)
		}
		if r := saved.Competences[0].Criteres[0].Remarque; r != "Veille claire." {
			t.Errorf("the NUL byte is kept: %q", r)
		}
		got, le, err := s.Grille(ctx, juror, w.passage)
		if err != nil || got.Version != 1 || got.Competences[0].Criteres[0].Presentation != jury.Acquis || le.IsZero() {
			t.Fatalf("reload: v%d %+v %v", got.Version, got.Competences[0].Criteres[0], err)
		}
		// A stale save (another window still at version 0) is refused with the current grid.
		other := grRate(blank, 0, 0, jury.NonAcquis, "Autre fenêtre")
		_, _, err = s.SaveGrille(ctx, juror, w.passage, other)
		var stale *store.GrilleStaleError
		if !errors.As(err, &stale) || !errors.Is(err, apperr.Conflict) || stale.Version != 1 ||
			stale.Current.Competences[0].Criteres[0].Presentation != jury.Acquis || stale.At.IsZero() {
			t.Fatalf("stale: %v", err)
		}
		// … and the grid it was made from (version 0: the blank one), to tell what the juror changed.
		if stale.From.Version != 0 || stale.From.Competences[0].Criteres[0].Presentation != jury.NonEvalue {
			t.Errorf("stale from v0: %+v", stale.From.Competences[0].Criteres[0])
		}
		// Another juror's grid of the same passage is theirs: no conflict with it.
		if g, _, err := s.SaveGrille(ctx, juror2, w.passage, grRate(blank, 0, 0, jury.Acquis, "")); err != nil || g.Version != 1 {
			t.Fatalf("second juror: %v", err)
		}

		// Concurrent saves of one version: exactly one lands, the others are stale; no error else.
		for round := range 5 {
			cur, _, err := s.Grille(ctx, juror, w.passage)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			landed, refused := 0, 0
			for i := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					g := grRate(cur, 1, 0, jury.Acquis, strings.Repeat("x", i+1))
					_, _, err := s.SaveGrille(ctx, juror, w.passage, g)
					mu.Lock()
					defer mu.Unlock()
					var st *store.GrilleStaleError
					switch {
					case err == nil:
						landed++
					case errors.As(err, &st):
						refused++
					default:
						t.Errorf("round %d: %v", round, err)
					}
				}()
			}
			wg.Wait()
			if landed != 1 || refused != 3 {
				t.Fatalf("round %d: %d landed, %d refused", round, landed, refused)
			}
			after, _, _ := s.Grille(ctx, juror, w.passage)
			if after.Version != cur.Version+1 {
				t.Fatalf("round %d: version %d after %d", round, after.Version, cur.Version)
			}
		}

		// A window left at version 3 (the grid is at 6): refused, with version 3 as it was saved.
		_, _, err = s.SaveGrille(ctx, juror, w.passage, func() jury.Grille { g := grRate(blank, 0, 0, jury.NonAcquis, ""); g.Version = 3; return g }())
		if !errors.As(err, &stale) || stale.Version != 6 || stale.From.Version != 3 || stale.From.Competences[1].Criteres[0].Remarque == "" ||
			stale.From.Competences[0].Criteres[0].Remarque != "Veille claire." {
			t.Fatalf("stale from v3: %v %+v", err, stale)
		}

		// Every grid and the consolidated one: the admin and the président; not another member
		// before the deliberation.
		if _, err := s.Grilles(ctx, juror2, w.passage); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("a member reads every grid: %v", err)
		}
		for _, a := range []account.Actor{admin, juror} {
			all, err := s.Grilles(ctx, a, w.passage)
			if err != nil || len(all.Jures) != 2 || all.Jures[0].Grille.Version != 6 || all.Jures[1].Grille.Version != 1 || all.Jures[0].SaveLe.IsZero() {
				t.Fatalf("%s: %+v %v", a.Role, all, err)
			}
			if !all.Jures[0].President || all.Jures[0].Nom == "" {
				t.Errorf("names: %+v", all.Jures[0])
			}
			if all.Consolidee.Competences[0].Criteres[0].Presentation != jury.Acquis {
				t.Errorf("consolidated: %+v", all.Consolidee.Competences[0].Criteres[0])
			}
		}
		if _, err := s.GrilleVierge(ctx, w.a(w.jury3), w.passage); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("blank grid, not assigned: %v", err)
		}
		if v, err := s.GrilleVierge(ctx, juror2, w.passage); err != nil || len(v.Competences) != 14 {
			t.Errorf("blank grid: %v", err)
		}

		// Locked from « délibérée » on; then every member who signed reads every grid.
		if _, err := s.MoveJurySession(ctx, admin, w.session, jury.EnCours, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, rebind(s, `UPDATE jury_sessions SET etat = ? WHERE id = ?`), string(jury.Deliberee), w.session); err != nil {
			t.Fatal(err)
		}
		time.Sleep(store.ChangeMarkTTL + 10*time.Millisecond) // a write outside the journal, as another process's
		cur, _, _ := s.Grille(ctx, juror2, w.passage)
		_, _, err = s.SaveGrille(ctx, juror2, w.passage, cur)
		if !errors.As(err, &closed) || !strings.Contains(closed.Message(), "délibération est close") {
			t.Fatalf("after the deliberation: %v", err)
		}
		if _, err := s.Grilles(ctx, juror2, w.passage); err != nil {
			t.Errorf("a member after the deliberation: %v", err)
		}
		if _, err := s.Grilles(ctx, w.a(w.jury3), w.passage); err != nil {
			t.Errorf("a signed member after the deliberation: %v", err)
		}

		// The journal has the first save of each juror, not every save; the saves stay.
		log, err := s.AuditLog(ctx, admin, 500)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range log {
			if e.Action == "passage.grille" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("journal: %d grid entries", n)
		}
		for _, q := range []string{`UPDATE grille_saisies SET data = '{}'`, `DELETE FROM grille_saisies`} {
			if _, err := s.DB().ExecContext(ctx, q); err == nil {
				t.Errorf("%s: allowed", q)
			}
		}
	})
}
