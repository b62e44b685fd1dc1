package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/certif/certif/internal/input"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// File is the metadata of an uploaded file; its bytes live in blob storage under a storage
// key that only the store and the blob layer see. Every file has an owner (OwnerKind, OwnerID)
// whose access rule decides who reads it, and a state: unattached (readable by its uploader
// only, collected by SweepFiles when old) until the owner's record takes it.
type File struct {
	ID         int64
	Nom        string // the uploaded file name, cleaned
	MIME       string // sniffed from the bytes, never the client's claim
	Taille     int64  // bytes
	SHA256     string // hexadecimal
	UploadedBy int64  // user id; 0 for a tutor's one-time link or the system
	CreatedAt  time.Time
	OwnerKind  string // OwnerEvaluation, OwnerStage
	OwnerID    int64  // 0 while an evidence file waits for its evaluation
	Attached   bool
}

const fileCols = `f.id, f.nom, f.mime, f.taille, f.sha256, f.uploaded_by, f.created_at, f.owner_kind, f.owner_id, f.attached, f.storage_key`

const lvFileSelect = `SELECT ` + fileCols + ` FROM files f`

func lvScanFile(sc interface{ Scan(...any) error }) (File, string, error) {
	var f File
	var key string
	var owner sql.NullInt64
	err := sc.Scan(&f.ID, &f.Nom, &f.MIME, &f.Taille, &f.SHA256, &f.UploadedBy, scanTime(&f.CreatedAt),
		&f.OwnerKind, &owner, &f.Attached, &key)
	f.OwnerID = owner.Int64
	return f, key, err
}

// SaveFile records the metadata f of bytes already written to blob storage under storageKey,
// as an unattached file of owner kind f.OwnerKind (OwnerEvaluation when empty) and no owner
// yet, setting f.ID, f.CreatedAt and f.UploadedBy (the actor), and cleaning f.Nom (base name,
// no control characters, at most 255 characters; "fichier" when empty). It is audited without
// the file name. The file is then readable by its uploader only, until it is attached (to an
// evaluation by AddEvaluation); a tutor's stamp goes through SaveStageFile instead.
//
// Errors: *apperr.Validation on "fichier" when storageKey is empty, the size negative, the
// digest not a hexadecimal SHA-256, the owner kind unknown or the actor anonymous;
// apperr.Conflict when storageKey is already recorded.
func (s *Store) SaveFile(ctx context.Context, actor account.Actor, f *File, storageKey string) error {
	if f.OwnerKind == "" {
		f.OwnerKind = OwnerEvaluation
	}
	f.OwnerID = 0
	if actor.UserID == 0 || f.OwnerKind == OwnerStage {
		f.OwnerKind = "" // a stamp is uploaded through its link only (SaveStageFile)
	}
	err := s.Transact(ctx, func(tx *Tx) error { return s.insertFile(ctx, tx, actor, f, storageKey, "") })
	if err != nil {
		return fmt.Errorf("save file: %w", err)
	}
	return nil
}

// insertFile validates, cleans and inserts f, unattached, with its owner kind and id (0: none
// yet) and the hash of the link it came through ("" for none), and audits it.
func (s *Store) insertFile(ctx context.Context, tx *Tx, actor account.Actor, f *File, storageKey, linkHash string) error {
	f.Nom = input.FileName(f.Nom)
	f.MIME = strings.TrimSpace(f.MIME)
	if f.MIME == "" {
		f.MIME = "application/octet-stream"
	}
	f.SHA256 = strings.ToLower(f.SHA256)
	if storageKey == "" || f.Taille < 0 || !lvIsHex(f.SHA256, 64) || !s.knownOwnerKind(f.OwnerKind) {
		v := apperr.NewValidation()
		v.Add("fichier", "Le fichier n'a pas pu être enregistré.")
		return v
	}
	now := s.nowUTC()
	var id int64
	err := tx.QueryRowContext(ctx,
		`INSERT INTO files (storage_key, nom, mime, taille, sha256, uploaded_by, created_at, owner_kind, owner_id, attached, link_hash)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		storageKey, f.Nom, f.MIME, f.Taille, f.SHA256, actor.UserID, s.t(now), f.OwnerKind, nullID(f.OwnerID), false, nullString(linkHash)).Scan(&id)
	if err != nil {
		return mapErr(err)
	}
	f.ID, f.CreatedAt, f.UploadedBy, f.Attached = id, now, actor.UserID, false
	return tx.audit(ctx, actor, "file.save", "file", id, map[string]any{
		"mime": f.MIME, "taille": f.Taille, "owner_kind": f.OwnerKind, "owner_id": f.OwnerID,
	})
}

// FileByID returns file id and its storage key. An attached file is readable by whoever may
// read its owner (ownerReadable: the livret of an evidence's inscription, a stamp's stage); an
// unattached one by its uploader only (a user, not an anonymous tutor).
// Errors: apperr.NotFound when it does not exist, the actor may not read it, or its owner kind
// is unknown.
func (s *Store) FileByID(ctx context.Context, actor account.Actor, id int64) (*File, string, error) {
	q := s.q(nil)
	f, key, err := lvScanFile(q.QueryRowContext(ctx, lvFileSelect+` WHERE f.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("file %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return nil, "", fmt.Errorf("file %d: %w", id, err)
	}
	switch {
	case !s.knownOwnerKind(f.OwnerKind):
		return nil, "", fmt.Errorf("file %d: %w", id, apperr.NotFound)
	case !f.Attached:
		if actor.UserID != 0 && f.UploadedBy == actor.UserID {
			return &f, key, nil
		}
		return nil, "", fmt.Errorf("file %d: %w", id, apperr.NotFound)
	}
	if err := s.ownerReadable(ctx, q, actor, f.OwnerKind, f.OwnerID); err != nil {
		return nil, "", fmt.Errorf("file %d: %w", id, err)
	}
	return &f, key, nil
}

// EvaluationFiles returns the evidence files of evaluation evaluationID, by id; an empty slice
// when it has none.
// Who: whoever may read the evaluation (see Evaluations).
// Errors: apperr.NotFound when the evaluation does not exist or the actor may not see it.
func (s *Store) EvaluationFiles(ctx context.Context, actor account.Actor, evaluationID int64) ([]File, error) {
	if err := s.ownerReadable(ctx, s.q(nil), actor, OwnerEvaluation, evaluationID); err != nil {
		return nil, fmt.Errorf("evaluation %d files: %w", evaluationID, err)
	}
	rows, err := s.query(ctx, lvFileSelect+` WHERE f.owner_kind = ? AND f.owner_id = ? AND f.attached = ? ORDER BY f.id`,
		OwnerEvaluation, evaluationID, true)
	if err != nil {
		return nil, fmt.Errorf("evaluation %d files: %w", evaluationID, err)
	}
	defer rows.Close()
	out := []File{}
	for rows.Next() {
		f, _, err := lvScanFile(rows)
		if err != nil {
			return nil, fmt.Errorf("evaluation %d files: %w", evaluationID, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("evaluation %d files: %w", evaluationID, err)
	}
	return out, nil
}

func lvIsHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
