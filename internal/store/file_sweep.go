package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/certif/certif/internal/account"
)

// UnattachedFileTTL is how long an uploaded file may wait for its owner's record to take it
// before SweepFiles collects it.
const UnattachedFileTTL = 24 * time.Hour

// sweepBatch bounds the files one SweepFiles pass collects, so that a pass stays short.
const sweepBatch = 500

// SweepFiles collects the files still unattached maxAge after their upload (by the store's
// clock): each row is deleted, with an audit row ("file.sweep", actor 0), in a transaction
// that re-checks that the file is still unattached (so a file attached meanwhile is kept),
// then its bytes are removed by deleteBlob (given the storage key). Rows go first, so that a
// swept key is never attached again; a blob whose deletion fails is reported in the error and
// left behind (no row names it any more). It returns how many files were collected, at most
// sweepBatch per call.
func (s *Store) SweepFiles(ctx context.Context, maxAge time.Duration, deleteBlob func(key string) error) (int, error) {
	before := s.nowUTC().Add(-maxAge)
	// "attached = FALSE" written as the partial index files_unattached says it, so it is used.
	rows, err := s.query(ctx, `SELECT id, storage_key FROM files WHERE attached = FALSE AND created_at < ? ORDER BY id LIMIT ?`,
		s.t(before), sweepBatch)
	if err != nil {
		return 0, fmt.Errorf("sweep files: %w", err)
	}
	type victim struct {
		id  int64
		key string
	}
	var victims []victim
	for rows.Next() {
		var v victim
		if err := rows.Scan(&v.id, &v.key); err != nil {
			rows.Close()
			return 0, fmt.Errorf("sweep files: %w", err)
		}
		victims = append(victims, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("sweep files: %w", err)
	}
	n := 0
	var errs []error
	for _, v := range victims {
		deleted := false
		err := s.Transact(ctx, func(tx *Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM files WHERE id = ? AND attached = ?`, v.id, false)
			if err != nil {
				return err
			}
			if c, err := res.RowsAffected(); err != nil || c != 1 {
				return err // attached meanwhile: keep it
			}
			deleted = true
			return tx.audit(ctx, account.Actor{}, "file.sweep", "file", v.id, map[string]any{"reason": "unattached"})
		})
		if err != nil {
			return n, errors.Join(append(errs, fmt.Errorf("sweep file %d: %w", v.id, err))...)
		}
		if !deleted {
			continue
		}
		n++
		if err := deleteBlob(v.key); err != nil {
			errs = append(errs, fmt.Errorf("sweep file %d: blob: %w", v.id, err))
		}
	}
	return n, errors.Join(errs...)
}

// DiscardFile deletes file id when it is still unattached and was uploaded by actor (0 for a
// tutor), returning its storage key for the caller to delete the bytes; it is audited
// ("file.discard"). It undoes an upload whose owner's record was then refused. It returns
// "" and no error when there was nothing to discard.
func (s *Store) DiscardFile(ctx context.Context, actor account.Actor, id int64) (string, error) {
	var key string
	err := s.Transact(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT storage_key FROM files WHERE id = ? AND attached = ? AND uploaded_by = ?`,
			id, false, actor.UserID).Scan(&key)
		if errors.Is(err, sql.ErrNoRows) {
			key = ""
			return nil // attached meanwhile, or not this actor's
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE id = ? AND attached = ?`, id, false); err != nil {
			return err
		}
		return tx.audit(ctx, actor, "file.discard", "file", id, nil)
	})
	if err != nil {
		return "", fmt.Errorf("discard file %d: %w", id, err)
	}
	return key, nil
}

// SweepFilesEvery runs SweepFiles(ctx, maxAge, deleteBlob) now and then every interval until
// ctx is done, logging what it collects and its errors to log (nil: discarded).
func (s *Store) SweepFilesEvery(ctx context.Context, interval, maxAge time.Duration, deleteBlob func(key string) error, log *slog.Logger) {
	every(ctx, interval, log, "file sweeper", "unattached files collected", func(ctx context.Context) (int, error) {
		return s.SweepFiles(ctx, maxAge, deleteBlob)
	})
}

// every runs job now and then every interval until ctx ends, logging its failures under name
// and, when it did something, « name: done » with the count (the server's periodic jobs).
func every(ctx context.Context, interval time.Duration, log *slog.Logger, name, done string, job func(context.Context) (int, error)) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := job(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error(name, "err", err)
		}
		if n > 0 {
			log.Info(name+": "+done, "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
