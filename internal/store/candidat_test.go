package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// candClock is a settable clock for store.Options.Now.
type candClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *candClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *candClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

var candEpoch = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// candWorld is world plus the Community Manager référentiel, a formateur of centre A and a
// jury member.
type candWorld struct {
	world
	cert      store.CertificationInfo
	ref       *referentiel.Referentiel
	formA     *account.User
	jury      *account.User
	admin     account.Actor
	refA      account.Actor
	refB      account.Actor
	formateur account.Actor
}

func newCandWorld(t *testing.T, s *store.Store) candWorld {
	t.Helper()
	w := candWorld{world: newWorld(t, s)}
	ref, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	if w.cert, err = s.ImportReferentiel(ctx, account.System, ref); err != nil {
		t.Fatal(err)
	}
	w.ref = ref
	w.formA = mustUser(t, s, w.actor(w.world.admin), "form.a@example.org", account.RoleFormateur, w.centreA.ID)
	w.jury = mustUser(t, s, w.actor(w.world.admin), "jury@example.org", account.RoleJury, 0)
	w.admin, w.refA, w.refB, w.formateur = w.actor(w.world.admin), w.actor(w.world.refA), w.actor(w.world.refB), w.actor(w.formA)
	return w
}

// candPerson returns a valid candidate; n varies the identity and the e-mail.
func candPerson(n int) *candidat.Candidat {
	return &candidat.Candidat{
		NomNaissance:         fmt.Sprintf("Lefèvre-%d", n),
		Prenoms:              []string{"Élodie", "Marie"},
		Sexe:                 candidat.Femme,
		DateNaissance:        time.Date(1995, 4, 12, 0, 0, 0, 0, time.UTC),
		CommuneNaissanceCode: "69123",
		CommuneNaissance:     "Lyon",
		Email:                fmt.Sprintf("elodie.lefevre%d@exemple.fr", n),
		Telephone:            "06 12 34 56 78",
		Adresse:              candidat.Adresse{Ligne1: "3 rue de la Paix", CodePostal: "69002", Ville: "Lyon"},
	}
}

func candIns(w candWorld, centre int64, promo string) *candidat.Inscription {
	return &candidat.Inscription{
		CertificationID: w.cert.ID, CentreID: centre, Voie: candidat.FormationContinue,
		Promotion: promo, Date: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
	}
}

// mustInscrire enrols c and returns the inscription and the activation token.
func mustInscrire(t *testing.T, s *store.Store, actor account.Actor, c *candidat.Candidat, ins *candidat.Inscription) string {
	t.Helper()
	tok, err := s.Inscrire(ctx, actor, c, ins)
	if err != nil {
		t.Fatalf("inscrire %s: %v", c.NomNaissance, err)
	}
	return tok
}

func candCount(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func candUserActor(t *testing.T, s *store.Store, userID int64) account.Actor {
	t.Helper()
	u, err := s.User(ctx, account.System, userID)
	if err != nil {
		t.Fatal(err)
	}
	return account.ActorOf(u)
}

func TestCandidatScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		a := candPerson(1)
		mustInscrire(t, s, w.refA, a, candIns(w, w.centreA.ID, "CM-2026-A"))
		b := candPerson(2)
		mustInscrire(t, s, w.refB, b, candIns(w, w.centreB.ID, "CM-2026-B"))
		candA := candUserActor(t, s, a.UserID)

		for _, tc := range []struct {
			name  string
			actor account.Actor
			id    int64
			ok    bool
		}{
			{"admin", w.admin, a.ID, true},
			{"referent own centre", w.refA, a.ID, true},
			{"referent other centre", w.refA, b.ID, false},
			{"referent B other centre", w.refB, a.ID, false},
			{"formateur own centre", w.formateur, a.ID, true},
			{"formateur other centre", w.formateur, b.ID, false},
			{"candidat self", candA, a.ID, true},
			{"candidat other", candA, b.ID, false},
			{"jury", w.actor(w.jury), a.ID, false},
			{"unknown", w.admin, 9999, false},
		} {
			c, err := s.Candidat(ctx, tc.actor, tc.id)
			if tc.ok && (err != nil || c.ID != tc.id) {
				t.Errorf("%s: %+v, %v", tc.name, c, err)
			}
			if !tc.ok && !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s: %v, want NotFound", tc.name, err)
			}
		}

		// What was stored reads back whole.
		got, err := s.Candidat(ctx, w.admin, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.NomNaissance != "Lefèvre-1" || strings.Join(got.Prenoms, ",") != "Élodie,Marie" || got.Sexe != candidat.Femme ||
			!got.DateNaissance.Equal(a.DateNaissance) || got.CommuneNaissanceCode != "69123" || got.Adresse != a.Adresse ||
			got.Email != a.Email || got.UserID != a.UserID || got.CreatedAt.IsZero() {
			t.Errorf("stored candidate = %+v, want %+v", got, a)
		}
		if c, err := s.CandidatByUser(ctx, b.UserID); err != nil || c.ID != b.ID {
			t.Errorf("CandidatByUser = %+v, %v", c, err)
		}
		if _, err := s.CandidatByUser(ctx, w.world.refA.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("CandidatByUser(referent) = %v", err)
		}

		// Once merged by the certificateur with a record of B (same identity, enrolled there
		// separately), candidate A is visible to B's referent, who still sees only B's
		// inscriptions.
		inB := candPerson(1)
		inB.Email = "lefevre1.b@exemple.fr"
		mustInscrire(t, s, w.refB, inB, candIns(w, w.centreB.ID, "CM-2026-B"))
		if inB.ID == a.ID {
			t.Fatalf("B's enrolment matched A's candidate %d", a.ID)
		}
		if _, err := s.MergeCandidats(ctx, w.admin, inB.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Candidat(ctx, w.refB, a.ID); err != nil {
			t.Errorf("referent B after merge: %v", err)
		}
		list, err := s.Inscriptions(ctx, w.refB, store.InscriptionFilter{CandidatID: a.ID})
		if err != nil || len(list) != 1 || list[0].CentreID != w.centreB.ID || list[0].Centre != "Centre B" {
			t.Errorf("referent B inscriptions of A = %+v, %v", list, err)
		}
		// The candidate sees both of their inscriptions, and only theirs.
		list, err = s.Inscriptions(ctx, candA, store.InscriptionFilter{})
		if err != nil || len(list) != 2 || list[0].CandidatID != a.ID || list[1].CandidatID != a.ID {
			t.Errorf("candidate's inscriptions = %+v, %v", list, err)
		}
		if list, err := s.Inscriptions(ctx, w.actor(w.jury), store.InscriptionFilter{}); err != nil || len(list) != 0 {
			t.Errorf("jury inscriptions = %+v, %v", list, err)
		}
		if _, err := s.Inscription(ctx, w.refA, list0ID(t, s, w.refB, b.ID)); !errors.Is(err, apperr.NotFound) {
			t.Errorf("referent A reads B's inscription: %v", err)
		}
	})
}

