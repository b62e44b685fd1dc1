package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// TokenPrefix starts every API token, so that leaked tokens are easy to recognise.
const TokenPrefix = "ctf_"

// lastUsedGranularity bounds how often UserByToken writes last_used_at.
const lastUsedGranularity = time.Minute

// Token describes an API token; the token itself is never stored, only its SHA-256.
type Token struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
	RevokedAt  time.Time // zero while valid
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateToken creates an API token named name for user userID and returns it in plain text
// ("ctf_" + 32 random bytes in base64url): it cannot be read again. It is audited, without the
// token. Errors: apperr.Forbidden unless actor is an admin or the user themself;
// apperr.NotFound when the user does not exist; *apperr.Validation on "name" when longer than
// 100 characters.
func (s *Store) CreateToken(ctx context.Context, actor account.Actor, userID int64, name string) (string, error) {
	if !actor.IsAdmin() && (actor.UserID == 0 || actor.UserID != userID) {
		return "", fmt.Errorf("create token for user %d: %w", userID, apperr.Forbidden)
	}
	name = strings.TrimSpace(name)
	if len([]rune(name)) > 100 {
		v := apperr.NewValidation()
		v.Add("name", "Le nom du jeton ne doit pas dépasser 100 caractères.")
		return "", v
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	err := s.Transact(ctx, func(tx *Tx) error {
		if ok, err := exists(ctx, tx, `SELECT 1 FROM users WHERE id = ?`, userID); err != nil {
			return err
		} else if !ok {
			return apperr.NotFound
		}
		var id int64
		err := tx.QueryRowContext(ctx,
			`INSERT INTO api_tokens (user_id, name, hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			userID, name, hashToken(token), s.t(s.nowUTC())).Scan(&id)
		if err != nil {
			return mapErr(err)
		}
		return tx.audit(ctx, actor, "token.create", "token", id, map[string]any{"user_id": userID})
	})
	if err != nil {
		return "", fmt.Errorf("create token for user %d: %w", userID, err)
	}
	return token, nil
}

// UserByToken returns the active owner of token. apperr.Unauthenticated when the token is
// malformed, unknown or revoked, or its owner is inactive. It records the token's last use,
// writing at most once a minute per token (not audited: bookkeeping, not a change of data).
func (s *Store) UserByToken(ctx context.Context, token string) (*account.User, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, fmt.Errorf("token: %w", apperr.Unauthenticated)
	}
	var tokenID int64
	var lastUsed time.Time
	u, err := scanUser(s.queryRow(ctx,
		`SELECT u.id, u.email, u.nom, u.prenom, u.role, u.centre_id, u.active, u.lang, u.created_at, t.id, t.last_used_at
		 FROM api_tokens t JOIN users u ON u.id = t.user_id
		 WHERE t.hash = ? AND t.revoked_at IS NULL`, hashToken(token)), &tokenID, scanTime(&lastUsed))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("token: %w", apperr.Unauthenticated)
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if !u.Active {
		return nil, fmt.Errorf("token of user %d: inactive user: %w", u.ID, apperr.Unauthenticated)
	}
	now := s.nowUTC()
	if now.Sub(lastUsed) >= lastUsedGranularity {
		// A single statement, outside Transact: the condition keeps concurrent requests from
		// writing twice, and a failure here must not refuse the request.
		if _, err := s.db.ExecContext(ctx, s.rebind(
			`UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`),
			s.t(now), tokenID, s.t(now.Add(-lastUsedGranularity))); err != nil {
			s.log.WarnContext(ctx, "token last use not recorded", "token_id", tokenID, "err", err)
		}
	}
	return &u, nil
}

// Tokens lists the tokens of user userID, newest first (revoked ones included). Errors:
// apperr.Forbidden unless actor is an admin or the user themself.
func (s *Store) Tokens(ctx context.Context, actor account.Actor, userID int64) ([]Token, error) {
	if !actor.IsAdmin() && (actor.UserID == 0 || actor.UserID != userID) {
		return nil, fmt.Errorf("tokens of user %d: %w", userID, apperr.Forbidden)
	}
	rows, err := s.query(ctx,
		`SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("tokens of user %d: %w", userID, err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, scanTime(&t.CreatedAt), scanTime(&t.LastUsedAt), scanTime(&t.RevokedAt)); err != nil {
			return nil, fmt.Errorf("tokens of user %d: %w", userID, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tokens of user %d: %w", userID, err)
	}
	return out, nil
}

// RevokeToken revokes token tokenID (revoking it again is a no-op); it is audited. Errors:
// apperr.NotFound when the token does not exist or belongs to someone else and actor is not an
// admin.
func (s *Store) RevokeToken(ctx context.Context, actor account.Actor, tokenID int64) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		var owner int64
		var revoked time.Time
		err := tx.QueryRowContext(ctx, `SELECT user_id, revoked_at FROM api_tokens WHERE id = ?`, tokenID).
			Scan(&owner, scanTime(&revoked))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !actor.IsAdmin() && (actor.UserID == 0 || owner != actor.UserID)) {
			return apperr.NotFound
		}
		if err != nil || !revoked.IsZero() {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, s.t(s.nowUTC()), tokenID); err != nil {
			return err
		}
		return tx.audit(ctx, actor, "token.revoke", "token", tokenID, map[string]any{"user_id": owner})
	})
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", tokenID, err)
	}
	return nil
}
