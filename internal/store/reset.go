package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/mail"
)

// ResetTTL is how long a password reset link stays usable.
const ResetTTL = time.Hour

// RequestReset starts a password reset for the account with this e-mail, if there is an
// active one (an inactive centre's staff count as inactive): a fresh one-time token (valid
// ResetTTL, replacing any earlier one; only its SHA-256 is stored) and the message carrying
// its link, queued in the same transaction, audited ("user.reset_request", by the user). An
// unknown or inactive address does nothing and is not an error: the caller answers the same
// either way. Errors are infrastructure failures only.
func (s *Store) RequestReset(ctx context.Context, email string) error {
	if len(email) > 320 || strings.ContainsFunc(email, unicode.IsControl) || !utf8.ValidString(email) {
		return nil // no account has such an address (and PostgreSQL refuses NUL bytes)
	}
	token, hash, err := candNewActivation() // same shape: 32 random bytes, base64url
	if err != nil {
		return err
	}
	err = s.Transact(ctx, func(tx *Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+authUserColumns+`
			FROM users u LEFT JOIN organismes o ON o.id = u.centre_id WHERE u.email = ?`, account.NormalizeEmail(email)))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if !u.Active {
			return nil
		}
		now := s.nowUTC()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET reset_hash = ?, reset_expires = ? WHERE id = ?`,
			hash, s.t(now.Add(ResetTTL)), u.ID); err != nil {
			return err
		}
		if err := tx.enqueue(ctx, mail.KindReset, u.Email, mail.Reset{Prenom: u.Prenom,
			Link: s.link("/mot-de-passe/", token), Expires: now.Add(ResetTTL)}); err != nil {
			return err
		}
		return tx.audit(ctx, account.ActorOf(&u), "user.reset_request", "user", u.ID, nil)
	})
	if err != nil {
		return fmt.Errorf("password reset request: %w", err)
	}
	return nil
}

// resetUser reads the active user holding the live reset token.
func (s *Store) resetUser(ctx context.Context, q querier, token string) (*account.User, error) {
	if token == "" {
		return nil, fmt.Errorf("reset: %w", apperr.NotFound)
	}
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+authUserColumns+`
		FROM users u LEFT JOIN organismes o ON o.id = u.centre_id WHERE u.reset_hash = ? AND u.reset_expires > ?`,
		hashToken(token), s.t(s.nowUTC())))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !u.Active) {
		return nil, fmt.Errorf("reset: %w", apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reset: %w", err)
	}
	return &u, nil
}

// ResetUser returns the user a live reset token belongs to. apperr.NotFound when the token is
// unknown, used, expired, or its user is inactive.
func (s *Store) ResetUser(ctx context.Context, token string) (*account.User, error) {
	return s.resetUser(ctx, s.q(nil), token)
}

// ResetPassword sets the password hash of the user whose live reset token this is and
// consumes the token (it works once). Like SetPassword it signs the user out everywhere
// (session epoch, API tokens revoked); a pending activation link is voided too. Audited
// ("user.reset", by the user). Errors: apperr.NotFound as ResetUser; apperr.Invalid when
// passwordHash is empty.
func (s *Store) ResetPassword(ctx context.Context, token, passwordHash string) (*account.User, error) {
	if passwordHash == "" {
		return nil, fmt.Errorf("reset: empty password hash: %w", apperr.Invalid)
	}
	var u *account.User
	err := s.Transact(ctx, func(tx *Tx) error {
		var err error
		if u, err = s.resetUser(ctx, tx, token); err != nil {
			return err
		}
		now := s.t(s.nowUTC())
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1,
			reset_hash = NULL, reset_expires = NULL, activation_hash = NULL, activation_expires = NULL, updated_at = ? WHERE id = ?`,
			passwordHash, now, u.ID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, now, u.ID)
		if err != nil {
			return err
		}
		revoked, err := res.RowsAffected()
		if err != nil {
			return err
		}
		return tx.audit(ctx, account.ActorOf(u), "user.reset", "user", u.ID, map[string]any{"tokens_revoked": revoked})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
