package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
)

// AuditEntry is one row of the append-only audit log. The database rejects any UPDATE or
// DELETE of these rows, and the rows form a hash chain (see audit_chain.go and VerifyAudit).
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
	// PrevHash is the hash of the previous row of the chain ("" for the first row); Hash is
	// this row's (AuditHash). Both are lowercase hex SHA-256.
	PrevHash, Hash string
}

// audit appends one audit row to the transaction, stamped with the store's clock. detail is
// marshalled to JSON (nil gives "{}"); callers pass only ids, codes and field names. The row is
// chained and written just before the transaction commits (flushAudit): an error writing it
// comes back from Transact.
func (tx *Tx) audit(ctx context.Context, actor account.Actor, action, entity string, entityID int64, detail any) error {
	d := []byte("{}")
	if detail != nil {
		var err error
		if d, err = json.Marshal(detail); err != nil {
			return fmt.Errorf("audit %s: %w", action, err)
		}
	}
	tx.pending = append(tx.pending, pendingAudit{at: tx.s.nowUTC(), actorID: actor.UserID,
		action: action, entity: entity, entityID: entityID, detail: string(d)})
	return nil
}

// AuditLog returns the latest limit entries, newest first (limit ≤ 0 means 100; at most 1000).
// Only an admin may read it: apperr.Forbidden otherwise.
func (s *Store) AuditLog(ctx context.Context, actor account.Actor, limit int) ([]AuditEntry, error) {
	return s.AuditLogBefore(ctx, actor, 0, limit)
}

// AuditLogBefore is AuditLog from the entries older than entry before (0: from the newest),
// to page back through the journal.
func (s *Store) AuditLogBefore(ctx context.Context, actor account.Actor, before int64, limit int) ([]AuditEntry, error) {
	return s.AuditLogFiltered(ctx, actor, AuditFilter{Before: before}, limit)
}

// AuditFilter narrows the journal the admin reads.
type AuditFilter struct {
	Before  int64    // only the entries older than this one (0: from the newest)
	Action  string   // only this operation ("" : every one)
	ActorID int64    // only this author's entries (0: everyone's)
	Except  []string // not these operations (e.g. the sign-ins)
}

// AuditLogFiltered is AuditLogBefore narrowed by f, newest first.
func (s *Store) AuditLogFiltered(ctx context.Context, actor account.Actor, f AuditFilter, limit int) ([]AuditEntry, error) {
	if err := access.CanAdminister(actor).Err("audit log"); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	q, args := `SELECT id, at, actor_id, action, entity, entity_id, detail, COALESCE(prev_hash, ''), COALESCE(hash, '')
		 FROM audit_log WHERE 1 = 1`, []any{}
	if f.Before > 0 {
		q, args = q+` AND id < ?`, append(args, f.Before)
	}
	if f.Action != "" {
		q, args = q+` AND action = ?`, append(args, f.Action)
	}
	if f.ActorID > 0 {
		q, args = q+` AND actor_id = ?`, append(args, f.ActorID)
	}
	for _, a := range f.Except {
		q, args = q+` AND action <> ?`, append(args, a)
	}
	rows, err := s.query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, scanTime(&e.At), &e.ActorID, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
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
