package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// File is the metadata of an uploaded file; its bytes live in blob storage under a storage
// key that only the store and the blob layer see.
type File struct {
	ID         int64
	Nom        string // the uploaded file name, cleaned
	MIME       string // sniffed from the bytes, never the client's claim
	Taille     int64  // bytes
	SHA256     string // hexadecimal
	UploadedBy int64  // user id; 0 for a tutor's one-time link or the system
	CreatedAt  time.Time
}

const lvFileSelect = `SELECT id, nom, mime, taille, sha256, uploaded_by, created_at, storage_key FROM files`

func lvScanFile(sc interface{ Scan(...any) error }) (File, string, error) {
	var f File
	var key string
	err := sc.Scan(&f.ID, &f.Nom, &f.MIME, &f.Taille, &f.SHA256, &f.UploadedBy, scanTime(&f.CreatedAt), &key)
	return f, key, err
}

// SaveFile records the metadata f of bytes already written to blob storage under storageKey,
// setting f.ID, f.CreatedAt and f.UploadedBy (the actor; 0 for a tutor using a one-time link,
// who acts as account.Actor{}), and cleaning f.Nom (base name, no control characters, at most
// 255 characters; "fichier" when empty). It is audited without the file name. The file is
// then readable by its uploader only, until it is attached (to an evaluation by AddEvaluation,
// as a company stamp by SubmitFiche).
//
// Errors: *apperr.Validation on "fichier" when storageKey is empty, the size negative or the
// digest not a hexadecimal SHA-256; apperr.Conflict when storageKey is already recorded.
func (s *Store) SaveFile(ctx context.Context, actor account.Actor, f *File, storageKey string) error {
	f.Nom = lvCleanFileName(f.Nom)
	f.MIME = strings.TrimSpace(f.MIME)
	if f.MIME == "" {
		f.MIME = "application/octet-stream"
	}
	f.SHA256 = strings.ToLower(f.SHA256)
	if storageKey == "" || f.Taille < 0 || !lvIsHex(f.SHA256, 64) {
		v := apperr.NewValidation()
		v.Add("fichier", "Le fichier n'a pas pu être enregistré.")
		return v
	}
	now := s.nowUTC()
	err := s.Transact(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx,
			`INSERT INTO files (storage_key, nom, mime, taille, sha256, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			storageKey, f.Nom, f.MIME, f.Taille, f.SHA256, actor.UserID, s.t(now)).Scan(&id)
		if err != nil {
			return mapErr(err)
		}
		f.ID, f.CreatedAt, f.UploadedBy = id, now, actor.UserID
		return tx.audit(ctx, actor, "file.save", "file", id, map[string]any{"mime": f.MIME, "taille": f.Taille})
	})
	if err != nil {
		return fmt.Errorf("save file: %w", err)
	}
	return nil
}

// FileByID returns file id and its storage key. A file is readable by an admin, by its
// uploader (a user, not an anonymous tutor) and by whoever may read an evaluation it is
// evidence of or a stage whose company stamp it is (see Evaluations and Stages).
// Errors: apperr.NotFound when it does not exist or the actor may not read it.
func (s *Store) FileByID(ctx context.Context, actor account.Actor, id int64) (*File, string, error) {
	f, key, err := lvScanFile(s.queryRow(ctx, lvFileSelect+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("file %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return nil, "", fmt.Errorf("file %d: %w", id, err)
	}
	if actor.IsAdmin() || (actor.UserID != 0 && f.UploadedBy == actor.UserID) {
		return &f, key, nil
	}
	rows, err := s.query(ctx,
		`SELECT e.inscription_id FROM evaluation_preuves p JOIN evaluations e ON e.id = p.evaluation_id WHERE p.file_id = ?
		 UNION SELECT inscription_id FROM stages WHERE cachet_file_id = ?`, id, id)
	if err != nil {
		return nil, "", fmt.Errorf("file %d: %w", id, err)
	}
	var ins []int64
	for rows.Next() {
		var i int64
		if err := rows.Scan(&i); err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("file %d: %w", id, err)
		}
		ins = append(ins, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("file %d: %w", id, err)
	}
	for _, insID := range ins {
		i, err := lvInscription(ctx, s.q(nil), insID)
		if err != nil {
			return nil, "", fmt.Errorf("file %d: %w", id, err)
		}
		if lvAccessOf(actor, &i) != lvNone {
			return &f, key, nil
		}
	}
	return nil, "", fmt.Errorf("file %d: %w", id, apperr.NotFound)
}

// EvaluationFiles returns the evidence files of evaluation evaluationID, by id; an empty slice
// when it has none.
// Who: whoever may read the evaluation (see Evaluations).
// Errors: apperr.NotFound when the evaluation does not exist or the actor may not see it.
func (s *Store) EvaluationFiles(ctx context.Context, actor account.Actor, evaluationID int64) ([]File, error) {
	var insID int64
	err := s.queryRow(ctx, `SELECT inscription_id FROM evaluations WHERE id = ?`, evaluationID).Scan(&insID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("evaluation %d files: %w", evaluationID, apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("evaluation %d files: %w", evaluationID, err)
	}
	if _, err := lvLoad(ctx, s.q(nil), actor, insID, lvReader, false); err != nil {
		if errors.Is(err, apperr.NotFound) {
			err = apperr.NotFound // say nothing of the inscription
		}
		return nil, fmt.Errorf("evaluation %d files: %w", evaluationID, err)
	}
	rows, err := s.query(ctx, `SELECT f.id, f.nom, f.mime, f.taille, f.sha256, f.uploaded_by, f.created_at, f.storage_key
		FROM evaluation_preuves p JOIN files f ON f.id = p.file_id WHERE p.evaluation_id = ? ORDER BY f.id`, evaluationID)
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

// lvFileFree reports whether file id exists, was uploaded by uploader and is attached to
// nothing yet (no evaluation, no stage).
func lvFileFree(ctx context.Context, q querier, id, uploader int64) (bool, error) {
	return exists(ctx, q, `SELECT 1 FROM files f WHERE f.id = ? AND f.uploaded_by = ?
		AND NOT EXISTS (SELECT 1 FROM evaluation_preuves p WHERE p.file_id = f.id)
		AND NOT EXISTS (SELECT 1 FROM stages st WHERE st.cachet_file_id = f.id)`, id, uploader)
}

// lvCleanFileName keeps the base name of an uploaded file, without control characters and
// with at most 255 characters (keeping the extension).
func lvCleanFileName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/") // Windows browsers may send a full path
	name = path.Base(strings.TrimSpace(name))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		return "fichier"
	}
	if r := []rune(name); len(r) > 255 {
		ext := []rune(path.Ext(name))
		if len(ext) > 16 {
			ext = nil
		}
		name = string(r[:255-len(ext)]) + string(ext)
	}
	return name
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
