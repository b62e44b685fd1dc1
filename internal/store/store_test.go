package store_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func TestOpenErrors(t *testing.T) {
	if _, err := store.Open(ctx, "", store.Options{}); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	if _, err := store.Open(ctx, "sqlite:"+t.TempDir()+"/a?b.db", store.Options{}); err == nil {
		t.Error("Open with '?' in path succeeded")
	}
	// A plain path works and creates the parent directory.
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "sub", "dir", "c.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Dialect() != store.DialectSQLite {
		t.Errorf("dialect = %q", s.Dialect())
	}
	var mode string
	if err := s.DB().QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
	var fk int
	if err := s.DB().QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v", fk, err)
	}
}

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		"SELECT 1":                              "SELECT 1",
		"a = ? AND b = ?":                       "a = $1 AND b = $2",
		"x LIKE ? ESCAPE '!' AND y = '?' OR ?":  "x LIKE $1 ESCAPE '!' AND y = '?' OR $2",
		"s = 'it''s ?' AND t = ?":               "s = 'it''s ?' AND t = $1",
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)": "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
	} {
		if got := store.Rebind(in); got != want {
			t.Errorf("Rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMigrateTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		if s.Dialect() == store.DialectPostgres {
			var schema string
			if err := s.DB().QueryRow("SELECT current_schema()").Scan(&schema); err != nil || !strings.HasPrefix(schema, "t_") {
				t.Errorf("current_schema = %q, %v: search_path not passed", schema, err)
			}
		}
		n, err := s.CountUsers(ctx)
		if err != nil || n != 0 {
			t.Errorf("CountUsers = %d, %v", n, err)
		}
	})
}

