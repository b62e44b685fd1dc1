package store

import (
	"context"
	"fmt"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
)

// PendingActivations issues a fresh one-time activation token (valid ActivationTTL) to every
// candidate account of promotion in centreID that has never been activated (no password),
// replacing any earlier token, queues each account's activation message (same transaction),
// and returns them by e-mail. It is how a centre gets the links
// of a large import (ImportResult.ActivationsOmitted) or re-sends lost ones.
//
// Who: an admin, or the referent of centreID (apperr.Forbidden otherwise). For a referent,
// the accounts that also hold an inscription in another centre are left out: a link is only
// issued by a centre that owns every inscription of the account (the admin issues those).
// One audit row.
func (s *Store) PendingActivations(ctx context.Context, actor account.Actor, centreID int64, promotion string) ([]Activation, error) {
	if err := candMayEnrol(actor, centreID); err != nil {
		return nil, fmt.Errorf("pending activations: %w", err)
	}
	var out []Activation
	err := s.Transact(ctx, func(tx *Tx) error {
		q := `SELECT DISTINCT u.id, u.email, u.prenom FROM users u
			JOIN candidats c ON c.user_id = u.id
			JOIN inscriptions i ON i.candidat_id = c.id
			WHERE i.centre_id = ? AND i.promotion = ? AND u.role = 'candidat' AND u.password_hash = ''`
		args := []any{centreID, promotion}
		if access.CanAdminister(actor) != access.Allow {
			q += ` AND NOT EXISTS (SELECT 1 FROM candidats oc JOIN inscriptions oi ON oi.candidat_id = oc.id
				WHERE oc.user_id = u.id AND oi.centre_id <> ?)`
			args = append(args, centreID)
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY u.email`, args...)
		if err != nil {
			return err
		}
		type pending struct {
			id            int64
			email, prenom string
		}
		var list []pending
		for rows.Next() {
			var p pending
			if err := rows.Scan(&p.id, &p.email, &p.prenom); err != nil {
				rows.Close()
				return err
			}
			list = append(list, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		until := s.nowUTC().Add(ActivationTTL)
		expires := s.t(until)
		st, err := tx.tx.PrepareContext(ctx, s.rebind(`UPDATE users SET activation_hash = ?, activation_expires = ? WHERE id = ?`))
		if err != nil {
			return err
		}
		defer st.Close()
		out = make([]Activation, 0, len(list))
		for _, p := range list {
			token, hash, err := candNewActivation()
			if err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, hash, expires, p.id); err != nil {
				return mapErr(err)
			}
			if err := tx.mailActivation(ctx, p.email, p.prenom, token, until); err != nil {
				return err
			}
			out = append(out, Activation{Email: p.email, Token: token})
		}
		return tx.audit(ctx, actor, "user.activation", "organisme", centreID, map[string]any{"centre": centreID, "accounts": len(out)})
	})
	if err != nil {
		return nil, fmt.Errorf("pending activations: %w", err)
	}
	return out, nil
}
