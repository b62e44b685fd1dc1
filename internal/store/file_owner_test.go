package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// fileSeq makes distinct digests and storage keys for metadata-only files.
var fileSeq atomic.Int64

func fakeFile(name string) (*store.File, string) {
	n := fileSeq.Add(1)
	return &store.File{Nom: name, MIME: "application/pdf", Taille: 10, SHA256: strings.Repeat("0", 64)}, fmt.Sprintf("k-%d-%s", n, name)
}

func TestFileOwners(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		admin := w.actor(w.admin)
		cand2 := mustUser(t, s, admin, "cand2@example.org", account.RoleCandidat, 0)
		fc2 := lvFixtureInscription(t, s, lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID,
			voie: candidat.FormationContinue, promotion: "CM-2026-A", user: cand2.ID, nom: "Petit", prenom: "Jules"})
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

		// Evidence of Élodie's livret: readable by her and her centre, by no other candidate
		// of the same centre, by no staff of another centre.
		ev, key := fakeFile("copie.pdf")
		if err := s.SaveFile(ctx, w.a(w.formA), ev, key); err != nil {
			t.Fatal(err)
		}
		if ev.OwnerKind != store.OwnerEvaluation || ev.OwnerID != 0 || ev.Attached {
			t.Errorf("saved evidence = %+v", ev)
		}
		e := lvAcquired(w.ref, w.fc, "C1.1", day)
		if err := s.AddEvaluation(ctx, w.a(w.formA), e, []int64{ev.ID}); err != nil {
			t.Fatal(err)
		}
		got, _, err := s.FileByID(ctx, w.a(w.candUser), ev.ID)
		if err != nil || got.OwnerKind != store.OwnerEvaluation || got.OwnerID != e.ID || !got.Attached {
			t.Fatalf("owner's candidate reads %+v, %v", got, err)
		}
		for name, a := range map[string]account.Actor{"another candidate": w.a(cand2), "another centre's staff": w.a(w.formB), "a jury member": w.a(w.jury)} {
			if _, _, err := s.FileByID(ctx, a, ev.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s reads the evidence: %v", name, err)
			}
		}
		if _, err := s.InscriptionFiles(ctx, w.a(cand2), w.fc); !errors.Is(err, apperr.NotFound) {
			t.Errorf("another candidate lists the evidence: %v", err)
		}
		if files, err := s.InscriptionFiles(ctx, w.a(w.formA), w.fc); err != nil || len(files[e.ID]) != 1 || files[e.ID][0].ID != ev.ID {
			t.Errorf("inscription files = %+v, %v", files, err)
		}
		if files, err := s.InscriptionFiles(ctx, w.a(cand2), fc2); err != nil || len(files) != 0 {
			t.Errorf("the other candidate's own files = %+v, %v", files, err)
		}

		// A file whose owner kind the store does not know is never readable, not even by an admin.
		q := `UPDATE files SET owner_kind = ? WHERE id = ?`
		if s.Dialect() == store.DialectPostgres {
			q = store.Rebind(q)
		}
		if _, err := s.DB().ExecContext(ctx, q, "mystere", ev.ID); err != nil {
			t.Fatal(err)
		}
		for name, a := range map[string]account.Actor{"admin": admin, "uploader": w.a(w.formA), "candidate": w.a(w.candUser)} {
			if _, _, err := s.FileByID(ctx, a, ev.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s reads a file of an unknown owner kind: %v", name, err)
			}
		}

		// Stamps are bound to the link they were uploaded through.
		d := func(m, day int) time.Time { return time.Date(2026, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
		newStage := func(ins int64) *store.Stage {
			st := &store.Stage{InscriptionID: ins, Entreprise: "Agence", TuteurNom: "Claire Bernard", TuteurEmail: "claire@agence.example", Debut: d(4, 1), Fin: d(6, 30)}
			if err := s.CreateStage(ctx, w.a(w.formA), st); err != nil {
				t.Fatal(err)
			}
			return st
		}
		stA, stB := newStage(w.fc), newStage(fc2)
		linkA, err := s.StageLink(ctx, w.a(w.formA), w.fc, stA.ID)
		if err != nil {
			t.Fatal(err)
		}
		linkB, err := s.StageLink(ctx, w.a(w.formA), fc2, stB.ID)
		if err != nil {
			t.Fatal(err)
		}
		stamp := func(token string) *store.File {
			t.Helper()
			f, key := fakeFile("cachet.png")
			if err := s.SaveStageFile(ctx, token, f, key); err != nil {
				t.Fatal(err)
			}
			return f
		}
		viaA := stamp(linkA)
		if viaA.OwnerKind != store.OwnerStage || viaA.OwnerID != stA.ID || viaA.UploadedBy != 0 || viaA.Attached {
			t.Errorf("stamp through link A = %+v", viaA)
		}
		fiche := store.FicheStage{Appreciations: map[string]store.Appreciation{"C1.1": {Niveau: "satisfaisant"}}, Signataire: "Claire Bernard"}
		if f := apperr.FieldErrors(s.SubmitFiche(ctx, linkB, fiche, viaA.ID)); f["cachet"] == "" {
			t.Errorf("link B claims the stamp of link A: %v", f)
		}
		// Nor through a new link of the same stage: the first link is dead, its uploads with it.
		linkA2, err := s.StageLink(ctx, w.a(w.formA), w.fc, stA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if f := apperr.FieldErrors(s.SubmitFiche(ctx, linkA2, fiche, viaA.ID)); f["cachet"] == "" {
			t.Errorf("a new link of the same stage claims the old link's stamp: %v", f)
		}
		if err := s.SaveStageFile(ctx, linkA, &store.File{Nom: "x.png", MIME: "image/png", SHA256: strings.Repeat("1", 64)}, "k-dead"); !errors.Is(err, apperr.NotFound) {
			t.Errorf("upload through a replaced link = %v", err)
		}
		// An unattached stamp is nobody's to read (the tutor has no account).
		if _, _, err := s.FileByID(ctx, w.a(w.formA), viaA.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("staff reads an unattached stamp: %v", err)
		}
		viaB := stamp(linkB)
		if err := s.SubmitFiche(ctx, linkB, fiche, viaB.ID); err != nil {
			t.Fatal(err)
		}
		// Attached, the stamp is read by whoever reads its stage: Jules and his centre, not Élodie.
		if _, _, err := s.FileByID(ctx, w.a(cand2), viaB.ID); err != nil {
			t.Errorf("the stage's candidate reads the stamp: %v", err)
		}
		for name, a := range map[string]account.Actor{"another candidate": w.a(w.candUser), "another centre": w.a(w.formB)} {
			if _, _, err := s.FileByID(ctx, a, viaB.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s reads the stamp: %v", name, err)
			}
		}
		// An evidence upload cannot become a stamp, nor a stamp evidence.
		ev2, key2 := fakeFile("preuve.pdf")
		if err := s.SaveFile(ctx, w.a(w.formA), ev2, key2); err != nil {
			t.Fatal(err)
		}
		if f := apperr.FieldErrors(s.SubmitFiche(ctx, linkA2, fiche, ev2.ID)); f["cachet"] == "" {
			t.Errorf("evidence claimed as a stamp: %v", f)
		}
		viaA2 := stamp(linkA2)
		if f := apperr.FieldErrors(s.AddEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, w.fc, "C1.2", day), []int64{viaA2.ID})); f["preuves"] == "" {
			t.Errorf("stamp claimed as evidence: %v", f)
		}
		if err := s.SaveFile(ctx, account.Actor{}, &store.File{Nom: "x", SHA256: strings.Repeat("2", 64)}, "k-anon"); apperr.FieldErrors(err)["fichier"] == "" {
			t.Errorf("an anonymous SaveFile = %v", err)
		}
		// The fiche filled again through a new link, with a new stamp: the old stamp belongs to
		// nothing any more — unreadable, and left to the sweeper.
		linkB2, err := s.StageLink(ctx, w.a(w.formA), fc2, stB.ID)
		if err != nil {
			t.Fatal(err)
		}
		viaB2 := stamp(linkB2)
		if err := s.SubmitFiche(ctx, linkB2, fiche, viaB2.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.formA), viaB.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("the replaced stamp is still readable: %v", err)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.formA), viaB2.ID); err != nil {
			t.Errorf("the new stamp: %v", err)
		}
	})
}

