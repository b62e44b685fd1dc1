package store_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func TestFiles(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		dir, err := blob.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		upload := func(u *account.User, name, content string) *store.File {
			t.Helper()
			key, size, sum, err := dir.Put(ctx, strings.NewReader(content), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			f := &store.File{Nom: name, MIME: "application/pdf", Taille: size, SHA256: sum}
			if err := s.SaveFile(ctx, w.a(u), f, key); err != nil {
				t.Fatal(err)
			}
			return f
		}
		copie := upload(w.formA, `C:\Users\formateur\Copie quiz.pdf`, "%PDF copie")
		if copie.ID == 0 || copie.Nom != "Copie quiz.pdf" || copie.UploadedBy != w.formA.ID || !copie.CreatedAt.Equal(lvNow()) {
			t.Errorf("saved = %+v", copie)
		}
		grille := upload(w.formA, "grille.pdf", "%PDF grille")
		autre := upload(w.refA, "autre.pdf", "%PDF autre")
		if f := apperr.FieldErrors(s.SaveFile(ctx, w.a(w.formA), &store.File{Nom: "x", SHA256: "zz"}, "k")); f["fichier"] == "" {
			t.Errorf("bad metadata = %v", f)
		}
		if err := s.SaveFile(ctx, w.a(w.formA), &store.File{Nom: "x", SHA256: strings.Repeat("0", 64)}, "k"); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveFile(ctx, w.a(w.formA), &store.File{Nom: "x", SHA256: strings.Repeat("0", 64)}, "k"); !errors.Is(err, apperr.Conflict) {
			t.Errorf("same storage key twice = %v", err)
		}

		// Before it is attached, only its uploader (and an admin) reads it.
		if _, _, err := s.FileByID(ctx, w.a(w.formA), copie.ID); err != nil {
			t.Errorf("uploader = %v", err)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.candUser), copie.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("candidate before attachment = %v", err)
		}

		day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		// Someone else's file, an unknown one: refused, and nothing is written.
		if f := apperr.FieldErrors(s.AddEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, w.fc, "C1.1", day), []int64{copie.ID, autre.ID})); f["preuves"] == "" {
			t.Errorf("someone else's file = %v", f)
		}
		e := lvAcquired(w.ref, w.fc, "C1.1", day)
		if err := s.AddEvaluation(ctx, w.a(w.formA), e, []int64{copie.ID, grille.ID, copie.ID}); err != nil {
			t.Fatal(err)
		}
		if f := apperr.FieldErrors(s.AddEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, w.fc, "C1.2", day), []int64{grille.ID})); f["preuves"] != "Pièce justificative introuvable ou déjà utilisée." {
			t.Errorf("file attached twice = %v", f)
		}

		files, err := s.EvaluationFiles(ctx, w.a(w.candUser), e.ID)
		if err != nil || len(files) != 2 || files[0].ID != copie.ID || files[1].SHA256 != grille.SHA256 {
			t.Fatalf("evaluation files = %+v, %v", files, err)
		}
		if _, err := s.EvaluationFiles(ctx, w.a(w.formB), e.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("evaluation files by another centre = %v", err)
		}
		if _, err := s.EvaluationFiles(ctx, w.a(w.formA), 424242); !errors.Is(err, apperr.NotFound) {
			t.Errorf("files of an unknown evaluation = %v", err)
		}
		// Once attached, whoever reads the livret reads the file.
		got, key, err := s.FileByID(ctx, w.a(w.candUser), grille.ID)
		if err != nil {
			t.Fatal(err)
		}
		r, err := dir.Open(key)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		if string(b) != "%PDF grille" || got.Taille != int64(len(b)) {
			t.Errorf("read back %q (%+v)", b, got)
		}
		for _, u := range []*account.User{w.formB, w.jury} {
			if _, _, err := s.FileByID(ctx, w.a(u), grille.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("FileByID by %s = %v", u.Email, err)
			}
		}
		// An unattached file is its uploader's only, until its owner's record takes it.
		if _, _, err := s.FileByID(ctx, w.actor(w.admin), autre.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("admin reads someone's unattached file = %v", err)
		}
		if _, _, err := s.FileByID(ctx, w.actor(w.admin), grille.ID); err != nil {
			t.Errorf("admin reads attached evidence = %v", err)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.formA), 424242); !errors.Is(err, apperr.NotFound) {
			t.Errorf("unknown file = %v", err)
		}
	})
}
