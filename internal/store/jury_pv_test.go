package store_test

import (
	"encoding/json"
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

// pvSession is a session under way with its members and passages (fixture).
type pvSession struct {
	js       *store.JurySession
	passages []*store.Passage
}

// pvFixtureSession creates, on day, a session whose jury is membres (the first one
// président, the first two external), convokes the VAE inscriptions inss (made recevable),
// assigns the first two members to each passage and moves the session to « en cours »; the
// clock is then set to the day and the members who sign sign their attestation.
func pvFixtureSession(t *testing.T, s *store.Store, w lvWorld, clock *dsClock, day time.Time, membres []*account.User, signing int, inss ...int64) pvSession {
	t.Helper()
	admin := w.actor(w.admin)
	clock.Set(day.AddDate(0, 0, -30))
	js := &store.JurySession{CertificationID: w.certID, CentreID: w.centreA.ID, Date: day, Lieu: "Lyon",
		DureePresentation: 20, DureeEntretienTechnique: 25, DureeEntretienFinal: 15}
	if err := s.CreateJurySession(ctx, admin, js); err != nil {
		t.Fatal(err)
	}
	for i, u := range membres {
		if err := s.AddMembre(ctx, admin, js.ID, u.ID, i == 0); err != nil {
			t.Fatal(err)
		}
		if err := s.SetProfilJury(ctx, admin, u.ID, store.ProfilJury{Profession: "Consultante", College: jury.Employeur, Externe: i < 2}, 0); err != nil {
			t.Fatal(err)
		}
	}
	out := pvSession{js: js}
	for i, ins := range inss {
		if h, _ := s.Recevabilites(ctx, admin, ins); len(h) == 0 {
			if _, err := s.RecordRecevabilite(ctx, admin, ins, jury.Recevable, "Expérience suffisante."); err != nil {
				t.Fatal(err)
			}
		}
		p := &store.Passage{SessionID: js.ID, InscriptionID: ins, Heure: []string{"09:00", "10:00", "11:00", "14:00", "15:00"}[i%5]}
		if err := s.AddPassage(ctx, admin, p); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetJures(ctx, admin, p.ID, []int64{membres[0].ID, membres[1].ID}); err != nil {
			t.Fatal(err)
		}
		out.passages = append(out.passages, p)
	}
	for _, st := range []struct {
		etat jury.Etat
		at   time.Time
	}{{jury.ConvocationsEnvoyees, day.AddDate(0, 0, -30)}, {jury.DossiersClos, day.AddDate(0, 0, -9)}, {jury.EnCours, day.Add(8 * time.Hour)}} {
		clock.Set(st.at)
		if _, err := s.MoveJurySession(ctx, admin, js.ID, st.etat, 0); err != nil {
			t.Fatalf("move to %s: %v", st.etat, err)
		}
	}
	for _, u := range membres[:signing] {
		if _, _, err := s.SignAttestation(ctx, w.a(u), js.ID, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// pvGrid saves juror u's grid for passage p with every critère of the blocs acquis.
func pvGrid(t *testing.T, s *store.Store, w lvWorld, p int64, u int64, blocs ...string) {
	t.Helper()
	var bs = w.ref.Blocs[:0:0]
	for _, b := range w.ref.Blocs {
		for _, code := range blocs {
			if b.Code == code {
				bs = append(bs, b)
			}
		}
	}
	g := jury.Vierge(bs, nil)
	for i := range g.Competences {
		for k := range g.Competences[i].Criteres {
			g.Competences[i].Criteres[k].Entretien = jury.Acquis
		}
	}
	data, _ := json.Marshal(g)
	if _, err := s.DB().ExecContext(ctx, rebind(s, `INSERT INTO grille_saisies (passage_id, user_id, version, data, le) VALUES (?, ?, 1, ?, ?)`),
		p, u, string(data), lvTime(s, time.Now())); err != nil {
		t.Fatal(err)
	}
}

func pvAll(d jury.Decision, motif, reste string, codes ...string) map[string]jury.BlocDecision {
	out := map[string]jury.BlocDecision{}
	for _, c := range codes {
		out[c] = jury.BlocDecision{Decision: d, Motif: motif, ResteAEvaluer: reste}
	}
	return out
}

func pvStatut(t *testing.T, s *store.Store, ins int64) candidat.Statut {
	t.Helper()
	r, err := s.Inscription(ctx, account.System, ins)
	if err != nil {
		t.Fatal(err)
	}
	return r.Statut
}

// TestJuryDeliberationPV: the président decides per bloc from the proposal (the rules of
// jury.CheckDecisions, président only, a bloc not presented refused, bounded input); the
// session is délibérée only when every passage is decided; each member signs the PV; the
// last signature locks the decisions and sets the statuses through the table; the admin's
// amendment recomputes result and status; the results are published with one mail per
// candidate and shown only after publication; a bloc validated at session 1 is not
// presented at session 2 and counts for réussite totale.
func TestJuryDeliberationPV(t *testing.T) {
	clock := &dsClock{}
	storetest.EachWith(t, store.Options{Now: clock.Now}, func(t *testing.T, s *store.Store) {
		clock.Set(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
		w := lvFixtureWorld(t, s)
		admin := w.actor(w.admin)
		jury2 := mustUser(t, s, admin, "jury2@example.org", account.RoleJury, 0)
		jury3 := mustUser(t, s, admin, "jury3@example.org", account.RoleJury, 0)
		stranger := mustUser(t, s, admin, "jury4@example.org", account.RoleJury, 0)
		var inss []int64
		for _, nom := range []string{"Arnaud", "Bernard", "Caron", "Dumas"} {
			inss = append(inss, lvFixtureInscription(t, s, lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID,
				voie: candidat.VAE, statut: candidat.DossierEnPreparation, nom: nom, prenom: "Lou"}))
		}
		day := time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC)
		f := pvFixtureSession(t, s, w, clock, day, []*account.User{w.jury, jury2, jury3}, 2, inss...)
		pA, pB, pC, pD := f.passages[0], f.passages[1], f.passages[2], f.passages[3]
		pres, membre := w.a(w.jury), w.a(jury2)
		for _, u := range []int64{w.jury.ID, jury2.ID} {
			pvGrid(t, s, w, pA.ID, u, "BC01", "BC02", "BC03")
		}
		pvGrid(t, s, w, pB.ID, w.jury.ID, "BC01") // one juror of two: no majority

		// The proposition: from the grids; members who signed the attestation and the admin.
		d, err := s.Deliberation(ctx, admin, pA.ID)
		if err != nil || len(d.Blocs) != 3 || d.Blocs[0].Decision != nil {
			t.Fatalf("deliberation: %+v %v", d, err)
		}
		for _, b := range d.Blocs {
			if b.Proposition.Decision != jury.Valide || len(b.NonAcquises) != 0 || !b.Competences[0].Jures[1] {
				t.Errorf("pA %s: %+v", b.Bloc, b)
			}
		}
		if d, err := s.Deliberation(ctx, pres, pB.ID); err != nil || d.Blocs[0].Proposition.Decision != jury.NonValide ||
			!d.Blocs[0].Competences[0].Jures[0] || d.Blocs[0].Competences[0].Jures[1] || !d.MayDecide {
			t.Fatalf("pB: %+v %v", d, err)
		}
		// Another member, before the deliberation: the proposal, not each juror's judgement.
		if d, err := s.Deliberation(ctx, membre, pB.ID); err != nil || d.MayDecide || len(d.Jures) != 0 || len(d.Blocs[0].Competences[0].Jures) != 0 {
			t.Fatalf("pB, another member: %+v %v", d, err)
		}
		if _, err := s.Deliberation(ctx, w.a(jury3), pA.ID); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("unsigned attestation: %v", err)
		}
		for _, a := range []account.Actor{w.a(stranger), w.actor(w.refA), w.a(w.candUser)} {
			if _, err := s.Deliberation(ctx, a, pA.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s: %v", a.Role, err)
			}
		}

		// The decision: the président only, by the rules.
		ok := pvAll(jury.Valide, "Compétences démontrées.", "", "BC01", "BC02", "BC03")
		if _, err := s.Decide(ctx, membre, pA.ID, jury.Present, ok); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("a member decides: %v", err)
		}
		if _, err := s.Decide(ctx, admin, pA.ID, jury.Present, ok); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the admin decides: %v", err)
		}
		if _, err := s.Decide(ctx, w.a(stranger), pA.ID, jury.Present, ok); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("a stranger decides: %v", err)
		}
		_, err = s.Decide(ctx, pres, pA.ID, "", ok)
		jyField(t, err, "presence")
		_, err = s.Decide(ctx, pres, pA.ID, jury.Present, pvAll(jury.Valide, " ", "", "BC01", "BC02", "BC03"))
		jyField(t, err, "blocs.BC01.motif")
		bad := pvAll(jury.Valide, "x", "", "BC01", "BC02", "BC03", "BC99")
		_, err = s.Decide(ctx, pres, pA.ID, jury.Present, bad)
		jyField(t, err, "blocs.BC99.decision")
		huge := map[string]jury.BlocDecision{}
		for i := range 10000 {
			huge[strings.Repeat("B", i%7)+string(rune('A'+i%26))+strings.Repeat("x", i/26)] = jury.BlocDecision{Decision: jury.Valide}
		}
		_, err = s.Decide(ctx, pres, pA.ID, jury.Present, huge)
		jyField(t, err, "blocs")
		nul := pvAll(jury.Valide, "Très\x00 bien", "", "BC01", "BC02", "BC03")
		got, err := s.Decide(ctx, pres, pA.ID, jury.Present, nul)
		if err != nil || got.Passage.Resultat != jury.ReussiteTotale || got.Blocs[0].Decision.Motif != "Très bien" ||
			got.Blocs[0].Decision.Propose != jury.Valide {
			t.Fatalf("pA: %+v %v", got, err)
		}
		// Departing from the proposal needs a reason; not validated needs what remains.
		partial := pvAll(jury.NonValide, "Stratégie incomplète.", "Plan éditorial.", "BC02", "BC03")
		partial["BC01"] = jury.BlocDecision{Decision: jury.Valide}
		_, err = s.Decide(ctx, pres, pB.ID, jury.Present, partial)
		if msg := jyField(t, err, "blocs.BC01.motif"); !strings.Contains(msg, "s’écarte") {
			t.Errorf("departing: %s", msg)
		}
		partial["BC01"] = jury.BlocDecision{Decision: jury.Valide, Motif: "Veille convaincante à l'oral."}
		partial["BC03"] = jury.BlocDecision{Decision: jury.NonValide, Motif: "KPI absents."}
		_, err = s.Decide(ctx, pres, pB.ID, jury.Present, partial)
		jyField(t, err, "blocs.BC03.reste_a_evaluer")
		partial["BC03"] = jury.BlocDecision{Decision: jury.NonValide, Motif: "KPI absents.", ResteAEvaluer: "Tableau de bord."}
		if got, err := s.Decide(ctx, pres, pB.ID, jury.Present, partial); err != nil || got.Passage.Resultat != jury.ReussitePartielle {
			t.Fatalf("pB: %+v %v", got, err)
		}
		fail := pvAll(jury.NonValide, "Insuffisant.", "Tout le bloc.", "BC01", "BC02", "BC03")
		if got, err := s.Decide(ctx, pres, pC.ID, jury.Present, fail); err != nil || got.Passage.Resultat != jury.Echec {
			t.Fatalf("pC: %+v %v", got, err)
		}

		// Délibérée only when every passage is decided.
		_, err = s.MoveJurySession(ctx, admin, f.js.ID, jury.Deliberee, 0)
		// The time in French, as everywhere (french.Heure): « Dumas (14 h 00) », no-break spaces.
		if msg := jyField(t, err, "etat"); !strings.Contains(msg, "Dumas") || strings.Contains(msg, "Caron") || !strings.Contains(msg, "(14\u00a0h\u00a000)") {
			t.Errorf("undecided: %s", msg)
		}
		if got, err := s.Decide(ctx, pres, pD.ID, jury.Absent, nil); err != nil || got.Passage.Resultat != jury.ResultatAbsent {
			t.Fatalf("pD: %+v %v", got, err)
		}
		if _, _, err := s.SignPV(ctx, pres, f.js.ID, "192.0.2.5"); jyField(t, err, "etat") == "" {
			t.Fatal("signed en cours")
		}
		if _, err := s.MoveJurySession(ctx, admin, f.js.ID, jury.Deliberee, 0); err != nil {
			t.Fatal(err)
		}
		// Délibérée, before the first signature: the président may still re-decide.
		if got, err := s.Decide(ctx, pres, pC.ID, jury.Present, fail); err != nil || got.Passage.Resultat != jury.Echec {
			t.Fatalf("re-decide: %+v %v", got, err)
		}
		_, err = s.MoveJurySession(ctx, admin, f.js.ID, jury.PVSigne, 0)
		jyField(t, err, "etat")

		// The PV's signatures.
		if _, _, err := s.SignPV(ctx, admin, f.js.ID, "192.0.2.5"); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the admin signs: %v", err)
		}
		if _, _, err := s.SignPV(ctx, w.a(stranger), f.js.ID, "192.0.2.5"); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("a stranger signs: %v", err)
		}
		g, created, err := s.SignPV(ctx, pres, f.js.ID, "192.0.2.5")
		if err != nil || !created || g.IP != "192.0.2.5" {
			t.Fatalf("sign: %+v %v", g, err)
		}
		if again, created, err := s.SignPV(ctx, pres, f.js.ID, "192.0.2.6"); err != nil || created || again.IP != "192.0.2.5" {
			t.Fatalf("sign again: %+v %v", again, err)
		}
		var pverr *store.PVError
		if _, err := s.Decide(ctx, pres, pC.ID, jury.Present, fail); !errors.As(err, &pverr) || !errors.Is(err, apperr.Conflict) {
			t.Fatalf("decide while signing: %v", err)
		}
		if _, _, err := s.SignPV(ctx, membre, f.js.ID, "192.0.2.7"); err != nil {
			t.Fatal(err)
		}
		if st := pvStatut(t, s, inss[0]); st != candidat.DossierEnPreparation {
			t.Fatalf("before the last signature: %s", st)
		}
		// jury3 never signed the confidentiality attestation: no part in the PV until then.
		_, _, err = s.SignPV(ctx, w.a(jury3), f.js.ID, "192.0.2.8")
		jyField(t, err, "attestation")
		if _, _, err := s.SignAttestation(ctx, w.a(jury3), f.js.ID, "192.0.2.8"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SignPV(ctx, w.a(jury3), f.js.ID, "192.0.2.8"); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.SignAttestation(ctx, w.a(stranger), f.js.ID, "192.0.2.8")
		if !errors.Is(err, apperr.NotFound) {
			t.Fatalf("a stranger attests: %v", err)
		}
		pv, err := s.PV(ctx, membre, f.js.ID)
		if err != nil || !pv.Signe || pv.Session.Etat != jury.PVSigne || len(pv.Signatures) != 3 || len(pv.Passages) != 4 || !pv.Signed {
			t.Fatalf("PV: %+v %v", pv, err)
		}
		_, err = s.Decide(ctx, pres, pA.ID, jury.Present, ok)
		if !errors.As(err, &pverr) || !strings.Contains(pverr.Message(), "avenant") {
			t.Fatalf("decide after the PV: %v", err)
		}
		// The statuses wait for the publication: a candidate never reads a result on their file before.
		for i := range inss {
			if st := pvStatut(t, s, inss[i]); st != candidat.DossierEnPreparation {
				t.Errorf("%s: status %s before the publication", []string{"A", "B", "C", "D"}[i], st)
			}
		}
		if r, err := s.Resultats(ctx, admin, inss[1]); err != nil || len(r) != 0 {
			t.Fatalf("results before publication: %+v %v", r, err)
		}

		// The amendment: the admin, a passage of this session, present; result and status follow.
		amend := pvAll(jury.Valide, "Erreur de report : blocs validés en délibération.", "", "BC01", "BC02", "BC03")
		if _, err := s.Amend(ctx, pres, f.js.ID, pC.ID, amend, "Erreur matérielle."); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("a member amends: %v", err)
		}
		_, err = s.Amend(ctx, admin, f.js.ID, 999999, amend, "Erreur.")
		jyField(t, err, "passage_id")
		if _, err := s.Amend(ctx, w.actor(w.refA), f.js.ID, pC.ID, amend, "Erreur matérielle."); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("a référent amends: %v", err)
		}
		_, err = s.Amend(ctx, admin, f.js.ID, pD.ID, amend, "Erreur.")
		jyField(t, err, "passage_id")
		_, err = s.Amend(ctx, admin, f.js.ID, pC.ID, amend, " \x00 ")
		jyField(t, err, "motif")
		_, err = s.Amend(ctx, admin, f.js.ID, pC.ID, nil, "Erreur.")
		jyField(t, err, "blocs")
		a, err := s.Amend(ctx, admin, f.js.ID, pC.ID, amend, "Erreur matérielle de report.")
		if err != nil || len(a.Decisions) != 3 {
			t.Fatalf("amend: %+v %v", a, err)
		}

		if _, err := s.Amend(ctx, admin, f.js.ID, pA.ID, map[string]jury.BlocDecision{"BC03": {Decision: jury.NonValide,
			Motif: "Plagiat établi.", ResteAEvaluer: "Bloc 3 entier."}}, "Plagiat découvert après la session."); err != nil {
			t.Fatal(err)
		}
		pv, err = s.PV(ctx, admin, f.js.ID)
		if err != nil || len(pv.Amendements) != 2 || pv.Amendements[0].Candidat == "" || pv.Passages[2].Resultat != jury.ReussiteTotale ||
			pv.Passages[0].Resultat != jury.ReussitePartielle {
			t.Fatalf("PV after amendments: %+v %v", pv.Amendements, err)
		}

		// Publication: one mail per candidate, in the move's transaction; the page after.
		var before int
		_ = s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM courriels`).Scan(&before)
		if _, err := s.MoveJurySession(ctx, admin, f.js.ID, jury.ResultatsPublies, 0); err != nil {
			t.Fatal(err)
		}
		for i, want := range []candidat.Statut{candidat.PartiellementCertifie, candidat.PartiellementCertifie, candidat.Certifie, candidat.DossierEnPreparation} {
			if st := pvStatut(t, s, inss[i]); st != want { // A and C as amended
				t.Errorf("%s: status %s after the publication, want %s", []string{"A", "B", "C", "D"}[i], st, want)
			}
		}
		var n int
		_ = s.DB().QueryRowContext(ctx, rebind(s, `SELECT COUNT(*) FROM courriels WHERE kind = ?`), "jury-resultats").Scan(&n)
		var body string
		_ = s.DB().QueryRowContext(ctx, rebind(s, `SELECT body_text FROM courriels WHERE kind = ? ORDER BY id LIMIT 1 OFFSET 1`), "jury-resultats").Scan(&body)
		if n != 4 || !strings.Contains(body, "réussite partielle") || !strings.Contains(body, "Reste à évaluer : Tableau de bord.") {
			t.Fatalf("results mails: %d %q", n, body)
		}
		r, err := s.Resultats(ctx, admin, inss[1])
		if err != nil || len(r) != 1 || r[0].Resultat != jury.ReussitePartielle || len(r[0].Blocs) != 3 || !r[0].Blocs[0].Valide || r[0].Blocs[2].ResteAEvaluer == "" {
			t.Fatalf("results: %+v %v", r, err)
		}
		if _, err := s.Resultats(ctx, w.actor(w.refB), inss[1]); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("another centre's référent: %v", err)
		}
		if r, err := s.Resultats(ctx, w.actor(w.refA), inss[1]); err != nil || len(r) != 1 {
			t.Fatalf("the centre's référent: %+v %v", r, err)
		}

		// An amendment after the publication: the status follows, and the candidate is told.
		if _, err := s.Amend(ctx, admin, f.js.ID, pA.ID, map[string]jury.BlocDecision{"BC03": {Decision: jury.Valide,
			Motif: "Le plagiat n'est pas établi après vérification."}}, "Recours du candidat accueilli."); err != nil {
			t.Fatal(err)
		}
		if st := pvStatut(t, s, inss[0]); st != candidat.Certifie {
			t.Errorf("A after the amendment of published results: %s", st)
		}
		var subject string
		_ = s.DB().QueryRowContext(ctx, rebind(s, `SELECT subject, body_text FROM courriels WHERE kind = ? ORDER BY id DESC LIMIT 1`), "jury-resultats").Scan(&subject, &body)
		if _ = s.DB().QueryRowContext(ctx, rebind(s, `SELECT COUNT(*) FROM courriels WHERE kind = ?`), "jury-resultats").Scan(&n); n != 5 ||
			!strings.HasPrefix(subject, "Rectificatif") || !strings.Contains(body, "réussite totale") {
			t.Errorf("the corrected results mail: %d %q %q", n, subject, body)
		}

		// Session 2: the candidate B presents BC02 and BC03 only; both validated = réussite totale.
		f2 := pvFixtureSession(t, s, w, clock, time.Date(2027, 6, 14, 0, 0, 0, 0, time.UTC), []*account.User{w.jury, jury2}, 2, inss[1])
		p2 := f2.passages[0]
		d2, err := s.Deliberation(ctx, pres, p2.ID)
		if err != nil || len(d2.Blocs) != 2 || d2.Blocs[0].Bloc != "BC02" || len(d2.Acquis) != 1 || d2.Acquis[0] != "BC01" {
			t.Fatalf("session 2: %+v %v", d2, err)
		}
		_, err = s.Amend(ctx, admin, f.js.ID, p2.ID, amend, "Un passage d'une autre session.")
		jyField(t, err, "passage_id")
		_, err = s.Decide(ctx, pres, p2.ID, jury.Present, pvAll(jury.Valide, "x", "", "BC01", "BC02", "BC03"))
		jyField(t, err, "blocs.BC01.decision")
		got2, err := s.Decide(ctx, pres, p2.ID, jury.Present, pvAll(jury.Valide, "Acquis à l'oral.", "", "BC02", "BC03"))
		if err != nil || got2.Passage.Resultat != jury.ReussiteTotale {
			t.Fatalf("session 2 decision: %+v %v", got2, err)
		}
		if _, err := s.MoveJurySession(ctx, admin, f2.js.ID, jury.Deliberee, 0); err != nil {
			t.Fatal(err)
		}
		// The two members sign at the same time: the last signature is counted once, whichever.
		errs := make(chan error, 2)
		for _, u := range []*account.User{w.jury, jury2} {
			go func() { _, _, err := s.SignPV(ctx, w.a(u), f2.js.ID, "192.0.2.9"); errs <- err }()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if js, err := s.JurySession(ctx, admin, f2.js.ID); err != nil || js.Etat != jury.PVSigne {
			t.Fatalf("concurrent last signatures: %+v %v", js, err)
		}
		if _, err := s.MoveJurySession(ctx, admin, f2.js.ID, jury.ResultatsPublies, 0); err != nil {
			t.Fatal(err)
		}
		if st := pvStatut(t, s, inss[1]); st != candidat.Certifie {
			t.Errorf("B after session 2: %s", st)
		}
		// Session 1's PV reads the same after session 2: B's BC02 and BC03 stay not validated there.
		pv1, err := s.PV(ctx, admin, f.js.ID)
		if err != nil || len(pv1.Passages[1].Acquis) != 0 || len(pv1.Passages[1].Decisions) != 3 {
			t.Fatalf("session 1's PV after session 2: %+v %v", pv1.Passages[1], err)
		}
		// Append-only.
		for _, q := range []string{`UPDATE passage_decisions SET motif = 'x'`, `DELETE FROM pv_signatures`, `UPDATE pv_amendements SET motif = 'x'`} {
			if _, err := s.DB().ExecContext(ctx, q); err == nil {
				t.Errorf("%s: allowed", q)
			}
		}
	})
}
