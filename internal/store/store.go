// Package store persists Certif's data in SQLite (the default, one file) or PostgreSQL (several
// server processes sharing one database). It is the only package that writes SQL.
//
// Every method takes the acting user (account.Actor) explicitly, checks what the actor may do
// and scopes its queries accordingly. Every write runs in one transaction (Transact) that also
// appends one row to the append-only audit log.
//
// SQL is written once, with `?` placeholders, and rebound to `$n` on PostgreSQL. The dialect
// differences live in this file and in the two migration folders.
//
// Errors wrap the sentinels of apperr: apperr.NotFound when a record does not exist or the actor
// may not know it exists, apperr.Forbidden when the actor may not act, apperr.Conflict when a
// write breaks a uniqueness or reference constraint, *apperr.Validation for field problems.
// Any other error is an infrastructure failure.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/apperr"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The two dialects returned by Store.Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// Options configures a Store. The zero value is ready to use.
type Options struct {
	// Now is the clock of the domain (creation dates, audit times); nil means time.Now.
	Now func() time.Time
	// Logger receives operational messages (migrations); nil discards them.
	Logger *slog.Logger
}

// Store is a handle on the database. It is safe for concurrent use by several goroutines.
type Store struct {
	db      *sql.DB
	dialect string
	clock   atomic.Pointer[func() time.Time] // now(); SetClock
	log     *slog.Logger

	// writeSem bounds the write transactions of this process. On SQLite it serialises them:
	// SQLite allows one writer at a time anyway, and waiting here is fair and cheap where the
	// busy handler polls. On PostgreSQL it admits pgWriters at once: audited writes queue on the
	// audit chain's lock anyway, and without a bound the waiting transactions hold every pooled
	// connection, so that reads (and a write needing a second connection) wait behind them.
	writeSem chan struct{}

	rebound sync.Map // query with ? → query with $n (PostgreSQL only)
	refs    refCache

	// mark is the journal's head known to this process (changemark.go); the memos keep
	// authentication look-ups under it.
	mark          changeMark
	sessionUsers  markMemo[int64, sessionUserRow]
	inscRelations markMemo[int64, access.Inscription]
	sessionFind   preparedStmt                  // the one query of a kept page (session.go)
	grPlaces      markMemo[grKey, grPlace]      // where a juror stands to a passage (jury_grille.go)
	grBases       markMemo[int64, *PassageBase] // the ground of a passage's grid (jury_grille.go)
	grCheck       preparedStmt                  // a grid save's state and version (jury_grille.go)
	grInsert      preparedStmt                  // a grid save (jury_grille.go)

	mailMu  sync.Mutex
	baseURL string   // of the links in messages (SetBaseURL)
	attach  Attacher // the files a courriel carries when it leaves (SetAttacher)
}

// SetClock replaces the clock of the domain (nil: time.Now) and returns the previous one. The
// demo uses it, before the server starts, to replay a past jury session at its own dates
// through the same rules as a live one.
func (s *Store) SetClock(now func() time.Time) (previous func() time.Time) {
	if now == nil {
		now = time.Now
	}
	if p := s.clock.Swap(&now); p != nil {
		return *p
	}
	return time.Now
}

// now is the clock of the domain.
func (s *Store) now() time.Time { return (*s.clock.Load())() }

// pgWriters is how many write transactions one process runs at once on PostgreSQL (of its 25
// connections).
const pgWriters = 8

// Open connects to the database named by url, without migrating it (see Migrate).
//
// url is "postgres://…" or "postgresql://…" for PostgreSQL (through pgx), and "sqlite:PATH" or
// a plain file path for SQLite (the parent directory is created; the file is opened in WAL mode
// with a busy timeout, foreign keys on and immediate write transactions). An empty url, a path
// containing '?', or a database that cannot be reached returns an error.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	s := &Store{log: opts.Logger}
	s.mark.epoch = time.Now()
	s.SetClock(opts.Now)
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.refs.init()
	var err error
	switch {
	case url == "":
		return nil, errors.New("store: empty database URL")
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		s.dialect = DialectPostgres
		if s.db, err = sql.Open("pgx", url); err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		s.db.SetMaxOpenConns(25)
		s.writeSem = make(chan struct{}, pgWriters)
		s.db.SetMaxIdleConns(10)
		s.db.SetConnMaxIdleTime(5 * time.Minute)
		s.db.SetConnMaxLifetime(time.Hour)
	default:
		s.dialect = DialectSQLite
		path := strings.TrimPrefix(url, "sqlite:")
		path = strings.TrimPrefix(path, "//") // sqlite:///abs/path or sqlite://rel/path
		if path == "" || strings.ContainsRune(path, '?') {
			return nil, fmt.Errorf("store: invalid SQLite path %q", path)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		dsn := path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		if s.db, err = sql.Open("sqlite", dsn); err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		// WAL lets readers run beside the one writer; keep their connections open, since
		// opening one runs the pragmas again.
		n := max(4, runtime.NumCPU()*2)
		s.db.SetMaxOpenConns(n)
		s.db.SetMaxIdleConns(n)
		s.writeSem = make(chan struct{}, 1)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", s.dialect, err)
	}
	return s, nil
}

