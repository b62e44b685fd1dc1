package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/mail"
)

// The states of a courriel (an outbox message).
const (
	CourrielEnAttente = "en_attente" // waiting for its (next) delivery attempt
	CourrielEnvoye    = "envoye"     // accepted by the SMTP server
	CourrielEchec     = "echec"      // refused for good (5xx), or MaxAttempts failed
)

// Delivery schedule: after the n-th failed attempt (temporary failure) the next one comes
// RetryBase × 2^(n-1) later (1, 2, 4… minutes); after MaxAttempts the courriel is en échec.
const (
	RetryBase   = time.Minute
	MaxAttempts = 8
)

// Courriel is one message of the outbox.
type Courriel struct {
	ID          int64
	Kind        string // mail.Kind…
	To          string
	Subject     string
	Text, HTML  string
	MessageID   string
	State       string // CourrielEnAttente, CourrielEnvoye or CourrielEchec
	Attempts    int
	NextAttempt time.Time
	LastAnswer  string // the SMTP server's last answer ("" before any attempt)
	CreatedAt   time.Time
	SentAt      time.Time // zero until sent
	// Ref names the record the courriel's attachment is made from when it leaves
	// ("passage:12": the candidate's convocation); "" for none (see SetAttacher).
	Ref string
}

// Attacher returns the files courriel c carries when it leaves, made from the record c.Ref
// names as it stands then. The web server sets it (the convocation's PDF); without it, or
// when it fails, the courriel leaves without attachment: its text carries the link.
type Attacher func(ctx context.Context, c Courriel) ([]mail.Attachment, error)

// SetAttacher sets the attacher of the courriels that name a record (nil: none).
func (s *Store) SetAttacher(a Attacher) {
	s.mailMu.Lock()
	defer s.mailMu.Unlock()
	s.attach = a
}

// attacher returns the attacher set, nil when none.
func (s *Store) attacher() Attacher {
	s.mailMu.Lock()
	defer s.mailMu.Unlock()
	return s.attach
}

// SetBaseURL sets the public address from which the links of the messages are built
// ("https://certif.example.fr", no trailing slash); the default is http://localhost. The
// web server sets it from its configuration.
func (s *Store) SetBaseURL(base string) {
	s.mailMu.Lock()
	defer s.mailMu.Unlock()
	s.baseURL = strings.TrimSuffix(base, "/")
}

// link returns the absolute link base + path + token.
func (s *Store) link(path, token string) string {
	s.mailMu.Lock()
	base := s.baseURL
	s.mailMu.Unlock()
	if base == "" {
		base = "http://localhost"
	}
	return base + path + url.PathEscape(token)
}

// enqueue renders message kind for to with data and writes it to the outbox, in tx: it leaves
// with the action that causes it, or not at all. Not audited by itself: the action is.
func (tx *Tx) enqueue(ctx context.Context, kind, to string, data any) error {
	return tx.enqueueRef(ctx, kind, to, "", data)
}

// enqueueRef is enqueue for a message whose attachment is made, when it leaves, from the
// record ref names (Courriel.Ref).
func (tx *Tx) enqueueRef(ctx context.Context, kind, to, ref string, data any) error {
	m, err := mail.Render(kind, to, data)
	if err != nil {
		return err
	}
	return tx.enqueueMessage(ctx, kind, ref, m)
}

