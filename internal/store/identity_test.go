package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// TestIdentityMatchingStaysInTheCentre is issue 6, defect 1: a referent of B who enrols the
// same birth name, first prénom and birth date as a candidate of A got A's record back, could
// read its contact details and issue an activation link for its account.
func TestIdentityMatchingStaysInTheCentre(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		a := candPerson(1)
		a.Telephone = "06 11 11 11 11"
		mustInscrire(t, s, w.refA, a, candIns(w, w.centreA.ID, "PA"))

		// The same person (as far as identity goes) enrolled by B: a separate record that
		// keeps what B typed, never A's.
		b := candPerson(1)
		b.Email, b.Telephone = "autre.personne@exemple.fr", "07 22 22 22 22"
		tokB := mustInscrire(t, s, w.refB, b, candIns(w, w.centreB.ID, "PB"))
		if b.ID == a.ID || b.UserID == a.UserID || tokB == "" {
			t.Fatalf("B's enrolment attached A's record: a=%d/%d b=%d/%d", a.ID, a.UserID, b.ID, b.UserID)
		}
		if b.Email != "autre.personne@exemple.fr" || b.Telephone != "07 22 22 22 22" {
			t.Errorf("B got back other details: %+v", b)
		}
		if _, err := s.Candidat(ctx, w.refB, a.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("referent B reads A's candidate: %v", err)
		}
		if _, err := s.NewActivation(ctx, w.refB, a.UserID); err == nil {
			t.Error("referent B got an activation link for A's candidate")
		}
		links, err := s.PendingActivations(ctx, w.refB, w.centreB.ID, "PB")
		if err != nil || len(links) != 1 || links[0].Email != b.Email {
			t.Errorf("B's pending activations = %+v, %v", links, err)
		}

		// B enrols the same person again: B's record is found (no duplicate in B).
		again := candPerson(1)
		again.Email = "encore@exemple.fr"
		mustInscrire(t, s, w.refB, again, candIns(w, w.centreB.ID, "PB2"))
		if again.ID != b.ID || again.Email != b.Email {
			t.Errorf("second enrolment in B = %d (%s), want B's record %d", again.ID, again.Email, b.ID)
		}
		// The admin enrolling into A finds A's record, not B's.
		adm := candPerson(1)
		mustInscrire(t, s, w.admin, adm, candIns(w, w.centreA.ID, "PA2"))
		if adm.ID != a.ID {
			t.Errorf("admin enrolment into A = %d, want %d", adm.ID, a.ID)
		}
		adm = candPerson(1)
		mustInscrire(t, s, w.admin, adm, candIns(w, w.centreB.ID, "PB3"))
		if adm.ID != b.ID {
			t.Errorf("admin enrolment into B = %d, want %d", adm.ID, b.ID)
		}
		// A person known only in A, enrolled into B by the admin: a new record in B too (the
		// join is MergeCandidats' alone), and B's référent never reads A's record.
		onlyA := candPerson(2)
		mustInscrire(t, s, w.refA, onlyA, candIns(w, w.centreA.ID, "PA"))
		adm = candPerson(2)
		adm.Email = "saisi.par.admin@exemple.fr"
		mustInscrire(t, s, w.admin, adm, candIns(w, w.centreB.ID, "PB"))
		if adm.ID == onlyA.ID || adm.Email != "saisi.par.admin@exemple.fr" {
			t.Errorf("admin enrolment into B attached A's record %d (got %d, %s)", onlyA.ID, adm.ID, adm.Email)
		}
		if _, err := s.Candidat(ctx, w.refB, onlyA.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("referent B reads A's candidate after the admin's enrolment: %v", err)
		}
		// The e-mail of B's account is not taken over by A.
		steal := candPerson(1)
		steal.NomNaissance, steal.Email = "Autre", b.Email
		if _, err := s.Inscrire(ctx, w.refA, steal, candIns(w, w.centreA.ID, "PA")); apperr.FieldErrors(err)["email"] == "" {
			t.Errorf("A enrols with B's account e-mail: %v", err)
		}

		// An import into B matches B's record too; into a third centre it creates a new one.
		rows := []candidat.ImportRow{{Line: 2, Candidat: *candPerson(1),
			Inscription: candidat.Inscription{Voie: candidat.FormationContinue, Promotion: "IMP", Date: candIns(w, 0, "").Date}}}
		rows[0].Candidat.Email = "import@exemple.fr"
		res, err := s.ImportCandidats(ctx, w.refB, w.cert.ID, w.centreB.ID, rows)
		if err != nil || res.NewCandidats != 0 || res.Created != 1 {
			t.Fatalf("import into B = %+v, %v", res, err)
		}
		if list, _ := s.Inscriptions(ctx, w.refB, store.InscriptionFilter{Promotion: "IMP"}); len(list) != 1 || list[0].CandidatID != b.ID {
			t.Errorf("import into B attached to %+v, want %d", list, b.ID)
		}
		centreC := mustOrganisme(t, s, "Centre C", false)
		rows[0].Candidat.Email = "import.c@exemple.fr"
		res, err = s.ImportCandidats(ctx, w.admin, w.cert.ID, centreC.ID, rows)
		if err != nil || res.NewCandidats != 1 {
			t.Fatalf("import into C = %+v, %v", res, err)
		}
		if list, _ := s.Inscriptions(ctx, w.admin, store.InscriptionFilter{CentreID: centreC.ID}); len(list) != 1 ||
			list[0].CandidatID == a.ID || list[0].CandidatID == b.ID {
			t.Errorf("import into C attached to an existing record: %+v", list)
		}
	})
}

