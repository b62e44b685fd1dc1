package web

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// The journal page says whether the chain holds, and names the first broken entry once a row
// was rewritten directly in the database (trigger dropped, detail updated, trigger recreated).
func TestJournalChainVerdict(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			st := storetest.Open(t)
			if engine == "postgres" {
				st = storetest.OpenPostgres(t, store.Options{})
			}
			e := newEnvOn(t, st)
			admin := e.login("admin@certif.demo")
			res, doc := e.get(admin, "/admin/journal")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			var n int
			if err := st.DB().QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil || n < 100 {
				t.Fatalf("audit rows: %d, %v", n, err)
			}
			box := doc.Find("#audit-chain")
			re := regexp.MustCompile(`^Chaîne intègre : ` + formatInt("fr", n) + ` entrées vérifiées Dernière entrée : n° \d+, empreinte [0-9a-f]{64}$`)
			if v, _ := box.Attr("data-state"); v != "ok" || !re.MatchString(text(box)) {
				t.Fatalf("intact verdict = %q (%s)", text(box), v)
			}

			// The fourth row of the chain, tampered with by whoever owns the database.
			var id int64
			if err := st.DB().QueryRow(`SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 3`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			tamper(t, st, `UPDATE audit_log SET detail = '{"fields":["nom"]}' WHERE id = `+itoa64(id))
			_, doc = e.get(admin, "/admin/journal")
			box = doc.Find("#audit-chain")
			head, why := text(box.Find("p").Eq(0)), text(box.Find("p").Eq(1))
			if v, _ := box.Attr("data-state"); v != "broken" || head != "Chaîne rompue à l’entrée n° "+itoa64(id) ||
				why != "Son contenu ne correspond plus à son empreinte : elle a été modifiée après son écriture. 1 entrée en défaut sur "+formatInt("fr", n)+"." {
				t.Errorf("broken verdict = %q / %q (%s)", head, why, v)
			}
		})
	}
}

// tamper runs q with the audit log's UPDATE trigger dropped, then recreates it.
func tamper(t *testing.T, st *store.Store, q string) {
	t.Helper()
	db := st.DB()
	var def, drop string
	var err error
	if st.Dialect() == store.DialectSQLite {
		err = db.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_update'`).Scan(&def)
		drop = `DROP TRIGGER audit_log_no_update`
	} else {
		err = db.QueryRow(`SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'audit_log_no_update_delete' AND tgrelid = 'audit_log'::regclass`).Scan(&def)
		drop = `DROP TRIGGER audit_log_no_update_delete ON audit_log`
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() (sql.Result, error){
		func() (sql.Result, error) { return db.Exec(drop) },
		func() (sql.Result, error) { return db.Exec(q) },
		func() (sql.Result, error) { return db.Exec(def) },
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
}

// The journal names its authors and pages back through older entries.
func TestJournalAuthorsAndOlderEntries(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@certif.demo")
	_, doc := e.get(admin, "/admin/journal?filtre=1") // every operation, sign-ins included
	rows := doc.Find("tbody tr")
	if rows.Length() != auditPageSize {
		t.Fatalf("%d rows on the first page, want %d (the demo journals more)", rows.Length(), auditPageSize)
	}
	// The newest entry is the admin's own sign-in, by name.
	if who := text(rows.First().Find("td").Eq(1)); who != "Claire Martin" {
		t.Errorf("author of the newest entry = %q, want Claire Martin", who)
	}
	href, ok := doc.Find("#audit-older").Attr("href")
	if !ok {
		t.Fatal("no link to older entries")
	}
	_, older := e.get(admin, href)
	var total int
	if err := e.st.DB().QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if n := older.Find("tbody tr").Length(); n != min(total-auditPageSize, auditPageSize) {
		t.Errorf("older page: %d rows, want %d", n, min(total-auditPageSize, auditPageSize))
	}
}

// The journal narrows by operation and author, leaves the sign-ins out by default, and its
// « entrées plus anciennes » link keeps the filter.
func TestJournalFilter(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@certif.demo")
	e.login("referent@certif.demo")
	ops := func(doc *goquery.Document) (whats, whos []string) {
		doc.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
			whos = append(whos, text(tr.Find("td").Eq(1)))
			whats = append(whats, text(tr.Find("td").Eq(2)))
		})
		return whats, whos
	}
	// By default: no sign-in, and the box says so.
	_, doc := e.get(admin, "/admin/journal")
	whats, _ := ops(doc)
	if len(whats) == 0 || slices.Contains(whats, "Connexion") {
		t.Errorf("default journal: %d rows, sign-ins %v", len(whats), slices.Contains(whats, "Connexion"))
	}
	if _, ok := doc.Find("#audit-filter input[name=sans_connexions]").Attr("checked"); !ok {
		t.Error("« sans les connexions » is not checked by default")
	}
	// Unchecked: the sign-ins come back.
	_, doc = e.get(admin, "/admin/journal?filtre=1")
	if whats, _ := ops(doc); !slices.Contains(whats, "Connexion") {
		t.Error("sign-ins missing with the box unchecked")
	}
	// One operation: only it, and the select shows it.
	_, doc = e.get(admin, "/admin/journal?filtre=1&sans_connexions=1&operation=evaluation.add")
	whats, _ = ops(doc)
	if len(whats) == 0 {
		t.Fatal("no evaluation in the demo journal")
	}
	for _, w := range whats {
		if w != "Évaluation inscrite au livret" {
			t.Errorf("operation filter shows %q", w)
		}
	}
	if v := doc.Find("#operation option[selected]").AttrOr("value", ""); v != "evaluation.add" {
		t.Errorf("selected operation %q", v)
	}
	// Choosing « Connexion » shows them, box or not.
	_, doc = e.get(admin, "/admin/journal?operation=login")
	if whats, _ := ops(doc); len(whats) == 0 || slices.ContainsFunc(whats, func(w string) bool { return w != "Connexion" }) {
		t.Errorf("sign-ins only: %v", whats)
	}
	// One author: the référent's sign-in, by the link on their name.
	ref, err := e.st.Users(context.Background(), account.System, store.UserFilter{Query: "referent@certif.demo", Limit: 1})
	if err != nil || len(ref) != 1 {
		t.Fatal(err)
	}
	_, doc = e.get(admin, "/admin/journal?filtre=1&auteur="+itoa64(ref[0].ID))
	whats, whos := ops(doc)
	if len(whos) == 0 || !slices.Contains(whats, "Connexion") {
		t.Errorf("the référent's entries: %v", whats)
	}
	for _, w := range whos {
		if w != ref[0].DisplayName() {
			t.Errorf("author filter shows %q", w)
		}
	}
	if href := doc.Find("tbody tr td a[href*='auteur=']").First().AttrOr("href", ""); !strings.Contains(href, "auteur="+itoa64(ref[0].ID)) {
		t.Errorf("author link %q", href)
	}
	// Nonsense parameters are ignored, not errors.
	if res, _ := e.get(admin, "/admin/journal?operation=%00drop&auteur=-5&avant=x"); res.StatusCode != 200 {
		t.Errorf("nonsense filter: %d", res.StatusCode)
	}
	// Paging keeps the filter.
	_, doc = e.get(admin, "/admin/journal")
	if href := doc.Find("#audit-older").AttrOr("href", ""); href != "" && !strings.Contains(href, "sans_connexions=1") {
		t.Errorf("older link drops the filter: %q", href)
	}
}
