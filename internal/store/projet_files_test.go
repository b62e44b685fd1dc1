package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// TestProjetFiles: the candidate attaches deliverable files to an end-of-bloc project; they are
// readable through the project's inscription only, capped in number, removable before the
// référent's decision and not after.
func TestProjetFiles(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		cand := w.a(w.candUser)
		n := 0
		upload := func(actor account.Actor) int64 {
			t.Helper()
			n++
			f := &store.File{Nom: "livrable.pdf", MIME: "application/pdf", Taille: 10, SHA256: strings.Repeat(fmt.Sprintf("%02x", n), 32), OwnerKind: store.OwnerProjet}
			if err := s.SaveFile(ctx, actor, f, fmt.Sprintf("k-projet-%d", n)); err != nil {
				t.Fatal(err)
			}
			return f.ID
		}
		f1, f2 := upload(cand), upload(cand)
		p := &livret.Projet{InscriptionID: w.fc, Bloc: "BC01", Titre: "Veille", URL: "https://exemple.fr/blog"}
		if err := s.SubmitProjetFiles(ctx, cand, p, []int64{f1, f2, f1}); err != nil {
			t.Fatal(err)
		}
		files, err := s.ProjetFiles(ctx, w.a(w.formA), w.fc)
		if err != nil || len(files[p.ID]) != 2 {
			t.Fatalf("projet files = %v, %v", files, err)
		}
		// Read through the owner's rule: the centre's staff and the candidate, not another centre.
		if _, _, err := s.FileByID(ctx, w.a(w.formA), f1); err != nil {
			t.Errorf("formateur reads a deliverable: %v", err)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.formB), f1); !errors.Is(err, apperr.NotFound) {
			t.Errorf("another centre reads a deliverable: %v", err)
		}
		if _, err := s.ProjetFiles(ctx, w.a(w.formB), w.fc); !errors.Is(err, apperr.NotFound) {
			t.Errorf("another centre lists the deliverables: %v", err)
		}
		// Someone else's pending file, or one already attached, cannot be claimed.
		foreign := upload(w.a(w.formB))
		if f := apperr.FieldErrors(s.SubmitProjetFiles(ctx, cand, p, []int64{foreign})); f["fichiers"] == "" {
			t.Errorf("another user's file claimed: %v", f)
		}
		if f := apperr.FieldErrors(s.SubmitProjetFiles(ctx, cand, p, []int64{f1})); f["fichiers"] == "" {
			t.Errorf("an attached file claimed again: %v", f)
		}
		// Caps: per submission and per project.
		var many []int64
		for range store.MaxProjetFilesPerSubmission + 1 {
			many = append(many, upload(cand))
		}
		if f := apperr.FieldErrors(s.SubmitProjetFiles(ctx, cand, p, many)); f["fichiers"] == "" {
			t.Errorf("%d files in one submission accepted", len(many))
		}
		for i := 0; i < store.MaxProjetFiles-2; i++ {
			if err := s.SubmitProjetFiles(ctx, cand, p, []int64{upload(cand)}); err != nil {
				t.Fatalf("file %d: %v", i+3, err)
			}
		}
		if f := apperr.FieldErrors(s.SubmitProjetFiles(ctx, cand, p, []int64{upload(cand)})); f["fichiers"] == "" {
			t.Errorf("file %d accepted", store.MaxProjetFiles+1)
		}
		// « Retirer »: the jury and another centre may not; the centre's staff (the outside
		// attack: the référent by direct POST) nor the admin either; the candidate may, once.
		for name, u := range map[string]*account.User{"referent": w.refA, "formateur": w.formA, "admin": w.admin} {
			if _, err := s.RemoveProjetFile(ctx, w.a(u), w.fc, "BC01", f1); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("removal by the %s = %v", name, err)
			}
		}
		if _, err := s.RemoveProjetFile(ctx, w.a(w.formB), w.fc, "BC01", f1); !errors.Is(err, apperr.NotFound) {
			t.Errorf("removal by another centre = %v", err)
		}
		if _, err := s.RemoveProjetFile(ctx, cand, w.fc, "BC02", f1); !errors.Is(err, apperr.NotFound) {
			t.Errorf("removal through another bloc = %v", err)
		}
		if key, err := s.RemoveProjetFile(ctx, cand, w.fc, "BC01", f1); err != nil || key == "" {
			t.Fatalf("removal = %q, %v", key, err)
		}
		if _, _, err := s.FileByID(ctx, cand, f1); !errors.Is(err, apperr.NotFound) {
			t.Errorf("removed file readable by its uploader: %v", err)
		}
		if _, err := s.RemoveProjetFile(ctx, cand, w.fc, "BC01", f1); !errors.Is(err, apperr.NotFound) {
			t.Errorf("second removal = %v", err)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.formA), f1); !errors.Is(err, apperr.NotFound) {
			t.Errorf("removed file still readable: %v", err)
		}
		// After the référent's decision, the files stand.
		if err := s.DecideProjet(ctx, w.actor(w.refA), w.fc, "BC01", livret.Valide, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RemoveProjetFile(ctx, cand, w.fc, "BC01", f2); apperr.FieldErrors(err)["fichiers"] == "" {
			t.Errorf("removal after the decision: %v", err)
		}
	})
}
