package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// InscriptionFiles returns the evidence files of every evaluation of inscriptionID, keyed by
// evaluation id, in one query (the livret page shows them all).
// Who: whoever may read the evaluations (see Evaluations).
// Errors: apperr.NotFound when the inscription does not exist or the actor may not see it.
func (s *Store) InscriptionFiles(ctx context.Context, actor account.Actor, inscriptionID int64) (map[int64][]File, error) {
	if _, err := lvLoad(ctx, s.q(nil), actor, inscriptionID, lvReader, false); err != nil {
		if errors.Is(err, apperr.NotFound) {
			err = apperr.NotFound
		}
		return nil, fmt.Errorf("inscription %d files: %w", inscriptionID, err)
	}
	rows, err := s.query(ctx, lvFileSelect+` JOIN evaluations e ON e.id = f.owner_id
		WHERE f.owner_kind = ? AND f.attached = ? AND e.inscription_id = ? ORDER BY f.id`, OwnerEvaluation, true, inscriptionID)
	if err != nil {
		return nil, fmt.Errorf("inscription %d files: %w", inscriptionID, err)
	}
	defer rows.Close()
	out := map[int64][]File{}
	for rows.Next() {
		f, _, err := lvScanFile(rows)
		if err != nil {
			return nil, fmt.Errorf("inscription %d files: %w", inscriptionID, err)
		}
		out[f.OwnerID] = append(out[f.OwnerID], f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inscription %d files: %w", inscriptionID, err)
	}
	return out, nil
}
