package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// AuditEntry is one row of the append-only audit log. The database rejects any UPDATE or
// DELETE of these rows.
type AuditEntry struct {
	ID      int64
	At      time.Time // UTC
	ActorID int64     // 0 for the system
	Action  string    // e.g. "organisme.create"
	Entity  string    // e.g. "organisme"
	// EntityID is the id of the entity written.
	EntityID int64
	// Detail is a JSON object. It never holds personal data (no e-mails, names, passwords,
	// tokens): only ids, codes and the names of the fields changed.
	Detail string
}

// audit appends one audit row in the transaction, stamped with the store's clock. detail is
// marshalled to JSON (nil gives "{}"); callers pass only ids, codes and field names.
func (tx *Tx) audit(ctx context.Context, actor account.Actor, action, entity string, entityID int64, detail any) error {
	d := []byte("{}")
	if detail != nil {
		var err error
		if d, err = json.Marshal(detail); err != nil {
			return fmt.Errorf("audit %s: %w", action, err)
		}
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO audit_log (at, actor_id, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		tx.s.t(tx.s.nowUTC()), actor.UserID, action, entity, entityID, string(d))
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// AuditLog returns the latest limit entries, newest first (limit ≤ 0 means 100; at most 1000).
// Only an admin may read it: apperr.Forbidden otherwise.
func (s *Store) AuditLog(ctx context.Context, actor account.Actor, limit int) ([]AuditEntry, error) {
	if !actor.IsAdmin() {
		return nil, fmt.Errorf("audit log: %w", apperr.Forbidden)
	}
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	rows, err := s.query(ctx,
		`SELECT id, at, actor_id, action, entity, entity_id, detail FROM audit_log ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, scanTime(&e.At), &e.ActorID, &e.Action, &e.Entity, &e.EntityID, &e.Detail); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}

// changed collects the names of the fields an update changes, for the audit detail.
type changed []string

func (c *changed) add(field string, differs bool) {
	if differs {
		*c = append(*c, field)
	}
}
