// Package demo loads the demonstration dataset that `make run` shows a newcomer: the
// certificateur, two partner centres and one account per role.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/store"
)

// Password is the password of every demo account. The demo is for local evaluation only.
const Password = "certif-demo-2026"

// Account is a demo login printed at start-up.
type Account struct {
	Role  account.Role
	Email string
	Name  string
}

var organismes = []account.Organisme{
	{Nom: "Certif Académie", SIRET: "89123456700008", Certificateur: true, HabilitationFormation: true, HabilitationEvaluation: true},
	{Nom: "Campus Numérique Lyon", SIRET: "51234567800019", NDA: "84691234569", HabilitationFormation: true, HabilitationEvaluation: true},
	{Nom: "École du Web Nantes", SIRET: "43298765400022", NDA: "52440987644", HabilitationFormation: true},
}

type demoUser struct {
	account.User
	centre int // index in organismes, -1 for none
}

var users = []demoUser{
	{account.User{Email: "admin@certif.demo", Prenom: "Claire", Nom: "Martin", Role: account.RoleAdmin}, -1},
	{account.User{Email: "referent@certif.demo", Prenom: "Julien", Nom: "Bernard", Role: account.RoleReferent}, 1},
	{account.User{Email: "formateur@certif.demo", Prenom: "Sophie", Nom: "Petit", Role: account.RoleFormateur}, 1},
	{account.User{Email: "candidat@certif.demo", Prenom: "Léa", Nom: "Moreau", Role: account.RoleCandidat}, 1},
	{account.User{Email: "jury@certif.demo", Prenom: "Marc", Nom: "Lefèvre", Role: account.RoleJury}, -1},
	{account.User{Email: "jury2@certif.demo", Prenom: "Nathalie", Nom: "Fabre", Role: account.RoleJury}, -1},
	{account.User{Email: "referent.nantes@certif.demo", Prenom: "Nadia", Nom: "Haddad", Role: account.RoleReferent}, 2},
	{account.User{Email: "formateur.nantes@certif.demo", Prenom: "Thomas", Nom: "Roux", Role: account.RoleFormateur}, 2},
}

// Seed creates the demo organisations and accounts that are missing (matched on SIRET and
// e-mail), so it can run at every start. It returns the accounts to print. blobs receives the
// demo's files (the company stamp of the tutor's fiche).
func Seed(ctx context.Context, st *store.Store, blobs *blob.Dir) ([]Account, error) {
	existing, err := st.Organismes(ctx, account.System)
	if err != nil {
		return nil, err
	}
	bySIRET := map[string]int64{}
	for _, o := range existing {
		bySIRET[o.SIRET] = o.ID
	}
	ids := make([]int64, len(organismes))
	for i, o := range organismes {
		if id, ok := bySIRET[o.SIRET]; ok {
			ids[i] = id
			continue
		}
		if o.Certificateur && hasCertificateur(existing) {
			continue // an installation that already has its certificateur keeps it
		}
		o := o
		if err := st.CreateOrganisme(ctx, account.System, &o); err != nil {
			return nil, fmt.Errorf("demo organisme %d: %w", i, err)
		}
		ids[i] = o.ID
	}
	if err := seedIssuer(ctx, st); err != nil {
		return nil, err
	}
	hash, err := account.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	var out []Account
	staff := map[account.Role]*account.User{}
	for _, du := range users {
		u := du.User
		if du.centre >= 0 {
			u.CentreID = ids[du.centre]
		}
		if got, _, err := st.Credentials(ctx, u.Email); err == nil {
			u = *got
		} else if !errors.Is(err, apperr.NotFound) {
			return nil, err
		} else if err := st.CreateUser(ctx, account.System, &u, hash); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", u.Role, err)
		}
		if du.centre == 1 && staff[u.Role] == nil {
			staff[u.Role] = &u
		}
		out = append(out, Account{Role: u.Role, Email: u.Email, Name: u.DisplayName()})
	}
	if ids[1] != 0 && staff[account.RoleReferent] != nil && staff[account.RoleFormateur] != nil {
		if err := seedPromotion(ctx, st, blobs, ids[1], staff, time.Now()); err != nil {
			return nil, err
		}
		if err := seedDossiers(ctx, st, blobs, ids[1], account.ActorOf(staff[account.RoleReferent]), time.Now()); err != nil {
			return nil, err
		}
		if err := seedJury(ctx, st, ids[1], time.Now()); err != nil {
			return nil, fmt.Errorf("demo jury: %w", err)
		}
	}
	return out, nil
}

func hasCertificateur(orgs []account.Organisme) bool {
	for _, o := range orgs {
		if o.Certificateur {
			return true
		}
	}
	return false
}

// seedIssuer completes what the documents print of their issuer when it is missing: the demo
// certificateur's address and signatory, and the certification's registration (a demo RNCP
// number). An installation that already has them keeps its own.
func seedIssuer(ctx context.Context, st *store.Store) error {
	c, err := st.Certificateur(ctx)
	if errors.Is(err, apperr.NotFound) {
		return nil // the installation named none (the demo's is created only on an empty one)
	}
	if err != nil {
		return err
	}
	if c.SIRET == organismes[0].SIRET && c.SignataireNom == "" {
		c.Adresse = "12 rue de la République\n69002 Lyon"
		c.SignataireNom, c.SignataireQualite = "Claire Martin", "Directrice de la certification"
		if err := st.SaveCertificateur(ctx, account.System, c); err != nil {
			return fmt.Errorf("demo certificateur: %w", err)
		}
	}
	certs, err := st.Certifications(ctx)
	if err != nil {
		return err
	}
	for _, ci := range certs {
		e, err := st.Enregistrement(ctx, ci.ID)
		if err != nil {
			return err
		}
		if e.Complete() {
			continue
		}
		e.RNCP, e.Niveau = "RNCP99999", "5"
		e.DateEnregistrement = time.Date(2024, 3, 12, 0, 0, 0, 0, time.UTC)
		e.FinValidite = time.Date(2029, 3, 12, 0, 0, 0, 0, time.UTC)
		e.Mentions = "Données de démonstration : numéro RNCP fictif."
		if err := st.UpdateEnregistrement(ctx, account.System, e); err != nil {
			return fmt.Errorf("demo enregistrement: %w", err)
		}
	}
	return nil
}
