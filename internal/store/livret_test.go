package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// lvWorld is the livret fixture: the Community Manager référentiel, two centres with a
// formateur each, a candidate account and two inscriptions in centre A (one in training, one VAE).
type lvWorld struct {
	world
	ref                    *referentiel.Referentiel
	certID, versionID      int64
	formA, formB, candUser *account.User
	jury                   *account.User
	fc, vae                int64 // inscription ids
}

func (w lvWorld) a(u *account.User) account.Actor { return account.ActorOf(u) }

func lvFixtureWorld(t testing.TB, s *store.Store) lvWorld {
	t.Helper()
	tt, ok := t.(*testing.T)
	if !ok {
		t.Fatal("lvFixtureWorld needs a *testing.T")
	}
	w := lvWorld{world: newWorld(tt, s)}
	w.ref, w.certID, w.versionID = lvFixtureRef(t, s)
	admin := w.actor(w.admin)
	w.formA = mustUser(tt, s, admin, "form.a@example.org", account.RoleFormateur, w.centreA.ID)
	w.formB = mustUser(tt, s, admin, "form.b@example.org", account.RoleFormateur, w.centreB.ID)
	w.candUser = mustUser(tt, s, admin, "cand@example.org", account.RoleCandidat, 0)
	w.jury = mustUser(tt, s, admin, "jury@example.org", account.RoleJury, 0)
	w.fc = lvFixtureInscription(t, s, lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID,
		voie: candidat.FormationContinue, promotion: "CM-2026-A", user: w.candUser.ID, nom: "Martin", prenom: "Élodie"})
	w.vae = lvFixtureInscription(t, s, lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID,
		voie: candidat.VAE, promotion: "CM-2026-A", nom: "Durand", prenom: "Paul"})
	return w
}

func lvFixtureRef(t testing.TB, s *store.Store) (*referentiel.Referentiel, int64, int64) {
	t.Helper()
	ref, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.ImportReferentiel(ctx, account.System, ref)
	if err != nil {
		t.Fatal(err)
	}
	return ref, info.ID, info.VersionID
}

// lvIns describes a fixture inscription.
type lvIns struct {
	centre, cert, version, user int64
	voie                        candidat.Voie
	statut                      candidat.Statut
	promotion, nom, prenom      string
	blocs                       []string // nil: all three
}

var lvSeq atomic.Int64

