package store

import (
	"context"
	"fmt"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// French messages of the merge.
const (
	msgMergeSame     = "Choisissez deux candidats différents."
	msgMergeIdentity = "Les deux candidats n'ont pas la même identité (nom de naissance, premier prénom, date de naissance) : corrigez d'abord l'identité de l'un d'eux."
	msgMergeDup      = "Les deux candidats sont inscrits à la même certification, dans le même centre et la même promotion : une de ces inscriptions doit d'abord disparaître."
)

// MergeResult says what MergeCandidats did.
type MergeResult struct {
	Inscriptions int    // inscriptions moved to the kept record
	Account      string // "none", "moved" (the removed record's account now belongs to the kept one) or "deactivated"
}

// MergeCandidats merges candidate fromID into candidate intoID: one person enrolled in two
// centres has one record per centre (identity matching never crosses centres), and only the
// certificateur joins them. The inscriptions of fromID — with their evaluations, projects,
// séances, stages and files, which hang on the inscription — move to intoID; intoID keeps its
// own identity details and account. fromID's account, if any, moves to intoID when intoID has
// none, else it is deactivated (its activation link and API tokens stop working). fromID is
// then deleted. Both records are journalled ("candidat.merge" on intoID, "candidat.merged" on
// fromID, with the ids and counts only). Afterwards the person's account reads the
// inscriptions of both centres, so only the admin issues its activation links (see
// NewActivation).
//
// Who: an admin (the certificateur, or the system from the CLI); apperr.Forbidden for anyone
// else. Errors: apperr.NotFound when a candidate does not exist; *apperr.Validation on "from"
// when fromID = intoID or the two identities (candidat.Identity) differ, on "inscriptions"
// when both have an inscription to the same certification, centre and promotion.
func (s *Store) MergeCandidats(ctx context.Context, actor account.Actor, fromID, intoID int64) (*MergeResult, error) {
	if err := access.CanAdminister(actor).Err(fmt.Sprintf("merge candidat %d into %d", fromID, intoID)); err != nil {
		return nil, err
	}
	if fromID == intoID {
		v := apperr.NewValidation()
		v.Add("from", msgMergeSame)
		return nil, v
	}
	res := &MergeResult{Account: "none"}
	err := s.Transact(ctx, func(tx *Tx) error {
		from, err := s.candidat(ctx, tx, actor, fromID)
		if err != nil {
			return err
		}
		into, err := s.candidat(ctx, tx, actor, intoID)
		if err != nil {
			return err
		}
		v := apperr.NewValidation()
		if from.Identity() != into.Identity() {
			v.Add("from", msgMergeIdentity)
		}
		if dup, err := exists(ctx, tx, `SELECT 1 FROM inscriptions f JOIN inscriptions i
			ON i.certification_id = f.certification_id AND i.centre_id = f.centre_id AND i.promotion = f.promotion
			WHERE f.candidat_id = ? AND i.candidat_id = ?`, fromID, intoID); err != nil {
			return err
		} else if dup {
			v.Add("inscriptions", msgMergeDup)
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.t(s.nowUTC())
		moved, err := tx.ExecContext(ctx, `UPDATE inscriptions SET candidat_id = ?, updated_at = ? WHERE candidat_id = ?`,
			intoID, now, fromID)
		if err != nil {
			return err
		}
		n, err := moved.RowsAffected()
		if err != nil {
			return err
		}
		res.Inscriptions = int(n)
		if _, err := tx.ExecContext(ctx, `UPDATE candidats SET user_id = NULL WHERE id = ?`, fromID); err != nil {
			return err
		}
		switch {
		case from.UserID == 0 || from.UserID == into.UserID:
		case into.UserID == 0:
			res.Account = "moved"
			if _, err := tx.ExecContext(ctx, `UPDATE candidats SET user_id = ? WHERE id = ?`, from.UserID, intoID); err != nil {
				return err
			}
		default:
			res.Account = "deactivated"
			if _, err := tx.ExecContext(ctx, `UPDATE users SET active = ?, activation_hash = NULL, activation_expires = NULL,
				updated_at = ?, version = version + 1 WHERE id = ?`, false, now, from.UserID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`,
				now, from.UserID); err != nil {
				return err
			}
		}
		// The kept account now holds the inscriptions of both records, perhaps of two centres: a
		// link issued before by one centre's staff must not open it (a new one is issued by
		// whoever owns every inscription — the certificateur, across centres).
		if _, err := tx.ExecContext(ctx, `UPDATE users SET activation_hash = NULL, activation_expires = NULL
			WHERE activation_hash IS NOT NULL AND id IN (SELECT user_id FROM candidats WHERE id = ?)`, intoID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE candidats SET updated_at = ?, version = version + 1 WHERE id = ?`, now, intoID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM candidats WHERE id = ?`, fromID); err != nil {
			return err
		}
		detail := map[string]any{"from": fromID, "into": intoID, "inscriptions": res.Inscriptions,
			"account": res.Account, "from_user_id": from.UserID}
		if err := tx.audit(ctx, actor, "candidat.merge", "candidat", intoID, detail); err != nil {
			return err
		}
		return tx.audit(ctx, actor, "candidat.merged", "candidat", fromID, detail)
	})
	if err != nil {
		return nil, fmt.Errorf("merge candidat %d into %d: %w", fromID, intoID, err)
	}
	return res, nil
}
