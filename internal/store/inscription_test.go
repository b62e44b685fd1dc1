package store_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func TestInscrire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		users := candCount(t, s, "users")

		// A new person: candidate, account and inscription, with an activation token.
		c := candPerson(1)
		ins := candIns(w, 0, " CM-2026-A ") // a referent's own centre by default
		tok := mustInscrire(t, s, w.refA, c, ins)
		if raw, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(raw) != 32 {
			t.Errorf("activation token %q: %v", tok, err)
		}
		if c.ID == 0 || c.UserID == 0 || ins.ID == 0 || ins.CandidatID != c.ID || ins.CentreID != w.centreA.ID ||
			ins.VersionID != w.cert.VersionID || ins.Promotion != "CM-2026-A" || ins.Statut != candidat.EnFormation ||
			len(ins.BlocsVises) != 3 || ins.CreatedAt.IsZero() {
			t.Errorf("candidate %+v, inscription %+v", c, ins)
		}
		if n := candCount(t, s, "users"); n != users+1 {
			t.Errorf("users %d → %d", users, n)
		}
		u, err := s.User(ctx, w.refA, c.UserID)
		if err != nil || u.Role != account.RoleCandidat || u.CentreID != w.centreA.ID || u.Nom != "Lefèvre-1" ||
			u.Prenom != "Élodie" || u.Email != c.Email || !u.Active {
			t.Errorf("account = %+v, %v", u, err)
		}
		// The account cannot log in before activation: its hash is empty and never verifies.
		_, hash, err := s.Credentials(ctx, c.Email)
		if err != nil || hash != "" || account.VerifyPassword(hash, "") || account.VerifyPassword(hash, "n'importe quoi") {
			t.Errorf("credentials before activation: %q, %v", hash, err)
		}
		// The audit says what was created, without personal data.
		entries, _ := s.AuditLog(ctx, w.admin, 3)
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
			if strings.Contains(e.Detail, "@") || strings.Contains(strings.ToLower(e.Detail), "lef") || strings.Contains(e.Detail, tok) {
				t.Errorf("personal data in audit: %+v", e)
			}
		}
		if strings.Join(actions, ",") != "inscription.create,candidat.create,user.create" {
			t.Errorf("audit = %v", actions)
		}

		// The same person (case and accents aside) in another promotion: same candidate, no
		// new account; stored details win.
		again := candPerson(1)
		again.NomNaissance, again.Prenoms, again.Email = "LEFEVRE 1", []string{"elodie"}, "autre@exemple.fr"
		ins2 := candIns(w, w.centreA.ID, "CM-2027-A")
		if tok := mustInscrire(t, s, w.admin, again, ins2); tok != "" {
			t.Errorf("second enrolment gives a token")
		}
		if again.ID != c.ID || ins2.CandidatID != c.ID || again.Email != c.Email || candCount(t, s, "candidats") != 1 {
			t.Errorf("second enrolment = %+v", again)
		}

		// The same promotion twice.
		_, err = s.Inscrire(ctx, w.refA, candPerson(1), candIns(w, w.centreA.ID, "CM-2026-A"))
		if msg := apperr.FieldErrors(err)["promotion"]; msg != "Ce candidat est déjà inscrit dans cette promotion." {
			t.Errorf("duplicate = %v", err)
		}

		// An e-mail of a non-candidat account.
		other := candPerson(2)
		other.Email = "ADMIN@example.org"
		_, err = s.Inscrire(ctx, w.refA, other, candIns(w, w.centreA.ID, "P"))
		if msg := apperr.FieldErrors(err)["email"]; msg != "Cette adresse e-mail appartient à un compte qui n'est pas un compte candidat." {
			t.Errorf("admin's e-mail = %v", err)
		}
		// An e-mail of another candidate's account.
		other = candPerson(2)
		other.Email = c.Email
		if _, err = s.Inscrire(ctx, w.refA, other, candIns(w, w.centreA.ID, "P")); apperr.FieldErrors(err)["email"] == "" {
			t.Errorf("another candidate's e-mail = %v", err)
		}
		// A candidat account without candidate yet is linked.
		pre := mustUser(t, s, w.admin, "pre@exemple.fr", account.RoleCandidat, w.centreA.ID)
		other = candPerson(3)
		other.Email = "pre@exemple.fr"
		if tok := mustInscrire(t, s, w.refA, other, candIns(w, w.centreA.ID, "P")); tok != "" || other.UserID != pre.ID {
			t.Errorf("linked = %+v, token %q", other, tok)
		}
		if got, err := s.CandidatByUser(ctx, pre.ID); err != nil || got.ID != other.ID {
			t.Errorf("CandidatByUser(linked) = %+v, %v", got, err)
		}

		// Who may enrol where.
		if _, err := s.Inscrire(ctx, w.refA, candPerson(4), candIns(w, w.centreB.ID, "P")); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent A into B = %v", err)
		}
		for _, a := range []account.Actor{w.formateur, w.actor(w.jury), candUserActor(t, s, c.UserID)} {
			if _, err := s.Inscrire(ctx, a, candPerson(4), candIns(w, w.centreA.ID, "P")); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("%s enrols = %v", a.Role, err)
			}
		}
		if _, err := s.Inscrire(ctx, w.admin, candPerson(4), candIns(w, w.centreB.ID, "P")); err != nil {
			t.Errorf("admin into B = %v", err)
		}
		// The centre must be a real, active, training centre.
		for _, centre := range []int64{w.certif.ID, 9999} {
			if _, err := s.Inscrire(ctx, w.admin, candPerson(5), candIns(w, centre, "P")); apperr.FieldErrors(err)["centre"] == "" {
				t.Errorf("centre %d = %v", centre, err)
			}
		}
		// Bad fields of both parts come together, before any write.
		bad := candPerson(6)
		bad.NomNaissance = ""
		badIns := candIns(w, w.centreA.ID, "P")
		badIns.Voie = ""
		badIns.CertificationID = 9999
		f := apperr.FieldErrors(func() error { _, err := s.Inscrire(ctx, w.refA, bad, badIns); return err }())
		if f["nom_naissance"] == "" || f["certification"] == "" {
			t.Errorf("bad fields = %v", f)
		}
	})
}

