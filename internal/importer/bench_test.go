package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"
)

var (
	benchNoms = []string{"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
		"Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
		"Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Müller", "Lefebvre", "Faure", "André",
		"Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia"}
	benchPrenoms = []struct{ prenom, sexe string }{{"Léa", "F"}, {"Hugo", "M"}, {"Chloé", "F"}, {"Louis", "M"}, {"Inès", "F"},
		{"Gabriel", "M"}, {"Manon", "F"}, {"Raphaël", "M"}, {"Camille", "F"}, {"Jules", "M"}, {"Zoé", "F"}, {"Noé", "M"},
		{"Hélène", "F"}, {"Théo", "M"}, {"Anaïs", "F"}, {"Jérôme", "M"}, {"Élodie", "F"}, {"Mathéo", "M"}, {"Maëlys", "F"},
		{"François", "M"}, {"Océane", "F"}, {"Benoît", "M"}, {"Clémence", "F"}, {"Loïc", "M"}, {"Amélie", "F"}}
	benchCommunes = []struct{ code, nom string }{{"75056", "Paris"}, {"69123", "Lyon"}, {"13055", "Marseille"},
		{"31555", "Toulouse"}, {"33063", "Bordeaux"}, {"59350", "Lille"}, {"2A004", "Ajaccio"}, {"01053", "Bourg-en-Bresse"}}
	benchVoies = []string{"formation continue", "contrat pro", "apprentissage", "VAE;VAE classique", "VAE;congé VAE"}
)

// genCSV produces, without holding them, a header and n deterministic, valid, distinct
// candidate lines as French Excel writes them (BOM, ';', CRLF).
type genCSV struct {
	i, n int
	buf  []byte
	off  int
}

func (g *genCSV) Read(p []byte) (int, error) {
	for g.off >= len(g.buf) {
		if g.i > g.n {
			return 0, io.EOF
		}
		g.buf, g.off = g.buf[:0], 0
		if g.i == 0 {
			g.buf = append(g.buf, "\uFEFFNom de naissance;Prénoms;Sexe;Date de naissance;Code commune de naissance;Commune de naissance;E-mail;Téléphone;Adresse;Code postal;Ville;Voie d'accès;Type de VAE;Promotion;Blocs visés\r\n"...)
		} else {
			i := g.i
			// nom × prénom × day is unique for every i below 40 × 25 × 1000.
			p := benchPrenoms[(i/len(benchNoms))%len(benchPrenoms)]
			c := benchCommunes[i%len(benchCommunes)]
			voie := benchVoies[i%len(benchVoies)]
			if len(voie) < 4 || voie[:4] != "VAE;" {
				voie += ";"
			}
			day := i / (len(benchNoms) * len(benchPrenoms))
			g.buf = fmt.Appendf(g.buf, "%s;%s, Marie;%s;%02d/%02d/%d;%s;%s;candidat%06d@example.fr;06 %02d %02d %02d %02d;%d rue de la République;750%02d;Paris;%s;CM-%d;%s\r\n",
				benchNoms[i%len(benchNoms)], p.prenom, p.sexe, day%28+1, day/28%12+1, 1970+day/336, c.code, c.nom, i,
				i%100, i/100%100, i/10000%100, i%97, i%200+1, i%20+1, voie, 2026+i%2, []string{"tous", "BC01, BC02", "BC03"}[i%3])
		}
		g.i++
	}
	n := copy(p, g.buf[g.off:])
	g.off += n
	return n, nil
}

func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// BenchmarkReadCSV100k streams 100,000 generated lines through Reader.Next. It reports
// rows/s, its time relative to encoding/csv alone over the same input (measured in the
// same iterations: absolute times on a shared machine are noise), and the live heap after
// 10,000 rows and at the end: flat but for the duplicate index (about 40 bytes per row).
func BenchmarkReadCSV100k(b *testing.B) {
	const n = 100_000
	ref := cmRef(b)
	var heap10k, heapEnd float64
	var reference time.Duration
	for b.Loop() {
		r, err := NewReader(context.Background(), &genCSV{n: n}, "candidats.csv", ref, testNow)
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatalf("row %d: %v", rows+2, err)
			}
			if rows++; rows == 10_000 {
				b.StopTimer()
				heap10k = heapMB()
				b.StartTimer()
			}
		}
		b.StopTimer()
		heapEnd = heapMB()
		runtime.KeepAlive(r)
		b.StartTimer()
		if rows != n {
			b.Fatalf("%d rows, want %d", rows, n)
		}
		r.Close()

		// The reference, in the same iteration: encoding/csv alone over the same input.
		b.StopTimer()
		start := time.Now()
		cr := csv.NewReader(&genCSV{n: n})
		cr.Comma, cr.ReuseRecord = ';', true
		for {
			if _, err := cr.Read(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		reference += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(b.Elapsed().Seconds()/reference.Seconds(), "x-csv-alone")
	b.ReportMetric(heap10k, "heap10k-MB")
	b.ReportMetric(heapEnd, "heap-MB")
}
