package store

import (
	"context"
	"fmt"

	"github.com/certif/certif/internal/account"
)

// AppendAudit appends n audit rows through the chain, in transactions of batch rows, for the
// benchmarks and tests of the external package.
func AppendAudit(ctx context.Context, s *Store, n, batch int) error {
	for done := 0; done < n; {
		k := min(batch, n-done)
		err := s.Transact(ctx, func(tx *Tx) error {
			for i := 0; i < k; i++ {
				if err := tx.audit(ctx, account.System, "bench.row", "bench", int64(done+i), map[string]any{"i": done + i, "fields": []string{"nom", "prenom"}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("append audit: %w", err)
		}
		done += k
	}
	return nil
}
