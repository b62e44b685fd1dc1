package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// The audit log is a hash chain. Rows are chained in id order; each row stores
//
//	prev_hash = the hash of the previous chained row ("" for the first row: the genesis)
//	hash      = lowercase hex SHA-256 of AuditEncoding(row)
//
// The encoding, defined once here (auditEncode) and nowhere else, is the byte string
//
//	"certif.audit.v1\n"
//	then, for each field in this order — id, at, actor_id, action, entity, entity_id, detail,
//	prev_hash — its length in bytes in decimal, ':', its bytes, '\n'
//
// where id, actor_id and entity_id are base-10 integers ("-" for a negative number), at is the
// UTC time with exactly six fractional digits ("2025-03-14T14:09:26.535897Z", the layout
// sqliteTime), action, entity and detail are the UTF-8 bytes as stored, and prev_hash is the
// 64 hex characters of the previous hash or the empty string. The length prefixes make the
// encoding unambiguous (no field can be shifted into its neighbour), and the version prefix
// lets a later encoding coexist.
//
// Appending (flushAudit) reads the head of the chain and inserts under the write lock: the
// immediate transaction on SQLite, a transaction-scoped advisory lock on PostgreSQL, taken as
// the last lock of the transaction (the audit rows are written just before commit), so that two
// transactions never chain to the same row and the lock cannot be part of a deadlock.
//
// What the chain proves: a row changed, removed or inserted in the middle of the log breaks it
// at that row. What it cannot prove alone: that the latest rows were not cut off, or that whoever
// holds the database did not rewrite a row and recompute every later hash. Against these, keep
// the head printed by `certif audit verify` somewhere else (a backup log, a mail) and compare.

// auditEncodingVersion prefixes every encoded row.
const auditEncodingVersion = "certif.audit.v1\n"

// auditLockClass is the first key of the PostgreSQL advisory lock on the chain (the second is a
// hash of the schema, so that schemas sharing a cluster do not wait on each other).
const auditLockClass = 0x63657274 // "cert"

// auditEncode appends the canonical encoding of one row to dst (text fields as strings or as
// bytes, so that VerifyAudit encodes what it scans without copying).
func auditEncode[T ~string | ~[]byte](dst []byte, id int64, at time.Time, actorID int64, action, entity T, entityID int64, detail, prevHash T) []byte {
	dst = append(dst, auditEncodingVersion...)
	var num [32]byte
	dst = auditField(dst, strconv.AppendInt(num[:0], id, 10))
	dst = auditField(dst, at.UTC().AppendFormat(num[:0], sqliteTime))
	dst = auditField(dst, strconv.AppendInt(num[:0], actorID, 10))
	dst = auditField(dst, action)
	dst = auditField(dst, entity)
	dst = auditField(dst, strconv.AppendInt(num[:0], entityID, 10))
	dst = auditField(dst, detail)
	return auditField(dst, prevHash)
}

// auditField appends one length-prefixed field: len(b) in decimal, ':', b, '\n'.
func auditField[T ~string | ~[]byte](dst []byte, b T) []byte {
	dst = strconv.AppendInt(dst, int64(len(b)), 10)
	dst = append(dst, ':')
	dst = append(dst, b...)
	return append(dst, '\n')
}

// AuditHash returns the hash of e as the chain stores it: lowercase hex SHA-256 of the
// canonical encoding of e's id, time, actor, action, entity, entity id, detail and PrevHash
// (e.Hash is ignored).
func AuditHash(e *AuditEntry) string {
	sum := sha256.Sum256(auditEncode(make([]byte, 0, 256+len(e.Detail)), e.ID, e.At, e.ActorID, e.Action, e.Entity, e.EntityID, e.Detail, e.PrevHash))
	return hex.EncodeToString(sum[:])
}

// pendingAudit is an audit row waiting for the end of its transaction.
type pendingAudit struct {
	at       time.Time
	actorID  int64
	action   string
	entity   string
	entityID int64
	detail   string
}

