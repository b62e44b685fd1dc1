package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/mail"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// courrielsTo counts the outbox messages of kind to address to.
func courrielsTo(t *testing.T, s *store.Store, kind, to string) int {
	t.Helper()
	rows, err := s.DB().QueryContext(ctx, `SELECT kind, recipient FROM courriels`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var k, r string
		if err := rows.Scan(&k, &r); err != nil {
			t.Fatal(err)
		}
		if k == kind && r == to {
			n++
		}
	}
	return n
}

// TestCandidatLoginEmailTakeover: the outside attack changed an activated candidate's e-mail
// (the login) through the identity correction, then asked for a reset link.
func TestCandidatLoginEmailTakeover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		a := candPerson(1)
		tok := mustInscrire(t, s, w.refA, a, candIns(w, w.centreA.ID, "P1"))
		if _, err := s.Activate(ctx, tok, "hash-a"); err != nil {
			t.Fatal(err)
		}
		_, secret, err := s.CreateToken(ctx, candUserActor(t, s, a.UserID), a.UserID, "script", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		_, epoch, _ := s.SessionUser(ctx, a.UserID)

		// The référent of the centre may not change the login of an activated account.
		c, _ := s.Candidat(ctx, w.refA, a.ID)
		c.Email = "attaquant@exemple.fr"
		err = s.UpdateCandidat(ctx, w.refA, c)
		if got := apperr.FieldErrors(err)["email"]; !strings.Contains(got, "seul le certificateur") {
			t.Fatalf("referent changes an activated login = %v", err)
		}
		if u, _ := s.User(ctx, account.System, a.UserID); u.Email != a.Email {
			t.Errorf("login changed anyway: %s", u.Email)
		}
		// Nor through the account form.
		acc, err := s.User(ctx, w.refA, a.UserID)
		if err != nil {
			t.Fatal(err)
		}
		acc.Email = "attaquant@exemple.fr"
		if err := s.UpdateUser(ctx, w.refA, acc); apperr.FieldErrors(err)["email"] == "" {
			t.Fatalf("referent changes an activated login through the account = %v", err)
		}
		// Other fields still go through.
		c, _ = s.Candidat(ctx, w.refA, a.ID)
		c.Telephone = "01 02 03 04 05"
		if err := s.UpdateCandidat(ctx, w.refA, c); err != nil {
			t.Fatalf("referent corrects the phone = %v", err)
		}

		// The admin may: the old address is told, sessions and tokens end, the journal says so.
		c, _ = s.Candidat(ctx, w.admin, a.ID)
		c.Email = "nouvelle@exemple.fr"
		if err := s.UpdateCandidat(ctx, w.admin, c); err != nil {
			t.Fatal(err)
		}
		if n := courrielsTo(t, s, mail.KindEmailChanged, a.Email); n != 1 {
			t.Errorf("notifications to the old address = %d", n)
		}
		if n := courrielsTo(t, s, mail.KindEmailChanged, "nouvelle@exemple.fr"); n != 0 {
			t.Errorf("notification sent to the new address")
		}
		if _, now, _ := s.SessionUser(ctx, a.UserID); now == epoch {
			t.Errorf("sessions survive the login change")
		}
		if _, err := s.UserByToken(ctx, secret); err == nil {
			t.Errorf("API token survives the login change")
		}
		entries, _ := s.AuditLog(ctx, w.admin, 5)
		found := false
		for _, e := range entries {
			if e.Action == "user.email" && e.EntityID == a.UserID {
				found = true
				if strings.Contains(e.Detail, "@") {
					t.Errorf("journal holds an address: %s", e.Detail)
				}
			}
		}
		if !found {
			t.Errorf("no user.email journal entry: %+v", entries)
		}
	})
}

// TestCandidatPendingEmailCorrection: before activation the centre corrects a typo; the link
// goes to the new address and the old one stops working.
func TestCandidatPendingEmailCorrection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		a := candPerson(1)
		tok := mustInscrire(t, s, w.refA, a, candIns(w, w.centreA.ID, "P1"))
		c, _ := s.Candidat(ctx, w.refA, a.ID)
		c.Email = "corrigee@exemple.fr"
		if err := s.UpdateCandidat(ctx, w.refA, c); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActivationUser(ctx, tok); !errors.Is(err, apperr.NotFound) {
			t.Errorf("old link after the correction = %v", err)
		}
		if n := courrielsTo(t, s, mail.KindActivation, "corrigee@exemple.fr"); n != 1 {
			t.Errorf("activation links to the new address = %d", n)
		}
		if n := courrielsTo(t, s, mail.KindEmailChanged, a.Email); n != 0 {
			t.Errorf("a not-activated account's old address was notified")
		}
	})
}

// TestCandidatTwoCentresEmail: a candidate merged across two centres: neither référent changes
// the e-mail, activated or not; the admin does.
func TestCandidatTwoCentresEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		a := candPerson(1)
		mustInscrire(t, s, w.refA, a, candIns(w, w.centreA.ID, "PA"))
		b := candPerson(1)
		b.Email = "dans.b@exemple.fr"
		mustInscrire(t, s, w.refB, b, candIns(w, w.centreB.ID, "PB"))
		if _, err := s.MergeCandidats(ctx, w.admin, b.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		for name, ref := range map[string]account.Actor{"A": w.refA, "B": w.refB} {
			c, err := s.Candidat(ctx, ref, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			c.Email = "attaquant." + name + "@exemple.fr"
			err = s.UpdateCandidat(ctx, ref, c)
			if got := apperr.FieldErrors(err)["email"]; !strings.Contains(got, "plusieurs centres") {
				t.Errorf("referent %s changes the e-mail of a two-centre candidate = %v", name, err)
			}
		}
		c, _ := s.Candidat(ctx, w.admin, a.ID)
		c.Email = "correcte@exemple.fr"
		if err := s.UpdateCandidat(ctx, w.admin, c); err != nil {
			t.Errorf("admin = %v", err)
		}
	})
}
