package main

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/certif/certif/internal/store"
)

// `certif audit verify` says the chain holds on a fresh demo database, names the first broken
// entry once a row was rewritten directly in SQL, and exits in error then; --ancre catches a
// cut log.
func TestAuditVerify(t *testing.T) {
	data := t.TempDir()
	if out, err := cli(t, data, "", "audit", "verify"); err != nil || !strings.Contains(out, "Journal d’audit vide") {
		t.Fatalf("empty: %v %q", err, out)
	}
	if _, err := cli(t, data, "", "demo"); err != nil {
		t.Fatal(err)
	}
	out, err := cli(t, data, "", "audit", "verify")
	if err != nil || !regexp.MustCompile(`^Chaîne intègre : \d+ entrées vérifiées\.\n`).MatchString(out) {
		t.Fatalf("intact: %v %q", err, out)
	}
	anchor := regexp.MustCompile(`« (\d+:[0-9a-f]{64}) »`).FindStringSubmatch(out)
	if anchor == nil {
		t.Fatalf("no anchor in %q", out)
	}
	if out, err := cli(t, data, "", "audit", "verify", "--ancre", anchor[1]); err != nil || !strings.Contains(out, "toujours l’empreinte notée") {
		t.Errorf("anchor: %v %q", err, out)
	}
	id := strings.Split(anchor[1], ":")[0]
	if _, err := cli(t, data, "", "audit", "verify", "--ancre", id+":"+strings.Repeat("0", 64)); !errors.Is(err, errChainBroken) {
		t.Errorf("wrong anchor: %v", err)
	}

	// Tamper: drop the trigger, rewrite a detail, recreate the trigger.
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(data, "certif.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var def string
	if err := st.DB().QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_update'`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET detail = '{}' WHERE id = 3`, def} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	out, err = cli(t, data, "", "audit", "verify")
	if !errors.Is(err, errChainBroken) || !strings.HasPrefix(out, "Chaîne rompue à l’entrée n° 3 : son contenu ne correspond plus à son empreinte") {
		t.Errorf("tampered: %v %q", err, out)
	}
	if !strings.Contains(out, "1 entrée en défaut sur ") {
		t.Errorf("count: %q", out)
	}
	if _, err := cli(t, data, "", "audit"); err == nil {
		t.Error("audit without verify succeeded")
	}
}
