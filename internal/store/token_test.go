package store_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func TestTokens(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	storetest.EachWith(t, store.Options{Now: func() time.Time { return clock() }}, func(t *testing.T, s *store.Store) {
		now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		w := newWorld(t, s)
		_, tok, err := s.CreateToken(ctx, w.actor(w.refA), w.refA.ID, "script d'export", 0)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "ctf_"))
		if !strings.HasPrefix(tok, "ctf_") || err != nil || len(raw) != 32 {
			t.Errorf("token %q", tok)
		}
		err = s.Transact(ctx, func(tx *store.Tx) error {
			var stored int
			var hash string
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MAX(hash) FROM api_tokens WHERE hash <> ? AND name <> ?`, tok, tok).Scan(&stored, &hash); err != nil {
				return err
			}
			if stored != 1 || len(hash) != 64 || strings.Contains(hash, tok[4:]) {
				t.Errorf("stored %d tokens, hash %q", stored, hash)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		u, err := s.UserByToken(ctx, tok)
		if err != nil || u.ID != w.refA.ID || u.CentreID != w.centreA.ID {
			t.Fatalf("UserByToken = %+v, %v", u, err)
		}
		list, err := s.Tokens(ctx, w.actor(w.refA), w.refA.ID)
		if err != nil || len(list) != 1 || list[0].Name != "script d'export" || !list[0].LastUsedAt.Equal(now) {
			t.Errorf("Tokens = %+v, %v", list, err)
		}
		// Last use is written at most once a minute.
		now = now.Add(30 * time.Second)
		s.UserByToken(ctx, tok)
		list, _ = s.Tokens(ctx, w.actor(w.admin), w.refA.ID)
		if !list[0].LastUsedAt.Equal(now.Add(-30 * time.Second)) {
			t.Errorf("last used moved after 30 s: %v", list[0].LastUsedAt)
		}
		now = now.Add(time.Minute)
		s.UserByToken(ctx, tok)
		list, _ = s.Tokens(ctx, w.actor(w.admin), w.refA.ID)
		if !list[0].LastUsedAt.Equal(now) {
			t.Errorf("last used = %v, want %v", list[0].LastUsedAt, now)
		}

		for _, bad := range []string{"", "ctf_", "ctf_nope", tok + "x", "Bearer " + tok} {
			if _, err := s.UserByToken(ctx, bad); !errors.Is(err, apperr.Unauthenticated) {
				t.Errorf("UserByToken(%q) = %v", bad, err)
			}
		}
		// Permissions.
		if _, _, err := s.CreateToken(ctx, w.actor(w.refA), w.refB.ID, "x", 0); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("token for another = %v", err)
		}
		if _, _, err := s.CreateToken(ctx, w.actor(w.admin), 9999, "x", 0); !errors.Is(err, apperr.NotFound) {
			t.Errorf("token for unknown = %v", err)
		}
		if _, _, err := s.CreateToken(ctx, w.actor(w.admin), w.refB.ID, strings.Repeat("x", 101), 0); apperr.FieldErrors(err)["name"] == "" {
			t.Errorf("long name = %v", err)
		}
		if _, err := s.Tokens(ctx, w.actor(w.refB), w.refA.ID); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("Tokens of another = %v", err)
		}

		// An inactive owner makes the token useless.
		_, tokB, err := s.CreateToken(ctx, w.actor(w.admin), w.refB.ID, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		off := *w.refB
		off.Active = false
		if err := s.UpdateUser(ctx, w.actor(w.admin), &off); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, tokB); !errors.Is(err, apperr.Unauthenticated) {
			t.Errorf("token of inactive user = %v", err)
		}

		// Revocation.
		if err := s.RevokeToken(ctx, w.actor(w.refB), 0, list[0].ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("revoke another's token = %v", err)
		}
		if err := s.RevokeToken(ctx, w.actor(w.admin), w.admin.ID, list[0].ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("revoke as another owner = %v", err)
		}
		if err := s.RevokeToken(ctx, w.actor(w.refA), w.refA.ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, w.actor(w.refA), w.refA.ID, list[0].ID); err != nil {
			t.Errorf("revoke twice = %v", err)
		}
		if _, err := s.UserByToken(ctx, tok); !errors.Is(err, apperr.Unauthenticated) {
			t.Errorf("revoked token = %v", err)
		}
		log, _ := s.AuditLog(ctx, account.System, 100)
		var creates, revokes int
		for _, e := range log {
			if strings.Contains(e.Detail, strings.TrimPrefix(tok, "ctf_")) || strings.Contains(e.Detail, "ctf_") {
				t.Errorf("token in audit detail %s", e.Detail)
			}
			switch e.Action {
			case "token.create":
				creates++
			case "token.revoke":
				revokes++
			}
		}
		if creates != 2 || revokes != 1 {
			t.Errorf("audit: %d creates, %d revokes", creates, revokes)
		}
	})
}