func TestMergeCandidats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		a := candPerson(1)
		tokA := mustInscrire(t, s, w.refA, a, candIns(w, w.centreA.ID, "PA"))
		b := candPerson(1)
		b.Email = "dans.b@exemple.fr"
		mustInscrire(t, s, w.refB, b, candIns(w, w.centreB.ID, "PB"))
		other := candPerson(2)
		mustInscrire(t, s, w.refB, other, candIns(w, w.centreB.ID, "PB"))

		if _, err := s.MergeCandidats(ctx, w.refA, b.ID, a.ID); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("merge by a referent = %v", err)
		}
		if _, err := s.MergeCandidats(ctx, w.admin, a.ID, a.ID); apperr.FieldErrors(err)["from"] == "" {
			t.Errorf("merge into itself = %v", err)
		}
		if _, err := s.MergeCandidats(ctx, w.admin, other.ID, a.ID); apperr.FieldErrors(err)["from"] == "" {
			t.Errorf("merge of another identity = %v", err)
		}
		if _, err := s.MergeCandidats(ctx, w.admin, 9999, a.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("merge of an unknown candidate = %v", err)
		}

		res, err := s.MergeCandidats(ctx, w.admin, b.ID, a.ID)
		if err != nil || res.Inscriptions != 1 || res.Account != "deactivated" {
			t.Fatalf("merge = %+v, %v", res, err)
		}
		if _, err := s.Candidat(ctx, w.admin, b.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("merged record still there: %v", err)
		}
		list, err := s.Inscriptions(ctx, w.admin, store.InscriptionFilter{CandidatID: a.ID})
		if err != nil || len(list) != 2 {
			t.Errorf("kept record's inscriptions = %+v, %v", list, err)
		}
		if got, err := s.Candidat(ctx, w.refB, a.ID); err != nil || got.Email != a.Email {
			t.Errorf("referent B reads the kept record = %+v, %v", got, err)
		}
		if u, err := s.User(ctx, account.System, b.UserID); err != nil || u.Active {
			t.Errorf("merged record's account = %+v, %v", u, err)
		}
		// A's link, issued by A's référent before the merge, no longer opens the account that
		// now holds B's inscription too.
		if tokA == "" {
			t.Fatal("no activation link for A")
		}
		if _, err := s.ActivationUser(ctx, tokA); !errors.Is(err, apperr.NotFound) {
			t.Errorf("A's link after the merge = %v, want NotFound", err)
		}
		// The person's account now reads both centres: only the admin issues its link.
		if _, err := s.NewActivation(ctx, w.refA, a.UserID); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent A for the shared account = %v", err)
		}
		if links, _ := s.PendingActivations(ctx, w.refA, w.centreA.ID, "PA"); len(links) != 0 {
			t.Errorf("referent A's pending links include the shared account: %+v", links)
		}
		if _, err := s.NewActivation(ctx, w.admin, a.UserID); err != nil {
			t.Errorf("admin for the shared account = %v", err)
		}
		entries, _ := s.AuditLog(ctx, w.admin, 10)
		var merged []string
		for _, e := range entries {
			if strings.HasPrefix(e.Action, "candidat.merge") {
				merged = append(merged, e.Action)
				if strings.Contains(e.Detail, "@") {
					t.Errorf("journal holds personal data: %s", e.Detail)
				}
			}
		}
		if len(merged) != 2 {
			t.Errorf("journal of the merge = %v", merged)
		}
	})
}