func list0ID(t *testing.T, s *store.Store, actor account.Actor, candID int64) int64 {
	t.Helper()
	list, err := s.Inscriptions(ctx, actor, store.InscriptionFilter{CandidatID: candID})
	if err != nil || len(list) == 0 {
		t.Fatalf("inscriptions of %d: %v, %v", candID, list, err)
	}
	return list[0].ID
}

func TestUpdateCandidat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		a := candPerson(1)
		mustInscrire(t, s, w.refA, a, candIns(w, w.centreA.ID, "P1"))
		b := candPerson(2)
		mustInscrire(t, s, w.refA, b, candIns(w, w.centreA.ID, "P1"))
		audits := candCount(t, s, "audit_log")

		upd, _ := s.Candidat(ctx, w.refA, a.ID)
		upd.NomUsage = "Martin"
		upd.Email = "Elodie.Martin@Exemple.fr"
		upd.UserID, upd.CreatedAt = 0, time.Time{} // reset from the stored values
		if err := s.UpdateCandidat(ctx, w.refA, upd); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Candidat(ctx, w.admin, a.ID)
		if got.NomUsage != "Martin" || got.Email != "elodie.martin@exemple.fr" || got.UserID != a.UserID {
			t.Errorf("updated = %+v", got)
		}
		u, _ := s.User(ctx, account.System, a.UserID)
		if u.Email != "elodie.martin@exemple.fr" || u.Nom != "Martin" || u.Prenom != "Élodie" {
			t.Errorf("account follows: %+v", u)
		}
		if n := candCount(t, s, "audit_log"); n != audits+2 { // candidat.update, user.email
			t.Errorf("audit rows %d → %d", audits, n)
		}
		entries, _ := s.AuditLog(ctx, w.admin, 1)
		if e := entries[0]; e.Action != "candidat.update" || e.EntityID != a.ID || strings.Contains(e.Detail, "martin") ||
			!strings.Contains(e.Detail, "nom_usage") {
			t.Errorf("audit = %+v", e)
		}
		// Saving unchanged writes nothing.
		if err := s.UpdateCandidat(ctx, w.refA, got); err != nil {
			t.Fatal(err)
		}
		if n := candCount(t, s, "audit_log"); n != audits+2 {
			t.Errorf("no-op update audited")
		}

		// Taking another candidate's identity (accents and case aside) or account e-mail.
		clash, _ := s.Candidat(ctx, w.refA, b.ID)
		clash.NomNaissance = "LEFEVRE 1"
		clash.Email = w.world.refB.Email
		err := s.UpdateCandidat(ctx, w.refA, clash)
		f := apperr.FieldErrors(err)
		if f["nom_naissance"] != "Un autre candidat a déjà cette identité (nom de naissance, prénom, date de naissance)." ||
			f["email"] == "" {
			t.Errorf("identity clash = %v", err)
		}
		// Invalid fields.
		bad, _ := s.Candidat(ctx, w.refA, b.ID)
		bad.Prenoms = nil
		if err := s.UpdateCandidat(ctx, w.refA, bad); apperr.FieldErrors(err)["prenoms"] == "" {
			t.Errorf("no prénom = %v", err)
		}

		// Who may.
		other, _ := s.Candidat(ctx, w.admin, b.ID)
		if err := s.UpdateCandidat(ctx, w.refB, other); !errors.Is(err, apperr.NotFound) {
			t.Errorf("referent of another centre = %v", err)
		}
		if err := s.UpdateCandidat(ctx, w.formateur, other); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("formateur = %v", err)
		}
		if err := s.UpdateCandidat(ctx, candUserActor(t, s, b.UserID), other); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("candidate themself = %v", err)
		}
		other.Telephone = "01 02 03 04 05"
		if err := s.UpdateCandidat(ctx, w.admin, other); err != nil {
			t.Errorf("admin = %v", err)
		}
	})
}

