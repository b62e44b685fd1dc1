package store_test

import (
	"io"
	"testing"

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
