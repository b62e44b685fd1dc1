package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
)

// The kinds of file owners. Every stored file names one (File.OwnerKind) with the owner's id;
// who may read the file is who may read its owner (ownerRule). A new use of files (the
// dossier's versioned pieces, "piece") is one more constant here and one more case in
// ownerRule: never one more look-up through the tables that use files.
const (
	// OwnerEvaluation owns the evidence files of a livret entry: readable by whoever may read
	// the inscription's livret.
	OwnerEvaluation = "evaluation"
	// OwnerStage owns the company stamp of an internship: readable by whoever may read the stage.
	OwnerStage = "stage"
	// OwnerProjet owns the deliverable files of an end-of-bloc project: readable by whoever
	// may read the inscription's livret.
	OwnerProjet = "projet"
	// OwnerPiece owns one version of a piece of the dossier (dossier_pieces.id): readable by
	// whoever may read the inscription (VAE candidates included: they have a dossier too).
	OwnerPiece = "piece"
)

// readRule returns nil when actor may read owner record id, an error otherwise (apperr.NotFound
// or apperr.Forbidden when the actor may not, sql.ErrNoRows when it does not exist).
type readRule func(ctx context.Context, q querier, actor account.Actor, id int64) error

// ownerRule is the registry of owner kinds: the read rule of kind, mapped to the scoped
// look-up of its owner record; ok is false for a kind the store does not know.
func (s *Store) ownerRule(kind string) (rule readRule, ok bool) {
	switch kind {
	case OwnerEvaluation: // whoever may read the inscription's livret
		return inscriptionOwner("evaluations"), true
	case OwnerProjet: // whoever may read the inscription's livret
		return inscriptionOwner("projets"), true
	case OwnerPiece: // whoever may read the inscription, whatever its path (VAE included)
		return inscriptionOwner("dossier_pieces"), true
	case OwnerStage: // whoever may read the stage
		return func(ctx context.Context, q querier, actor account.Actor, id int64) error {
			var insID int64
			if err := q.QueryRowContext(ctx, `SELECT inscription_id FROM stages WHERE id = ?`, id).Scan(&insID); err != nil {
				return err
			}
			_, _, err := s.lvStageFor(ctx, q, actor, insID, id, lvReader)
			return err
		}, true
	case OwnerCertificateur: // the logo printed on every document: anyone signed in
		return certificateurLogoReadable, true
	}
	return nil, false
}

// inscriptionOwner is the read rule of an owner record of table that hangs from an
// inscription (its inscription_id): whoever may read the inscription.
func inscriptionOwner(table string) readRule {
	return func(ctx context.Context, q querier, actor account.Actor, id int64) error {
		var insID int64
		if err := q.QueryRowContext(ctx, `SELECT inscription_id FROM `+table+` WHERE id = ?`, id).Scan(&insID); err != nil {
			return err
		}
		_, err := lvLoad(ctx, q, actor, insID, lvReader, false)
		return err
	}
}

// ownerReadable returns nil when actor may read the owner record (kind, id), apperr.NotFound
// when the owner does not exist, the actor may not see it, or kind is no known owner kind (a
// file of an unknown owner is never readable, not even by an admin). It is the one
// readability rule of stored files.
func (s *Store) ownerReadable(ctx context.Context, q querier, actor account.Actor, kind string, id int64) error {
	rule, ok := s.ownerRule(kind)
	if !ok {
		return fmt.Errorf("file owner %q: %w", kind, apperr.NotFound)
	}
	switch err := rule(ctx, q, actor, id); {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows), errors.Is(err, apperr.NotFound), errors.Is(err, apperr.Forbidden), errors.Is(err, candidat.ErrVAE):
		return fmt.Errorf("file owner %s %d: %w", kind, id, apperr.NotFound) // say nothing of the owner
	default:
		return fmt.Errorf("file owner %s %d: %w", kind, id, err)
	}
}

// knownOwnerKind reports whether kind is in the registry of owner kinds (ownerRule).
func (s *Store) knownOwnerKind(kind string) bool {
	_, ok := s.ownerRule(kind)
	return ok
}

// pendingFile says which unattached file a write may attach: of owner kind, already bound to
// ownerID (0: to no owner yet, as evidence before its evaluation exists), uploaded by uploader
// (0 for a tutor) through the link whose hash is linkHash ("" for none).
type pendingFile struct {
	kind     string
	ownerID  int64
	uploader int64
	linkHash string
}

// fileFree reports whether file id exists, is not attached and matches want exactly.
func fileFree(ctx context.Context, q querier, id int64, want pendingFile) (bool, error) {
	return exists(ctx, q, `SELECT 1 FROM files WHERE id = ? AND owner_kind = ? AND attached = ?
		AND COALESCE(owner_id, 0) = ? AND uploaded_by = ? AND COALESCE(link_hash, '') = ?`,
		id, want.kind, false, want.ownerID, want.uploader, want.linkHash)
}

// attachFile attaches file id (checked by fileFree in the same transaction) to its owner
// (kind, ownerID). apperr.Conflict when a concurrent write attached or swept it first.
func attachFile(ctx context.Context, tx *Tx, id int64, kind string, ownerID int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE files SET owner_id = ?, attached = ? WHERE id = ? AND owner_kind = ? AND attached = ?`,
		ownerID, true, id, kind, false)
	if err != nil {
		return fmt.Errorf("attach file %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("attach file %d: %w", id, err)
	} else if n != 1 {
		return fmt.Errorf("attach file %d: %w", id, apperr.Conflict)
	}
	return nil
}

// SaveStageFile records the metadata f of bytes already written to blob storage under
// storageKey, uploaded by a tutor through the one-time link token: the file is owned by the
// stage of that link, bound to the link, and unattached until SubmitFiche with the same token
// claims it (a claim through another link cannot). It is audited with actor 0. f is cleaned
// and completed as by SaveFile.
//
// Errors: apperr.NotFound when the token is unknown, used or expired; otherwise as SaveFile.
func (s *Store) SaveStageFile(ctx context.Context, token string, f *File, storageKey string) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		st, err := s.lvStageByToken(ctx, tx, token)
		if err != nil {
			return err
		}
		f.OwnerKind, f.OwnerID = OwnerStage, st.ID
		return s.insertFile(ctx, tx, account.Actor{}, f, storageKey, hashToken(token))
	})
	if err != nil {
		return fmt.Errorf("save stage file: %w", err)
	}
	return nil
}

// nullString encodes an optional text: NULL for "".
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