func TestInscriptionsListStatutPromotions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		names := []string{"Zola", "Ándré", "Bérénice"}
		var ids []int64
		for i, nom := range names {
			c := candPerson(i)
			c.NomNaissance = nom
			promo := "P2"
			if i == 0 {
				promo = "P1"
			}
			ins := candIns(w, w.centreA.ID, promo)
			mustInscrire(t, s, w.refA, c, ins)
			ids = append(ids, ins.ID)
		}
		mustInscrire(t, s, w.refB, candPerson(9), candIns(w, w.centreB.ID, "PB"))

		list, err := s.Inscriptions(ctx, w.refA, store.InscriptionFilter{})
		if err != nil || len(list) != 3 {
			t.Fatalf("list = %+v, %v", list, err)
		}
		// P1 first, then P2 by name (Ándré sorts after Bérénice byte-wise on SQLite and
		// depends on the collation on PostgreSQL: only check the promotion order).
		if list[0].ID != ids[0] || list[0].Promotion != "P1" || list[1].Promotion != "P2" {
			t.Errorf("order = %v %v %v", list[0].Promotion, list[1].Promotion, list[2].Promotion)
		}
		r := list[0]
		if r.Certification == "" || r.Version != w.cert.Version || r.VersionID != w.cert.VersionID || r.Centre != "Centre A" ||
			r.Candidat.NomNaissance != "Zola" || len(r.BlocsVises) != 3 || r.Statut != candidat.EnFormation || r.Date.IsZero() {
			t.Errorf("row = %+v", r)
		}
		for _, tc := range []struct {
			f    store.InscriptionFilter
			want int
		}{
			{store.InscriptionFilter{Query: "andre"}, 1},
			{store.InscriptionFilter{Query: "BERENICE"}, 1},
			{store.InscriptionFilter{Query: "exemple.fr"}, 3},
			{store.InscriptionFilter{Query: "50%"}, 0},
			{store.InscriptionFilter{Promotion: "P2"}, 2},
			{store.InscriptionFilter{Statut: candidat.Abandon}, 0},
			{store.InscriptionFilter{CentreID: w.centreB.ID}, 0},
			{store.InscriptionFilter{Limit: 2}, 2},
			{store.InscriptionFilter{Offset: 2}, 1},
		} {
			got, err := s.Inscriptions(ctx, w.refA, tc.f)
			if err != nil || len(got) != tc.want {
				t.Errorf("%+v: %d rows, %v; want %d", tc.f, len(got), err, tc.want)
			}
		}
		if all, _ := s.Inscriptions(ctx, w.admin, store.InscriptionFilter{}); len(all) != 4 {
			t.Errorf("admin sees %d", len(all))
		}

		// Statut.
		if err := s.SetStatut(ctx, w.refA, ids[1], candidat.Abandon); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Inscription(ctx, w.formateur, ids[1]); got == nil || got.Statut != candidat.Abandon {
			t.Errorf("statut = %+v", got)
		}
		if err := s.SetStatut(ctx, w.formateur, ids[1], candidat.EnFormation); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("formateur = %v", err)
		}
		if err := s.SetStatut(ctx, w.refB, ids[1], candidat.EnFormation); !errors.Is(err, apperr.NotFound) {
			t.Errorf("referent B = %v", err)
		}
		if err := s.SetStatut(ctx, w.refA, ids[1], "perdu"); apperr.FieldErrors(err)["statut"] == "" {
			t.Errorf("unknown statut = %v", err)
		}
		if err := s.SetStatut(ctx, w.admin, 9999, candidat.Abandon); !errors.Is(err, apperr.NotFound) {
			t.Errorf("unknown inscription = %v", err)
		}

		// Promotions.
		if p, err := s.Promotions(ctx, w.formateur, w.centreA.ID); err != nil || strings.Join(p, ",") != "P1,P2" {
			t.Errorf("promotions = %v, %v", p, err)
		}
		if _, err := s.Promotions(ctx, w.refA, w.centreB.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("promotions of B by A = %v", err)
		}
		if p, err := s.Promotions(ctx, w.admin, w.centreB.ID); err != nil || strings.Join(p, ",") != "PB" {
			t.Errorf("admin promotions = %v, %v", p, err)
		}
	})
}