// Migrate applies the pending migrations of the store's dialect. It is idempotent, and safe to
// run from several processes sharing one PostgreSQL database (they take turns on an advisory
// lock scoped to the current schema). It returns an error when a migration fails.
func (s *Store) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrationFiles, "migrations/"+s.dialect)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithSlog(s.log), goose.WithDisableGlobalRegistry(true)}
	if s.dialect == DialectPostgres {
		dialect = goose.DialectPostgres
		var schema string
		if err := s.db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		// One lock per schema, so that databases living in different schemas do not wait on
		// each other while processes sharing one schema still migrate it one at a time.
		id := int64(crc32.ChecksumIEEE([]byte("certif:" + schema)))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.db, sub, opts...)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range res {
		s.log.InfoContext(ctx, "migration applied", "version", r.Source.Version, "duration", r.Duration)
	}
	if err := s.sealAudit(ctx); err != nil {
		return fmt.Errorf("store: seal audit log: %w", err)
	}
	return nil
}

// Close closes the database; calling it more than once returns the error of database/sql.
func (s *Store) Close() error {
	s.sessionFind.close()
	s.grCheck.close()
	s.grInsert.close()
	return s.db.Close()
}

// Ping checks that the database answers; it returns the driver's error otherwise.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Dialect returns DialectSQLite ("sqlite") or DialectPostgres ("postgres").
func (s *Store) Dialect() string { return s.dialect }

// DB returns the underlying pool, for health checks and tests. Writes through it bypass the
// audit log: use Transact.
func (s *Store) DB() *sql.DB { return s.db }

// nowUTC is the domain clock in UTC, at the microsecond precision both engines keep.
func (s *Store) nowUTC() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Tx is one transaction opened by Transact. Its methods take SQL written with `?` placeholders
// (rebound to `$n` on PostgreSQL). A Tx must not be used after its function returns.
type Tx struct {
	tx      *sql.Tx
	s       *Store
	pending []pendingAudit       // audit rows, chained and written at commit (flushAudit)
	lastID  int64                // the id of the last audit row written (flushAudit), 0: none
	stmts   map[string]*sql.Stmt // prepared by prepare, closed with the transaction
}

// prepare returns q prepared in the transaction, once per transaction (for statements run
// once per row of a batch, e.g. the outbox's INSERT during an import).
func (tx *Tx) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[q]; ok {
		return st, nil
	}
	st, err := tx.tx.PrepareContext(ctx, tx.s.rebind(q))
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[q] = st
	return st, nil
}

// Transact runs fn in one transaction: it commits when fn returns nil, rolls back when fn
// returns an error (returned as is) or panics (the panic goes on). The audit rows fn added
// (tx.audit) are chained and written after fn returns, just before the commit. A failed commit returns its
// error, mapped like ExecContext's. On SQLite, transactions of one process run one at a time
// (a cancelled ctx while waiting returns ctx.Err()), so fn must not call Transact or a Store
// write method: it would wait for itself.
func (s *Store) Transact(ctx context.Context, fn func(tx *Tx) error) error {
	if s.writeSem != nil {
		select {
		case s.writeSem <- struct{}{}:
			defer func() { <-s.writeSem }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", mapErr(err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	tx := &Tx{tx: sqlTx, s: s}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := tx.flushAudit(ctx); err != nil {
		_ = sqlTx.Rollback()
		return mapBusy(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", mapErr(err))
	}
	s.mark.advance(tx.lastID) // this process's next requests see the write at once
	return nil
}

// ExecContext executes a statement. A uniqueness or foreign-key violation returns an error
// wrapping both apperr.Conflict and the driver's error.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	r, err := tx.tx.ExecContext(ctx, tx.s.rebind(query), args...)
	return r, mapErr(err)
}

// QueryContext runs a query returning rows; the caller closes them.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.s.rebind(query), args...)
}

