package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

var ctx = context.Background()

var siretSeq atomic.Int64

// newSIRET returns a distinct valid SIRET (14 digits, Luhn key).
func newSIRET() string {
	base := fmt.Sprintf("%013d", 1234500000000+siretSeq.Add(1))
	sum := 0
	for i, c := range base {
		d := int(c - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	s := base + fmt.Sprint((10-sum%10)%10)
	if msg := account.CheckSIRET(s); msg != "" {
		panic(s + ": " + msg)
	}
	return s
}

// world is a small population: the certificateur, two centres, an admin and a referent per centre.
type world struct {
	certif, centreA, centreB *account.Organisme
	admin, refA, refB        *account.User
}

func (w world) actor(u *account.User) account.Actor { return account.ActorOf(u) }

func mustOrganisme(t *testing.T, s *store.Store, nom string, certificateur bool) *account.Organisme {
	t.Helper()
	o := &account.Organisme{Nom: nom, SIRET: newSIRET(), Certificateur: certificateur, HabilitationFormation: !certificateur}
	if err := s.CreateOrganisme(ctx, account.System, o); err != nil {
		t.Fatalf("create organisme %s: %v", nom, err)
	}
	return o
}

func mustUser(t *testing.T, s *store.Store, actor account.Actor, email string, role account.Role, centre int64) *account.User {
	t.Helper()
	u := &account.User{Email: email, Nom: "Nom " + email, Prenom: "Prénom", Role: role, CentreID: centre}
	if err := s.CreateUser(ctx, actor, u, "hash-"+email); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func newWorld(t *testing.T, s *store.Store) world {
	t.Helper()
	var w world
	w.certif = mustOrganisme(t, s, "Certificateur SAS", true)
	w.centreA = mustOrganisme(t, s, "Centre A", false)
	w.centreB = mustOrganisme(t, s, "Centre B", false)
	w.admin = mustUser(t, s, account.System, "admin@example.org", account.RoleAdmin, 0)
	w.refA = mustUser(t, s, w.actor(w.admin), "ref.a@example.org", account.RoleReferent, w.centreA.ID)
	w.refB = mustUser(t, s, w.actor(w.admin), "ref.b@example.org", account.RoleReferent, w.centreB.ID)
	return w
}

// sampleRef is a small référentiel; intitule varies the content.
func sampleRef(code, intitule string) *referentiel.Referentiel {
	return &referentiel.Referentiel{
		Certification: referentiel.Certification{Code: code, Intitule: intitule, Niveau: "5", RNCP: "RNCP00000"},
		Blocs: []referentiel.Bloc{{
			Code: "BC01", Numero: 1, Intitule: "Veille « stratégique » & œuvre",
			Competences: []referentiel.Competence{{
				Code: "C1.1", Intitule: "Mettre en place une veille",
				Modalites:           []referentiel.Modalite{referentiel.PresentationProjet, referentiel.EvaluationFormation},
				EvaluationFormation: &referentiel.EvalFormation{Forme: []referentiel.Forme{referentiel.Quiz}, Description: "Quiz"},
				Criteres:            []referentiel.Critere{{Code: "C1.1.1", Libelle: "Les sources sont pertinentes"}},
			}},
		}},
	}
}
