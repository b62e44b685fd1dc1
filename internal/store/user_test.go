package store_test

import (
	"errors"
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func ids(users []account.User) []int64 {
	out := []int64{}
	for _, u := range users {
		out = append(out, u.ID)
	}
	return out
}

func sameIDs(a []int64, b ...int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFirstAdminBySystem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if n, _ := s.CountUsers(ctx); n != 0 {
			t.Fatalf("fresh database has %d users", n)
		}
		certif := &account.Organisme{Nom: "Certificateur", SIRET: newSIRET(), Certificateur: true}
		if err := s.CreateOrganisme(ctx, account.System, certif); err != nil {
			t.Fatal(err)
		}
		admin := &account.User{Email: "  Admin@Example.ORG ", Role: account.RoleAdmin}
		if err := s.CreateUser(ctx, account.System, admin, "argon-hash"); err != nil {
			t.Fatal(err)
		}
		if admin.Email != "admin@example.org" || admin.Lang != "fr" || !admin.Active || admin.CreatedAt.IsZero() {
			t.Errorf("admin = %+v", admin)
		}
		if n, _ := s.CountUsers(ctx); n != 1 {
			t.Errorf("CountUsers = %d", n)
		}
	})
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		refA := w.actor(w.refA)

		// A referent creates formateurs and candidats, always in their own centre.
		f := &account.User{Email: "Formateur@Example.org", Nom: "Dupont", Prenom: "Émilie", Role: account.RoleFormateur, CentreID: w.centreB.ID}
		if err := s.CreateUser(ctx, refA, f, "h1"); err != nil {
			t.Fatal(err)
		}
		if f.CentreID != w.centreA.ID || f.Email != "formateur@example.org" {
			t.Errorf("formateur = %+v", f)
		}
		c := &account.User{Email: "cand@example.org", Nom: "Zola", Prenom: "Émile", Role: account.RoleCandidat}
		if err := s.CreateUser(ctx, refA, c, ""); err != nil {
			t.Fatal(err)
		}
		if c.CentreID != w.centreA.ID {
			t.Errorf("candidat centre = %d", c.CentreID)
		}
		// …but no admin, referent or jury, and formateurs create nothing.
		for _, role := range []account.Role{account.RoleAdmin, account.RoleReferent, account.RoleJury} {
			u := &account.User{Email: string(role) + "@x.org", Role: role}
			if err := s.CreateUser(ctx, refA, u, ""); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("referent creates %s = %v", role, err)
			}
		}
		if err := s.CreateUser(ctx, w.actor(f), &account.User{Email: "c2@x.org", Role: account.RoleCandidat}, ""); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("formateur creates = %v", err)
		}

		// E-mail addresses are unique whatever their case.
		err := s.CreateUser(ctx, w.actor(w.admin), &account.User{Email: "FORMATEUR@example.ORG", Role: account.RoleJury}, "")
		if msg := apperr.FieldErrors(err)["email"]; msg != "Un compte existe déjà avec cette adresse e-mail." {
			t.Errorf("duplicate e-mail = %v", err)
		}
		// The centre must exist and not be the certificateur.
		for _, centre := range []int64{w.certif.ID, 9999} {
			err := s.CreateUser(ctx, w.actor(w.admin), &account.User{Email: "r@x.org", Role: account.RoleReferent, CentreID: centre}, "")
			if apperr.FieldErrors(err)["centre"] == "" {
				t.Errorf("centre %d = %v", centre, err)
			}
		}
		if err := s.CreateUser(ctx, w.actor(w.admin), &account.User{Email: "bad", Role: "chef"}, ""); !errors.Is(err, apperr.Invalid) {
			t.Errorf("invalid user = %v", err)
		}

		// User scoping.
		jury := mustUser(t, s, w.actor(w.admin), "jury@example.org", account.RoleJury, 0)
		for _, tc := range []struct {
			name  string
			actor account.Actor
			id    int64
			ok    bool
		}{
			{"admin any", w.actor(w.admin), jury.ID, true},
			{"referent own centre", refA, f.ID, true},
			{"formateur own centre", w.actor(f), c.ID, true},
			{"referent other centre", refA, w.refB.ID, false},
			{"referent jury", refA, jury.ID, false},
			{"candidat self", w.actor(c), c.ID, true},
			{"candidat other", w.actor(c), f.ID, false},
			{"jury self", w.actor(jury), jury.ID, true},
			{"jury other", w.actor(jury), c.ID, false},
			{"unknown", w.actor(w.admin), 9999, false},
		} {
			u, err := s.User(ctx, tc.actor, tc.id)
			if tc.ok && (err != nil || u.ID != tc.id) {
				t.Errorf("%s: %+v, %v", tc.name, u, err)
			}
			if !tc.ok && !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s: %v, want NotFound", tc.name, err)
			}
		}

		// Users lists what User shows, ordered by nom, prénom, e-mail.
		list, err := s.Users(ctx, refA, store.UserFilter{})
		if err != nil || !sameIDs(ids(list), f.ID, w.refA.ID, c.ID) { // Dupont, "Nom ref.a…", Zola
			t.Errorf("Users(referent A) = %v, %v", ids(list), err)
		}
		for _, u := range list {
			if u.CentreID != w.centreA.ID {
				t.Errorf("referent A sees %+v", u)
			}
		}
		if list, _ := s.Users(ctx, w.actor(c), store.UserFilter{}); !sameIDs(ids(list), c.ID) {
			t.Errorf("Users(candidat) = %v", ids(list))
		}
		if list, _ := s.Users(ctx, w.actor(w.admin), store.UserFilter{}); len(list) != 6 {
			t.Errorf("Users(admin) = %d users", len(list))
		}
		if list, _ := s.Users(ctx, w.actor(w.admin), store.UserFilter{Role: account.RoleReferent}); !sameIDs(ids(list), w.refA.ID, w.refB.ID) {
			t.Errorf("Users(role referent) = %v", ids(list))
		}
		if list, _ := s.Users(ctx, w.actor(w.admin), store.UserFilter{CentreID: w.centreB.ID}); !sameIDs(ids(list), w.refB.ID) {
			t.Errorf("Users(centre B) = %v", ids(list))
		}
		if list, _ := s.Users(ctx, refA, store.UserFilter{CentreID: w.centreB.ID}); len(list) != 0 {
			t.Errorf("referent A filtering on centre B = %v", ids(list))
		}
		for q, want := range map[string][]int64{
			"EMIL":      {f.ID, c.ID}, // Émilie, Émile: case and accents ignored
			"émilie":    {f.ID},
			"zol":       {c.ID},
			"cand@":     {c.ID},
			"%":         {},
			"_":         {},
			"ref.a@exa": {w.refA.ID},
		} {
			list, err := s.Users(ctx, w.actor(w.admin), store.UserFilter{Query: q})
			if err != nil || !sameIDs(ids(list), want...) {
				t.Errorf("Users(query %q) = %v, %v; want %v", q, ids(list), err, want)
			}
		}
		page, _ := s.Users(ctx, w.actor(w.admin), store.UserFilter{Limit: 2, Offset: 1})
		all, _ := s.Users(ctx, w.actor(w.admin), store.UserFilter{})
		if !sameIDs(ids(page), ids(all[1:3])...) {
			t.Errorf("page = %v, all = %v", ids(page), ids(all))
		}
		if rest, _ := s.Users(ctx, w.actor(w.admin), store.UserFilter{Offset: 4}); !sameIDs(ids(rest), ids(all[4:])...) {
			t.Errorf("offset only = %v", ids(rest))
		}

		// Updates.
		upd := *f
		upd.Nom = "Durand"
		upd.Role = account.RoleCandidat
		upd.Lang = "en"
		upd.Active = false
		if err := s.UpdateUser(ctx, refA, &upd); err != nil {
			t.Fatal(err)
		}
		got, _ := s.User(ctx, w.actor(w.admin), f.ID)
		if got.Nom != "Durand" || got.Role != account.RoleCandidat || got.Lang != "en" || got.Active || got.CentreID != w.centreA.ID {
			t.Errorf("after update = %+v", got)
		}
		upd.Role = account.RoleReferent
		if err := s.UpdateUser(ctx, refA, &upd); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent promotes to referent = %v", err)
		}
		other := *w.refB
		other.Nom = "X"
		if err := s.UpdateUser(ctx, refA, &other); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent A updates referent B = %v", err)
		}
		cb := mustUser(t, s, w.actor(w.refB), "cb@example.org", account.RoleCandidat, 0)
		cb.Nom = "X"
		if err := s.UpdateUser(ctx, refA, cb); !errors.Is(err, apperr.NotFound) {
			t.Errorf("referent A updates candidat of B = %v", err)
		}
		self := *w.refA
		self.Nom = "Moi"
		if err := s.UpdateUser(ctx, refA, &self); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent updates self = %v", err)
		}
		cc := *c
		cc.Email = "JURY@example.org"
		if err := s.UpdateUser(ctx, w.actor(w.admin), &cc); apperr.FieldErrors(err)["email"] == "" {
			t.Errorf("update to a taken e-mail = %v", err)
		}
		cc.Email = "CAND@example.org" // same address, other case: not a conflict with itself
		cc.Prenom = "Émile-Auguste"
		if err := s.UpdateUser(ctx, w.actor(w.admin), &cc); err != nil {
			t.Errorf("update keeping e-mail = %v", err)
		}
		adminSelf := *w.admin
		adminSelf.Active = false
		if err := s.UpdateUser(ctx, w.actor(w.admin), &adminSelf); apperr.FieldErrors(err)["active"] == "" {
			t.Errorf("admin deactivates self = %v", err)
		}
		adminSelf = *w.admin
		adminSelf.Lang = "en"
		if err := s.UpdateUser(ctx, w.actor(w.admin), &adminSelf); err != nil {
			t.Errorf("admin changes own language = %v", err)
		}
		missing := account.User{ID: 9999, Email: "m@x.org", Role: account.RoleJury}
		if err := s.UpdateUser(ctx, w.actor(w.admin), &missing); !errors.Is(err, apperr.NotFound) {
			t.Errorf("update unknown = %v", err)
		}
		if err := s.UpdateUser(ctx, w.actor(jury), jury); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("jury updates self = %v", err)
		}
	})
}

func TestCredentialsAndPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		u, hash, err := s.Credentials(ctx, " REF.A@example.org")
		if err != nil || u.ID != w.refA.ID || hash != "hash-ref.a@example.org" || u.CentreID != w.centreA.ID {
			t.Errorf("Credentials = %+v, %q, %v", u, hash, err)
		}
		if _, _, err := s.Credentials(ctx, "nobody@example.org"); !errors.Is(err, apperr.NotFound) {
			t.Errorf("Credentials(unknown) = %v", err)
		}
		if err := s.SetPassword(ctx, w.actor(w.refA), w.refA.ID, "new"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(ctx, w.actor(w.admin), w.refB.ID, "reset"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(ctx, w.actor(w.refA), w.refB.ID, "evil"); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("SetPassword of another = %v", err)
		}
		if err := s.SetPassword(ctx, w.actor(w.admin), 9999, "x"); !errors.Is(err, apperr.NotFound) {
			t.Errorf("SetPassword of unknown = %v", err)
		}
		_, hash, _ = s.Credentials(ctx, "ref.a@example.org")
		_, hashB, _ := s.Credentials(ctx, "ref.b@example.org")
		if hash != "new" || hashB != "reset" {
			t.Errorf("hashes = %q, %q", hash, hashB)
		}
		// Inactive users still get their credentials (the caller refuses the login).
		off := *w.refB
		off.Active = false
		if err := s.UpdateUser(ctx, w.actor(w.admin), &off); err != nil {
			t.Fatal(err)
		}
		if u, _, err := s.Credentials(ctx, "ref.b@example.org"); err != nil || u.Active {
			t.Errorf("Credentials(inactive) = %+v, %v", u, err)
		}
	})
}
