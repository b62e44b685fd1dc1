package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// SessionStore returns the scs session store kept in table sessions. The value also implements
// scs.CtxStore, so scs passes request contexts through. Session tokens are stored as their
// SHA-256 (a copy of the database does not yield live sessions). Expiry is compared with the
// wall clock (time.Now), the clock scs sets it with, not Options.Now. Session writes are not
// audited.
func (s *Store) SessionStore() scs.Store { return sessionStore{s} }

type sessionStore struct{ s *Store }

var _ scs.CtxStore = sessionStore{}

// Find returns the data of an unexpired session; found is false when there is none.
func (ss sessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit saves a session's data and expiry, creating or replacing it.
func (ss sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete removes a session; deleting an unknown session is not an error.
func (ss sessionStore) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}

// FindCtx is Find with a context.
func (ss sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	var expiry time.Time
	key := hashToken(token)
	st, err := ss.s.sessionFind.get(ctx, ss.s, `SELECT data, expiry FROM sessions WHERE token = ? AND expiry > ?`)
	if err != nil {
		return nil, false, fmt.Errorf("session: %w", err)
	}
	err = st.QueryRowContext(ctx, key, ss.s.t(time.Now())).Scan(&b, scanTime(&expiry))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("session: %w", err)
	}
	if m, ok := ctx.Value(sessionReadKey{}).(*sessionRead); ok {
		*m = sessionRead{key: key, data: b, expiry: expiry}
	}
	return b, true, nil
}

// preparedStmt is a query prepared once for the life of the Store: for the queries of every
// request, whose parsing costs as much as their run on SQLite (database/sql prepares it again
// on each pooled connection, once).
type preparedStmt struct {
	mu sync.Mutex
	st *sql.Stmt
}

// get returns the statement of q, prepared at the first call.
func (p *preparedStmt) get(ctx context.Context, s *Store, q string) (*sql.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.st == nil {
		st, err := s.db.PrepareContext(ctx, s.rebind(q))
		if err != nil {
			return nil, err
		}
		p.st = st
	}
	return p.st, nil
}

// close closes the statement, if prepared.
func (p *preparedStmt) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.st != nil {
		_ = p.st.Close()
		p.st = nil
	}
}

// sessionReadKey is the context key of a request's sessionRead (WithSessionRead).
type sessionReadKey struct{}

// sessionRead is what FindCtx read for the request, so that CommitCtx at the end of the same
// request knows what is stored without asking the database again.
type sessionRead struct {
	key    string // the token's hash, "" when nothing was read
	data   []byte
	expiry time.Time
}

// WithSessionRead returns ctx carrying a place where the session store remembers the session
// it reads for this request: the commit that scs makes at the end of every request (the idle
// timeout slides) then compares with it instead of reading the session again. Wrap each
// request's context before the session manager loads the session.
func WithSessionRead(ctx context.Context) context.Context {
	return context.WithValue(ctx, sessionReadKey{}, &sessionRead{})
}

// sessionRefreshSlack is how far an unchanged session's expiry must move before CommitCtx
// rewrites it: scs commits every request (the idle timeout slides), and most requests change
// nothing else, so most of them write nothing.
const sessionRefreshSlack = time.Minute

// CommitCtx is Commit with a context. A session whose data is unchanged and whose expiry
// moves by less than sessionRefreshSlack is left as it is (no write). When only the expiry
// of an unchanged session is to be refreshed and the database is busy (SQLite's single
// writer held past the busy timeout), the refresh is skipped with a debug log: the session
// keeps working and its idle deadline is extended by a later request. Any other failure is
// returned, wrapping apperr.Busy for a busy database.
func (ss sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if b == nil {
		b = []byte{}
	}
	key := hashToken(token)
	var old []byte
	var oldExpiry time.Time
	refresh := false // the data is stored already: only the expiry would change
	var err error
	read, _ := ctx.Value(sessionReadKey{}).(*sessionRead)
	if read != nil && read.key == key {
		old, oldExpiry = read.data, read.expiry // read by this request (FindCtx)
	} else {
		err = ss.s.queryRow(ctx, `SELECT data, expiry FROM sessions WHERE token = ?`, key).Scan(&old, scanTime(&oldExpiry))
	}
	if err == nil && sameSessionData(old, b) {
		if d := expiry.Sub(oldExpiry); d < sessionRefreshSlack && d > -sessionRefreshSlack {
			return nil
		}
		refresh = true
	}
	_, err = ss.s.db.ExecContext(ctx, ss.s.rebind(
		`INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		 ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`),
		key, b, ss.s.t(expiry))
	if err != nil {
		if refresh && isBusy(err) {
			ss.s.log.DebugContext(ctx, "session expiry not refreshed: database busy")
			return nil
		}
		return fmt.Errorf("session commit: %w", mapBusy(err))
	}
	if read != nil {
		*read = sessionRead{key: key, data: b, expiry: expiry}
	}
	return nil
}