func TestInscrireVAE(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		// A centre that may evaluate but not train takes VAE candidates only.
		vae := &account.Organisme{Nom: "Centre VAE", SIRET: newSIRET(), HabilitationEvaluation: true}
		if err := s.CreateOrganisme(ctx, account.System, vae); err != nil {
			t.Fatal(err)
		}
		_, err := s.Inscrire(ctx, w.admin, candPerson(1), candIns(w, vae.ID, "V"))
		if msg := apperr.FieldErrors(err)["centre"]; !strings.Contains(msg, "VAE") {
			t.Errorf("training into a VAE-only centre = %v", err)
		}
		ins := candIns(w, vae.ID, "V")
		ins.Voie = candidat.VAE
		_, err = s.Inscrire(ctx, w.admin, candPerson(1), ins)
		if msg := apperr.FieldErrors(err)["type_vae"]; msg != "Précisez le type de VAE : congé VAE ou VAE classique." {
			t.Errorf("VAE without type = %v", err)
		}
		ins.TypeVAE = candidat.CongeVAE
		ins.BlocsVises = []string{"BC02"}
		mustInscrire(t, s, w.admin, candPerson(1), ins)
		got, err := s.Inscription(ctx, w.admin, ins.ID)
		if err != nil || got.Voie != candidat.VAE || got.TypeVAE != candidat.CongeVAE || got.Statut != candidat.DossierEnPreparation ||
			strings.Join(got.BlocsVises, ",") != "BC02" || !got.Partielle(w.ref) {
			t.Errorf("VAE inscription = %+v, %v", got, err)
		}
	})
}

