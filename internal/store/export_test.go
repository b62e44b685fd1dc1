package store

import (
	"context"
	"database/sql"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
)

// Rebind exposes rebind to the external tests.
var Rebind = rebind

// ApplyMigration applies (up) or rolls back (down) the one migration version of s's dialect,
// for the tests of a migration's backfill.
func ApplyMigration(ctx context.Context, s *Store, version int64, up bool) error {
	sub, err := fs.Sub(migrationFiles, "migrations/"+s.dialect)
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	if s.dialect == DialectPostgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, s.db, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return err
	}
	_, err = p.ApplyVersion(ctx, version, up)
	return err
}

// EnqueueActivationBothWays queues the activation message of prenom and token three times in
// one transaction: rendered once for an import (twice: first render, then the cache), then
// by mail.Render; the three must read alike.
func EnqueueActivationBothWays(ctx context.Context, s *Store, to, prenom, token string, expires time.Time) error {
	return s.Transact(ctx, func(tx *Tx) error {
		var c activationMails
		for range 2 {
			if err := tx.mailActivationCached(ctx, &c, to, prenom, token, expires); err != nil {
				return err
			}
		}
		if err := c.flush(ctx, tx, func(ctx context.Context, tx *Tx, q string) (*sql.Stmt, error) { return tx.prepare(ctx, q) }); err != nil {
			return err
		}
		return tx.mailActivation(ctx, to, prenom, token, expires)
	})
}
