package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func TestOrganismes(t *testing.T) {
	now := time.Date(2025, 9, 1, 8, 30, 0, 0, time.UTC)
	storetest.EachWith(t, store.Options{Now: func() time.Time { return now }}, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		if !w.centreA.Active || w.centreA.ID == 0 || !w.centreA.CreatedAt.Equal(now) {
			t.Errorf("created = %+v", w.centreA)
		}

		got, err := s.Organisme(ctx, w.actor(w.admin), w.certif.ID)
		if err != nil || *got != *w.certif {
			t.Errorf("Organisme = %+v, %v; want %+v", got, err, w.certif)
		}

		// Duplicate SIRET: a field message, whatever the spacing.
		dup := &account.Organisme{Nom: "Copie", SIRET: w.centreA.SIRET[:3] + " " + w.centreA.SIRET[3:]}
		err = s.CreateOrganisme(ctx, account.System, dup)
		if msg := apperr.FieldErrors(err)["siret"]; msg != "Un organisme avec ce SIRET existe déjà." {
			t.Errorf("duplicate SIRET = %v", err)
		}
		// A second certificateur is refused.
		err = s.CreateOrganisme(ctx, account.System, &account.Organisme{Nom: "Autre", SIRET: newSIRET(), Certificateur: true})
		if apperr.FieldErrors(err)["certificateur"] == "" {
			t.Errorf("second certificateur = %v", err)
		}
		// Invalid fields come from Organisme.Validate.
		err = s.CreateOrganisme(ctx, account.System, &account.Organisme{Nom: "", SIRET: "123"})
		if f := apperr.FieldErrors(err); f["nom"] == "" || f["siret"] == "" {
			t.Errorf("invalid organisme = %v", err)
		}
		// Only an admin writes.
		for _, actor := range []account.Actor{w.actor(w.refA), {UserID: 99, Role: account.RoleCandidat}} {
			if err := s.CreateOrganisme(ctx, actor, &account.Organisme{Nom: "X", SIRET: newSIRET()}); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("create by %v = %v", actor.Role, err)
			}
			if err := s.UpdateOrganisme(ctx, actor, w.centreA); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("update by %v = %v", actor.Role, err)
			}
		}

		// Update.
		upd := *w.centreB
		upd.Nom = "Centre B renommé"
		upd.HabilitationEvaluation = true
		upd.Active = false
		upd.Certificateur = true // ignored
		if err := s.UpdateOrganisme(ctx, w.actor(w.admin), &upd); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Organisme(ctx, account.System, w.centreB.ID)
		if got.Nom != "Centre B renommé" || !got.HabilitationEvaluation || got.Active || got.Certificateur || !got.CreatedAt.Equal(now) {
			t.Errorf("after update = %+v", got)
		}
		upd.SIRET = w.centreA.SIRET
		if err := s.UpdateOrganisme(ctx, w.actor(w.admin), &upd); apperr.FieldErrors(err)["siret"] == "" {
			t.Errorf("update to a taken SIRET = %v", err)
		}
		off := *w.certif
		off.Active = false
		if err := s.UpdateOrganisme(ctx, w.actor(w.admin), &off); apperr.FieldErrors(err)["active"] == "" {
			t.Errorf("deactivating the certificateur = %v", err)
		}
		missing := account.Organisme{ID: 9999, Nom: "X", SIRET: newSIRET()}
		if err := s.UpdateOrganisme(ctx, w.actor(w.admin), &missing); !errors.Is(err, apperr.NotFound) {
			t.Errorf("update unknown = %v", err)
		}

		// Scoping: a referent sees their own centre only, and never learns about others.
		if o, err := s.Organisme(ctx, w.actor(w.refA), w.centreA.ID); err != nil || o.ID != w.centreA.ID {
			t.Errorf("referent A on own centre = %+v, %v", o, err)
		}
		for _, id := range []int64{w.centreB.ID, w.certif.ID, 9999} {
			if _, err := s.Organisme(ctx, w.actor(w.refA), id); !errors.Is(err, apperr.NotFound) {
				t.Errorf("referent A on %d = %v, want NotFound", id, err)
			}
		}
		cand := account.Actor{UserID: 50, Role: account.RoleCandidat, CentreID: w.centreA.ID}
		if _, err := s.Organisme(ctx, cand, w.centreA.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("candidat on centre = %v", err)
		}
		if _, err := s.Organisme(ctx, w.actor(w.admin), 9999); !errors.Is(err, apperr.NotFound) {
			t.Errorf("admin on unknown = %v", err)
		}

		list, err := s.Organismes(ctx, w.actor(w.admin))
		if err != nil || len(list) != 3 || list[0].ID != w.certif.ID || list[1].ID != w.centreA.ID || list[2].ID != w.centreB.ID {
			t.Errorf("Organismes(admin) = %+v, %v", list, err)
		}
		list, err = s.Organismes(ctx, w.actor(w.refB))
		if err != nil || len(list) != 1 || list[0].ID != w.centreB.ID {
			t.Errorf("Organismes(referent B) = %+v, %v", list, err)
		}
		for _, a := range []account.Actor{cand, {UserID: 51, Role: account.RoleJury}} {
			if list, err := s.Organismes(ctx, a); err != nil || list == nil || len(list) != 0 {
				t.Errorf("Organismes(%s) = %+v, %v", a.Role, list, err)
			}
		}
	})
}
