package store

import (
	"context"
	"io/fs"

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
