package inspect

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/inspect/sample"
	"github.com/certif/certif/internal/referentiel"
)

// benchFile is one file of the benchmark's dossier, on disk.
type benchFile struct {
	kind dossier.Kind
	path string
	mime string
}

// benchDossier writes a complete dossier to dir: the dossier technique of 35 pages (about
// 48,750 characters) in format mime (PDF or DOCX), the digital strategy (DOCX) and the
// specification (PDF) with their sections, the support de présentation and the CV (PDF), and
// a 5-minute MP4 video of benchVideoSize bytes.
func benchDossier(b *testing.B, dir, mime string, ref *referentiel.Referentiel) []benchFile {
	b.Helper()
	dt := ref.Livrables.DossierTechnique
	sections := map[int][]string{}
	var plan []string
	for _, it := range dt.Plan {
		plan = append(plan, it.Libelle)
		for _, s := range it.Sections {
			sections[it.Numero] = append(sections[it.Numero], s.Libelle)
		}
	}
	var etapes []string
	for i, e := range ref.Livrables.SupportPresentation.Etapes {
		etapes = append(etapes, fmt.Sprintf("%d. %s", i+1, e.Libelle)) // numbered, as a slide's title
	}
	doc := func(headings []string, pages, chars int, mime string) func(io.Writer) error {
		return func(w io.Writer) error {
			gen := sample.PDF
			if mime == MimeDOCX {
				gen = sample.DOCX
			}
			data, err := gen(headings, pages, chars)
			if err == nil {
				_, err = w.Write(data)
			}
			return err
		}
	}
	files := []struct {
		kind  dossier.Kind
		mime  string
		write func(io.Writer) error
	}{
		{dossier.KindDossierTechnique, mime, doc(plan, 35, 1393, mime)},
		{dossier.KindStrategie, MimeDOCX, doc(sections[6], 12, 1400, MimeDOCX)},
		{dossier.KindCahierDesCharges, MimePDF, doc(sections[7], 8, 1200, MimePDF)},
		{dossier.KindSupportPresentation, MimePDF, doc(etapes, 12, 300, MimePDF)},
		{dossier.KindCV, MimePDF, doc([]string{"Expérience", "Formation"}, 2, 900, MimePDF)},
		{dossier.KindVideo, "video/mp4", func(w io.Writer) error { return sample.MP4(w, 5*time.Minute, benchVideoSize) }},
	}
	var out []benchFile
	for _, f := range files {
		path := filepath.Join(dir, string(f.kind))
		w, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.write(w); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		out = append(out, benchFile{f.kind, path, f.mime})
	}
	return out
}

// benchMeasure measures every file of the dossier from disk with the readers (inspect), as
// each deposit does, and returns the facts of the conformity report.
func benchMeasure(b *testing.B, files []benchFile, projets []dossier.Projet) dossier.Facts {
	f := dossier.Facts{Resume: benchResume, Pieces: map[dossier.Kind]*dossier.Measure{}, Projets: projets, Stage: true,
		System: map[dossier.Kind]bool{dossier.KindLivret: true, dossier.KindAttestationFormation: true, dossier.KindFicheStage: true}}
	for _, bf := range files {
		r, err := os.Open(bf.path)
		if err != nil {
			b.Fatal(err)
		}
		st, err := r.Stat()
		if err != nil {
			b.Fatal(err)
		}
		var m dossier.Measure
		if bf.kind == dossier.KindVideo {
			m = Video(r, st.Size())
		} else {
			m = Document(context.Background(), r, st.Size(), bf.mime, DefaultLimits())
		}
		r.Close()
		f.Pieces[bf.kind] = &m
	}
	return f
}

// benchResume is a summary of 224 words and 1,088 characters without spaces.
var benchResume = strings.Repeat("Le projet anime une communauté en ligne. ", 32)

// benchReadBytes reads every file's bytes from disk: the reference of benchReport.
func benchReadBytes(b *testing.B, files []benchFile) {
	for _, bf := range files {
		r, err := os.Open(bf.path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}

// BenchmarkConformityReport is the full conformity report of a complete dossier — a 35-page
// dossier technique in PDF, then in DOCX, its other documents and the 5-minute video of 150 MB —
// every file measured from disk by the readers, then dossier.Report; alternated in the same
// run with reading the same files' bytes from disk. It reports both medians and their ratio
// (issue 8 target: report/read ≤ 2×), and the report alone from the stored measures (what a
// page view computes). With poppler installed the PDFs are read by pdftotext (a process
// each), as on a server. The per-file figures are the benchmarks of bench_test.go.
func BenchmarkConformityReport(b *testing.B) {
	ref, err := referentiel.CommunityManager()
	if err != nil {
		b.Fatal(err)
	}
	projets := []dossier.Projet{{ID: 1, Titre: "Blog", Origine: dossier.OrigineResponsablePedagogique, URL: "https://exemple.fr",
		Blog: "https://exemple.fr/blog", Competences: ref.Livrables.Projet.CouvertureObligatoire}}
	for _, format := range []struct{ name, mime string }{{"pdf", MimePDF}, {"docx", MimeDOCX}} {
		b.Run(format.name, func(b *testing.B) {
			files := benchDossier(b, b.TempDir(), format.mime, ref)
			facts := benchMeasure(b, files, projets)
			for _, c := range dossier.Report(ref.Livrables, facts) { // the dossier is the complete one it says
				if c.Statut != dossier.StatutOK {
					b.Fatalf("%s: %s %s", c.Regle, c.Statut, c.Message)
				}
			}
			var report, read []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				benchReadBytes(b, files)
				read = append(read, time.Since(start))
				start = time.Now()
				dossier.Report(ref.Livrables, benchMeasure(b, files, projets))
				report = append(report, time.Since(start))
			}
			b.StopTimer()
			start := time.Now() // the report alone, from the stored measures: what a page view costs
			for range 1000 {
				dossier.Report(ref.Livrables, facts)
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "report-only-µs")
			mr, mb := median(report), median(read)
			b.ReportMetric(float64(mr.Microseconds())/1000, "report-ms-median")
			b.ReportMetric(float64(mb.Microseconds())/1000, "read-ms-median")
			b.ReportMetric(float64(mr)/float64(mb), "report/read")
			b.ReportMetric(2, "target-report/read")
		})
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
