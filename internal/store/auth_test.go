package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func TestTokenExpiry(t *testing.T) {
	var now time.Time
	storetest.EachWith(t, store.Options{Now: func() time.Time { return now }}, func(t *testing.T, s *store.Store) {
		now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		w := newWorld(t, s)
		def, tokDef, err := s.CreateToken(ctx, w.actor(w.refA), w.refA.ID, "défaut", 0)
		if err != nil || !def.ExpiresAt.Equal(now.Add(90*24*time.Hour)) || def.ID == 0 {
			t.Fatalf("default token %+v, %v", def, err)
		}
		week, tokWeek, err := s.CreateToken(ctx, w.actor(w.refA), w.refA.ID, "semaine", 7*24*time.Hour)
		if err != nil || !week.ExpiresAt.Equal(now.Add(7*24*time.Hour)) {
			t.Fatalf("week token %+v, %v", week, err)
		}
		for _, ttl := range []time.Duration{-time.Hour, 366 * 24 * time.Hour} {
			if _, _, err := s.CreateToken(ctx, w.actor(w.refA), w.refA.ID, "x", ttl); apperr.FieldErrors(err)["expires"] == "" {
				t.Errorf("ttl %v: %v", ttl, err)
			}
		}
		if _, _, err := s.CreateToken(ctx, w.actor(w.refA), w.refA.ID, "an", store.MaxTokenTTL); err != nil {
			t.Errorf("one year: %v", err)
		}

		now = now.Add(7*24*time.Hour - time.Second)
		if _, err := s.UserByToken(ctx, tokWeek); err != nil {
			t.Errorf("week token before expiry: %v", err)
		}
		now = now.Add(time.Second)
		if _, err := s.UserByToken(ctx, tokWeek); !errors.Is(err, apperr.Unauthenticated) {
			t.Errorf("week token at expiry: %v", err)
		}
		if _, err := s.UserByToken(ctx, tokDef); err != nil {
			t.Errorf("default token after a week: %v", err)
		}
		list, err := s.Tokens(ctx, w.actor(w.refA), w.refA.ID)
		if err != nil || len(list) != 3 {
			t.Fatalf("Tokens = %+v, %v", list, err)
		}
		valid := 0
		for _, tk := range list {
			if tk.Valid(now) {
				valid++
			}
			if tk.ExpiresAt.IsZero() {
				t.Errorf("token %d without expiry", tk.ID)
			}
		}
		if valid != 2 {
			t.Errorf("%d valid tokens, want 2", valid)
		}
		// A token without expiry (as a bug or a hand-made row would leave it) is refused.
		if _, err := s.DB().ExecContext(ctx, rebindFor(s, `UPDATE api_tokens SET expires_at = NULL WHERE id = ?`), def.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, tokDef); !errors.Is(err, apperr.Unauthenticated) {
			t.Errorf("token without expiry: %v", err)
		}
	})
}

// rebindFor turns ? into $1 for PostgreSQL (one placeholder only).
func rebindFor(s *store.Store, q string) string {
	if s.Dialect() == store.DialectPostgres {
		return strings.Replace(q, "?", "$1", 1)
	}
	return q
}

func TestPasswordChangeRevokesSessionsAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		_, tokA, _ := s.CreateToken(ctx, w.actor(w.refA), w.refA.ID, "a", 0)
		_, tokA2, _ := s.CreateToken(ctx, w.actor(w.refA), w.refA.ID, "a2", 0)
		_, tokB, _ := s.CreateToken(ctx, w.actor(w.refB), w.refB.ID, "b", 0)
		_, epoch0, err := s.SessionUser(ctx, w.refA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(ctx, w.actor(w.refA), w.refA.ID, "new-hash"); err != nil {
			t.Fatal(err)
		}
		_, epoch1, _ := s.SessionUser(ctx, w.refA.ID)
		_, epochB, _ := s.SessionUser(ctx, w.refB.ID)
		if epoch1 != epoch0+1 || epochB != 0 {
			t.Errorf("epochs %d → %d, other user %d", epoch0, epoch1, epochB)
		}
		for _, tok := range []string{tokA, tokA2} {
			if _, err := s.UserByToken(ctx, tok); !errors.Is(err, apperr.Unauthenticated) {
				t.Errorf("token after password change: %v", err)
			}
		}
		if _, err := s.UserByToken(ctx, tokB); err != nil {
			t.Errorf("another user's token: %v", err)
		}
		log, _ := s.AuditLog(ctx, account.System, 1)
		if log[0].Action != "user.password" || log[0].Detail != `{"tokens_revoked":2}` {
			t.Errorf("audit %+v", log[0])
		}
		if _, _, err := s.SessionUser(ctx, 9999); !errors.Is(err, apperr.NotFound) {
			t.Errorf("SessionUser(unknown) = %v", err)
		}
	})
}

func TestInactiveCentreStaffCannotAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		form := mustUser(t, s, w.actor(w.admin), "form.a@example.org", account.RoleFormateur, w.centreA.ID)
		cand := mustUser(t, s, w.actor(w.refA), "cand.a@example.org", account.RoleCandidat, 0)
		toks := map[int64]string{}
		for _, u := range []*account.User{w.refA, form, cand, w.refB} {
			_, tok, err := s.CreateToken(ctx, account.System, u.ID, "t", 0)
			if err != nil {
				t.Fatal(err)
			}
			toks[u.ID] = tok
		}
		w.centreA.Active = false
		if err := s.UpdateOrganisme(ctx, w.actor(w.admin), w.centreA); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			u      *account.User
			active bool
		}{{w.refA, false}, {form, false}, {cand, true}, {w.refB, true}, {w.admin, true}} {
			u, _, err := s.Credentials(ctx, tc.u.Email)
			if err != nil || u.Active != tc.active {
				t.Errorf("Credentials(%s).Active = %v, %v; want %v", tc.u.Email, u != nil && u.Active, err, tc.active)
			}
			su, _, err := s.SessionUser(ctx, tc.u.ID)
			if err != nil || su.Active != tc.active {
				t.Errorf("SessionUser(%s).Active = %v, %v; want %v", tc.u.Email, su != nil && su.Active, err, tc.active)
			}
			if tok, ok := toks[tc.u.ID]; ok {
				_, err := s.UserByToken(ctx, tok)
				if tc.active != (err == nil) || (err != nil && !errors.Is(err, apperr.Unauthenticated)) {
					t.Errorf("UserByToken(%s) = %v, want active %v", tc.u.Email, err, tc.active)
				}
			}
		}
		// The account itself stays active: reactivating the centre lets its staff back in.
		if u, err := s.User(ctx, w.actor(w.admin), w.refA.ID); err != nil || !u.Active {
			t.Errorf("User(refA) = %+v, %v", u, err)
		}
		w.centreA.Active = true
		if err := s.UpdateOrganisme(ctx, w.actor(w.admin), w.centreA); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, toks[w.refA.ID]); err != nil {
			t.Errorf("after reactivation: %v", err)
		}
	})
}

func TestAuditLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		if err := s.AuditLogin(ctx, w.refA.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.AuditLogin(ctx, w.refA.ID, store.LoginWrongPassword); err != nil {
			t.Fatal(err)
		}
		if err := s.AuditLogin(ctx, 0, store.LoginUnknownAccount); err != nil {
			t.Fatal(err)
		}
		if err := s.AuditLogin(ctx, 0, store.LoginFailure("someone@example.org")); apperr.FieldErrors(err)["reason"] == "" {
			t.Errorf("free-text reason accepted: %v", err)
		}
		log, _ := s.AuditLog(ctx, account.System, 3)
		want := []store.AuditEntry{
			{ActorID: 0, Action: "login.failed", Entity: "user", EntityID: 0, Detail: `{"reason":"unknown_account"}`},
			{ActorID: 0, Action: "login.failed", Entity: "user", EntityID: w.refA.ID, Detail: `{"reason":"wrong_password"}`},
			{ActorID: w.refA.ID, Action: "login", Entity: "user", EntityID: w.refA.ID, Detail: `{}`},
		}
		for i, e := range log {
			if e.ActorID != want[i].ActorID || e.Action != want[i].Action || e.Entity != want[i].Entity ||
				e.EntityID != want[i].EntityID || e.Detail != want[i].Detail {
				t.Errorf("entry %d = %+v, want %+v", i, e, want[i])
			}
		}
	})
}
