package store_test

import (
	"database/sql"
	"errors"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// pgSchemaDSN is the test DSN pointing at s's schema, connecting as role when not empty.
func pgSchemaDSN(t *testing.T, s *store.Store, role string) string {
	t.Helper()
	var schema string
	if err := s.DB().QueryRow(`SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(os.Getenv(storetest.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	if role != "" {
		q.Set("role", role) // a run-time parameter, as SET ROLE at connection start
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// On PostgreSQL the server can run as certif_app, which the migration grants everything it needs
// except UPDATE, DELETE and TRUNCATE on audit_log: even with the trigger gone, it cannot rewrite
// the journal.
func TestAuditLogAppRole(t *testing.T) {
	owner := storetest.OpenPostgres(t, store.Options{})
	mustOrganisme(t, owner, "Centre du propriétaire", false)

	app, err := store.Open(ctx, pgSchemaDSN(t, owner, "certif_app"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	var user string
	if err := app.DB().QueryRow(`SELECT current_user`).Scan(&user); err != nil || user != "certif_app" {
		t.Fatalf("current_user = %q, %v", user, err)
	}
	if err := app.Migrate(ctx); err != nil { // nothing pending: the server's start-up works as certif_app
		t.Fatalf("Migrate as certif_app: %v", err)
	}
	// The application works: writes in other tables (update included), chained audit rows.
	o := mustOrganisme(t, app, "Centre de l’application", false)
	o.Nom = "Centre renommé"
	if err := app.UpdateOrganisme(ctx, account.System, o); err != nil {
		t.Fatal(err)
	}
	if c, err := app.VerifyAudit(ctx, account.System); err != nil || !c.Intact() || c.Entries != 3 {
		t.Fatalf("VerifyAudit as certif_app = %+v, %v", c, err)
	}

	// It cannot remove the triggers either.
	for _, q := range []string{`DROP TRIGGER audit_log_no_update_delete ON audit_log`, `ALTER TABLE audit_log DISABLE TRIGGER ALL`} {
		_, err := app.DB().Exec(q)
		var pg *pgconn.PgError
		if !errors.As(err, &pg) || pg.Code != "42501" {
			t.Errorf("%s as certif_app: %v, want 42501", q, err)
		}
	}
	withoutTriggers(t, owner, func(_ *sql.DB) {
		for _, q := range []string{
			`UPDATE audit_log SET detail = '{}'`,
			`DELETE FROM audit_log`,
			`TRUNCATE audit_log`,
			`UPDATE goose_db_version SET is_applied = false`,
		} {
			_, err := app.DB().Exec(q)
			var pg *pgconn.PgError
			if !errors.As(err, &pg) || pg.Code != "42501" {
				t.Errorf("%s as certif_app: %v, want a privilege error", q, err)
			}
		}
		// The same through SET ROLE on an owner's connection.
		conn, err := owner.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SET ROLE certif_app`); err != nil {
			t.Fatal(err)
		}
		_, err = conn.ExecContext(ctx, `UPDATE audit_log SET detail = '{}'`)
		var pg *pgconn.PgError
		if !errors.As(err, &pg) || pg.Code != "42501" {
			t.Errorf("UPDATE after SET ROLE certif_app: %v, want 42501", err)
		}
		if _, err := conn.ExecContext(ctx, `RESET ROLE`); err != nil {
			t.Fatal(err)
		}
	})
	if c, err := owner.VerifyAudit(ctx, account.System); err != nil || !c.Intact() {
		t.Errorf("chain after the attempts = %+v, %v", c, err)
	}

	// A table a later migration creates (as the owner) is granted to certif_app too.
	if _, err := owner.DB().Exec(`CREATE TABLE later_table (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().Exec(`INSERT INTO later_table (v) VALUES ('x')`); err != nil {
		t.Errorf("later table as certif_app: %v", err)
	}
}
