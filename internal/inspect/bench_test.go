package inspect

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/certif/certif/internal/inspect/sample"
)

// The benchmarks of the issue's « Measured »: measuring a 35-page dossier technique and a
// five-minute video, each next to the time of reading the same file's bytes from disk in the
// same run (metric « ×read », the target being 2 for the whole conformity report). The video
// is padded to 150 MB, the size of a five-minute 720p screen recording: the reader seeks to
// its headers, reading the bytes reads them all.

const benchVideoSize = 150 << 20

// benchFiles writes the 35-page PDF and the five-minute MP4 to dir.
func benchFiles(b *testing.B) (pdf, mp4 string) {
	b.Helper()
	dir := b.TempDir()
	p, err := sample.PDF(plan, 35, 1390)
	if err != nil {
		b.Fatal(err)
	}
	pdf = filepath.Join(dir, "dossier.pdf")
	if err := os.WriteFile(pdf, p, 0o600); err != nil {
		b.Fatal(err)
	}
	mp4 = filepath.Join(dir, "video.mp4")
	f, err := os.Create(mp4)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := sample.MP4(f, 5*time.Minute, benchVideoSize); err != nil {
		b.Fatal(err)
	}
	return pdf, mp4
}

// readNs is the median time of reading the files' bytes from disk (page cache warm).
func readNs(b *testing.B, paths ...string) float64 {
	b.Helper()
	var runs []time.Duration
	for i := 0; i < 7; i++ {
		start := time.Now()
		for _, p := range paths {
			if _, err := os.ReadFile(p); err != nil {
				b.Fatal(err)
			}
		}
		runs = append(runs, time.Since(start))
	}
	slices.Sort(runs)
	return float64(runs[len(runs)/2].Nanoseconds())
}

// reportRatio reports the time per operation over the time of reading the bytes.
func reportRatio(b *testing.B, read float64) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/read, "×read")
}

func measurePDF(b *testing.B, path string, poppler bool) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	if m := pdfDocument(context.Background(), f, st.Size(), DefaultLimits(), poppler); !m.Measured || m.Pages != 35 {
		b.Fatalf("%+v", m)
	}
}

func measureVideo(b *testing.B, path string) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	if m := Video(f, st.Size()); !m.Measured || m.Duration != 300000 {
		b.Fatalf("%+v", m)
	}
}

// BenchmarkDocumentPDF35Pages measures the dossier technique as the server does (poppler when
// installed).
func BenchmarkDocumentPDF35Pages(b *testing.B) {
	pdf, _ := benchFiles(b)
	read := readNs(b, pdf)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		measurePDF(b, pdf, true)
	}
	reportRatio(b, read)
}

// BenchmarkDocumentPDF35PagesGo is the same with the pure-Go reader.
func BenchmarkDocumentPDF35PagesGo(b *testing.B) {
	pdf, _ := benchFiles(b)
	read := readNs(b, pdf)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		measurePDF(b, pdf, false)
	}
	reportRatio(b, read)
}

func BenchmarkVideoMP4(b *testing.B) {
	_, mp4 := benchFiles(b)
	read := readNs(b, mp4)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		measureVideo(b, mp4)
	}
	reportRatio(b, read)
}

// BenchmarkReadBytes is the reference: reading both files' bytes from disk.
func BenchmarkReadBytes(b *testing.B) {
	pdf, mp4 := benchFiles(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range []string{pdf, mp4} {
			if _, err := os.ReadFile(p); err != nil {
				b.Fatal(err)
			}
		}
	}
}
