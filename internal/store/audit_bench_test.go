package store_test

import (
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// BenchmarkVerifyAudit100k walks a chain of 100,000 rows (what the journal page and `certif
// audit verify` do), on SQLite and on PostgreSQL when CERTIF_TEST_POSTGRES is set.
func BenchmarkVerifyAudit100k(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			s := storetest.Open(b)
			if engine == "postgres" {
				s = storetest.OpenPostgres(b, store.Options{})
			}
			const n = 100_000
			if err := store.AppendAudit(ctx, s, n, 5000); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c, err := s.VerifyAudit(ctx, account.System)
				if err != nil || !c.Intact() || c.Entries != n {
					b.Fatalf("VerifyAudit = %+v, %v", c, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
		})
	}
}

// BenchmarkAuditAppend measures one audited transaction (one chained row), the cost every
// write pays for the journal, against the same transaction writing nothing.
func BenchmarkAuditAppend(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			s := storetest.Open(b)
			if engine == "postgres" {
				s = storetest.OpenPostgres(b, store.Options{})
			}
			b.Run("empty-tx", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if err := s.Transact(ctx, func(*store.Tx) error { return nil }); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("one-row", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if err := store.AppendAudit(ctx, s, 1, 1); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("one-row-parallel", func(b *testing.B) {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := store.AppendAudit(ctx, s, 1, 1); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}