// lvTime encodes a time the way the store does for each engine.
func lvTime(s *store.Store, t time.Time) any {
	if s.Dialect() == store.DialectSQLite {
		return t.UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	return t.UTC()
}

// lvFixtureInscription inserts a candidate and their inscription with plain SQL, so that these
// tests do not depend on the inscription API.
func lvFixtureInscription(t testing.TB, s *store.Store, in lvIns) int64 {
	t.Helper()
	n := lvSeq.Add(1)
	if in.blocs == nil {
		in.blocs = []string{"BC01", "BC02", "BC03"}
	}
	if in.statut == "" {
		in.statut = candidat.EnFormation
	}
	typeVAE := ""
	if in.voie == candidat.VAE {
		typeVAE = string(candidat.VAEClassique)
	}
	now := lvTime(s, time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	var user any
	if in.user != 0 {
		user = in.user
	}
	q := `INSERT INTO candidats (nom_naissance, nom_usage, prenoms, sexe, date_naissance, commune_naissance_code, commune_naissance,
		pays_naissance, email, telephone, adresse, identity_key, search_key, user_id, created_at, updated_at)
		VALUES (?, '', ?, 'F', '1995-04-12', '75056', 'Paris', '', ?, '', '{}', ?, ?, ?, ?, ?) RETURNING id`
	if s.Dialect() == store.DialectPostgres {
		q = store.Rebind(q)
	}
	var candID, insID int64
	key := fmt.Sprintf("%s|%s|%d", strings.ToLower(in.nom), strings.ToLower(in.prenom), n)
	if err := s.DB().QueryRowContext(ctx, q, in.nom, `["`+in.prenom+`"]`, fmt.Sprintf("c%d@example.org", n), key, key, user, now, now).
		Scan(&candID); err != nil {
		t.Fatal(err)
	}
	q = `INSERT INTO inscriptions (candidat_id, certification_id, version_id, centre_id, voie, type_vae, promotion, date_inscription,
		blocs_vises, statut, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '2026-01-05', ?, ?, ?, ?) RETURNING id`
	if s.Dialect() == store.DialectPostgres {
		q = store.Rebind(q)
	}
	blocs := `["` + strings.Join(in.blocs, `","`) + `"]`
	if err := s.DB().QueryRowContext(ctx, q, candID, in.cert, in.version, in.centre, string(in.voie), typeVAE, in.promotion,
		blocs, string(in.statut), now, now).Scan(&insID); err != nil {
		t.Fatal(err)
	}
	return insID
}

// lvAcquired is an entry acquiring every critère of compétence code.
func lvAcquired(ref *referentiel.Referentiel, ins int64, code string, day time.Time) *livret.Evaluation {
	_, c, _ := ref.Competence(code)
	e := &livret.Evaluation{InscriptionID: ins, Competences: []string{code}, Date: day, Criteres: map[string]livret.Resultat{}}
	for _, k := range c.Criteres {
		e.Criteres[k.Code] = livret.Acquis
	}
	return e
}

func lvNow() time.Time { return time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC) }

func TestEvaluations(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

		// A formateur records an entry; the evaluator defaults to them.
		e1 := lvAcquired(w.ref, w.fc, "C1.1", day)
		e1.Criteres["C1.1.2"] = livret.NonAcquis
		e1.Commentaire = "  Bonne analyse, outils à revoir.  "
		if err := s.AddEvaluation(ctx, w.a(w.formA), e1, nil); err != nil {
			t.Fatal(err)
		}
		if e1.ID == 0 || e1.EvaluateurID != w.formA.ID || e1.CreatedBy != w.formA.ID || !e1.CreatedAt.Equal(lvNow()) ||
			e1.Forme != referentiel.EtudeDeCas || e1.Commentaire != "Bonne analyse, outils à revoir." {
			t.Errorf("added = %+v", e1)
		}
		// The référent records one on behalf of the formateur, with a score.
		score, bareme, seuil := 14.0, 20.0, 10.0
		e2 := &livret.Evaluation{InscriptionID: w.fc, Competences: []string{"C1.2"}, Forme: referentiel.Quiz, Date: day.AddDate(0, 0, 1),
			EvaluateurID: w.formA.ID, Score: &score, Bareme: &bareme, Seuil: &seuil, MotifForme: "Quiz de positionnement avant l'étude de cas."}
		if err := s.AddEvaluation(ctx, w.actor(w.refA), e2, nil); err != nil {
			t.Fatal(err)
		}

		// A correction supersedes the first entry; both stay.
		fix := lvAcquired(w.ref, w.fc, "C1.1", day)
		fix.Remplace = e1.ID
		if err := s.AddEvaluation(ctx, w.a(w.formA), fix, nil); err != nil {
			t.Fatal(err)
		}
		again := lvAcquired(w.ref, w.fc, "C1.1", day)
		again.Remplace = e1.ID
		err := s.AddEvaluation(ctx, w.a(w.formA), again, nil)
		if msg := apperr.FieldErrors(err)["remplace"]; msg != "Cette évaluation a déjà été corrigée." {
			t.Errorf("second correction = %v", err)
		}
		again.Remplace = 999999
		if msg := apperr.FieldErrors(s.AddEvaluation(ctx, w.a(w.formA), again, nil))["remplace"]; msg != "Évaluation à corriger introuvable." {
			t.Errorf("correction of an unknown entry = %q", msg)
		}

		evals, err := s.Evaluations(ctx, w.a(w.formA), w.fc)
		if err != nil {
			t.Fatal(err)
		}
		if len(evals) != 3 || evals[0].ID != e1.ID || evals[1].ID != fix.ID || evals[2].ID != e2.ID {
			t.Fatalf("evaluations = %+v", evals)
		}
		if evals[0].RemplaceePar != fix.ID || evals[1].Remplace != e1.ID || evals[1].RemplaceePar != 0 {
			t.Errorf("links = %+v / %+v", evals[0], evals[1])
		}
		if evals[0].Evaluateur != "Prénom Nom form.a@example.org" || evals[2].Evaluateur != evals[0].Evaluateur {
			t.Errorf("evaluateur names = %q, %q", evals[0].Evaluateur, evals[2].Evaluateur)
		}
		if !evals[0].Date.Equal(day) || evals[0].Criteres["C1.1.2"] != livret.NonAcquis || len(evals[0].Criteres) != len(e1.Criteres) {
			t.Errorf("first entry read back = %+v", evals[0])
		}
		if evals[2].Score == nil || *evals[2].Score != 14 || *evals[2].Bareme != 20 || *evals[2].Seuil != 10 || evals[0].Score != nil {
			t.Errorf("scores = %+v", evals[2])
		}

		// The database itself refuses to rewrite the livret.
		for _, q := range []string{`UPDATE evaluations SET commentaire = 'réécrit' WHERE id = ?`, `DELETE FROM evaluations WHERE id = ?`} {
			if s.Dialect() == store.DialectPostgres {
				q = store.Rebind(q)
			}
			if _, err := s.DB().ExecContext(ctx, q, e1.ID); err == nil {
				t.Errorf("%s succeeded", q)
			}
		}

		// Validation: référentiel, evaluator, blocs aimed at.
		bad := &livret.Evaluation{InscriptionID: w.fc, Competences: []string{"C9.9"}, Date: day}
		if f := apperr.FieldErrors(s.AddEvaluation(ctx, w.a(w.formA), bad, nil)); f["competence"] == "" {
			t.Errorf("unknown compétence: %v", f)
		}
		other := lvAcquired(w.ref, w.fc, "C1.3", day)
		other.EvaluateurID = w.formB.ID
		if f := apperr.FieldErrors(s.AddEvaluation(ctx, w.actor(w.admin), other, nil)); f["evaluateur"] != "L'évaluateur doit être un formateur ou le référent du centre." {
			t.Errorf("evaluator of another centre: %v", f)
		}
		partial := lvFixtureInscription(t, s, lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID,
			voie: candidat.Apprentissage, promotion: "CM-2026-A", nom: "Petit", prenom: "Jean", blocs: []string{"BC02"}})
		if f := apperr.FieldErrors(s.AddEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, partial, "C1.1", day), nil)); !strings.Contains(f["competence"], "blocs visés") {
			t.Errorf("compétence outside the blocs aimed at: %v", f)
		}

		// Scope: VAE, other centre, candidate, jury.
		if err := s.AddEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, w.vae, "C1.1", day), nil); !errors.Is(err, candidat.ErrVAE) || !errors.Is(err, apperr.Invalid) {
			t.Errorf("AddEvaluation on VAE = %v", err)
		}
		if _, err := s.Evaluations(ctx, w.a(w.formA), w.vae); !errors.Is(err, candidat.ErrVAE) {
			t.Errorf("Evaluations on VAE = %v", err)
		}
		for _, u := range []*account.User{w.formB, w.refB, w.jury} {
			if err := s.AddEvaluation(ctx, w.a(u), lvAcquired(w.ref, w.fc, "C1.1", day), nil); !errors.Is(err, apperr.NotFound) {
				t.Errorf("AddEvaluation by %s = %v", u.Email, err)
			}
			if _, err := s.Evaluations(ctx, w.a(u), w.fc); !errors.Is(err, apperr.NotFound) {
				t.Errorf("Evaluations by %s = %v", u.Email, err)
			}
			if _, err := s.Evaluations(ctx, w.a(u), w.vae); !errors.Is(err, apperr.NotFound) {
				t.Errorf("Evaluations of the VAE by %s = %v", u.Email, err)
			}
		}
		if _, err := s.Evaluations(ctx, w.a(w.formA), 424242); !errors.Is(err, apperr.NotFound) {
			t.Errorf("Evaluations of an unknown inscription = %v", err)
		}
		// The candidate reads their own livret but cannot write it.
		if got, err := s.Evaluations(ctx, w.a(w.candUser), w.fc); err != nil || len(got) != 3 {
			t.Errorf("candidate's own evaluations = %d, %v", len(got), err)
		}
		if err := s.AddEvaluation(ctx, w.a(w.candUser), lvAcquired(w.ref, w.fc, "C1.1", day), nil); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("AddEvaluation by the candidate = %v", err)
		}
		other2 := mustUser(t, s, w.actor(w.admin), "cand2@example.org", account.RoleCandidat, 0)
		if _, err := s.Evaluations(ctx, w.a(other2), w.fc); !errors.Is(err, apperr.NotFound) {
			t.Errorf("another candidate's evaluations = %v", err)
		}

		// Audit detail: ids and codes, no personal data.
		log, err := s.AuditLog(ctx, w.actor(w.admin), 100)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range log {
			if e.Action == "evaluation.add" && e.EntityID == fix.ID {
				found = true
				if !strings.Contains(e.Detail, `"remplace":`+fmt.Sprint(e1.ID)) || strings.Contains(e.Detail, "analyse") {
					t.Errorf("audit detail = %s", e.Detail)
				}
			}
		}
		if !found {
			t.Error("no audit row for the correction")
		}
	})
}

