package store_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// The encoding documented in audit_chain.go, written out independently: if either changes
// without the other, this test fails.
func TestAuditHashEncoding(t *testing.T) {
	e := store.AuditEntry{ID: 57, At: time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.FixedZone("Paris", 3600)),
		ActorID: 3, Action: "evaluation.add", Entity: "evaluation", EntityID: -12, Detail: `{"a":"é"}`,
		PrevHash: strings.Repeat("ab", 32)}
	enc := "certif.audit.v1\n" + "2:57\n" + "27:2025-03-14T14:09:26.535897Z\n" + "1:3\n" + "14:evaluation.add\n" +
		"10:evaluation\n" + "3:-12\n" + "10:{\"a\":\"é\"}\n" + "64:" + strings.Repeat("ab", 32) + "\n"
	sum := sha256.Sum256([]byte(enc))
	if got, want := store.AuditHash(&e), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("AuditHash = %s, want %s", got, want)
	}
	// Moving bytes from one field to its neighbour changes the hash (length prefixes).
	f := e
	f.Action, f.Entity = "evaluation.adde", "valuation"
	if store.AuditHash(&f) == store.AuditHash(&e) {
		t.Error("shifted fields give the same hash")
	}
	g := e
	g.PrevHash = ""
	if store.AuditHash(&g) == store.AuditHash(&e) {
		t.Error("prev_hash is not hashed")
	}
}

// auditWrites makes n audited writes (organismes created and updated).
func auditWrites(t *testing.T, s *store.Store, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		mustOrganisme(t, s, fmt.Sprintf("Centre %d", i), false)
	}
}

func mustVerify(t *testing.T, s *store.Store) store.AuditChain {
	t.Helper()
	c, err := s.VerifyAudit(ctx, account.System)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func auditIDs(t *testing.T, s *store.Store) []int64 {
	t.Helper()
	rows, err := s.DB().Query(`SELECT id FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestAuditChainIntact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if c := mustVerify(t, s); !c.Intact() || c.Entries != 0 || c.HeadID != 0 {
			t.Errorf("empty log: %+v", c)
		}
		w := newWorld(t, s)
		if _, err := s.ImportReferentiel(ctx, account.System, sampleRef("cm", "Community manager")); err != nil {
			t.Fatal(err)
		}
		w.centreA.Nom = "Centre A bis"
		if err := s.UpdateOrganisme(ctx, w.actor(w.admin), w.centreA); err != nil {
			t.Fatal(err)
		}
		log, err := s.AuditLog(ctx, account.System, 0)
		if err != nil {
			t.Fatal(err)
		}
		c := mustVerify(t, s)
		if !c.Intact() || c.First != nil || c.Entries != int64(len(log)) || c.HeadID != log[0].ID || c.HeadHash != log[0].Hash {
			t.Fatalf("chain = %+v, %d entries", c, len(log))
		}
		for i, e := range log { // newest first
			if e.Hash != store.AuditHash(&e) {
				t.Errorf("entry %d: hash %s, recomputed %s", e.ID, e.Hash, store.AuditHash(&e))
			}
			want := ""
			if i+1 < len(log) {
				want = log[i+1].Hash
			}
			if e.PrevHash != want {
				t.Errorf("entry %d: prev_hash %q, want %q", e.ID, e.PrevHash, want)
			}
		}
		if _, err := s.VerifyAudit(ctx, w.actor(w.refA)); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("VerifyAudit by a référent = %v, want Forbidden", err)
		}
	})
}

// withoutTriggers runs fn with the audit log's UPDATE/DELETE triggers dropped, and recreates
// them from their own definitions afterwards: what whoever holds the database can do.
func withoutTriggers(t *testing.T, s *store.Store, fn func(db *sql.DB)) {
	t.Helper()
	db := s.DB()
	var defs []string
	if s.Dialect() == store.DialectSQLite {
		rows, err := db.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'`)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				t.Fatal(err)
			}
			names, defs = append(names, name), append(defs, def)
		}
		rows.Close()
		for _, n := range names {
			if _, err := db.Exec(`DROP TRIGGER ` + n); err != nil {
				t.Fatal(err)
			}
		}
	} else {
		rows, err := db.Query(`SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal`)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				t.Fatal(err)
			}
			names, defs = append(names, name), append(defs, def)
		}
		rows.Close()
		for _, n := range names {
			if _, err := db.Exec(`DROP TRIGGER ` + n + ` ON audit_log`); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(defs) < 2 {
		t.Fatalf("audit_log triggers: %q", defs)
	}
	fn(db)
	for _, d := range defs {
		if _, err := db.Exec(d); err != nil {
			t.Fatalf("recreate trigger: %v", err)
		}
	}
	if _, err := db.Exec(`DELETE FROM audit_log`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("triggers not back: DELETE gave %v", err)
	}
}