func TestSweepFiles(t *testing.T) {
	var clock atomic.Int64
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	storetest.EachWith(t, store.Options{Now: now}, func(t *testing.T, s *store.Store) {
		t0 := lvNow()
		clock.Store(t0.UnixNano())
		w := lvFixtureWorld(t, s)
		dir, err := blob.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		keys := map[int64]string{}
		upload := func(name string) *store.File {
			t.Helper()
			key, size, sum, err := dir.Put(ctx, strings.NewReader(name), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			f := &store.File{Nom: name, MIME: "application/pdf", Taille: size, SHA256: sum}
			if err := s.SaveFile(ctx, w.a(w.formA), f, key); err != nil {
				t.Fatal(err)
			}
			keys[f.ID] = key
			return f
		}
		old := upload("orpheline.pdf")
		attached := upload("preuve.pdf")
		if err := s.AddEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, w.fc, "C1.1", t0), []int64{attached.ID}); err != nil {
			t.Fatal(err)
		}
		clock.Store(t0.Add(23 * time.Hour).UnixNano())
		young := upload("recente.pdf")

		clock.Store(t0.Add(store.UnattachedFileTTL + time.Second).UnixNano())
		n, err := s.SweepFiles(ctx, store.UnattachedFileTTL, dir.Delete)
		if err != nil || n != 1 {
			t.Fatalf("sweep = %d, %v; want 1", n, err)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.formA), old.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("swept file still recorded: %v", err)
		}
		if _, err := dir.Open(keys[old.ID]); !errors.Is(err, apperr.NotFound) {
			t.Errorf("swept file's bytes still stored: %v", err)
		}
		for _, f := range []*store.File{attached, young} {
			if _, _, err := s.FileByID(ctx, w.a(w.formA), f.ID); err != nil {
				t.Errorf("%s swept: %v", f.Nom, err)
			}
			r, err := dir.Open(keys[f.ID])
			if err != nil {
				t.Errorf("%s bytes gone: %v", f.Nom, err)
			} else {
				r.Close()
			}
		}
		var audited int
		q := `SELECT COUNT(*) FROM audit_log WHERE action = ? AND entity = ? AND entity_id = ?`
		if s.Dialect() == store.DialectPostgres {
			q = store.Rebind(q)
		}
		if err := s.DB().QueryRowContext(ctx, q, "file.sweep", "file", old.ID).Scan(&audited); err != nil || audited != 1 {
			t.Errorf("sweep audit rows = %d, %v", audited, err)
		}
		// Nothing more to collect; a blob that cannot be deleted is reported, its row still goes.
		if n, err := s.SweepFiles(ctx, store.UnattachedFileTTL, dir.Delete); err != nil || n != 0 {
			t.Errorf("second sweep = %d, %v", n, err)
		}
		clock.Store(t0.Add(48 * time.Hour).UnixNano())
		n, err = s.SweepFiles(ctx, store.UnattachedFileTTL, func(string) error { return errors.New("disque indisponible") })
		if n != 1 || err == nil {
			t.Errorf("sweep with a failing blob store = %d, %v", n, err)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.formA), attached.ID); err != nil {
			t.Errorf("attached evidence swept after 48 h: %v", err)
		}
	})
}