func TestActivation(t *testing.T) {
	clock := &candClock{}
	storetest.EachWith(t, store.Options{Now: clock.Now}, func(t *testing.T, s *store.Store) {
		clock.Set(candEpoch)
		w := newCandWorld(t, s)
		c := candPerson(1)
		tok := mustInscrire(t, s, w.refA, c, candIns(w, w.centreA.ID, "P"))

		u, err := s.ActivationUser(ctx, tok)
		if err != nil || u.ID != c.UserID {
			t.Fatalf("ActivationUser = %+v, %v", u, err)
		}
		for _, bad := range []string{"", "x", tok + "x"} {
			if _, err := s.ActivationUser(ctx, bad); !errors.Is(err, apperr.NotFound) {
				t.Errorf("ActivationUser(%q) = %v", bad, err)
			}
		}
		if _, err := s.Activate(ctx, tok, ""); !errors.Is(err, apperr.Invalid) {
			t.Errorf("empty hash = %v", err)
		}
		clock.Set(candEpoch.Add(29 * 24 * 3600e9))
		u, err = s.Activate(ctx, tok, "argon-hash")
		if err != nil || u.ID != c.UserID {
			t.Fatalf("Activate = %+v, %v", u, err)
		}
		if _, hash, _ := s.Credentials(ctx, c.Email); hash != "argon-hash" {
			t.Errorf("hash after activation = %q", hash)
		}
		// One use only.
		if _, err := s.Activate(ctx, tok, "other"); !errors.Is(err, apperr.NotFound) {
			t.Errorf("second use = %v", err)
		}
		if _, err := s.ActivationUser(ctx, tok); !errors.Is(err, apperr.NotFound) {
			t.Errorf("ActivationUser after use = %v", err)
		}
		entries, _ := s.AuditLog(ctx, w.admin, 1)
		if e := entries[0]; e.Action != "user.activate" || e.ActorID != c.UserID || e.EntityID != c.UserID || e.Detail != "{}" {
			t.Errorf("audit = %+v", e)
		}

		// Expiry after 30 days.
		d := candPerson(2)
		tok2 := mustInscrire(t, s, w.refA, d, candIns(w, w.centreA.ID, "P"))
		clock.Set(clock.Now().Add(30*24*3600e9 + 1e9))
		if _, err := s.ActivationUser(ctx, tok2); !errors.Is(err, apperr.NotFound) {
			t.Errorf("expired ActivationUser = %v", err)
		}
		if _, err := s.Activate(ctx, tok2, "h"); !errors.Is(err, apperr.NotFound) {
			t.Errorf("expired Activate = %v", err)
		}

		// A fresh token replaces the old one.
		if _, err := s.NewActivation(ctx, w.refB, d.UserID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("referent of another centre = %v", err)
		}
		if _, err := s.NewActivation(ctx, w.formateur, d.UserID); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("formateur = %v", err)
		}
		if _, err := s.NewActivation(ctx, w.refA, w.formA.ID); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent for a formateur = %v", err)
		}
		if _, err := s.NewActivation(ctx, w.admin, 9999); !errors.Is(err, apperr.NotFound) {
			t.Errorf("unknown user = %v", err)
		}
		tok3, err := s.NewActivation(ctx, w.refA, d.UserID)
		if err != nil || tok3 == "" || tok3 == tok2 {
			t.Fatalf("NewActivation = %q, %v", tok3, err)
		}
		tok4, err := s.NewActivation(ctx, w.admin, d.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActivationUser(ctx, tok3); !errors.Is(err, apperr.NotFound) {
			t.Errorf("replaced token still works: %v", err)
		}
		if u, err := s.Activate(ctx, tok4, "h4"); err != nil || u.ID != d.UserID {
			t.Errorf("Activate(new token) = %+v, %v", u, err)
		}

		// Enrolled in B too (merged by the admin), the account reads both centres' inscriptions:
		// neither referent may issue its link any more, the admin may.
		inB := candPerson(2)
		inB.Email = "autre.adresse@exemple.fr"
		mustInscrire(t, s, w.refB, inB, candIns(w, w.centreB.ID, "PB"))
		if _, err := s.MergeCandidats(ctx, w.admin, inB.ID, d.ID); err != nil {
			t.Fatal(err)
		}
		for _, ref := range []account.Actor{w.refA, w.refB} {
			if _, err := s.NewActivation(ctx, ref, d.UserID); !errors.Is(err, apperr.Forbidden) && !errors.Is(err, apperr.NotFound) {
				t.Errorf("referent of centre %d for a shared account = %v", ref.CentreID, err)
			}
		}
		// An inactive account cannot be activated.
		tok5, _ := s.NewActivation(ctx, w.admin, d.UserID)
		du, _ := s.User(ctx, account.System, d.UserID)
		du.Active = false
		if err := s.UpdateUser(ctx, w.admin, du); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Activate(ctx, tok5, "h5"); !errors.Is(err, apperr.NotFound) {
			t.Errorf("inactive Activate = %v", err)
		}
	})
}
