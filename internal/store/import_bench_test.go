package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// BenchmarkImport100k imports CERTIF_BENCH_ROWS rows (default 100,000) into a fresh SQLite
// database. "raw_insert" is the reference: the same candidates and inscriptions inserted with
// plain multi-row INSERTs in one transaction (no checks, no accounts, no audit). "import"
// runs ImportCandidats. Each reports rows/s and MB-heap-peak, the peak growth of the heap
// during the run (the generated rows are allocated before it starts). "import" also reports
// ratio-to-raw (target ≤ 3): each of its iterations first times a raw insert of the same
// rows into another fresh database, outside the benchmark timer, so that the ratio compares
// runs made side by side on a shared, noisy machine; cpu-ratio-to-raw is the same ratio in
// process CPU time, steadier when other processes compete for the CPU.
func BenchmarkImport100k(b *testing.B) {
	n := 100_000
	if v := os.Getenv("CERTIF_BENCH_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("CERTIF_BENCH_ROWS=%q: want a positive integer", v)
		}
	}
	raw := func(s *store.Store, e candBenchEnv, rows []candidat.ImportRow) {
		if err := candRawInsert(context.Background(), s, e, rows); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("raw_insert", func(b *testing.B) {
		candBench(b, n, nil, raw)
	})
	b.Run("import", func(b *testing.B) {
		var paired, pairedCPU time.Duration
		var importCPU time.Duration
		d := candBench(b, n, func() {
			s, e := candBenchStore(b)
			rows := candRows(0, n, "BENCH-2026")
			start, cpu := time.Now(), candCPU()
			raw(s, e, rows)
			paired += time.Since(start)
			pairedCPU += candCPU() - cpu
		}, func(s *store.Store, e candBenchEnv, rows []candidat.ImportRow) {
			cpu := candCPU()
			res, err := s.ImportCandidats(context.Background(), account.System, e.cert.ID, e.centre, rows)
			importCPU += candCPU() - cpu
			if err != nil {
				b.Fatal(err)
			}
			// Links beyond MaxActivationsShown are counted, not returned (PendingActivations).
			if res.Created != n || res.NewCandidats != n || len(res.Activations)+res.ActivationsOmitted != n {
				b.Fatalf("created %d, activations %d+%d; want %d", res.Created, len(res.Activations), res.ActivationsOmitted, n)
			}
		})
		b.ReportMetric(float64(d)/float64(paired/time.Duration(b.N)), "ratio-to-raw")
		b.ReportMetric(float64(importCPU)/float64(pairedCPU), "cpu-ratio-to-raw")
	})
}

// candCPU is the CPU time (user and system) the process has used so far: on a loaded
// machine it varies far less than the wall-clock time.
func candCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type candBenchEnv struct {
	cert   store.CertificationInfo
	ref    *referentiel.Referentiel
	centre int64
}

// candBench runs fn b.N times, each on a fresh store and freshly generated rows (outside the
// timer, like before, when not nil), reports rows/s, MB-heap-peak and MB-heap-live (see
// candHeapWatch), and returns the mean duration of one run.
func candBench(b *testing.B, n int, before func(), fn func(*store.Store, candBenchEnv, []candidat.ImportRow)) time.Duration {
	var total time.Duration
	var peak, live uint64
	b.StopTimer()
	for range b.N {
		if before != nil {
			before()
		}
		s, e := candBenchStore(b)
		rows := candRows(0, n, "BENCH-2026")
		runtime.GC()
		stop := candHeapWatch()
		start := time.Now()
		b.StartTimer()
		fn(s, e, rows)
		b.StopTimer()
		total += time.Since(start)
		h, l := stop()
		peak, live = max(peak, h), max(live, l)
		runtime.KeepAlive(rows)
	}
	mean := total / time.Duration(b.N)
	b.ReportMetric(float64(n)/mean.Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
	b.ReportMetric(float64(live)/(1<<20), "MB-heap-live")
	return mean
}

// candHeapWatch samples the heap every millisecond; the returned function stops it and
// returns the highest growth over the start of the heap (live and garbage not yet collected)
// and of the live heap measured by the garbage collector.
func candHeapWatch() func() (heap, live uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	read := func() (uint64, uint64) {
		metrics.Read(sample)
		return sample[0].Value.Uint64(), sample[1].Value.Uint64()
	}
	baseHeap, baseLive := read()
	maxHeap, maxLive := baseHeap, baseLive
	observe := func() {
		h, l := read()
		maxHeap, maxLive = max(maxHeap, h), max(maxLive, l)
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				observe()
			}
		}
	}()
	return func() (uint64, uint64) {
		close(done)
		<-finished
		observe()
		return maxHeap - baseHeap, maxLive - baseLive
	}
}

