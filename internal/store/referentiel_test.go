package store_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func TestImportReferentiel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		cm, err := referentiel.CommunityManager()
		if err != nil {
			t.Fatal(err)
		}
		v1, err := s.ImportReferentiel(ctx, account.System, cm)
		if err != nil {
			t.Fatal(err)
		}
		if v1.Version != 1 || v1.Code != cm.Certification.Code || v1.Intitule != cm.Certification.Intitule || v1.ID == 0 || v1.VersionID == 0 {
			t.Errorf("first import = %+v", v1)
		}
		if v1.ImportedAt.IsZero() || v1.ImportedAt.Location() != time.UTC {
			t.Errorf("ImportedAt = %v", v1.ImportedAt)
		}
		// Importing the same content again (as every server start does) changes nothing.
		again, _ := referentiel.CommunityManager()
		same, err := s.ImportReferentiel(ctx, account.System, again)
		if err != nil || same != v1 {
			t.Errorf("re-import = %+v, %v; want %+v", same, err, v1)
		}
		info, ref, err := s.ActiveReferentiel(ctx, v1.ID)
		if err != nil || info != v1 || !reflect.DeepEqual(ref, cm) {
			t.Fatalf("ActiveReferentiel = %+v, %v (equal document: %v)", info, err, reflect.DeepEqual(ref, cm))
		}

		// A changed content becomes version 2, the active one, at once.
		changed, _ := referentiel.CommunityManager()
		changed.Certification.Intitule += " (révisé)"
		changed.Certification.RNCP = "RNCP99999"
		v2, err := s.ImportReferentiel(ctx, account.System, changed)
		if err != nil {
			t.Fatal(err)
		}
		if v2.Version != 2 || v2.ID != v1.ID || v2.VersionID == v1.VersionID || v2.Intitule != changed.Certification.Intitule || v2.RNCP != "RNCP99999" {
			t.Errorf("second import = %+v", v2)
		}
		info, ref, err = s.ActiveReferentiel(ctx, v1.ID)
		if err != nil || info != v2 || ref.Certification.Intitule != changed.Certification.Intitule {
			t.Errorf("ActiveReferentiel after change = %+v, %v", info, err)
		}
		// The older version stays readable.
		old, err := s.ReferentielVersion(ctx, v1.VersionID)
		if err != nil || !reflect.DeepEqual(old, cm) {
			t.Errorf("ReferentielVersion(v1) = %v", err)
		}
		// Re-importing version 1's content makes a version 3 (the active one differs).
		v3, err := s.ImportReferentiel(ctx, account.System, cm)
		if err != nil || v3.Version != 3 {
			t.Errorf("third import = %+v, %v", v3, err)
		}

		versions, err := s.ReferentielVersions(ctx, v1.ID)
		// The certification keeps the RNCP number recorded (by version 2's file here) when a
		// file gives none: the registration belongs to the certification (UpdateEnregistrement).
		if v3.RNCP != "RNCP99999" {
			t.Errorf("third import forgot the RNCP number: %+v", v3)
		}
		if err != nil || len(versions) != 3 || versions[0].VersionID != v3.VersionID || versions[1].Version != 2 || versions[2] != v1 {
			t.Errorf("ReferentielVersions = %+v, %v", versions, err)
		}
		if versions[1].Intitule != changed.Certification.Intitule {
			t.Errorf("version 2 intitulé = %q", versions[1].Intitule)
		}

		other, err := s.ImportReferentiel(ctx, account.System, sampleRef("autre-titre", "Autre titre"))
		if err != nil || other.Version != 1 || other.ID == v1.ID {
			t.Fatalf("other import = %+v, %v", other, err)
		}
		all, err := s.Certifications(ctx)
		if err != nil || len(all) != 2 || all[0] != other || all[1] != v3 {
			t.Errorf("Certifications = %+v, %v", all, err)
		}
		if c, err := s.Certification(ctx, v1.ID); err != nil || c != v3 {
			t.Errorf("Certification = %+v, %v", c, err)
		}
		if c, err := s.CertificationByCode(ctx, "autre-titre"); err != nil || c != other {
			t.Errorf("CertificationByCode = %+v, %v", c, err)
		}

		for name, err := range map[string]error{
			"Certification":       second(s.Certification(ctx, 9999)),
			"CertificationByCode": second(s.CertificationByCode(ctx, "nope")),
			"ReferentielVersion":  second(s.ReferentielVersion(ctx, 9999)),
			"ReferentielVersions": second(s.ReferentielVersions(ctx, 9999)),
		} {
			if !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s(unknown) = %v, want NotFound", name, err)
			}
		}
		if _, _, err := s.ActiveReferentiel(ctx, 9999); !errors.Is(err, apperr.NotFound) {
			t.Errorf("ActiveReferentiel(unknown) = %v", err)
		}

		w := newWorld(t, s)
		if _, err := s.ImportReferentiel(ctx, w.actor(w.refA), cm); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("import by referent = %v", err)
		}
		bad := sampleRef("Pas Un Slug", "x")
		if _, err := s.ImportReferentiel(ctx, account.System, bad); apperr.FieldErrors(err)["certification.code"] == "" {
			t.Errorf("invalid import = %v", err)
		}
		if _, err := s.ImportReferentiel(ctx, account.System, nil); !errors.Is(err, apperr.Invalid) {
			t.Errorf("nil import = %v", err)
		}

		log, _ := s.AuditLog(ctx, account.System, 1000)
		imports := 0
		for _, e := range log {
			if e.Action == "referentiel.import" {
				imports++
			}
		}
		if imports != 4 {
			t.Errorf("%d import audit rows, want 4", imports)
		}
	})
}

// A second store on the same database (another process) sees a new version within the TTL.
func TestActiveReferentielSharedDatabase(t *testing.T) {
	path := "sqlite:" + t.TempDir() + "/shared.db"
	a, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	v1, err := a.ImportReferentiel(ctx, account.System, sampleRef("cm", "Un"))
	if err != nil {
		t.Fatal(err)
	}
	if info, _, err := b.ActiveReferentiel(ctx, v1.ID); err != nil || info.Version != 1 {
		t.Fatalf("b sees %+v, %v", info, err)
	}
	if _, err := a.ImportReferentiel(ctx, account.System, sampleRef("cm", "Deux")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		info, ref, err := b.ActiveReferentiel(ctx, v1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if info.Version == 2 && ref.Certification.Intitule == "Deux" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("b never saw version 2")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func BenchmarkActiveReferentiel(b *testing.B) {
	s := storetest.Open(b)
	cm, err := referentiel.CommunityManager()
	if err != nil {
		b.Fatal(err)
	}
	info, err := s.ImportReferentiel(ctx, account.System, cm)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := s.ActiveReferentiel(ctx, info.ID); err != nil {
			b.Fatal(err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// Server processes starting together import the same file at once: all succeed with one version.
func TestImportReferentielConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const n = 8
		infos := make([]store.CertificationInfo, n)
		errs := make([]error, n)
		done := make(chan int)
		for i := range n {
			go func() {
				infos[i], errs[i] = s.ImportReferentiel(ctx, account.System, sampleRef("cm", "Même contenu"))
				done <- i
			}()
		}
		for range n {
			<-done
		}
		for i := range n {
			if errs[i] != nil || infos[i] != infos[0] || infos[i].Version != 1 {
				t.Errorf("import %d = %+v, %v", i, infos[i], errs[i])
			}
		}
	})
}
