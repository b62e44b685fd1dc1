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
	rows, err := s.query(ctx, `SELECT p.evaluation_id, f.id, f.nom, f.mime, f.taille, f.sha256, f.uploaded_by, f.created_at, f.storage_key
		FROM evaluation_preuves p JOIN files f ON f.id = p.file_id JOIN evaluations e ON e.id = p.evaluation_id
		WHERE e.inscription_id = ? ORDER BY f.id`, inscriptionID)
	if err != nil {
		return nil, fmt.Errorf("inscription %d files: %w", inscriptionID, err)
	}
	defer rows.Close()
	out := map[int64][]File{}
	for rows.Next() {
		var evalID int64
		var f File
		var key string
		if err := rows.Scan(&evalID, &f.ID, &f.Nom, &f.MIME, &f.Taille, &f.SHA256, &f.UploadedBy, scanTime(&f.CreatedAt), &key); err != nil {
			return nil, fmt.Errorf("inscription %d files: %w", inscriptionID, err)
		}
		out[evalID] = append(out[evalID], f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inscription %d files: %w", inscriptionID, err)
	}
	return out, nil
}
