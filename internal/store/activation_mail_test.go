package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// TestActivationMailRenderedOnce: the import's once-rendered activation message, with the first
// name and token put in per account, reads exactly as mail.Render's (names HTML escapes too).
func TestActivationMailRenderedOnce(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	exp := time.Date(2027, 3, 12, 10, 0, 0, 0, time.UTC)
	for _, prenom := range []string{"Léa", "Jean-Éric", "Zoé Anne", "Marie-Hélène d’Arc", "O'Neil", "<b>Tom</b> & \"Jo\"", "A+B", ""} {
		if err := store.EnqueueActivationBothWays(ctx, s, "x@exemple.fr", prenom, "AbC_-09xyz", exp); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Courriels(ctx, account.System, store.CourrielFilter{Limit: 3})
		if err != nil || len(cs) != 3 {
			t.Fatalf("%d courriels, %v", len(cs), err)
		}
		for _, c := range cs[1:] {
			if c.Subject != cs[0].Subject || c.Text != cs[0].Text || c.HTML != cs[0].HTML || c.To != cs[0].To {
				t.Errorf("%q: rendered once\n%s\n%s\nvs\n%s\n%s", prenom, c.Text, c.HTML, cs[0].Text, cs[0].HTML)
			}
		}
	}
}
