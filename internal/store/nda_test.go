package store_test

import (
	"errors"
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// TestOrganismeNDA: a centre's numéro de déclaration d'activité is stored cleaned, validated,
// versioned and journaled with the rest of the centre (migration 00009).
func TestOrganismeNDA(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		o := &account.Organisme{Nom: "Centre NDA", SIRET: newSIRET(), NDA: " 84 69 12345 69 ", HabilitationFormation: true}
		if err := s.CreateOrganisme(ctx, account.System, o); err != nil {
			t.Fatal(err)
		}
		got, err := s.Organisme(ctx, w.actor(w.admin), o.ID)
		if err != nil || got.NDA != "84691234569" {
			t.Fatalf("NDA stored = %+v, %v", got, err)
		}
		for _, bad := range []string{"1234", "8469123456A", "00691234569", "846912345690", "84\x0069123456"} {
			upd := *got
			upd.NDA = bad
			if f := apperr.FieldErrors(s.UpdateOrganisme(ctx, w.actor(w.admin), &upd)); f["nda"] == "" {
				t.Errorf("NDA %q accepted", bad)
			}
		}
		upd := *got
		upd.NDA = "52440987644"
		if err := s.UpdateOrganisme(ctx, w.actor(w.admin), &upd); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.Organisme(ctx, w.actor(w.admin), o.ID); again.NDA != "52440987644" || again.Version != got.Version+1 {
			t.Errorf("after update = %+v", again)
		}
		// A stale version does not overwrite it.
		stale := *got
		stale.NDA = "11751234567"
		if err := s.UpdateOrganisme(ctx, w.actor(w.admin), &stale); !errors.Is(err, apperr.Conflict) {
			t.Errorf("stale NDA update = %v", err)
		}
	})
}