// TestSetStatutFollowsTransitions: a referent could set Certifié on a candidate with no jury.
func TestSetStatutFollowsTransitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		c := candPerson(1)
		ins := candIns(w, w.centreA.ID, "P")
		mustInscrire(t, s, w.refA, c, ins)
		for _, st := range []candidat.Statut{candidat.Certifie, candidat.PartiellementCertifie, candidat.NonCertifie, candidat.PresenteAuJury} {
			for _, who := range []account.Actor{w.refA, w.admin} {
				if err := s.SetStatut(ctx, who, ins.ID, st); apperr.FieldErrors(err)["statut"] == "" {
					t.Errorf("en formation → %s by %v = %v", st, who.Role, err)
				}
			}
		}
		for _, st := range []candidat.Statut{candidat.DossierEnPreparation, candidat.PresenteAuJury} {
			if err := s.SetStatut(ctx, w.refA, ins.ID, st); err != nil {
				t.Fatalf("→ %s: %v", st, err)
			}
		}
		if err := s.SetStatut(ctx, w.refA, ins.ID, candidat.Certifie); apperr.FieldErrors(err)["statut"] == "" {
			t.Errorf("présenté au jury → certifié by the referent = %v", err)
		}
		if got, _ := s.Inscription(ctx, w.refA, ins.ID); got.Statut != candidat.PresenteAuJury {
			t.Errorf("statut = %s", got.Statut)
		}
		// Nor does an inscription start certified.
		born := candIns(w, w.centreA.ID, "Q")
		born.Statut = candidat.Certifie
		if _, err := s.Inscrire(ctx, w.admin, candPerson(2), born); apperr.FieldErrors(err)["statut"] == "" {
			t.Errorf("inscription created certifiée: %v", err)
		}
	})
}

// TestVersionedUpdates: two people edit the same record from the same version; the second
// save is refused with who made the first, on every versioned record.
func TestVersionedUpdates(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		refA, admin := w.actor(w.refA), w.actor(w.admin)
		stale := func(what string, err error, by *account.User) {
			t.Helper()
			var e *store.StaleError
			if !errors.As(err, &e) || !errors.Is(err, apperr.Conflict) {
				t.Errorf("%s: second save = %v, want a *StaleError", what, err)
				return
			}
			if e.By != by.DisplayName() || e.At.IsZero() || e.Version != 2 {
				t.Errorf("%s: stale = %+v, want by %q", what, e, by.DisplayName())
			}
		}

		m := &candidat.Module{Intitule: "Veille", Heures: 7, Competences: []string{"C1.1"}}
		if err := s.CreateModule(ctx, refA, w.certID, m); err != nil {
			t.Fatal(err)
		}
		m1, m2 := *m, *m
		m1.Heures, m2.Intitule = 14, "Veille concurrente"
		if err := s.UpdateModule(ctx, refA, &m1); err != nil || m1.Version != 2 {
			t.Fatalf("first module save = %v (version %d)", err, m1.Version)
		}
		stale("module", s.UpdateModule(ctx, admin, &m2), w.refA)
		// Nothing changed but a stale version is still a conflict; unknown ids are NotFound.
		stale("module unchanged", s.UpdateModule(ctx, admin, m), w.refA)
		m3 := m1
		m3.ID = 9999
		if err := s.UpdateModule(ctx, admin, &m3); !errors.Is(err, apperr.NotFound) {
			t.Errorf("unknown module = %v", err)
		}

		se := &candidat.Seance{InscriptionID: w.fc, ModuleID: m.ID, Debut: lvNow(), Fin: lvNow(), HeuresPrevues: 7}
		if err := s.AddSeance(ctx, refA, se); err != nil {
			t.Fatal(err)
		}
		se1, se2 := *se, *se
		se1.HeuresRealisees, se2.HeuresPrevues = 3, 8
		if err := s.UpdateSeance(ctx, refA, &se1); err != nil {
			t.Fatal(err)
		}
		stale("séance", s.UpdateSeance(ctx, admin, &se2), w.refA)

		st := &store.Stage{InscriptionID: w.fc, Entreprise: "Agence", TuteurNom: "Tuteur", TuteurEmail: "t@exemple.fr", Debut: lvNow(), Fin: lvNow()}
		if err := s.CreateStage(ctx, refA, st); err != nil {
			t.Fatal(err)
		}
		st1, st2 := *st, *st
		st1.Entreprise, st2.TuteurNom = "Agence Lumière", "Autre tuteur"
		if err := s.UpdateStage(ctx, refA, &st1); err != nil {
			t.Fatal(err)
		}
		stale("stage", s.UpdateStage(ctx, admin, &st2), w.refA)

		o1, o2 := *w.centreB, *w.centreB
		o1.Nom, o2.Nom = "Centre B Est", "Centre B Ouest"
		if err := s.UpdateOrganisme(ctx, admin, &o1); err != nil {
			t.Fatal(err)
		}
		stale("centre", s.UpdateOrganisme(ctx, admin, &o2), w.admin)

		u1, u2 := *w.formA, *w.formA
		u1.Nom, u2.Prenom = "Nouveau", "Autre"
		if err := s.UpdateUser(ctx, refA, &u1); err != nil {
			t.Fatal(err)
		}
		// A failed sign-in journalled on the account since is no edit: the 409 still names
		// the référent who saved it.
		if err := s.AuditLogin(ctx, w.formA.ID, store.LoginWrongPassword); err != nil {
			t.Fatal(err)
		}
		stale("user", s.UpdateUser(ctx, admin, &u2), w.refA)
		if got, _ := s.User(ctx, admin, w.formA.ID); got.Nom != "Nouveau" || got.Prenom != w.formA.Prenom {
			t.Errorf("the second save wrote something: %+v", got)
		}
	})
}

