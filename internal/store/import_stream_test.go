package store_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// streamOf yields rows one by one, as importer.Reader does.
func streamOf(rows []candidat.ImportRow) func() (candidat.ImportRow, error) {
	i := 0
	return func() (candidat.ImportRow, error) {
		if i == len(rows) {
			return candidat.ImportRow{}, io.EOF
		}
		i++
		return rows[i-1], nil
	}
}

func TestImportCandidatsStreamAcrossChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		const n = 4500 // three chunks
		rows := candRows(0, n, "FLUX")
		before := candCount(t, s, "inscriptions")

		// A bad row in the last chunk, and a reader problem in the first: nothing is written.
		bad := append([]candidat.ImportRow(nil), rows...)
		bad[n-10].Candidat.Email = "pas-une-adresse"
		next := streamOf(bad)
		calls := 0
		withReaderError := func() (candidat.ImportRow, error) {
			calls++
			if calls == 3 {
				return candidat.ImportRow{}, &candidat.ImportError{Errors: []candidat.LineError{{Line: 4, Column: "Date de naissance", Message: "date illisible"}}}
			}
			return next()
		}
		_, err := s.ImportCandidatsStream(ctx, w.refA, w.cert.ID, w.centreA.ID, withReaderError)
		errs := candImportErr(t, err)
		if !candHas(errs, 4, "Date de naissance") || !candHas(errs, bad[n-10].Line, "email") {
			t.Fatalf("problems: %+v", errs)
		}
		if got := candCount(t, s, "inscriptions"); got != before {
			t.Fatalf("refused import wrote %d inscriptions", got-before)
		}

		res, err := s.ImportCandidatsStream(ctx, w.refA, w.cert.ID, w.centreA.ID, streamOf(candRows(0, n, "FLUX")))
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != n || res.NewCandidats != n || len(res.Activations) != store.MaxActivationsShown || res.ActivationsOmitted != n-store.MaxActivationsShown {
			t.Fatalf("result: created %d new %d links %d omitted %d", res.Created, res.NewCandidats, len(res.Activations), res.ActivationsOmitted)
		}
		res, err = s.ImportCandidatsStream(ctx, w.refA, w.cert.ID, w.centreA.ID, streamOf(candRows(0, n, "FLUX")))
		if err != nil || res.Existing != n || res.Created != 0 {
			t.Fatalf("re-import: %+v %v", res, err)
		}
		// Every account still to activate gets a fresh link, for the referent of the centre only.
		links, err := s.PendingActivations(ctx, w.refA, w.centreA.ID, "FLUX")
		if err != nil || len(links) != n {
			t.Fatalf("pending activations: %d %v", len(links), err)
		}
		if _, err := s.ActivationUser(ctx, links[0].Token); err != nil {
			t.Errorf("fresh link does not work: %v", err)
		}
		if _, err := s.PendingActivations(ctx, w.refB, w.centreA.ID, "FLUX"); err == nil {
			t.Error("referent of another centre got the links")
		}
	})
}

// TestImportCandidatsStreamReadsOutsideTheWriteLock: the file is read (next) before the
// write transaction opens, so that another write made while a slow file is being parsed
// goes through instead of waiting for the whole import (on SQLite, for the single writer);
// the temporary spool file is removed afterwards, whether the import succeeds or not.
func TestImportCandidatsStreamReadsOutsideTheWriteLock(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		for _, bad := range []bool{false, true} {
			rows := candRows(0, 2500, fmt.Sprintf("VERROU-%v", bad))
			if bad {
				rows[2400].Candidat.Email = "pas-une-adresse"
			}
			next := streamOf(rows)
			read, wrote := 0, false
			slowNext := func() (candidat.ImportRow, error) {
				if read++; read == 2300 { // in the second chunk, after the first was validated
					short, cancel := context.WithTimeout(ctx, 2*time.Second)
					defer cancel()
					if err := s.AuditLogin(short, 0, store.LoginUnknownAccount); err != nil {
						t.Errorf("a write while the import reads its file: %v", err)
					}
					wrote = true
				}
				return next()
			}
			_, err := s.ImportCandidatsStream(ctx, w.refA, w.cert.ID, w.centreA.ID, slowNext)
			if bad {
				if errs := candImportErr(t, err); !candHas(errs, rows[2400].Line, "email") {
					t.Errorf("problems: %+v", errs)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !wrote {
				t.Error("the test did not write while the file was read")
			}
			left, _ := filepath.Glob(filepath.Join(tmp, "certif-import-*"))
			if len(left) > 0 {
				t.Errorf("spool files left behind: %v", left)
			}
		}
	})
}

// TestImportCandidatsStreamRepeatedIdentities: the write transaction works from the spooled
// plan of pass A: a candidate repeated in the file (two promotions) and candidates that
// exist already are matched, not created twice.
func TestImportCandidatsStreamRepeatedIdentities(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		if _, err := s.ImportCandidatsStream(ctx, w.refA, w.cert.ID, w.centreA.ID, streamOf(candRows(0, 10, "P1"))); err != nil {
			t.Fatal(err)
		}
		rows := append(candRows(5, 10, "P2"), candRows(5, 10, "P3")...) // 5 existing, 5 new, each twice
		for i := range rows {
			rows[i].Line = i + 2
		}
		res, err := s.ImportCandidatsStream(ctx, w.refA, w.cert.ID, w.centreA.ID, streamOf(rows))
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 20 || res.NewCandidats != 5 || res.Existing != 0 || len(res.Activations) != 5 {
			t.Fatalf("result: %+v", res)
		}
		if got := candCount(t, s, "candidats"); got != 15 {
			t.Errorf("%d candidates, want 15", got)
		}
	})
}