// sameSessionData reports whether two encoded sessions hold the same deadline and values.
// SessionCodec writes equal sessions as equal bytes; scs's gob codec encodes a map in random
// order, so equal sessions may differ in bytes: those are decoded and compared (a session
// another codec encoded is never "the same").
func sameSessionData(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var codec SessionCodec
	da, va, err := codec.Decode(a)
	if err != nil {
		return false
	}
	db, vb, err := codec.Decode(b)
	if err != nil {
		return false
	}
	return da.Equal(db) && reflect.DeepEqual(va, vb)
}

// DeleteCtx is Delete with a context.
func (ss sessionStore) DeleteCtx(ctx context.Context, token string) error {
	if _, err := ss.s.db.ExecContext(ctx, ss.s.rebind(`DELETE FROM sessions WHERE token = ?`), hashToken(token)); err != nil {
		return fmt.Errorf("session delete: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions expired by the wall clock and returns how many
// it removed; errors are the database's.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.rebind(`DELETE FROM sessions WHERE expiry <= ?`), s.t(time.Now()))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}

// authUserColumns are the user columns of the authentication look-ups, over
// "users u LEFT JOIN organismes o ON o.id = u.centre_id": the account counts as active only
// when it is active itself and, for the staff of a centre (referent, formateur), when their
// centre is active too. Scanned by scanUser.
const authUserColumns = `u.id, u.email, u.nom, u.prenom, u.role, u.centre_id,
	(u.active AND (u.role NOT IN ('referent', 'formateur') OR COALESCE(o.active, FALSE))),
	u.lang, u.created_at, u.version`

// SessionUser returns user id for the session middleware, with its session epoch: a session
// authenticates only while it carries the user's current epoch (SetPassword moves it on, which
// signs the user out everywhere). The user's Active is as for Credentials. apperr.NotFound
// when the user does not exist. Kept under the change mark (changemark.go): a password change or a
// deactivation in this process is seen at once, in another process within ChangeMarkTTL.
func (s *Store) SessionUser(ctx context.Context, id int64) (*account.User, int64, error) {
	row, err := memoized(ctx, s, &s.sessionUsers, id, func() (sessionUserRow, error) {
		var r sessionUserRow
		var err error
		r.u, err = scanUser(s.queryRow(ctx, `SELECT `+authUserColumns+`, u.session_epoch
			FROM users u LEFT JOIN organismes o ON o.id = u.centre_id WHERE u.id = ?`, id), &r.epoch)
		return r, err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("session user %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("session user %d: %w", id, err)
	}
	u := row.u // a copy: the caller may change it
	return &u, row.epoch, nil
}

// sessionUserRow is what SessionUser reads, kept under the change mark (every change of an
// account or of its centre is journaled).
type sessionUserRow struct {
	u     account.User
	epoch int64
}

// LoginFailure says why a login failed, for the audit journal (never what was typed).
type LoginFailure string

// The reasons a login fails.
const (
	LoginUnknownAccount LoginFailure = "unknown_account" // no account has the address typed
	LoginNotActivated   LoginFailure = "not_activated"   // the account has no password yet
	LoginWrongPassword  LoginFailure = "wrong_password"
	LoginInactive       LoginFailure = "inactive" // the account, or its staff member's centre, is deactivated
)

// AuditLogin journals a login: a success (failure empty) on behalf of user userID, or a
// failure with its reason, by the anonymous actor (0) on user userID (0 when the address
// matches no account). The detail holds the reason only: never the address typed.
// Errors: *apperr.Validation for an unknown reason; otherwise the database's.
func (s *Store) AuditLogin(ctx context.Context, userID int64, failure LoginFailure) error {
	action, actor, detail := "login", account.Actor{UserID: userID}, map[string]any{}
	if failure != "" {
		switch failure {
		case LoginUnknownAccount, LoginNotActivated, LoginWrongPassword, LoginInactive:
		default:
			v := apperr.NewValidation()
			v.Add("reason", "Motif d’échec de connexion inconnu.")
			return v
		}
		action, actor, detail = "login.failed", account.Actor{}, map[string]any{"reason": string(failure)}
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		return tx.audit(ctx, actor, action, "user", userID, detail)
	})
	if err != nil {
		return fmt.Errorf("audit login: %w", err)
	}
	return nil
}