// flushAudit chains and inserts the transaction's pending audit rows; Transact calls it just
// before commit, so that the chain lock is the last lock the transaction takes and is held only
// for these few statements.
func (tx *Tx) flushAudit(ctx context.Context) error {
	if len(tx.pending) == 0 {
		return nil
	}
	rows := tx.pending
	tx.pending = nil
	prev, ids, err := tx.chainHead(ctx, len(rows))
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	// Rows go in by chunks of one multi-row INSERT (most transactions have one row; an import
	// or a test may have thousands).
	const chunk = 500
	args := make([]any, 0, 9*min(len(rows), chunk))
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(start+chunk, len(rows))]
		args = args[:0]
		for i, p := range part {
			e := AuditEntry{ID: ids[start+i], At: p.at, ActorID: p.actorID, Action: p.action, Entity: p.entity, EntityID: p.entityID, Detail: p.detail, PrevHash: prev}
			e.Hash = AuditHash(&e)
			args = append(args, e.ID, tx.s.t(e.At), e.ActorID, e.Action, e.Entity, e.EntityID, e.Detail, e.PrevHash, e.Hash)
			prev = e.Hash
		}
		if _, err := tx.ExecContext(ctx, auditInsert(tx.s.dialect, len(part)), args...); err != nil {
			return fmt.Errorf("audit %s: %w", part[0].action, err)
		}
	}
	tx.lastID = ids[len(ids)-1]
	return nil
}

// auditInsert is the INSERT of n chained audit rows with their ids (PostgreSQL's identity
// column is GENERATED ALWAYS: the id taken from its sequence is given with OVERRIDING).
func auditInsert(dialect string, n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_log (id, at, actor_id, action, entity, entity_id, detail, prev_hash, hash) `)
	if dialect == DialectPostgres {
		b.WriteString(`OVERRIDING SYSTEM VALUE `)
	}
	b.WriteString(`VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	}
	return b.String()
}