func TestAuditChainTampered(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(db *sql.DB, ids []int64) error
		at     int // index in ids of the row verify must name
		kind   store.AuditBreakKind
		prev   int // index in ids of the row before it, -1 for none
	}{
		{"detail updated", func(db *sql.DB, ids []int64) error {
			_, err := db.Exec(store.Rebind(`UPDATE audit_log SET detail = ? WHERE id = ?`), `{"fields":["siret"]}`, ids[3])
			return err
		}, 3, store.AuditAltered, 2},
		{"actor changed", func(db *sql.DB, ids []int64) error {
			_, err := db.Exec(store.Rebind(`UPDATE audit_log SET actor_id = actor_id + 1 WHERE id = ?`), ids[5])
			return err
		}, 5, store.AuditAltered, 4},
		{"row deleted", func(db *sql.DB, ids []int64) error {
			_, err := db.Exec(store.Rebind(`DELETE FROM audit_log WHERE id = ?`), ids[4])
			return err
		}, 5, store.AuditUnlinked, 3},
		{"first row deleted", func(db *sql.DB, ids []int64) error {
			_, err := db.Exec(store.Rebind(`DELETE FROM audit_log WHERE id = ?`), ids[0])
			return err
		}, 1, store.AuditUnlinked, -1},
		{"hash recomputed after an update", func(db *sql.DB, ids []int64) error {
			// The forger recomputes the row's own hash, but not the next row's link.
			var e store.AuditEntry
			var at any
			err := db.QueryRow(store.Rebind(`SELECT id, at, actor_id, action, entity, entity_id, detail, prev_hash FROM audit_log WHERE id = ?`), ids[2]).
				Scan(&e.ID, &at, &e.ActorID, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash)
			if err != nil {
				return err
			}
			switch v := at.(type) {
			case time.Time:
				e.At = v
			case string:
				e.At, _ = time.Parse(time.RFC3339Nano, v)
			}
			e.Detail = `{}`
			_, err = db.Exec(store.Rebind(`UPDATE audit_log SET detail = ?, hash = ? WHERE id = ?`), e.Detail, store.AuditHash(&e), e.ID)
			return err
		}, 3, store.AuditUnlinked, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				auditWrites(t, s, 8)
				ids := auditIDs(t, s)
				if c := mustVerify(t, s); !c.Intact() || c.Entries != 8 {
					t.Fatalf("before: %+v", c)
				}
				withoutTriggers(t, s, func(db *sql.DB) {
					if err := tc.tamper(db, ids); err != nil {
						t.Fatal(err)
					}
				})
				c := mustVerify(t, s)
				if c.Intact() || c.First == nil {
					t.Fatalf("tampered chain verifies: %+v", c)
				}
				prev := int64(0)
				if tc.prev >= 0 {
					prev = ids[tc.prev]
				}
				if c.First.ID != ids[tc.at] || c.First.Kind != tc.kind || c.First.PrevID != prev || c.Breaks != 1 {
					t.Errorf("first break = %+v (%d breaks), want id %d kind %d prev %d", *c.First, c.Breaks, ids[tc.at], tc.kind, prev)
				}
				if d := c.First.Describe(); !strings.Contains(d, " été ") {
					t.Errorf("Describe = %q", d)
				}
				// Later writes still chain, and the break stays the only one.
				auditWrites(t, s, 2)
				if c2 := mustVerify(t, s); c2.Breaks != 1 || c2.First.ID != c.First.ID {
					t.Errorf("after more writes: %+v", c2)
				}
			})
		})
	}
}

// A row inserted behind the application's back (no hash) is reported; the chain goes on around it.
func TestAuditChainUnsealedRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		auditWrites(t, s, 2)
		at := any(time.Now().UTC())
		if s.Dialect() == store.DialectSQLite {
			at = time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
		}
		if _, err := s.DB().Exec(store.Rebind(`INSERT INTO audit_log (at, actor_id, action, entity, entity_id, detail) VALUES (?, 0, 'x', 'x', 1, '{}')`), at); err != nil {
			t.Fatal(err)
		}
		auditWrites(t, s, 2)
		ids := auditIDs(t, s)
		c := mustVerify(t, s)
		if c.Breaks != 1 || c.First.ID != ids[2] || c.First.Kind != store.AuditUnsealed || c.Entries != 5 {
			t.Errorf("chain = %+v / %+v", c, c.First)
		}
	})
}

