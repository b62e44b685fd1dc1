package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/mail"
)

// ActivationTTL is how long an activation token stays usable.
const ActivationTTL = 30 * 24 * time.Hour

// candNewActivation returns a fresh activation token (32 random bytes in base64url) and the
// hex SHA-256 stored in users.activation_hash; the token itself is never stored.
func candNewActivation() (token, hash string, err error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", "", fmt.Errorf("activation token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw[:])
	return token, hashToken(token), nil
}

// mailActivation queues, in tx, the activation message carrying token to to (greeted by prenom).
func (tx *Tx) mailActivation(ctx context.Context, to, prenom, token string, expires time.Time) error {
	return tx.enqueue(ctx, mail.KindActivation, to, mail.Activation{
		Prenom: prenom, Link: tx.s.link("/activation/", token), Expires: expires})
}

// activationMails renders the activation message once for many accounts (an import): the
// same text with a placeholder for the first name and the token, substituted per account.
// A first name html/template would escape in the HTML body goes through mail.Render instead.
type activationMails struct {
	tmpl    mail.Message
	expires time.Time
	ok      bool
	rows    []any // the courriels waiting for flush, courrielArity values each
}

// courrielArity is the number of values of one row of courrielInsert.
const courrielArity = 9

const courrielInsert = `INSERT INTO courriels (kind, recipient, subject, body_text, body_html, message_id, state, next_attempt, created_at) VALUES `

// flush writes the courriels waiting in c to the outbox in one multi-row INSERT (through
// prepare, the import's statement cache), in tx.
func (c *activationMails) flush(ctx context.Context, tx *Tx, prepare func(ctx context.Context, tx *Tx, q string) (*sql.Stmt, error)) error {
	if len(c.rows) == 0 {
		return nil
	}
	st, err := prepare(ctx, tx, courrielInsert+candValues(len(c.rows)/courrielArity, courrielArity))
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, c.rows...)
	c.rows = c.rows[:0]
	return mapErr(err)
}

const (
	mailPrenomMark = "PRENOMzq7xKw3m"
	mailTokenMark  = "TOKENzq7xKw3m"
)

// mailActivationCached is mailActivation rendering through c (filled on first use).
func (tx *Tx) mailActivationCached(ctx context.Context, c *activationMails, to, prenom, token string, expires time.Time) error {
	if strings.ContainsAny(prenom, "<>&'\"+\x00") || strings.Contains(prenom, mailPrenomMark) || strings.Contains(token, mailTokenMark) ||
		strings.ContainsFunc(token, func(r rune) bool {
			return !(r == '-' || r == '_' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)))
		}) {
		return tx.mailActivation(ctx, to, prenom, token, expires)
	}
	if !c.ok || !c.expires.Equal(expires) {
		m, err := mail.Render(mail.KindActivation, "", mail.Activation{
			Prenom: mailPrenomMark, Link: tx.s.link("/activation/", mailTokenMark), Expires: expires})
		if err != nil {
			return err
		}
		c.tmpl, c.expires, c.ok = m, expires, true
	}
	r := strings.NewReplacer(mailPrenomMark, prenom, mailTokenMark, token)
	m := mail.Message{To: to, Subject: r.Replace(c.tmpl.Subject), Text: r.Replace(c.tmpl.Text), HTML: r.Replace(c.tmpl.HTML)}
	id, err := newMessageID()
	if err != nil {
		return err
	}
	now := tx.s.t(tx.s.nowUTC())
	c.rows = append(c.rows, mail.KindActivation, m.To, m.Subject, m.Text, m.HTML, id, CourrielEnAttente, now, now)
	return nil
}

// candActivationUser reads the active user holding the live token (not expired at now).
func (s *Store) candActivationUser(ctx context.Context, q querier, token string, now time.Time) (*account.User, error) {
	if token == "" {
		return nil, fmt.Errorf("activation: %w", apperr.NotFound)
	}
	u, err := scanUser(q.QueryRowContext(ctx,
		userSelect+` WHERE activation_hash = ? AND activation_expires > ? AND active = ?`,
		hashToken(token), s.t(now), true))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("activation: %w", apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("activation: %w", err)
	}
	return &u, nil
}