func TestTransact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		count := func() int {
			var n int
			if err := s.DB().QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		insert := func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?)`,
				"2025-01-01T00:00:00.000000Z", 0, "test", "test", 1, "{}")
			return err
		}
		boom := errors.New("boom")
		if err := s.Transact(ctx, func(tx *store.Tx) error {
			if err := insert(tx); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("Transact = %v, want boom", err)
		}
		if n := count(); n != 0 {
			t.Errorf("after rollback: %d rows", n)
		}
		func() {
			defer func() {
				if p := recover(); p != "panic!" {
					t.Errorf("recover = %v", p)
				}
			}()
			_ = s.Transact(ctx, func(tx *store.Tx) error {
				if err := insert(tx); err != nil {
					t.Fatal(err)
				}
				panic("panic!")
			})
		}()
		if n := count(); n != 0 {
			t.Errorf("after panic: %d rows", n)
		}
		if err := s.Transact(ctx, insert); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 1 {
			t.Errorf("after commit: %d rows", n)
		}
		// Constraint violations come back as apperr.Conflict, by code.
		o := &account.Organisme{Nom: "X", SIRET: newSIRET()}
		if err := s.CreateOrganisme(ctx, account.System, o); err != nil {
			t.Fatal(err)
		}
		u := mustUser(t, s, account.System, "x@example.org", account.RoleJury, 0)
		err := s.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE users SET centre_id = ? WHERE id = ?`, 999999, u.ID)
			return err
		})
		if !errors.Is(err, apperr.Conflict) {
			t.Errorf("foreign key violation = %v, want Conflict", err)
		}
		err = s.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO organismes (nom, siret, certificateur, habilitation_formation, habilitation_evaluation, active, created_at)
				SELECT ?, siret, certificateur, habilitation_formation, habilitation_evaluation, active, created_at FROM organismes WHERE id = ?`, "Y", o.ID)
			return err
		})
		if !errors.Is(err, apperr.Conflict) {
			t.Errorf("unique violation = %v, want Conflict", err)
		}
	})
}

func TestAuditLogAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustOrganisme(t, s, "Centre", false)
		for _, q := range []string{
			"UPDATE audit_log SET action = 'x'",
			"DELETE FROM audit_log",
		} {
			if _, err := s.DB().Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want append-only", q, err)
			}
			err := s.Transact(ctx, func(tx *store.Tx) error {
				_, err := tx.ExecContext(ctx, q)
				return err
			})
			if err == nil {
				t.Errorf("%s in Transact succeeded", q)
			}
		}
		if s.Dialect() == store.DialectPostgres {
			if _, err := s.DB().Exec("TRUNCATE audit_log"); err == nil {
				t.Error("TRUNCATE audit_log succeeded")
			}
		}
		log, err := s.AuditLog(ctx, account.System, 0)
		if err != nil || len(log) != 1 || log[0].Action != "organisme.create" {
			t.Errorf("AuditLog = %+v, %v", log, err)
		}
	})
}

func TestAuditLog(t *testing.T) {
	at := time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.FixedZone("Paris", 3600))
	storetest.EachWith(t, store.Options{Now: func() time.Time { return at }}, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		if _, err := s.ImportReferentiel(ctx, account.System, sampleRef("cm", "Community manager")); err != nil {
			t.Fatal(err)
		}
		f := mustUser(t, s, w.actor(w.refA), "f@example.org", account.RoleFormateur, 0)
		f.Nom = "Autre"
		if err := s.UpdateUser(ctx, w.actor(w.refA), f); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(ctx, w.actor(f), f.ID, "new-hash"); err != nil {
			t.Fatal(err)
		}
		_, tok, err := s.CreateToken(ctx, w.actor(f), f.ID, "cli", 0)
		if err != nil {
			t.Fatal(err)
		}
		w.centreA.Nom = "Centre A bis"
		if err := s.UpdateOrganisme(ctx, w.actor(w.admin), w.centreA); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuditLog(ctx, w.actor(w.refA), 10); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("AuditLog by referent = %v", err)
		}
		log, err := s.AuditLog(ctx, w.actor(w.admin), 100)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action)
			if !e.At.Equal(at.Truncate(time.Microsecond)) || e.At.Location() != time.UTC {
				t.Errorf("entry %d at %v", e.ID, e.At)
			}
			for _, secret := range []string{"@", "hash", tok, "Nom", "Autre", "Centre A"} {
				if strings.Contains(e.Detail, secret) {
					t.Errorf("entry %s detail %s holds %q", e.Action, e.Detail, secret)
				}
			}
		}
		want := "organisme.update token.create user.password user.update user.create referentiel.import " +
			"user.create user.create user.create organisme.create organisme.create organisme.create"
		if got := strings.Join(actions, " "); got != want {
			t.Errorf("actions =\n%s\nwant\n%s", got, want)
		}
		if log[0].ActorID != w.admin.ID || log[0].Entity != "organisme" || log[0].EntityID != w.centreA.ID ||
			log[0].Detail != `{"fields":["nom"]}` {
			t.Errorf("latest entry = %+v", log[0])
		}
		if last := log[len(log)-1]; last.ActorID != 0 {
			t.Errorf("system entry actor = %d", last.ActorID)
		}
		if log, _ := s.AuditLog(ctx, account.System, 2); len(log) != 2 {
			t.Errorf("limit 2 gave %d", len(log))
		}
	})
}

func TestConcurrentTransactions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustOrganisme(t, s, "Centre", false) // one audit row to start from
		const workers, rounds = 32, 20
		var wg sync.WaitGroup
		errs := make(chan error, workers*rounds)
		for g := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range rounds {
					err := s.Transact(ctx, func(tx *store.Tx) error {
						var n int64
						if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil {
							return err
						}
						var at any = time.Now().UTC()
						if s.Dialect() == store.DialectSQLite {
							at = time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
						}
						_, err := tx.ExecContext(ctx,
							`INSERT INTO audit_log (at, actor_id, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?)`,
							at, g, "test.concurrent", "test", n, fmt.Sprintf(`{"round":%d}`, i))
						return err
					})
					if err != nil {
						errs <- err
					}
					// Plain reads beside the writers.
					if _, err := s.Certifications(ctx); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil || n != workers*rounds+1 {
			t.Errorf("audit rows = %d, %v; want %d", n, err, workers*rounds+1)
		}
	})
}

// Users created concurrently through the public API (read-then-write with validation).
func TestConcurrentCreateUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for g := range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 2 {
					u := &account.User{Email: fmt.Sprintf("u%d.%d@example.org", g, i), Role: account.RoleJury}
					if err := s.CreateUser(ctx, account.System, u, ""); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n, err := s.CountUsers(ctx); n != 64 || err != nil {
			t.Errorf("CountUsers = %d, %v", n, err)
		}
	})
}

const crashEnv = "CERTIF_STORE_CRASH_CHILD"

// TestCrashChild is the child process of TestCrashSafety: it commits users in a loop and prints
// each committed id, until killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("helper process of TestCrashSafety")
	}
	s, err := store.Open(ctx, "sqlite:"+path, store.Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		u := &account.User{Email: fmt.Sprintf("crash%d@example.org", i), Role: account.RoleJury}
		if err := s.CreateUser(ctx, account.System, u, ""); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Printf("committed %d\n", u.ID)
	}
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	s, err := store.Open(ctx, "sqlite:"+path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var committed []int64
	killed := false
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(time.Minute)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "error") {
			t.Errorf("child: %s", line)
		}
		if id, ok := strings.CutPrefix(line, "committed "); ok {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				t.Fatalf("child said %q", line)
			}
			committed = append(committed, n)
		}
		if !killed && (len(committed) >= 300 || time.Now().After(deadline)) {
			// SIGKILL mid-way: the child is busy writing.
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !killed || !errors.As(err, &exit) {
		t.Fatalf("child ended by itself: %v", err)
	}
	if len(committed) < 300 {
		t.Fatalf("child committed only %d writes", len(committed))
	}

	s, err = store.Open(ctx, "sqlite:"+path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var check string
	if err := s.DB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range committed {
		if _, err := s.User(ctx, account.System, id); err != nil {
			t.Errorf("committed user %d lost: %v", id, err)
		}
	}
	var audit int
	if err := s.DB().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'user.create'").Scan(&audit); err != nil || audit < len(committed) {
		t.Errorf("audit rows = %d, %v; committed %d", audit, err, len(committed))
	}
	t.Logf("%d committed writes survived SIGKILL", len(committed))
}

// Two stores on one SQLite file stand for two processes: their write transactions wait for each
// other (immediate transactions, busy timeout) instead of failing with "database is locked".
func TestConcurrentTwoStoresSQLite(t *testing.T) {
	path := "sqlite:" + filepath.Join(t.TempDir(), "two.db")
	var stores [2]*store.Store
	for i := range stores {
		s, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		stores[i] = s
	}
	var wg sync.WaitGroup
	errs := make(chan error, 32*10)
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[g%2]
			for i := range 10 {
				u := &account.User{Email: fmt.Sprintf("two%d.%d@example.org", g, i), Role: account.RoleJury}
				if err := s.CreateUser(ctx, account.System, u, ""); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, err := stores[0].CountUsers(ctx); n != 320 || err != nil {
		t.Errorf("CountUsers = %d, %v", n, err)
	}
}
