package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
)

// TestCandidatMerge: one person enrolled by Lyon and by Nantes has two records; the
// certificateur merges them from the command line.
func TestCandidatMerge(t *testing.T) {
	data := t.TempDir()
	if _, err := cli(t, data, "", "demo"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(data, "certif.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	certs, err := st.Certifications(ctx)
	if err != nil || len(certs) == 0 {
		t.Fatalf("certifications: %v", err)
	}
	var ids []int64
	for i, email := range []string{"referent@certif.demo", "referent.nantes@certif.demo"} {
		ref, _, err := st.Credentials(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		c := &candidat.Candidat{NomNaissance: "Deux-Centres", Prenoms: []string{"Aline"}, Sexe: candidat.Femme,
			DateNaissance: time.Date(1990, 5, 6, 0, 0, 0, 0, time.UTC), CommuneNaissanceCode: "69123", CommuneNaissance: "Lyon",
			Email: "aline." + string(rune('a'+i)) + "@exemple.fr"}
		ins := &candidat.Inscription{CertificationID: certs[0].ID, CentreID: ref.CentreID, Voie: candidat.FormationContinue,
			Promotion: "FUSION", Date: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
		if _, err := st.Inscrire(ctx, account.ActorOf(ref), c, ins); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	st.Close()
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("records = %v, want two", ids)
	}
	if _, err := cli(t, data, "", "candidat", "merge", "--from", "0"); err == nil {
		t.Error("merge without ids accepted")
	}
	out, err := cli(t, data, "", "candidat", "merge", "--from", itoa(ids[1]), "--into", itoa(ids[0]))
	if err != nil || !strings.Contains(out, "1 inscription déplacée") || !strings.Contains(out, "désactivé") {
		t.Fatalf("merge: %v %q", err, out)
	}
	if _, err := cli(t, data, "", "candidat", "merge", "--from", itoa(ids[1]), "--into", itoa(ids[0])); err == nil {
		t.Error("second merge of a removed record accepted")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