func TestProjetsAndCompute(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

		// The candidate submits their bloc 1 project.
		p := &livret.Projet{InscriptionID: w.fc, Bloc: "BC01", Titre: " Stratégie social media ", URL: "https://exemple.fr/veille"}
		if err := s.SubmitProjet(ctx, w.a(w.candUser), p); err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || p.SoumisPar != w.candUser.ID || p.Titre != "Stratégie social media" || p.Decision != livret.Attente {
			t.Errorf("submitted = %+v", p)
		}
		if err := s.SubmitProjet(ctx, w.a(w.candUser), &livret.Projet{InscriptionID: w.fc, Bloc: "BC09", Titre: "X"}); apperr.FieldErrors(err)["bloc"] == "" {
			t.Errorf("unknown bloc = %v", err)
		}
		if err := s.SubmitProjet(ctx, w.a(w.candUser), &livret.Projet{InscriptionID: w.fc, Bloc: "BC01"}); apperr.FieldErrors(err)["titre"] == "" {
			t.Errorf("no title = %v", err)
		}
		if err := s.SubmitProjet(ctx, w.a(w.formB), &livret.Projet{InscriptionID: w.fc, Bloc: "BC01", Titre: "X"}); !errors.Is(err, apperr.NotFound) {
			t.Errorf("submit by another centre = %v", err)
		}
		if err := s.SubmitProjet(ctx, w.a(w.formA), &livret.Projet{InscriptionID: w.vae, Bloc: "BC01", Titre: "X"}); !errors.Is(err, candidat.ErrVAE) {
			t.Errorf("submit on VAE = %v", err)
		}

		// Only the référent pédagogique of the centre decides (seed 5-1): not the
		// certificateur, not the system, not a formateur, not the candidate.
		if err := s.DecideProjet(ctx, w.actor(w.admin), w.fc, "BC01", livret.Valide, ""); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("decision by the admin = %v", err)
		}
		if err := s.DecideProjet(ctx, account.System, w.fc, "BC01", livret.Valide, ""); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("decision by the system = %v", err)
		}
		if err := s.DecideProjet(ctx, w.a(w.formB), w.fc, "BC01", livret.Valide, ""); !errors.Is(err, apperr.NotFound) {
			t.Errorf("decision by another centre's formateur = %v", err)
		}
		if err := s.DecideProjet(ctx, w.a(w.formA), w.fc, "BC01", livret.Valide, ""); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("decision by a formateur = %v", err)
		}
		if err := s.DecideProjet(ctx, w.a(w.candUser), w.fc, "BC01", livret.Valide, ""); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("decision by the candidate = %v", err)
		}
		if err := s.DecideProjet(ctx, w.actor(w.refB), w.fc, "BC01", livret.Valide, ""); !errors.Is(err, apperr.NotFound) {
			t.Errorf("decision by another référent = %v", err)
		}
		if f := apperr.FieldErrors(s.DecideProjet(ctx, w.actor(w.refA), w.fc, "BC02", livret.Valide, "")); f["bloc"] != "Aucun projet remis pour ce bloc." {
			t.Errorf("decision without a project = %v", f)
		}
		if f := apperr.FieldErrors(s.DecideProjet(ctx, w.actor(w.refA), w.fc, "BC01", livret.Refuse, " ")); f["commentaire"] == "" {
			t.Errorf("refusal without comment = %v", f)
		}
		if err := s.DecideProjet(ctx, w.actor(w.refA), w.fc, "BC01", livret.Refuse, "Ajoutez la vidéo."); err != nil {
			t.Fatal(err)
		}
		// A resubmission resets the decision.
		p2 := &livret.Projet{InscriptionID: w.fc, Bloc: "BC01", Titre: "Stratégie social media v2"}
		if err := s.SubmitProjet(ctx, w.a(w.candUser), p2); err != nil {
			t.Fatal(err)
		}
		ps, err := s.Projets(ctx, w.a(w.candUser), w.fc)
		if err != nil || len(ps) != 1 {
			t.Fatalf("projets = %+v, %v", ps, err)
		}
		if ps[0].ID != p.ID || ps[0].Titre != "Stratégie social media v2" || ps[0].Decision != livret.Attente ||
			ps[0].DecisionPar != 0 || !ps[0].DecisionLe.IsZero() || ps[0].Commentaire != "" || ps[0].URL != "" {
			t.Errorf("resubmitted = %+v", ps[0])
		}
		if err := s.DecideProjet(ctx, w.actor(w.refA), w.fc, "BC01", livret.Valide, "Très bien."); err != nil {
			t.Fatal(err)
		}
		// A validated project stands.
		if err := s.SubmitProjet(ctx, w.a(w.candUser), &livret.Projet{InscriptionID: w.fc, Bloc: "BC01", Titre: "v3"}); apperr.FieldErrors(err)["bloc"] == "" {
			t.Errorf("resubmission of a validated project = %v", err)
		}

		// Every compétence of bloc 1 acquired + project validated → bloc validated.
		for _, c := range w.ref.Blocs[0].Competences {
			if err := s.AddEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, w.fc, c.Code, day), nil); err != nil {
				t.Fatal(err)
			}
		}
		evals, err := s.Evaluations(ctx, w.a(w.candUser), w.fc)
		if err != nil {
			t.Fatal(err)
		}
		ps, err = s.Projets(ctx, w.a(w.candUser), w.fc)
		if err != nil {
			t.Fatal(err)
		}
		if ps[0].Decision != livret.Valide || ps[0].DecisionPar != w.refA.ID || !ps[0].DecisionLe.Equal(lvNow()) {
			t.Errorf("decided = %+v", ps[0])
		}
		states := livret.Compute(w.ref, []string{"BC01", "BC02", "BC03"}, evals, ps)
		if len(states) != 3 || !states[0].Valide || states[1].Valide || states[0].Acquises() != len(w.ref.Blocs[0].Competences) {
			t.Errorf("compute = %+v", states)
		}
		if _, err := s.Projets(ctx, w.a(w.formA), w.vae); !errors.Is(err, candidat.ErrVAE) {
			t.Errorf("Projets on VAE = %v", err)
		}
		if _, err := s.Projets(ctx, w.a(w.jury), w.fc); !errors.Is(err, apperr.NotFound) {
			t.Errorf("Projets by a jury member = %v", err)
		}
	})
}
