package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/importer"
	"github.com/certif/certif/internal/store"
)

// BenchmarkImportWriteLock100k imports a CSV, then an XLSX, of CERTIF_BENCH_ROWS rows (default 100,000)
// into a fresh SQLite database as the server does (importer.Reader feeding
// ImportCandidatsStream) while a probe makes a small write (an audited login) every 20 ms.
// max-write-wait-ms is the longest a probe write waited: how long the import held the
// database's single writer at a stretch (the whole import when the file is parsed inside the
// write transaction); import-ms is the import's own duration.
func BenchmarkImportWriteLock100k(b *testing.B) {
	n := 100_000
	if v := os.Getenv("CERTIF_BENCH_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("CERTIF_BENCH_ROWS=%q: want a positive integer", v)
		}
	}
	header := []string{"Nom de naissance", "Prénoms", "Sexe", "Date de naissance", "Code commune de naissance", "Commune de naissance", "E-mail", "Voie d'accès", "Promotion"}
	var records [][]string
	for _, r := range candRows(0, n, "VERROU") {
		c := r.Candidat
		records = append(records, []string{c.NomNaissance, c.Prenoms[0],
			map[candidat.Sexe]string{candidat.Femme: "F", candidat.Homme: "M"}[c.Sexe], c.DateNaissance.Format("02/01/2006"),
			c.CommuneNaissanceCode, c.CommuneNaissance, c.Email, "VAE classique", "VERROU"})
	}
	var csvFile bytes.Buffer
	csvFile.WriteString(strings.Join(header, ";") + "\n")
	for _, r := range records {
		csvFile.WriteString(strings.Join(r, ";") + "\n")
	}
	b.Run("csv", func(b *testing.B) { candLockBench(b, n, "bench.csv", csvFile.Bytes()) })
	xf := excelize.NewFile()
	sw, err := xf.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	for i, r := range append([][]string{header}, records...) {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	xlsx, err := xf.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("xlsx", func(b *testing.B) { candLockBench(b, n, "bench.xlsx", xlsx.Bytes()) })
}

// candLockBench is one file of BenchmarkImportWriteLock100k.
func candLockBench(b *testing.B, n int, name string, file []byte) {
	var maxWait, total time.Duration
	b.StopTimer()
	for range b.N {
		s, e := candBenchStore(b)
		done := make(chan struct{})
		var wg sync.WaitGroup
		var worst time.Duration
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				case <-time.After(20 * time.Millisecond):
				}
				start := time.Now()
				if err := s.AuditLogin(context.Background(), 0, store.LoginUnknownAccount); err != nil {
					b.Error(err)
				}
				worst = max(worst, time.Since(start))
			}
		}()
		start := time.Now()
		b.StartTimer()
		rd, err := importer.NewReader(ctx, bytes.NewReader(file), name, e.ref, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		res, err := s.ImportCandidatsStream(ctx, account.System, e.cert.ID, e.centre, rd.Next)
		b.StopTimer()
		total += time.Since(start)
		rd.Close()
		close(done)
		wg.Wait()
		if err != nil {
			b.Fatalf("import: %.500s", strings.TrimSpace(fmt.Sprint(err)))
		}
		if res.Created != n {
			b.Fatalf("created %d, want %d", res.Created, n)
		}
		maxWait = max(maxWait, worst)
	}
	b.ReportMetric(float64(maxWait.Milliseconds()), "max-write-wait-ms")
	b.ReportMetric(float64((total / time.Duration(b.N)).Milliseconds()), "import-ms")
}