func TestVersionedCandidat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		c := candPerson(1)
		mustInscrire(t, s, w.refA, c, candIns(w, w.centreA.ID, "P"))
		c1, c2 := *c, *c
		c1.Telephone, c2.CommuneNaissance = "07 00 00 00 01", "Villeurbanne"
		if err := s.UpdateCandidat(ctx, w.refA, &c1); err != nil || c1.Version != 2 {
			t.Fatalf("first save = %v (version %d)", err, c1.Version)
		}
		var e *store.StaleError
		if err := s.UpdateCandidat(ctx, w.admin, &c2); !errors.As(err, &e) || e.By != w.world.refA.DisplayName() {
			t.Errorf("second save = %v (%+v)", err, e)
		}
		if got, _ := s.Candidat(ctx, w.admin, c.ID); got.Telephone != "07 00 00 00 01" || got.CommuneNaissance != c.CommuneNaissance {
			t.Errorf("stored = %+v", got)
		}
	})
}

// TestChildBelongsToParent is issue 6, defect 7: a stage (or séance) of inscription 21 was
// changed through inscription 2's route.
func TestChildBelongsToParent(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		other := lvFixtureInscription(t, s, lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID,
			voie: candidat.FormationContinue, promotion: "CM-2026-A", nom: "Petit", prenom: "Jean"})
		refA := w.actor(w.refA)
		st := &store.Stage{InscriptionID: other, Entreprise: "Agence", TuteurNom: "Tuteur", TuteurEmail: "t@exemple.fr", Debut: lvNow(), Fin: lvNow()}
		if err := s.CreateStage(ctx, refA, st); err != nil {
			t.Fatal(err)
		}
		wrong := *st
		wrong.InscriptionID, wrong.Entreprise = w.fc, "Détournée"
		if err := s.UpdateStage(ctx, refA, &wrong); !errors.Is(err, apperr.NotFound) {
			t.Errorf("stage through another inscription = %v", err)
		}
		if _, err := s.StageLink(ctx, refA, w.fc, st.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("stage link through another inscription = %v", err)
		}
		if got, _ := s.Stages(ctx, refA, other); len(got) != 1 || got[0].Entreprise != "Agence" || !got[0].LienExpire.IsZero() {
			t.Errorf("stage changed: %+v", got)
		}
		if _, err := s.StageLink(ctx, refA, other, st.ID); err != nil {
			t.Errorf("stage link through its inscription = %v", err)
		}
	})
}

// TestOrphanAccountOfAnotherCentreIsNotLinked: a candidat account made for centre B (no
// candidate yet) is not taken over by A's enrolment or import with its e-mail.
func TestOrphanAccountOfAnotherCentreIsNotLinked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		orphan := mustUser(t, s, w.admin, "orpheline@exemple.fr", account.RoleCandidat, w.centreB.ID)
		c := candPerson(1)
		c.Email = orphan.Email
		if _, err := s.Inscrire(ctx, w.refA, c, candIns(w, w.centreA.ID, "P")); apperr.FieldErrors(err)["email"] == "" {
			t.Errorf("A links B's account: %v", err)
		}
		rows := []candidat.ImportRow{{Line: 2, Candidat: *candPerson(1),
			Inscription: candidat.Inscription{Voie: candidat.FormationContinue, Promotion: "P", Date: candIns(w, 0, "").Date}}}
		rows[0].Candidat.Email = orphan.Email
		if _, err := s.ImportCandidats(ctx, w.refA, w.cert.ID, w.centreA.ID, rows); err == nil {
			t.Error("A's import links B's account")
		}
		c = candPerson(1)
		c.Email = orphan.Email
		mustInscrire(t, s, w.refB, c, candIns(w, w.centreB.ID, "P"))
		if c.UserID != orphan.ID {
			t.Errorf("B's own account not linked: %d", c.UserID)
		}
	})
}