// enqueueMessage writes the rendered message m of kind to the outbox, in tx.
func (tx *Tx) enqueueMessage(ctx context.Context, kind, ref string, m mail.Message) error {
	id, err := newMessageID()
	if err != nil {
		return err
	}
	now := tx.s.t(tx.s.nowUTC())
	st, err := tx.prepare(ctx, `INSERT INTO courriels (kind, recipient, subject, body_text, body_html, message_id, state, next_attempt, created_at, ref)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, kind, m.To, m.Subject, m.Text, m.HTML, id, CourrielEnAttente, now, now, ref)
	return mapErr(err)
}

// newMessageID returns a fresh Message-ID for a courriel.
func newMessageID() (string, error) {
	var raw [12]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(raw[:]) + "@certif", nil
}

const courrielColumns = `id, kind, recipient, subject, body_text, body_html, message_id, state, attempts, next_attempt, last_answer, created_at, sent_at, ref`

func scanCourriel(sc interface{ Scan(...any) error }) (Courriel, error) {
	var c Courriel
	err := sc.Scan(&c.ID, &c.Kind, &c.To, &c.Subject, &c.Text, &c.HTML, &c.MessageID, &c.State, &c.Attempts,
		scanTime(&c.NextAttempt), &c.LastAnswer, scanTime(&c.CreatedAt), scanTime(&c.SentAt), &c.Ref)
	return c, err
}

// CourrielFilter narrows Courriels.
type CourrielFilter struct {
	State  string // one of the states, "" for all
	Before int64  // only courriels older than this id (0: from the newest)
	Limit  int    // ≤ 0 means 100; at most 500
}

// Courriels lists the outbox, newest first. Only an admin may read it (the messages carry
// live links): apperr.Forbidden otherwise; *apperr.Validation on "state" for an unknown state.
func (s *Store) Courriels(ctx context.Context, actor account.Actor, f CourrielFilter) ([]Courriel, error) {
	if err := access.CanAdminister(actor).Err("courriels"); err != nil {
		return nil, err
	}
	q := `SELECT ` + courrielColumns + ` FROM courriels WHERE 1 = 1`
	var args []any
	switch f.State {
	case "":
	case CourrielEnAttente, CourrielEnvoye, CourrielEchec:
		q += ` AND state = ?`
		args = append(args, f.State)
	default:
		v := apperr.NewValidation()
		v.Add("state", "État inconnu : en_attente, envoye ou echec.")
		return nil, v.Err()
	}
	if f.Before > 0 {
		q += ` AND id < ?`
		args = append(args, f.Before)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, min(f.Limit, 500))
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("courriels: %w", err)
	}
	defer rows.Close()
	out := []Courriel{}
	for rows.Next() {
		c, err := scanCourriel(rows)
		if err != nil {
			return nil, fmt.Errorf("courriels: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("courriels: %w", err)
	}
	return out, nil
}

// Courriel returns courriel id. apperr.Forbidden unless actor is an admin; apperr.NotFound
// when it does not exist.
func (s *Store) Courriel(ctx context.Context, actor account.Actor, id int64) (*Courriel, error) {
	if err := access.CanAdminister(actor).Err("courriel"); err != nil {
		return nil, err
	}
	c, err := scanCourriel(s.queryRow(ctx, `SELECT `+courrielColumns+` FROM courriels WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("courriel %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("courriel %d: %w", id, err)
	}
	return &c, nil
}

// ResendCourriel puts courriel id back in the queue, due now, with a fresh schedule (attempts
// back to 0), whatever its state: a failed one is tried again, a sent one is sent once more.
// It is audited. Errors: apperr.Forbidden unless actor is an admin; apperr.NotFound when it
// does not exist.
func (s *Store) ResendCourriel(ctx context.Context, actor account.Actor, id int64) error {
	if err := access.CanAdminister(actor).Err("resend courriel"); err != nil {
		return err
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		now := s.t(s.nowUTC())
		res, err := tx.ExecContext(ctx, `UPDATE courriels SET state = ?, attempts = 0, next_attempt = ?, lease_until = NULL, lease_owner = NULL WHERE id = ?`,
			CourrielEnAttente, now, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return apperr.NotFound
		}
		return tx.audit(ctx, actor, "courriel.resend", "courriel", id, nil)
	})
	if err != nil {
		return fmt.Errorf("resend courriel %d: %w", id, err)
	}
	return nil
}

// CountCourriels counts the courriels in state (all when "").
func (s *Store) CountCourriels(ctx context.Context, state string) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM courriels WHERE state = ? OR ? = ''`, state, state).Scan(&n)
	return n, err
}
