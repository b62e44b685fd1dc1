package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/mail"
)

// SendFunc delivers one message; a *mail.SendError says what the server answered.
type SendFunc func(ctx context.Context, m mail.Message, env mail.Envelope) error

// Lease is how long a sender holds the courriels it claimed: another process takes them over
// only after that (a sender that died mid-batch).
const Lease = 5 * time.Minute

// claim takes up to n due courriels for owner (a lease of Lease): en attente, due, and not
// leased by a live sender. On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED, so
// that concurrent processes claim disjoint batches; SQLite runs one writer at a time.
func (s *Store) claim(ctx context.Context, owner string, n int) ([]Courriel, error) {
	var out []Courriel
	err := s.Transact(ctx, func(tx *Tx) error {
		now := s.nowUTC()
		lock := ""
		if s.dialect == DialectPostgres {
			lock = ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT `+courrielColumns+` FROM courriels
			WHERE state = ? AND next_attempt <= ? AND (lease_until IS NULL OR lease_until < ?)
			ORDER BY next_attempt, id LIMIT %d`+lock, n), CourrielEnAttente, s.t(now), s.t(now))
		if err != nil {
			return err
		}
		for rows.Next() {
			c, err := scanCourriel(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE courriels SET lease_until = ?, lease_owner = ? WHERE id = ?`,
				s.t(now.Add(Lease)), owner, c.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// finish records the outcome of one attempt on courriel c, if owner still holds its lease.
func (s *Store) finish(ctx context.Context, owner string, c Courriel, sendErr error) error {
	return s.Transact(ctx, func(tx *Tx) error {
		now := s.nowUTC()
		attempts := c.Attempts + 1
		if sendErr == nil {
			_, err := tx.ExecContext(ctx, `UPDATE courriels SET state = ?, attempts = ?, last_answer = ?, sent_at = ?, lease_until = NULL, lease_owner = NULL
				WHERE id = ? AND lease_owner = ?`, CourrielEnvoye, attempts, "250 OK", s.t(now), c.ID, owner)
			return err
		}
		answer, permanent := sendErr.Error(), false
		var se *mail.SendError
		if errors.As(sendErr, &se) {
			answer, permanent = se.Answer, se.Permanent
		}
		state, next := CourrielEnAttente, now.Add(RetryBase<<(attempts-1))
		if permanent || attempts >= MaxAttempts {
			state, next = CourrielEchec, now
		}
		res, err := tx.ExecContext(ctx, `UPDATE courriels SET state = ?, attempts = ?, last_answer = ?, next_attempt = ?, lease_until = NULL, lease_owner = NULL
			WHERE id = ? AND lease_owner = ?`, state, attempts, answer, s.t(next), c.ID, owner)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 && state == CourrielEchec {
			return tx.audit(ctx, account.System, "courriel.fail", "courriel", c.ID, map[string]any{"attempts": attempts})
		}
		return nil
	})
}

// DeliverCourriels claims the due courriels (up to batch) and hands each to send — with the
// files the attacher makes for those that name a record (SetAttacher) —, recording
// the outcome: envoyé; en attente again with the next attempt RetryBase × 2^(n-1) later for a
// temporary failure; échec with the server's answer for a permanent one (5xx) or after
// MaxAttempts. It returns how many were handed to send. Safe with several processes.
func (s *Store) DeliverCourriels(ctx context.Context, send SendFunc, batch int) (int, error) {
	var raw [8]byte
	_, _ = rand.Read(raw[:])
	owner := hex.EncodeToString(raw[:])
	list, err := s.claim(ctx, owner, batch)
	if err != nil {
		return 0, fmt.Errorf("outbox claim: %w", err)
	}
	attach := s.attacher()
	for i, c := range list {
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		m := mail.Message{To: c.To, Subject: c.Subject, Text: c.Text, HTML: c.HTML}
		if c.Ref != "" && attach != nil {
			// Without its attachment (the record is gone, the certificateur's setup is not
			// complete) the courriel still leaves: its text carries the link.
			m.Attachments, _ = attach(sctx, c)
		}
		serr := send(sctx, m, mail.Envelope{MessageID: c.MessageID, Date: s.nowUTC()})
		cancel()
		if ctx.Err() != nil {
			return i, ctx.Err() // the lease runs out; another round picks it up
		}
		if err := s.finish(ctx, owner, c, serr); err != nil {
			return i + 1, fmt.Errorf("outbox courriel %d: %w", c.ID, err)
		}
	}
	return len(list), nil
}

// RunOutbox delivers due courriels every interval (and at once) until ctx ends. Failures are
// logged without personal data (no addresses).
func (s *Store) RunOutbox(ctx context.Context, send SendFunc, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for {
			n, err := s.DeliverCourriels(ctx, send, 20)
			if err != nil && ctx.Err() == nil {
				log.Warn("outbox", slog.String("error", err.Error()))
			}
			if n < 20 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
