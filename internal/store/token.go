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

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// TokenPrefix starts every API token, so that leaked tokens are easy to recognise.
const TokenPrefix = "ctf_"

// lastUsedGranularity bounds how often UserByToken writes last_used_at.
const lastUsedGranularity = time.Minute

// Token lifetimes: a token expires DefaultTokenTTL after its creation unless another lifetime,
// at most MaxTokenTTL, is chosen.
const (
	DefaultTokenTTL = 90 * 24 * time.Hour
	MaxTokenTTL     = 365 * 24 * time.Hour
)

// Token describes an API token; the token itself is never stored, only its SHA-256.
type Token struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time // zero when never used
	RevokedAt  time.Time // zero while valid
}

// Valid reports whether the token is neither revoked nor expired at now.
func (t Token) Valid(now time.Time) bool { return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt) }

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateToken creates an API token named name for user userID, valid for ttl (0 means
// DefaultTokenTTL), and returns its description and the token in plain text ("ctf_" + 32
// random bytes in base64url), which cannot be read again. It is audited, without the token.
// Errors: apperr.Forbidden unless actor is an admin or the user themself; apperr.NotFound when
// the user does not exist; *apperr.Validation on "name" when longer than 100 characters, on
// "expires" when ttl is negative or longer than MaxTokenTTL.
func (s *Store) CreateToken(ctx context.Context, actor account.Actor, userID int64, name string, ttl time.Duration) (Token, string, error) {
	if err := access.CanActForAccount(actor, userID).Err(fmt.Sprintf("create token for user %d", userID)); err != nil {
		return Token{}, "", err
	}
	name = strings.TrimSpace(name)
	v := apperr.NewValidation()
	if len([]rune(name)) > 100 {
		v.Add("name", "Le nom du jeton ne doit pas dépasser 100 caractères.")
	}
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	if ttl < 0 || ttl > MaxTokenTTL {
		v.Add("expires", "La durée de validité d’un jeton va d’un jour à un an.")
	}
	if err := v.Err(); err != nil {
		return Token{}, "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Token{}, "", fmt.Errorf("create token: %w", err)
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.nowUTC()
	t := Token{UserID: userID, Name: name, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err := s.Transact(ctx, func(tx *Tx) error {
		if ok, err := exists(ctx, tx, `SELECT 1 FROM users WHERE id = ?`, userID); err != nil {
			return err
		} else if !ok {
			return apperr.NotFound
		}
		err := tx.QueryRowContext(ctx,
			`INSERT INTO api_tokens (user_id, name, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			userID, name, hashToken(token), s.t(t.CreatedAt), s.t(t.ExpiresAt)).Scan(&t.ID)
		if err != nil {
			return mapErr(err)
		}
		return tx.audit(ctx, actor, "token.create", "token", t.ID,
			map[string]any{"user_id": userID, "expires_at": t.ExpiresAt.Format(time.RFC3339)})
	})
	if err != nil {
		return Token{}, "", fmt.Errorf("create token for user %d: %w", userID, err)
	}
	return t, token, nil
}

// UserByToken returns the owner of token. apperr.Unauthenticated when the token is malformed,
// unknown, revoked or expired, or its owner is inactive (see Credentials: the staff of an
// inactive centre are inactive too). It records the token's last use, writing at most once a
// minute per token (not audited: bookkeeping, not a change of data).
func (s *Store) UserByToken(ctx context.Context, token string) (*account.User, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, fmt.Errorf("token: %w", apperr.Unauthenticated)
	}
	var tokenID int64
	var lastUsed time.Time
	now := s.nowUTC()
	u, err := scanUser(s.queryRow(ctx,
		`SELECT `+authUserColumns+`, t.id, t.last_used_at
		 FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN organismes o ON o.id = u.centre_id
		 WHERE t.hash = ? AND t.revoked_at IS NULL AND t.expires_at > ?`, hashToken(token), s.t(now)),
		&tokenID, scanTime(&lastUsed))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("token: %w", apperr.Unauthenticated)
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if !u.Active {
		return nil, fmt.Errorf("token of user %d: inactive user: %w", u.ID, apperr.Unauthenticated)
	}
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

// Tokens lists the tokens of user userID, newest first (revoked and expired ones included, 500
// at most). Errors:
// apperr.Forbidden unless actor is an admin or the user themself.
func (s *Store) Tokens(ctx context.Context, actor account.Actor, userID int64) ([]Token, error) {
	if err := access.CanActForAccount(actor, userID).Err(fmt.Sprintf("tokens of user %d", userID)); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx,
		`SELECT id, user_id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC LIMIT 500`, userID)
	if err != nil {
		return nil, fmt.Errorf("tokens of user %d: %w", userID, err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, scanTime(&t.CreatedAt), scanTime(&t.ExpiresAt), scanTime(&t.LastUsedAt), scanTime(&t.RevokedAt)); err != nil {
			return nil, fmt.Errorf("tokens of user %d: %w", userID, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tokens of user %d: %w", userID, err)
	}
	return out, nil
}

// RevokeToken revokes token tokenID of user userID (userID 0: of whoever owns it); revoking it
// again is a no-op. It is audited. Errors: apperr.NotFound when the token does not exist, is
// not userID's, or belongs to someone else and actor is not an admin.
func (s *Store) RevokeToken(ctx context.Context, actor account.Actor, userID, tokenID int64) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		var owner int64
		var revoked time.Time
		err := tx.QueryRowContext(ctx, `SELECT user_id, revoked_at FROM api_tokens WHERE id = ?`, tokenID).
			Scan(&owner, scanTime(&revoked))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && ((userID != 0 && owner != userID) ||
			access.CanActForAccount(actor, owner) != access.Allow)) {
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
