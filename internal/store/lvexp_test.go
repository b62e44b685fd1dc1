package store_test

import (
	"fmt"
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/store/storetest"
)

func TestLvPlan(t *testing.T) {
	s := storetest.Open(t)
	_, _, _ = lvFixtureRef(t, s)
	for _, q := range []string{
		`SELECT e.id FROM evaluations e JOIN inscriptions i ON i.id = e.inscription_id WHERE i.centre_id = 1 AND i.promotion = 'x' AND i.voie <> 'vae' AND i.statut <> 'abandon'`,
		`SELECT e.id FROM evaluations e JOIN inscriptions i ON i.id = e.inscription_id WHERE i.centre_id = 1 AND i.promotion = 'x' AND i.voie <> 'vae' AND i.statut <> 'abandon' AND i.id % 2 = 0`,
	} {
		rows, err := s.DB().QueryContext(ctx, "EXPLAIN QUERY PLAN "+q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a, b, c int
			var d string
			rows.Scan(&a, &b, &c, &d)
			fmt.Println(d)
		}
		rows.Close()
		fmt.Println("--")
	}
	_ = account.System
}