func TestDiscardFile(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		f, key := fakeFile("refus.pdf")
		if err := s.SaveFile(ctx, w.a(w.formA), f, key); err != nil {
			t.Fatal(err)
		}
		if k, err := s.DiscardFile(ctx, w.a(w.formB), f.ID); err != nil || k != "" {
			t.Errorf("someone else discards the file: %q, %v", k, err)
		}
		if k, err := s.DiscardFile(ctx, w.a(w.formA), f.ID); err != nil || k != key {
			t.Errorf("discard = %q, %v", k, err)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.formA), f.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("discarded file still there: %v", err)
		}
	})
}

// Migration 00006 gives the files recorded before it their owner and state.
func TestFileOwnersBackfill(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		ev, key := fakeFile("preuve.pdf")
		if err := s.SaveFile(ctx, w.a(w.formA), ev, key); err != nil {
			t.Fatal(err)
		}
		e := lvAcquired(w.ref, w.fc, "C1.1", day)
		if err := s.AddEvaluation(ctx, w.a(w.formA), e, []int64{ev.ID}); err != nil {
			t.Fatal(err)
		}
		loose, key := fakeFile("orpheline.pdf")
		if err := s.SaveFile(ctx, w.a(w.formA), loose, key); err != nil {
			t.Fatal(err)
		}
		st := &store.Stage{InscriptionID: w.fc, Entreprise: "Agence", TuteurNom: "Claire Bernard", TuteurEmail: "claire@agence.example", Debut: day, Fin: day.AddDate(0, 2, 0)}
		if err := s.CreateStage(ctx, w.a(w.formA), st); err != nil {
			t.Fatal(err)
		}
		link, err := s.StageLink(ctx, w.a(w.formA), w.fc, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		stamp, key := fakeFile("cachet.png")
		if err := s.SaveStageFile(ctx, link, stamp, key); err != nil {
			t.Fatal(err)
		}
		tutorLoose, key := fakeFile("brouillon.png")
		if err := s.SaveStageFile(ctx, link, tutorLoose, key); err != nil {
			t.Fatal(err)
		}
		fiche := store.FicheStage{Appreciations: map[string]store.Appreciation{"C1.1": {Niveau: "satisfaisant"}}, Signataire: "Claire Bernard"}
		if err := s.SubmitFiche(ctx, link, fiche, stamp.ID); err != nil {
			t.Fatal(err)
		}
		// Back to the files table as it was, the uses of files kept; then forward again.
		if err := store.ApplyMigration(ctx, s, 6, false); err != nil {
			t.Fatal(err)
		}
		if err := store.ApplyMigration(ctx, s, 6, true); err != nil {
			t.Fatal(err)
		}
		q := `SELECT owner_kind, COALESCE(owner_id, 0), attached, COALESCE(link_hash, '') FROM files WHERE id = ?`
		if s.Dialect() == store.DialectPostgres {
			q = store.Rebind(q)
		}
		for _, c := range []struct {
			f        *store.File
			kind     string
			owner    int64
			attached bool
		}{
			{ev, store.OwnerEvaluation, e.ID, true},
			{stamp, store.OwnerStage, st.ID, true},
			{loose, store.OwnerEvaluation, 0, false},
			{tutorLoose, store.OwnerStage, 0, false},
		} {
			var kind, hash string
			var owner int64
			var attached bool
			if err := s.DB().QueryRowContext(ctx, q, c.f.ID).Scan(&kind, &owner, &attached, &hash); err != nil {
				t.Fatal(err)
			}
			if kind != c.kind || owner != c.owner || attached != c.attached || hash != "" {
				t.Errorf("%s backfilled as (%s, %d, %v, %q), want (%s, %d, %v)", c.f.Nom, kind, owner, attached, hash, c.kind, c.owner, c.attached)
			}
		}
		if _, _, err := s.FileByID(ctx, w.a(w.candUser), ev.ID); err != nil {
			t.Errorf("backfilled evidence read by the candidate: %v", err)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.candUser), stamp.ID); err != nil {
			t.Errorf("backfilled stamp read by the candidate: %v", err)
		}
	})
}

