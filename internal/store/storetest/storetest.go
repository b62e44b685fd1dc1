// Package storetest opens throw-away, migrated stores for tests: SQLite always, PostgreSQL when
// the environment variable CERTIF_TEST_POSTGRES holds a DSN (e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable). Each store gets its own database:
// a file under t.TempDir() on SQLite, a fresh schema (dropped at cleanup) on PostgreSQL.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver for the schema bookkeeping

	"github.com/certif/certif/internal/store"
)

// PostgresEnv names the environment variable holding the PostgreSQL DSN of the tests.
const PostgresEnv = "CERTIF_TEST_POSTGRES"

// Open returns a migrated SQLite store in t.TempDir(), closed at cleanup. It fails the test
// when the store cannot be opened or migrated.
func Open(t testing.TB) *store.Store { return OpenWith(t, store.Options{}) }

// OpenWith is Open with options (e.g. a fixed clock).
func OpenWith(t testing.TB, opts store.Options) *store.Store {
	t.Helper()
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "certif.db"), opts)
}

// OpenPostgres returns a migrated store in a fresh schema of the PostgreSQL database named by
// CERTIF_TEST_POSTGRES, dropped at cleanup; it skips the test when the variable is empty.
func OpenPostgres(t testing.TB, opts store.Options) *store.Store {
	t.Helper()
	return open(t, postgresSchema(t), opts)
}

// postgresSchema creates a fresh schema in the database named by CERTIF_TEST_POSTGRES, dropped
// at cleanup, and returns the DSN that uses it; it skips the test when the variable is empty.
func postgresSchema(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		t.Skipf("%s not set: PostgreSQL tests skipped", PostgresEnv)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("storetest: %s: %v", PostgresEnv, err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("storetest: drop schema: %v", err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema) // a runtime parameter: pgx sends it at connection start-up
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn string, opts store.Options) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate: %v", err)
	}
	return s
}

// Each runs fn as subtests "sqlite" and "postgres", each with its own fresh migrated store; the
// PostgreSQL subtest is skipped when CERTIF_TEST_POSTGRES is not set.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) { EachWith(t, store.Options{}, fn) }

// EachWith is Each with options (e.g. a fixed clock).
func EachWith(t *testing.T, opts store.Options, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenWith(t, opts)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t, opts)) })
}

// EachTwin runs fn as subtests "sqlite" and "postgres" with two stores on one fresh migrated
// database, as two processes sharing it hold them; the PostgreSQL subtest is skipped when
// CERTIF_TEST_POSTGRES is not set.
func EachTwin(t *testing.T, fn func(t *testing.T, a, b *store.Store)) {
	t.Helper()
	twin := func(t *testing.T, dsn string) { fn(t, open(t, dsn, store.Options{}), open(t, dsn, store.Options{})) }
	t.Run("sqlite", func(t *testing.T) { a, b := Twin(t); fn(t, a, b) })
	t.Run("postgres", func(t *testing.T) { twin(t, postgresSchema(t)) })
}

// Twin returns two SQLite stores on one fresh migrated database in t.TempDir(), as two
// processes sharing it hold them.
func Twin(t testing.TB) (a, b *store.Store) {
	t.Helper()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "certif.db")
	return open(t, dsn, store.Options{}), open(t, dsn, store.Options{})
}
