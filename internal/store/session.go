package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
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
	err := ss.s.queryRow(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`,
		hashToken(token), ss.s.t(time.Now())).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("session: %w", err)
	}
	return b, true, nil
}

// CommitCtx is Commit with a context.
func (ss sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if b == nil {
		b = []byte{}
	}
	_, err := ss.s.db.ExecContext(ctx, ss.s.rebind(
		`INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		 ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`),
		hashToken(token), b, ss.s.t(expiry))
	if err != nil {
		return fmt.Errorf("session commit: %w", err)
	}
	return nil
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