// CheckEvaluation and CheckFiche validate a form before its files are stored, writing nothing.
func TestCheckBeforeStoring(t *testing.T) {
	storetest.EachWith(t, store.Options{Now: lvNow}, func(t *testing.T, s *store.Store) {
		w := lvFixtureWorld(t, s)
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		bad := lvAcquired(w.ref, w.fc, "C1.1", day)
		bad.Criteres["C1.1.1"] = "peut-etre"
		if err := s.CheckEvaluation(ctx, w.a(w.formA), bad); apperr.FieldErrors(err) == nil {
			t.Errorf("invalid evaluation checked = %v", err)
		}
		if err := s.CheckEvaluation(ctx, w.a(w.formB), lvAcquired(w.ref, w.fc, "C1.1", day)); !errors.Is(err, apperr.NotFound) {
			t.Errorf("evaluation of another centre checked = %v", err)
		}
		if err := s.CheckEvaluation(ctx, w.a(w.formA), lvAcquired(w.ref, w.fc, "C1.1", day)); err != nil {
			t.Errorf("valid evaluation checked = %v", err)
		}
		if evals, err := s.Evaluations(ctx, w.a(w.formA), w.fc); err != nil || len(evals) != 0 {
			t.Errorf("checking wrote %d evaluations, %v", len(evals), err)
		}

		st := &store.Stage{InscriptionID: w.fc, Entreprise: "Agence", TuteurNom: "Claire Bernard", TuteurEmail: "claire@agence.example", Debut: day, Fin: day.AddDate(0, 2, 0)}
		if err := s.CreateStage(ctx, w.a(w.formA), st); err != nil {
			t.Fatal(err)
		}
		link, err := s.StageLink(ctx, w.a(w.formA), w.fc, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if f := apperr.FieldErrors(s.CheckFiche(ctx, link, &store.FicheStage{})); f["signataire"] == "" || f["appreciations"] == "" {
			t.Errorf("empty fiche checked = %v", f)
		}
		fiche := store.FicheStage{Appreciations: map[string]store.Appreciation{"C1.1": {Niveau: "satisfaisant"}}, Signataire: " Claire   Bernard "}
		if err := s.CheckFiche(ctx, link, &fiche); err != nil || fiche.Signataire != "Claire Bernard" {
			t.Errorf("valid fiche checked = %v (%q)", err, fiche.Signataire)
		}
		if err := s.CheckFiche(ctx, "inconnu", &fiche); !errors.Is(err, apperr.NotFound) {
			t.Errorf("fiche through an unknown link checked = %v", err)
		}
		if _, err := s.StageByToken(ctx, link); err != nil {
			t.Errorf("checking consumed the link: %v", err)
		}
	})
}