// QueryRowContext runs a query returning at most one row; errors (sql.ErrNoRows included)
// surface at Scan and are not mapped.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.s.rebind(query), args...)
}

// querier is what both *sql.DB and *Tx's transaction offer for reads.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// query and queryRow read outside a transaction (readers never wait for the writer on SQLite).
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, s.rebind(q), args...)
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, s.rebind(q), args...)
}

// q returns a querier rebinding its SQL: the transaction's when tx is not nil, else the pool's.
func (s *Store) q(tx *Tx) querier {
	if tx != nil {
		return tx
	}
	return dbQuerier{s}
}

type dbQuerier struct{ s *Store }

func (d dbQuerier) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.s.query(ctx, q, args...)
}

func (d dbQuerier) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return d.s.queryRow(ctx, q, args...)
}

// ---- Dialect differences ----

// rebind turns `?` placeholders into `$1…$n` on PostgreSQL, leaving string literals alone.
func (s *Store) rebind(q string) string {
	if s.dialect != DialectPostgres || !strings.Contains(q, "?") {
		return q
	}
	if r, ok := s.rebound.Load(q); ok {
		return r.(string)
	}
	r := rebind(q)
	s.rebound.Store(q, r)
	return r
}

func rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, inString := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inString = !inString // '' inside a literal toggles twice
		case c == '?' && !inString:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// sqliteTime is how times are stored on SQLite: UTC RFC 3339 text of fixed width, so that the
// text order is the time order. PostgreSQL stores timestamptz.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// t encodes a time for binding: NULL for the zero time.
func (s *Store) t(v time.Time) any {
	if v.IsZero() {
		return nil
	}
	v = v.UTC().Truncate(time.Microsecond)
	if s.dialect == DialectSQLite {
		return v.Format(sqliteTime)
	}
	return v
}

// scanTime returns a scan destination decoding either engine's time into *dst (UTC; zero for NULL).
func scanTime(dst *time.Time) sql.Scanner { return timeScanner{dst} }

type timeScanner struct{ t *time.Time }

func (ts timeScanner) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*ts.t = time.Time{}
	case time.Time:
		*ts.t = x.UTC()
	case string:
		return ts.parse(x)
	case []byte:
		return ts.parse(string(x))
	default:
		return fmt.Errorf("store: cannot scan %T into a time", v)
	}
	return nil
}

func (ts timeScanner) parse(x string) error {
	t, err := time.Parse(time.RFC3339Nano, x)
	if err != nil {
		return fmt.Errorf("store: bad stored time %q: %w", x, err)
	}
	*ts.t = t.UTC()
	return nil
}

// nullID encodes an optional reference: NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

type constraint int

const (
	noConstraint constraint = iota
	uniqueConstraint
	foreignKeyConstraint
)

// constraintOf tells which constraint err violates, by driver code (never by message).
func constraintOf(err error) constraint {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return uniqueConstraint
		case "23503":
			return foreignKeyConstraint
		}
		return noConstraint
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return uniqueConstraint
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return foreignKeyConstraint
		}
	}
	return noConstraint
}

// mapErr wraps constraint violations with apperr.Conflict and a busy database with
// apperr.Busy (mapBusy), keeping the driver's error.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if constraintOf(err) == noConstraint {
		return mapBusy(err)
	}
	return fmt.Errorf("%w: %w", apperr.Conflict, err)
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (any extended code: the busy timeout ran
// out while another connection held the write lock), by driver code.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// mapBusy wraps a busy database's error with apperr.Busy (once), keeping the driver's error;
// other errors are returned as they are.
func mapBusy(err error) error {
	if err == nil || !isBusy(err) || errors.Is(err, apperr.Busy) {
		return err
	}
	return fmt.Errorf("%w: %w", apperr.Busy, err)
}

// paginate appends LIMIT/OFFSET to q: limit ≤ 0 means no limit (an offset alone still
// applies, with an unbounded limit, which both engines need before OFFSET).
func paginate(q string, args []any, limit, offset int) (string, []any) {
	switch {
	case limit > 0:
		return q + ` LIMIT ? OFFSET ?`, append(args, limit, max(offset, 0))
	case offset > 0:
		return q + ` LIMIT ? OFFSET ?`, append(args, int64(1)<<62, offset)
	}
	return q, args
}
