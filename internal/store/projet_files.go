package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/livret"
)

// MaxProjetFiles caps the deliverable files attached to one end-of-bloc project (all
// submissions together); MaxProjetFilesPerSubmission those of one submission.
const (
	MaxProjetFiles              = 10
	MaxProjetFilesPerSubmission = 5
)

// SubmitProjetFiles is SubmitProjet with deliverable files: files are ids of files the actor
// uploaded as owner kind OwnerProjet and not attached yet (SaveFile); they are attached to the
// project in the same transaction, next to those of earlier submissions (a resubmission keeps
// them until they are removed, RemoveProjetFile).
//
// Errors: as SubmitProjet; *apperr.Validation on "fichiers" when more than
// MaxProjetFilesPerSubmission are given, when the project would hold more than
// MaxProjetFiles, or when a file is not the actor's pending deliverable.
func (s *Store) SubmitProjetFiles(ctx context.Context, actor account.Actor, p *livret.Projet, files []int64) error {
	files = lvUnique(files)
	if len(files) > MaxProjetFilesPerSubmission {
		v := apperr.NewValidation()
		v.Add("fichiers", fmt.Sprintf("%d fichiers au plus par envoi.", MaxProjetFilesPerSubmission))
		return fmt.Errorf("submit projet: %w", v)
	}
	return s.submitProjet(ctx, actor, p, func(tx *Tx, projetID int64) error {
		if len(files) == 0 {
			return nil
		}
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM files WHERE owner_kind = ? AND owner_id = ? AND attached = ?`,
			OwnerProjet, projetID, true).Scan(&held); err != nil {
			return err
		}
		v := apperr.NewValidation()
		if held+len(files) > MaxProjetFiles {
			v.Add("fichiers", fmt.Sprintf("Un projet compte %d fichiers au plus : retirez-en avant d'en ajouter.", MaxProjetFiles))
			return v
		}
		for _, id := range files {
			ok, err := fileFree(ctx, tx, id, pendingFile{kind: OwnerProjet, uploader: actor.UserID})
			if err != nil {
				return err
			}
			if !ok {
				v.Add("fichiers", "Un des fichiers est introuvable : déposez-le à nouveau.")
				return v
			}
			if err := attachFile(ctx, tx, id, OwnerProjet, projetID); err != nil {
				return err
			}
		}
		return nil
	})
}

// ProjetFiles returns the deliverable files of the end-of-bloc projects of inscription
// inscriptionID, keyed by project id, in one query.
// Who: whoever may read the inscription's livret (see Projets).
// Errors: apperr.NotFound when the inscription does not exist or the actor may not see it.
func (s *Store) ProjetFiles(ctx context.Context, actor account.Actor, inscriptionID int64) (map[int64][]File, error) {
	if _, err := lvLoad(ctx, s.q(nil), actor, inscriptionID, lvReader, false); err != nil {
		return nil, fmt.Errorf("inscription %d projet files: %w", inscriptionID, err)
	}
	rows, err := s.query(ctx, lvFileSelect+` JOIN projets p ON p.id = f.owner_id
		WHERE f.owner_kind = ? AND f.attached = ? AND p.inscription_id = ? ORDER BY f.id`, OwnerProjet, true, inscriptionID)
	if err != nil {
		return nil, fmt.Errorf("inscription %d projet files: %w", inscriptionID, err)
	}
	defer rows.Close()
	out := map[int64][]File{}
	for rows.Next() {
		f, _, err := lvScanFile(rows)
		if err != nil {
			return nil, fmt.Errorf("inscription %d projet files: %w", inscriptionID, err)
		}
		out[f.OwnerID] = append(out[f.OwnerID], f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inscription %d projet files: %w", inscriptionID, err)
	}
	return out, nil
}

// RemoveProjetFile takes deliverable fileID off the project of bloc of inscription
// inscriptionID before the référent's decision (« Retirer »): its record is deleted, so that
// nobody reads it any more, and its storage key returned for the caller to delete the bytes
// (as DiscardFile does). It is audited ("projet.file.remove").
//
// Who: the candidate of the inscription only (the files are their work).
// Errors: apperr.NotFound when the inscription, its project for bloc or the file on that
// project does not exist or the actor may not see it; apperr.Forbidden for anyone else who
// sees it (the centre's staff, an admin, the jury); *apperr.Validation on "fichiers" once the project is decided.
func (s *Store) RemoveProjetFile(ctx context.Context, actor account.Actor, inscriptionID int64, bloc string, fileID int64) (string, error) {
	var key string
	err := s.Transact(ctx, func(tx *Tx) error {
		ins, err := lvLoad(ctx, tx, actor, inscriptionID, lvContributor, true)
		if err != nil {
			return err
		}
		// The deliverables are the candidate's work: only they take one back (the staff see them).
		if actor.Role != account.RoleCandidat {
			return apperr.Forbidden
		}
		var projetID int64
		var decision string
		err = tx.QueryRowContext(ctx, `SELECT id, decision FROM projets WHERE inscription_id = ? AND bloc = ?`, ins.ID, bloc).Scan(&projetID, &decision)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound
		}
		if err != nil {
			return err
		}
		if livret.Decision(decision) != livret.Attente {
			v := apperr.NewValidation()
			v.Add("fichiers", "Le projet a reçu la décision du référent pédagogique : ses fichiers ne peuvent plus être retirés.")
			return v
		}
		err = tx.QueryRowContext(ctx, `SELECT storage_key FROM files WHERE id = ? AND owner_kind = ? AND owner_id = ? AND attached = ?`,
			fileID, OwnerProjet, projetID, true).Scan(&key)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE id = ?`, fileID); err != nil {
			return err
		}
		return tx.audit(ctx, actor, "projet.file.remove", "projet", projetID, map[string]any{
			"inscription_id": ins.ID, "bloc": bloc, "file_id": fileID,
		})
	})
	if err != nil {
		return "", fmt.Errorf("remove projet %d/%s file %d: %w", inscriptionID, bloc, fileID, err)
	}
	return key, nil
}