// ActivationUser returns the user a live activation token belongs to (to greet them on the
// activation page). apperr.NotFound when the token is unknown, used, expired, or its user is
// inactive.
func (s *Store) ActivationUser(ctx context.Context, token string) (*account.User, error) {
	return s.candActivationUser(ctx, s.q(nil), token, s.nowUTC())
}

// Activate sets the password hash of the user whose live activation token this is and
// consumes the token (it works once). It is audited ("user.activate", by the user themself,
// without the hash). Errors: apperr.NotFound when the token is unknown, used, expired, or its
// user is inactive; apperr.Invalid when passwordHash is empty.
func (s *Store) Activate(ctx context.Context, token, passwordHash string) (*account.User, error) {
	if passwordHash == "" {
		return nil, fmt.Errorf("activation: empty password hash: %w", apperr.Invalid)
	}
	var u *account.User
	err := s.Transact(ctx, func(tx *Tx) error {
		now := s.nowUTC()
		var err error
		if u, err = s.candActivationUser(ctx, tx, token, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE users SET password_hash = ?, activation_hash = NULL, activation_expires = NULL, updated_at = ? WHERE id = ?`,
			passwordHash, s.t(now), u.ID); err != nil {
			return err
		}
		return tx.audit(ctx, account.ActorOf(u), "user.activate", "user", u.ID, nil)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// candCentreOwnsAccount reports whether centreID owns candidat account u: every inscription of
// the candidates on u is in centreID, and there is one at least (or, with none, u was created
// for centreID).
func candCentreOwnsAccount(ctx context.Context, tx *Tx, centreID int64, u *account.User) (bool, error) {
	var inside, outside int
	err := tx.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN i.centre_id = ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN i.centre_id <> ? THEN 1 ELSE 0 END), 0)
		FROM candidats c JOIN inscriptions i ON i.candidat_id = c.id WHERE c.user_id = ?`,
		centreID, centreID, u.ID).Scan(&inside, &outside)
	if err != nil {
		return false, err
	}
	return outside == 0 && (inside > 0 || u.CentreID == centreID), nil
}

// NewActivation issues a fresh activation token for user userID, replacing any previous one,
// and returns it in plain text (it cannot be read again); the user's password, if any, stays
// valid until the token is used. The activation message goes to the outbox in the same
// transaction. It is audited ("user.activation", without the token).
//
// Who: an admin for any user; a referent for a candidat account their centre owns (see
// candCentreOwnsAccount): a link activates the whole account, so a centre never gets one for
// an account that also reads another centre's inscriptions. Errors:
// apperr.NotFound when the user does not exist or the actor may not see it; apperr.Forbidden
// when the actor sees the user but may not do this.
func (s *Store) NewActivation(ctx context.Context, actor account.Actor, userID int64) (string, error) {
	if !access.MayHold(access.KindCentre, actor, access.Manage) {
		return "", fmt.Errorf("new activation for user %d: %w", userID, apperr.Forbidden)
	}
	token, hash, err := candNewActivation()
	if err != nil {
		return "", err
	}
	err = s.Transact(ctx, func(tx *Tx) error {
		u, err := s.user(ctx, tx, account.System, userID)
		if err != nil {
			return err
		}
		if access.CanAdminister(actor) != access.Allow {
			ok := false
			if u.Role == account.RoleCandidat && actor.CentreID != 0 {
				if ok, err = candCentreOwnsAccount(ctx, tx, actor.CentreID, u); err != nil {
					return err
				}
			}
			if !ok {
				if _, err := s.user(ctx, tx, actor, userID); err != nil {
					return err // out of scope: NotFound
				}
				return apperr.Forbidden
			}
		}
		now := s.nowUTC()
		if _, err := tx.ExecContext(ctx,
			`UPDATE users SET activation_hash = ?, activation_expires = ?, updated_at = ? WHERE id = ?`,
			hash, s.t(now.Add(ActivationTTL)), s.t(now), userID); err != nil {
			return err
		}
		if err := tx.mailActivation(ctx, u.Email, u.Prenom, token, now.Add(ActivationTTL)); err != nil {
			return err
		}
		return tx.audit(ctx, actor, "user.activation", "user", userID, nil)
	})
	if err != nil {
		return "", fmt.Errorf("new activation for user %d: %w", userID, err)
	}
	return token, nil
}
