package store_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// BenchmarkLivretWriteLoad is the store's share of `certif-load write`: 50 goroutines on one
// promotion of 16 inscriptions, either all adding evaluations ("writers") or half of them
// reading the growing list first and correcting an entry ("mixed"). With -blockprofile and
// -cpuprofile it tells where a write waits: for the write lock, for a pooled connection, or
// in the list read. One op is one write.
func BenchmarkLivretWriteLoad(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		for _, mixed := range []bool{false, true} {
			name := engine + "/writers"
			if mixed {
				name = engine + "/mixed"
			}
			b.Run(name, func(b *testing.B) {
				s := storetest.Open(b)
				if engine == "postgres" {
					s = storetest.OpenPostgres(b, store.Options{})
				}
				ref, certID, versionID := lvFixtureRef(b, s)
				centre := &account.Organisme{Nom: "Centre", SIRET: newSIRET(), HabilitationFormation: true}
				if err := s.CreateOrganisme(ctx, account.System, centre); err != nil {
					b.Fatal(err)
				}
				form := &account.User{Email: "form@example.org", Role: account.RoleFormateur, CentreID: centre.ID, Prenom: "F", Nom: "F"}
				if err := s.CreateUser(ctx, account.System, form, "x"); err != nil {
					b.Fatal(err)
				}
				actor := account.ActorOf(form)
				ins := make([]int64, 16)
				for i := range ins {
					ins[i] = lvFixtureInscription(b, s, lvIns{centre: centre.ID, cert: certID, version: versionID,
						voie: candidat.FormationContinue, promotion: "CM-2026-A", nom: fmt.Sprintf("N%d", i), prenom: "P"})
				}
				// Warm the référentiel cache first, as a running server's is, to measure the
				// steady state (TestPostgresConcurrentWritesColdCache covers the cold start).
				if _, err := s.ReferentielVersion(ctx, versionID); err != nil {
					b.Fatal(err)
				}
				day := time.Now().UTC().Truncate(24 * time.Hour)
				var next, failed atomic.Int64
				b.SetParallelism(25) // 50 goroutines on 2 cores
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					g := next.Add(1)
					id := ins[g%int64(len(ins))]
					reader := mixed && g%2 == 1
					for pb.Next() {
						e := lvAcquired(ref, id, "C1.4", day)
						if reader {
							l, err := s.Evaluations(ctx, actor, id)
							if err != nil {
								b.Error(err)
								return
							}
							for k := len(l) - 1; k >= 0; k-- {
								if l[k].RemplaceePar == 0 {
									e.Remplace = l[k].ID
									break
								}
							}
						}
						if err := s.AddEvaluation(ctx, actor, e, nil); err != nil && e.Remplace == 0 {
							failed.Add(1)
						}
					}
				})
				if n := failed.Load(); n > 0 {
					b.Errorf("%d writes failed", n)
				}
			})
		}
	}
}