// chainHead locks the chain for the rest of the transaction and returns the hash of its last
// sealed row ("" when there is none) and n increasing ids for the rows to append.
//
// On PostgreSQL the lock and the read are two statements on purpose: in READ COMMITTED each
// statement sees what was committed when it started, so the read must start after the lock is
// held, or it could miss the row the previous holder committed while we waited. Ids come from
// the column's identity sequence, taken under the lock, so id order is chain order.
func (tx *Tx) chainHead(ctx context.Context, n int) (prev string, ids []int64, err error) {
	var head sql.NullString
	ids = make([]int64, n)
	if tx.s.dialect == DialectPostgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))`, auditLockClass); err != nil {
			return "", nil, err
		}
		// One round trip: the ids and the head (an uncorrelated subquery, evaluated once).
		rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id,
			(SELECT hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1)
			FROM generate_series(1, ?) ORDER BY 1`, n)
		if err != nil {
			return "", nil, err
		}
		defer rows.Close()
		for i := 0; rows.Next() && i < n; i++ {
			if err := rows.Scan(&ids[i], &head); err != nil {
				return "", nil, err
			}
		}
		return head.String, ids, rows.Err()
	}
	// SQLite: the immediate transaction already holds the database's write lock.
	var maxID int64
	err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0),
		(SELECT hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1) FROM audit_log`).Scan(&maxID, &head)
	for i := range ids {
		ids[i] = maxID + 1 + int64(i)
	}
	return head.String, ids, err
}

// sealAudit chains the rows written before the chain existed (migration 00005): when the log
// has rows and none of them is sealed, it seals them all in id order from the genesis, in one
// transaction. Otherwise it does nothing: rows without a hash after a sealed one were inserted
// behind the application's back, and VerifyAudit reports them. Migrate calls it.
func (s *Store) sealAudit(ctx context.Context) error {
	return s.Transact(ctx, func(tx *Tx) error {
		if s.dialect == DialectPostgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))`, auditLockClass); err != nil {
				return err
			}
		}
		var head sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&head)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && head.Valid) {
			return nil // empty, or already chained
		}
		if err != nil {
			return err
		}
		if sealed, err := exists(ctx, tx, `SELECT 1 FROM audit_log WHERE hash IS NOT NULL`); err != nil || sealed {
			return err
		}
		n, prev, after := 0, "", int64(-1<<63)
		for {
			batch, err := auditBatch(ctx, tx, after, 1000)
			if err != nil {
				return err
			}
			if len(batch) == 0 {
				break
			}
			for i := range batch {
				e := &batch[i]
				e.PrevHash = prev
				e.Hash = AuditHash(e)
				if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?`, e.PrevHash, e.Hash, e.ID); err != nil {
					return err
				}
				prev, after = e.Hash, e.ID
			}
			n += len(batch)
		}
		s.log.InfoContext(ctx, "audit log sealed", "rows", n)
		return nil
	})
}

// auditBatch reads up to limit rows with an id above after, in id order.
func auditBatch(ctx context.Context, q querier, after int64, limit int) ([]AuditEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, actor_id, action, entity, entity_id, detail FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, scanTime(&e.At), &e.ActorID, &e.Action, &e.Entity, &e.EntityID, &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditBreakKind says how a row breaks the chain.
type AuditBreakKind int

// The ways a row can break the chain.
const (
	// AuditAltered: the row's content no longer gives its stored hash (changed after writing).
	AuditAltered AuditBreakKind = iota + 1
	// AuditUnlinked: the row's prev_hash is not the hash of the row before it: rows were
	// removed (or inserted, or reordered) just before it.
	AuditUnlinked
	// AuditUnsealed: the row has no hash: it was inserted behind the application's back.
	AuditUnsealed
	// AuditUnreadable: a column holds what the application never writes there (text in a
	// date or a number — SQLite stores anything): the row was edited behind its back.
	AuditUnreadable
)

// AuditBreak is a row where the chain does not hold.
type AuditBreak struct {
	ID     int64          // the row that does not verify
	Kind   AuditBreakKind // how
	PrevID int64          // the previous chained row (0 when the row is the first)
	// Want is what the row should carry (the recomputed hash for AuditAltered, the previous
	// row's hash for AuditUnlinked); Got is what it carries.
	Want, Got string
}

// Describe says in French what is wrong with the row, for operators.
func (b *AuditBreak) Describe() string {
	switch b.Kind {
	case AuditAltered:
		return fmt.Sprintf("son contenu ne correspond plus à son empreinte (enregistrée %s…, recalculée %s…) : l’entrée a été modifiée après son écriture",
			short(b.Got), short(b.Want))
	case AuditUnlinked:
		if b.PrevID == 0 {
			return fmt.Sprintf("c’est la première entrée, mais elle désigne une entrée précédente (%s…) : les entrées qui la précédaient ont été supprimées", short(b.Got))
		}
		return fmt.Sprintf("elle ne désigne pas l’entrée n° %d qui la précède (empreinte attendue %s…, trouvée %s…) : des entrées ont été supprimées ou insérées entre les deux, ou l’entrée n° %d a été réécrite avec une empreinte recalculée",
			b.PrevID, short(b.Want), short(b.Got), b.PrevID)
	case AuditUnsealed:
		return "elle n’a pas d’empreinte : elle a été ajoutée hors de l’application"
	case AuditUnreadable:
		return "une de ses colonnes ne peut pas être relue (" + b.Got + ") : l’entrée a été modifiée hors de l’application"
	}
	return "rupture inconnue"
}

// unreadableColumn names the column a scan error is about ("colonne at"), without the value.
func unreadableColumn(err error) string {
	msg := err.Error()
	if _, after, ok := strings.Cut(msg, `name "`); ok {
		if col, _, ok := strings.Cut(after, `"`); ok {
			return "colonne " + col
		}
	}
	return "valeur illisible"
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	if h == "" {
		return "(vide)"
	}
	return h
}

// AuditChain is the result of walking the whole audit log.
type AuditChain struct {
	Entries  int64       // rows read
	Breaks   int64       // rows that do not verify
	First    *AuditBreak // the first of them; nil when the chain holds
	HeadID   int64       // the last row read (0 for an empty log)
	HeadHash string      // its stored hash: keep it elsewhere to detect a later cut or rewrite
}

// Intact reports whether every row verified.
func (c *AuditChain) Intact() bool { return c.Breaks == 0 }

