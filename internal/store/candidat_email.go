package store

import (
	"context"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/mail"
)

// French messages of a change of a candidate's e-mail (the login of their account).
const (
	msgCandEmailActivated   = "Ce candidat a activé son compte : cette adresse est son identifiant de connexion, seul le certificateur peut la changer."
	msgLoginActivated       = "Ce compte est activé : son adresse e-mail est son identifiant de connexion, seul le certificateur peut la changer."
	msgCandEmailMultiCentre = "Ce candidat est inscrit dans plusieurs centres : seul le certificateur peut changer son adresse e-mail."
)

// candLogin is what is needed to know of an account before changing its e-mail (its login).
type candLogin struct {
	activated bool // a password was chosen: the address is a live login
	pending   bool // an activation link is live
	prenom    string
	email     string // the account's address before the change
}

// loginState reads the state of account userID's login.
func loginState(ctx context.Context, tx *Tx, userID int64) (candLogin, error) {
	var l candLogin
	var hash string
	var pending int
	err := tx.QueryRowContext(ctx, `SELECT password_hash, prenom, email,
		CASE WHEN activation_hash IS NOT NULL AND activation_expires > ? THEN 1 ELSE 0 END FROM users WHERE id = ?`,
		tx.s.t(tx.s.nowUTC()), userID).Scan(&hash, &l.prenom, &l.email, &pending)
	l.activated, l.pending = hash != "", pending == 1
	return l, err
}

// candCheckEmailChange adds the "email" problem when actor may not change candidate c's e-mail
// to a new value: only an admin changes it for a candidate enrolled in more than one centre (or
// whose account another centre's records share), or for an activated account (the address is
// the login: a centre's staff changing it could take the account over). It returns the
// account's state (zero without an account).
func candCheckEmailChange(ctx context.Context, tx *Tx, actor account.Actor, c *candidat.Candidat, v *apperr.Validation) (candLogin, error) {
	var l candLogin
	if c.UserID != 0 {
		var err error
		if l, err = loginState(ctx, tx, c.UserID); err != nil {
			return l, err
		}
	}
	if access.CanAdminister(actor) == access.Allow {
		return l, nil
	}
	var centres int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT i.centre_id) FROM inscriptions i JOIN candidats o ON o.id = i.candidat_id
		WHERE o.id = ? OR (o.user_id = ? AND o.user_id <> 0)`, c.ID, c.UserID).Scan(&centres); err != nil {
		return l, err
	}
	switch {
	case centres > 1:
		v.Add("email", msgCandEmailMultiCentre)
	case l.activated:
		v.Add("email", msgCandEmailActivated)
	}
	return l, nil
}

// moveLogin follows, in tx, a change of the login e-mail of account userID from
// l.email to the new address to: every session and API token of the account ends, a pending password
// reset link is voided; an activated account's old address is told (it is the owner's, the new
// one may not be); a pending activation link is voided and a fresh one goes to the new address.
// Audited ("user.email", without the addresses).
func (s *Store) moveLogin(ctx context.Context, tx *Tx, actor account.Actor, userID int64, l candLogin, prenom, to string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET session_epoch = session_epoch + 1, reset_hash = NULL, reset_expires = NULL,
		activation_hash = NULL, activation_expires = NULL WHERE id = ?`, userID); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, s.t(now), userID)
	if err != nil {
		return err
	}
	revoked, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if l.activated {
		if err := tx.enqueue(ctx, mail.KindEmailChanged, l.email, mail.EmailChanged{Prenom: prenom, At: now}); err != nil {
			return err
		}
	}
	reissued := false
	if l.pending && !l.activated {
		token, hash, err := candNewActivation()
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET activation_hash = ?, activation_expires = ? WHERE id = ?`,
			hash, s.t(now.Add(ActivationTTL)), userID); err != nil {
			return err
		}
		if err := tx.mailActivation(ctx, to, prenom, token, now.Add(ActivationTTL)); err != nil {
			return err
		}
		reissued = true
	}
	return tx.audit(ctx, actor, "user.email", "user", userID, map[string]any{
		"tokens_revoked": revoked, "old_notified": l.activated, "activation_reissued": reissued})
}
