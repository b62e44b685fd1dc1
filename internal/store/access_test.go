package store_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// TestScopesAgreeWithPolicy checks, for every role and every relation, that the SQL scope of
// each resource lets through exactly what the pure rule of package access allows: one rule,
// two forms.
func TestScopesAgreeWithPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		insA, insB := candIns(w, w.centreA.ID, "P1"), candIns(w, w.centreB.ID, "P1")
		cA, cB := candPerson(1), candPerson(2)
		mustInscrire(t, s, w.admin, cA, insA)
		mustInscrire(t, s, w.admin, cB, insB)
		candA, err := s.Candidat(ctx, account.System, cA.ID)
		if err != nil {
			t.Fatal(err)
		}
		candB, err := s.Candidat(ctx, account.System, cB.ID)
		if err != nil {
			t.Fatal(err)
		}
		candidatA := candUserActor(t, s, candA.UserID)
		actors := map[string]account.Actor{
			"anonymous": {}, "admin": w.admin, "system": account.System, "referent A": w.refA, "referent B": w.refB,
			"formateur A": w.formateur, "candidat A": candidatA, "jury": w.actor(w.jury),
		}
		inscriptions := []int64{insA.ID, insB.ID}
		candidats := map[int64]access.Candidat{
			candA.ID: {CentreIDs: []int64{w.centreA.ID}, UserID: candA.UserID},
			candB.ID: {CentreIDs: []int64{w.centreB.ID}, UserID: candB.UserID},
		}
		users, err := s.Users(ctx, account.System, store.UserFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for name, a := range actors {
			visible, err := s.Inscriptions(ctx, a, store.InscriptionFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range inscriptions {
				rel, err := s.InscriptionRelations(ctx, a, id)
				if err != nil {
					t.Fatal(err)
				}
				want := access.CanReadInscription(a, rel) == access.Allow
				_, err = s.Inscription(ctx, a, id)
				if got := err == nil; got != want || (err != nil && !errors.Is(err, apperr.NotFound)) {
					t.Errorf("inscription %d as %s: %v, policy allows %v", id, name, err, want)
				}
				listed := slices.ContainsFunc(visible, func(r store.InscriptionRow) bool { return r.ID == id })
				if listed != want {
					t.Errorf("inscription %d listed for %s: %v, policy allows %v", id, name, listed, want)
				}
			}
			for id, rel := range candidats {
				want := access.CanReadCandidat(a, rel) == access.Allow
				if _, err := s.Candidat(ctx, a, id); (err == nil) != want {
					t.Errorf("candidat %d as %s: %v, policy allows %v", id, name, err, want)
				}
			}
			for _, u := range users {
				want := access.CanReadAccount(a, access.Account{ID: u.ID, CentreID: u.CentreID, Role: u.Role}) == access.Allow
				if _, err := s.User(ctx, a, u.ID); (err == nil) != want {
					t.Errorf("user %s as %s: %v, policy allows %v", u.Email, name, err, want)
				}
			}
			orgs, err := s.Organismes(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range []*account.Organisme{w.certif, w.centreA, w.centreB} {
				want := access.CanReadCentre(a, access.Centre{ID: o.ID}) == access.Allow
				if _, err := s.Organisme(ctx, a, o.ID); (err == nil) != want {
					t.Errorf("organisme %s as %s: %v, policy allows %v", o.Nom, name, err, want)
				}
				listed := slices.ContainsFunc(orgs, func(x account.Organisme) bool { return x.ID == o.ID })
				if listed != want {
					t.Errorf("organisme %s listed for %s: %v, policy allows %v", o.Nom, name, listed, want)
				}
			}
		}
	})
}