// Rows written before migration 00005 (no hashes) are sealed by Migrate, once; after that the
// trigger refuses to seal or change them again.
func TestAuditChainSealsOldRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for i := 0; i < 5; i++ {
			at := any(time.Date(2024, 1, 2, 3, 4, 5, i*1000, time.UTC))
			if s.Dialect() == store.DialectSQLite {
				at = at.(time.Time).Format("2006-01-02T15:04:05.000000Z")
			}
			if _, err := s.DB().Exec(store.Rebind(`INSERT INTO audit_log (at, actor_id, action, entity, entity_id, detail) VALUES (?, ?, 'organisme.create', 'organisme', ?, '{}')`), at, i, i+1); err != nil {
				t.Fatal(err)
			}
		}
		if c := mustVerify(t, s); c.Breaks != 5 || c.First.Kind != store.AuditUnsealed {
			t.Fatalf("before sealing: %+v", c)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if c := mustVerify(t, s); !c.Intact() || c.Entries != 5 {
			t.Fatalf("after sealing: %+v / %+v", c, c.First)
		}
		auditWrites(t, s, 2)
		if c := mustVerify(t, s); !c.Intact() || c.Entries != 7 {
			t.Fatalf("after writes: %+v", c)
		}
		for _, q := range []string{
			`UPDATE audit_log SET hash = NULL, prev_hash = NULL`,
			`UPDATE audit_log SET hash = 'x'`,
			`UPDATE audit_log SET detail = '{"x":1}'`,
		} {
			if _, err := s.DB().Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want append-only", q, err)
			}
		}
		if err := s.Migrate(ctx); err != nil { // idempotent
			t.Fatal(err)
		}
		if c := mustVerify(t, s); !c.Intact() || c.Entries != 7 {
			t.Fatalf("after a second Migrate: %+v", c)
		}
	})
}

// Concurrent writers never chain to the same row: within one process, and from two handles on
// the same database (two processes).
func TestAuditChainConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		other := reopen(t, s)
		const workers, rounds = 16, 8
		var wg sync.WaitGroup
		errs := make(chan error, workers*rounds)
		for g := range workers {
			st := s
			if g%2 == 1 {
				st = other
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range rounds {
					o := &account.Organisme{Nom: fmt.Sprintf("C %d-%d", g, i), SIRET: newSIRET()}
					if err := st.CreateOrganisme(ctx, account.System, o); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		c := mustVerify(t, s)
		if !c.Intact() || c.Entries != workers*rounds {
			t.Errorf("chain = %+v / %+v", c, c.First)
		}
	})
}

// reopen opens a second, independent handle on s's database (another process would).
func reopen(t *testing.T, s *store.Store) *store.Store {
	t.Helper()
	var dsn string
	if s.Dialect() == store.DialectSQLite {
		var seq int
		var name, file string
		if err := s.DB().QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
			t.Fatal(err)
		}
		dsn = "sqlite:" + file
	} else {
		dsn = pgSchemaDSN(t, s, "")
	}
	o, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// A value of the wrong type (SQLite stores text in a date or a number column) names its row
// instead of stopping the walk; the rows after it still verify.
func TestAuditChainUnreadableRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.DialectSQLite {
			t.Skip("PostgreSQL's typed columns refuse such values")
		}
		auditWrites(t, s, 6)
		ids := auditIDs(t, s)
		for i, q := range []string{`UPDATE audit_log SET at = 'n''importe quoi' WHERE id = ?`, `UPDATE audit_log SET actor_id = 'abc' WHERE id = ?`} {
			withoutTriggers(t, s, func(db *sql.DB) {
				if _, err := db.Exec(q, ids[2+i]); err != nil {
					t.Fatal(err)
				}
			})
		}
		c := mustVerify(t, s)
		if c.Breaks != 2 || c.First == nil || c.First.ID != ids[2] || c.First.Kind != store.AuditUnreadable || c.Entries != 6 {
			t.Fatalf("chain = %+v / %+v", c, c.First)
		}
		if d := c.First.Describe(); !strings.Contains(d, "colonne at") {
			t.Errorf("Describe = %q", d)
		}
	})
}