// VerifyAudit walks the whole audit log in id order, streaming (memory does not grow with the
// log), recomputes every hash and checks every link. After a broken row it goes on from that
// row's stored hash, so that one altered row counts once. It reads one consistent snapshot.
//
// Who: an admin, or account.System (the command line). Errors: apperr.Forbidden for anyone
// else; an infrastructure error when the log cannot be read (a broken chain is not an error).
func (s *Store) VerifyAudit(ctx context.Context, actor account.Actor) (AuditChain, error) {
	var c AuditChain
	if err := access.CanAdminister(actor).Err("audit verify"); err != nil {
		return c, err
	}
	rows, err := s.query(ctx, `SELECT id, at, actor_id, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return c, fmt.Errorf("audit verify: %w", err)
	}
	defer rows.Close()
	// The loop allocates nothing per row: text columns are scanned as raw bytes, encoded and
	// hashed in one reused buffer, and the hash is compared in hex on the stack.
	var (
		id, actorID, entityID int64
		at                    time.Time
		action, entity        sql.RawBytes
		detail, prev, hash    sql.RawBytes
		prevHash              []byte // the hash the next sealed row must point to
		prevID                int64
		buf                   []byte
		got                   [2 * sha256.Size]byte
	)
	brk := func(b AuditBreak) {
		c.Breaks++
		if c.First == nil {
			c.First = &b
		}
	}
	for rows.Next() {
		if err := rows.Scan(&id, scanTime(&at), &actorID, &action, &entity, &entityID, &detail, &prev, &hash); err != nil {
			// A value the application never writes (SQLite keeps any type in any column): name
			// the row and go on from its stored hash, as for any other break.
			var raw [9]any
			dest := make([]any, len(raw))
			for i := range raw {
				dest[i] = &raw[i]
			}
			if rerr := rows.Scan(dest...); rerr != nil {
				return c, fmt.Errorf("audit verify: %w", err)
			}
			rid, _ := raw[0].(int64)
			c.Entries++
			c.HeadID = rid
			brk(AuditBreak{ID: rid, Kind: AuditUnreadable, PrevID: prevID, Got: unreadableColumn(err)})
			prevHash, prevID = prevHash[:0], rid
			switch h := raw[8].(type) {
			case []byte:
				prevHash = append(prevHash, h...)
			case string:
				prevHash = append(prevHash, h...)
			}
			continue
		}
		c.Entries++
		c.HeadID = id
		if len(hash) == 0 { // NULL: never a hash of ours
			brk(AuditBreak{ID: id, Kind: AuditUnsealed, PrevID: prevID})
			continue
		}
		buf = auditEncode(buf[:0], id, at, actorID, action, entity, entityID, detail, prev)
		sum := sha256.Sum256(buf)
		hex.Encode(got[:], sum[:])
		switch {
		case !bytes.Equal(prev, prevHash):
			brk(AuditBreak{ID: id, Kind: AuditUnlinked, PrevID: prevID, Want: string(prevHash), Got: string(prev)})
		case !bytes.Equal(got[:], hash):
			brk(AuditBreak{ID: id, Kind: AuditAltered, PrevID: prevID, Want: string(got[:]), Got: string(hash)})
		}
		prevHash, prevID = append(prevHash[:0], hash...), id
	}
	if c.Entries > 0 && prevID == c.HeadID {
		c.HeadHash = string(prevHash) // "" when the last row is unsealed
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("audit verify: %w", err)
	}
	return c, nil
}

// AuditHashOf returns the stored hash of audit row id: with an intact chain, finding the hash
// noted down earlier for a row proves that nothing up to that row was rewritten since.
//
// Who: an admin or account.System. Errors: apperr.Forbidden for anyone else, apperr.NotFound
// when the row does not exist (any more), "" with no error for a row without a hash.
func (s *Store) AuditHashOf(ctx context.Context, actor account.Actor, id int64) (string, error) {
	if err := access.CanAdminister(actor).Err("audit hash"); err != nil {
		return "", err
	}
	var h sql.NullString
	err := s.queryRow(ctx, `SELECT hash FROM audit_log WHERE id = ?`, id).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("audit entry %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return "", fmt.Errorf("audit hash: %w", err)
	}
	return h.String, nil
}