func candBenchStore(b *testing.B) (*store.Store, candBenchEnv) {
	b.Helper()
	s := storetest.Open(b)
	certif := &account.Organisme{Nom: "Certificateur", SIRET: newSIRET(), Certificateur: true}
	centre := &account.Organisme{Nom: "Centre", SIRET: newSIRET(), HabilitationFormation: true}
	for _, o := range []*account.Organisme{certif, centre} {
		if err := s.CreateOrganisme(ctx, account.System, o); err != nil {
			b.Fatal(err)
		}
	}
	ref, err := referentiel.CommunityManager()
	if err != nil {
		b.Fatal(err)
	}
	cert, err := s.ImportReferentiel(ctx, account.System, ref)
	if err != nil {
		b.Fatal(err)
	}
	return s, candBenchEnv{cert: cert, ref: ref, centre: centre.ID}
}

// candRawInsert is the reference: the rows' candidates and inscriptions inserted as they come
// (valid by construction, all new), in multi-row INSERTs of 500 rows, in one transaction.
func candRawInsert(ctx context.Context, s *store.Store, e candBenchEnv, rows []candidat.ImportRow) error {
	const batch = 500
	const candCols = `INSERT INTO candidats (nom_naissance, nom_usage, prenoms, sexe, date_naissance, commune_naissance_code,
		commune_naissance, pays_naissance, email, telephone, adresse, identity_key, search_key, user_id, created_at, updated_at) VALUES `
	const insCols = `INSERT INTO inscriptions (candidat_id, certification_id, version_id, centre_id, voie, type_vae,
		promotion, date_inscription, blocs_vises, statut, created_at, updated_at) VALUES `
	values := func(rows, arity int) string {
		one := "(" + strings.Repeat("?, ", arity-1) + "?)"
		return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
	}
	var blocs []string
	for _, bl := range e.ref.Blocs {
		blocs = append(blocs, bl.Code)
	}
	blocsJSON, _ := json.Marshal(blocs)
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")

	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts := map[string]*sql.Stmt{}
	prepare := func(q string) (*sql.Stmt, error) {
		if st, ok := stmts[q]; ok {
			return st, nil
		}
		st, err := tx.PrepareContext(ctx, q)
		stmts[q] = st
		return st, err
	}
	ids := make(map[string]int64, batch)
	args := make([]any, 0, batch*16)
	for lo := 0; lo < len(rows); lo += batch {
		chunk := rows[lo:min(lo+batch, len(rows))]
		args = args[:0]
		for i := range chunk {
			c := &chunk[i].Candidat
			id := c.Identity()
			prenoms, _ := json.Marshal(c.Prenoms)
			adresse, _ := json.Marshal(c.Adresse)
			args = append(args, c.NomNaissance, c.NomUsage, string(prenoms), string(c.Sexe), c.DateNaissance.Format(time.DateOnly),
				c.CommuneNaissanceCode, c.CommuneNaissance, c.PaysNaissance, c.Email, c.Telephone, string(adresse),
				id.NomNaissance+"|"+id.Prenom+"|"+id.Naissance,
				candidat.Fold(c.NomNaissance+" "+strings.Join(c.Prenoms, " ")+" "+c.Email), nil, now, now)
		}
		st, err := prepare(candCols + values(len(chunk), 16) + ` RETURNING id, identity_key`)
		if err != nil {
			return err
		}
		rs, err := st.QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		clear(ids)
		for rs.Next() {
			var id int64
			var key string
			if err := rs.Scan(&id, &key); err != nil {
				rs.Close()
				return err
			}
			ids[key] = id
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
		args = args[:0]
		for i := range chunk {
			c, in := &chunk[i].Candidat, &chunk[i].Inscription
			id := c.Identity()
			args = append(args, ids[id.NomNaissance+"|"+id.Prenom+"|"+id.Naissance], e.cert.ID, e.cert.VersionID, e.centre,
				string(in.Voie), "", in.Promotion, in.Date.Format(time.DateOnly), string(blocsJSON), string(candidat.EnFormation), now, now)
		}
		st, err = prepare(insCols + values(len(chunk), 12))
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	for _, st := range stmts {
		st.Close()
	}
	return tx.Commit()
}
