package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func TestCertificateur(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.Certificateur(ctx); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("fresh install: %v", err)
		}
		admin := mustUser(t, s, account.System, "admin@example.org", account.RoleAdmin, 0)
		act := account.ActorOf(admin)
		c := &account.Certificateur{Organisme: account.Organisme{Nom: " Certif SAS ", SIRET: "891 234 567 00008"},
			Adresse: " 1 rue A \n\n 75001 Paris ", SignataireNom: "Jeanne  Roy", SignataireQualite: "Présidente"}
		if err := s.SaveCertificateur(ctx, act, c); err != nil {
			t.Fatal(err)
		}
		got, err := s.Certificateur(ctx)
		if err != nil || got.Nom != "Certif SAS" || got.SIRET != "89123456700008" || got.Adresse != "1 rue A\n75001 Paris" ||
			got.SignataireNom != "Jeanne Roy" || !got.Certificateur || !got.Active || got.Version != 1 {
			t.Fatalf("created %+v %v", got, err)
		}
		// A référent may not; a bad SIRET is a field error; a stale version a *StaleError.
		centre := mustOrganisme(t, s, "Centre", false)
		ref := mustUser(t, s, act, "ref@example.org", account.RoleReferent, centre.ID)
		if err := s.SaveCertificateur(ctx, account.ActorOf(ref), got); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent: %v", err)
		}
		bad := *got
		bad.SIRET = "89123456700009"
		if apperr.FieldErrors(s.SaveCertificateur(ctx, act, &bad))["siret"] == "" {
			t.Error("bad SIRET accepted")
		}
		bad.SIRET = centre.SIRET
		if apperr.FieldErrors(s.SaveCertificateur(ctx, act, &bad))["siret"] == "" {
			t.Error("another organisme's SIRET accepted")
		}
		upd := *got
		upd.SignataireQualite = "Directrice"
		if err := s.SaveCertificateur(ctx, act, &upd); err != nil || upd.Version != 2 {
			t.Fatalf("update: %v %d", err, upd.Version)
		}
		stale := *got
		stale.SignataireNom = "Autre"
		var se *store.StaleError
		if err := s.SaveCertificateur(ctx, act, &stale); !errors.As(err, &se) || se.Version != 2 {
			t.Errorf("stale: %v", err)
		}

		// The logo: an uploaded file of kind certificateur, attached; the previous one detached.
		logo := func() int64 {
			f := &store.File{Nom: "logo.png", MIME: "image/png", Taille: 10, SHA256: sha(), OwnerKind: store.OwnerCertificateur}
			if err := s.SaveFile(ctx, act, f, "key-"+sha()); err != nil {
				t.Fatal(err)
			}
			return f.ID
		}
		first := logo()
		v, err := s.SetCertificateurLogo(ctx, act, first, upd.Version)
		if err != nil || v != 3 {
			t.Fatalf("logo: %v %d", err, v)
		}
		if _, err := s.SetCertificateurLogo(ctx, act, first, v); err == nil {
			t.Error("the same file twice")
		}
		second := logo()
		if _, err := s.SetCertificateurLogo(ctx, act, second, upd.Version); !errors.As(err, &se) {
			t.Errorf("stale logo: %v", err)
		}
		if _, err := s.SetCertificateurLogo(ctx, act, second, v); err != nil {
			t.Fatal(err)
		}
		f, _, err := s.CertificateurLogo(ctx)
		if err != nil || f.ID != second {
			t.Errorf("logo now %+v %v", f, err)
		}
		if _, _, err := s.FileByID(ctx, account.ActorOf(ref), second); err != nil {
			t.Errorf("a référent reads the logo: %v", err)
		}
		if _, _, err := s.FileByID(ctx, account.Actor{}, second); !errors.Is(err, apperr.NotFound) {
			t.Errorf("anonymous reads the logo: %v", err)
		}
		if _, _, err := s.FileByID(ctx, account.ActorOf(ref), first); !errors.Is(err, apperr.NotFound) {
			t.Errorf("the replaced logo stays readable: %v", err)
		}
	})
}

func TestEnregistrement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		ref := sampleRef("cm", "Community Manager")
		ref.Certification.RNCP, ref.Certification.Niveau = "", ""
		info, err := s.ImportReferentiel(ctx, account.System, ref)
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.Enregistrement(ctx, info.ID)
		if err != nil || e.Complete() || e.Version != 1 {
			t.Fatalf("fresh: %+v %v", e, err)
		}
		e.RNCP, e.Niveau = "35467", "niveau 5"
		e.DateEnregistrement = time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)
		e.FinValidite = time.Date(2030, 1, 15, 0, 0, 0, 0, time.UTC)
		e.Mentions = "Arrêté du 15 janvier 2025"
		if err := s.UpdateEnregistrement(ctx, w.actor(w.refA), e); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent: %v", err)
		}
		if err := s.UpdateEnregistrement(ctx, w.actor(w.admin), e); err != nil || e.Version != 2 {
			t.Fatalf("update: %v", err)
		}
		got, _ := s.Enregistrement(ctx, info.ID)
		if got.RNCP != "RNCP35467" || got.Niveau != "5" || !got.FinValidite.Equal(e.FinValidite) || got.Mentions != e.Mentions {
			t.Errorf("stored %+v", got)
		}
		// A new version of the référentiel keeps the registration.
		ref2 := sampleRef("cm", "Community Manager (v2)")
		ref2.Certification.RNCP, ref2.Certification.Niveau = "", ""
		if _, err := s.ImportReferentiel(ctx, account.System, ref2); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Enregistrement(ctx, info.ID); got.RNCP != "RNCP35467" || got.Niveau != "5" {
			t.Errorf("after a new version %+v", got)
		}
		// End of validity before the registration; a stale version.
		e.FinValidite = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		if apperr.FieldErrors(s.UpdateEnregistrement(ctx, w.actor(w.admin), e))["date_fin_validite"] == "" {
			t.Error("end before start accepted")
		}
		e.FinValidite, e.Version = time.Time{}, 1
		var se *store.StaleError
		if err := s.UpdateEnregistrement(ctx, w.actor(w.admin), e); !errors.As(err, &se) {
			t.Errorf("stale: %v", err)
		}
		if _, err := s.Enregistrement(ctx, 9999); !errors.Is(err, apperr.NotFound) {
			t.Errorf("missing: %v", err)
		}
	})
}

var shaN int

// sha returns a fresh hexadecimal SHA-256-looking digest.
func sha() string {
	shaN++
	return fmt.Sprintf("%064x", shaN)
}

// TestEnregistrementConcurrent: two admins save from the same version at once; one wins,
// the other gets a *StaleError, and the journal has one change.
func TestEnregistrementConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		info, err := s.ImportReferentiel(ctx, account.System, sampleRef("cm", "Community Manager"))
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		for _, n := range []string{"5", "6"} {
			go func() {
				e, err := s.Enregistrement(ctx, info.ID)
				if err == nil {
					e.RNCP, e.Niveau, e.Version = "RNCP35467", n, 1
					err = s.UpdateEnregistrement(ctx, w.actor(w.admin), e)
				}
				errs <- err
			}()
		}
		var ok, stale int
		for range 2 {
			var se *store.StaleError
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.As(err, &se):
				stale++
			default:
				t.Errorf("concurrent save: %v", err)
			}
		}
		if ok != 1 || stale != 1 {
			t.Errorf("ok %d, stale %d", ok, stale)
		}
	})
}
