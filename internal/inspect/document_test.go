package inspect

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/signintech/gopdf"

	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/inspect/sample"
)

// plan is the stratégie digitale's sections as a candidate numbers them.
var plan = []string{
	"1. Diagnostic initial et benchmark sectoriel", "2. La stratégie de communication",
	"3. Plan éditorial", "4. Stratégie de référencement et mots-clés", "5. Gestion de crise",
	"6. Veille et indicateurs de performance (KPI)", "7. Analyse des résultats et préconisations",
	"8. Sources et outils",
}

// labels are the same sections as the référentiel words them.
var labels = []string{
	"Le diagnostic initial & le benchmark sectoriel", "La stratégie de communication",
	"Le plan éditorial", "La stratégie de référencement & les mots-clés du projet",
	"La stratégie de gestion de crise",
	"La description de la veille et les indicateurs de performance (KPI) mis en place",
	"L'analyse des résultats et des préconisations d'amélioration",
	"La liste des sources et outils utilisés dans le cadre du projet",
}

func headingChars(hs []string) int {
	n := 0
	for _, h := range hs {
		n += dossier.CharsWithoutSpaces(h)
	}
	return n
}

func measure(t *testing.T, b []byte, mime string) dossier.Measure {
	t.Helper()
	return Document(context.Background(), bytes.NewReader(b), int64(len(b)), mime, DefaultLimits())
}

func allFound(t *testing.T, headings []string) {
	t.Helper()
	for i, ok := range dossier.Sections(labels, headings) {
		if !ok {
			t.Errorf("section %q not found in %q", labels[i], headings)
		}
	}
}

// TestPDFSample measures the 35-page sample with poppler and with the pure-Go reader: the
// same pages, characters (body, headings and page numbers) and sections.
func TestPDFSample(t *testing.T) {
	const pages, perPage = 35, 1390
	b, err := sample.PDF(plan, pages, perPage)
	if err != nil {
		t.Fatal(err)
	}
	numbers := 0
	for p := 1; p <= pages; p++ {
		numbers += len(fmt.Sprint(p))
	}
	want := pages*perPage + headingChars(plan) + numbers
	for _, poppler := range []bool{true, false} {
		t.Run(fmt.Sprintf("poppler=%v", poppler), func(t *testing.T) {
			if _, err := exec.LookPath("pdftotext"); poppler && err != nil {
				t.Skip("pdftotext (poppler-utils) not installed")
			}
			m := pdfDocument(context.Background(), bytes.NewReader(b), int64(len(b)), DefaultLimits(), poppler)
			if !m.Measured || m.Pages != pages || m.Chars != want || len(m.PageChars) != pages {
				t.Fatalf("measured %v (%s), %d pages, %d chars (%d by page), want %d pages %d chars",
					m.Measured, m.Reason, m.Pages, m.Chars, len(m.PageChars), pages, want)
			}
			allFound(t, m.Headings)
		})
	}
}

// TestPDFGopdf reads a PDF as gopdf writes them (embedded TrueType subset, Identity-H codes,
// a ToUnicode table), as Certif's own documents are.
func TestPDFGopdf(t *testing.T) {
	font, err := os.ReadFile("../document/fonts/NotoSans-Regular.ttf")
	if err != nil {
		t.Skip("font of internal/document not found:", err)
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	if err := pdf.AddTTFFontData("noto", font); err != nil {
		t.Fatal(err)
	}
	for p, h := range []string{"1. Stratégie de gestion de crise", "2. Plan éditorial"} {
		pdf.AddPage()
		if err := pdf.SetFont("noto", "", 14); err != nil {
			t.Fatal(err)
		}
		pdf.SetXY(50, 50)
		_ = pdf.Cell(nil, h)
		pdf.SetXY(50, 80)
		_ = pdf.Cell(nil, fmt.Sprintf("Page %d : l'équipe a publié chaque jour.", p+1))
	}
	var buf bytes.Buffer
	if _, err := pdf.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	m := pdfDocument(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), DefaultLimits(), false)
	want := dossier.CharsWithoutSpaces("1. Stratégie de gestion de crise2. Plan éditorial") + 2*dossier.CharsWithoutSpaces("Page 1 : l'équipe a publié chaque jour.")
	if !m.Measured || m.Pages != 2 || m.Chars != want {
		t.Fatalf("gopdf PDF: %+v, want 2 pages %d chars", m, want)
	}
	if got := dossier.Sections([]string{"La stratégie de gestion de crise", "Le plan éditorial"}, m.Headings); !got[0] || !got[1] {
		t.Errorf("headings %q: sections %v", m.Headings, got)
	}
}

// handPDF builds a one-page PDF around a content stream and extra objects.
func handPDF(content string, font string, extra ...string) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write([]byte(content))
	_ = zw.Close()
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	b.WriteString("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	b.WriteString("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n")
	fmt.Fprintf(&b, "3 0 obj << /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> /Contents 4 0 R >> endobj\n")
	fmt.Fprintf(&b, "4 0 obj << /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream endobj\n", z.Len(), z.Bytes())
	fmt.Fprintf(&b, "5 0 obj %s endobj\n", font)
	b.WriteString("6 0 obj << /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length 2 >>\nstream\n\xff\xd8\nendstream endobj\n")
	for _, e := range extra {
		b.WriteString(e)
	}
	b.WriteString("trailer << /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

// TestPDFEdgeCases: what the pure-Go reader cannot read, it says, in French.
func TestPDFEdgeCases(t *testing.T) {
	long := strings.Repeat("Le texte du dossier technique. ", 20)
	for _, c := range []struct {
		name   string
		pdf    []byte
		reason string // "" when it must be measured
		chars  int
	}{
		{"text", handPDF("BT /F1 12 Tf 50 700 Td ("+long+") Tj ET", helvetica), "", dossier.CharsWithoutSpaces(long)},
		{"scanned: an image only", handPDF("q 595 0 0 842 0 0 cm /Im1 Do Q", helvetica), reasonPDFNoText, 0},
		{"custom encoding without ToUnicode", handPDF("BT /F1 12 Tf 50 700 Td ("+long+") Tj ET",
			"<< /Type /Font /Subtype /Type1 /BaseFont /Custom /Encoding << /Differences [65 /g1 /g2] >> >>"), reasonPDFEncoding, 0},
		{"composite font without ToUnicode", handPDF("BT /F1 12 Tf 50 700 Td <0012003400560078> Tj ET",
			"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H >>"), reasonPDFEncoding, 0},
		{"encrypted", handPDF("BT /F1 12 Tf 50 700 Td ("+long+") Tj ET", helvetica, "7 0 obj << /Filter /Standard /V 2 >> endobj\ntrailer << /Encrypt 7 0 R >>\n"), reasonPDFEncrypt, 0},
		{"not a PDF", []byte("hello"), reasonPDFBroken, 0},
		{"NUL bytes", make([]byte, 1<<16), reasonPDFBroken, 0},
		{"no page", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"), reasonPDFBroken, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := pdfDocument(context.Background(), bytes.NewReader(c.pdf), int64(len(c.pdf)), DefaultLimits(), false)
			if c.reason == "" {
				if !m.Measured || m.Chars != c.chars {
					t.Fatalf("%+v, want measured with %d chars", m, c.chars)
				}
				return
			}
			if m.Measured || m.Reason != c.reason {
				t.Fatalf("%+v, want %q", m, c.reason)
			}
		})
	}
	// The TJ case read properly: kerning below -180 is a space, octal escapes are WinAnsi.
	b := handPDF("BT /F1 12 Tf 50 700 Td [(3. Strat) -20 (\\351gie) -300 (de gestion de crise)] TJ ET"+
		"BT /F1 10 Tf 50 650 Td ("+long+") Tj ET", helvetica)
	m := pdfDocument(context.Background(), bytes.NewReader(b), int64(len(b)), DefaultLimits(), false)
	if !m.Measured || len(m.Headings) < 1 || m.Headings[0] != "3. Stratégie de gestion de crise" {
		t.Fatalf("TJ: %+v", m)
	}
}

// TestPDFLimits: the inflate cap and the clock bound the pure-Go reader, the byte cap both.
func TestPDFLimits(t *testing.T) {
	b, err := sample.PDF(plan, 35, 1400)
	if err != nil {
		t.Fatal(err)
	}
	lim := DefaultLimits()
	lim.MaxInflated = 10 << 10
	if m := pdfDocument(context.Background(), bytes.NewReader(b), int64(len(b)), lim, false); m.Measured || m.Reason != reasonPDFTooBig {
		t.Errorf("inflate cap: %+v", m)
	}
	lim = DefaultLimits()
	lim.MaxBytes = 1000
	if m := Document(context.Background(), bytes.NewReader(b), int64(len(b)), MimePDF, lim); m.Measured || !strings.Contains(m.Reason, "trop volumineux") {
		t.Errorf("byte cap: %+v", m)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, poppler := range []bool{true, false} {
		if m := pdfDocument(ctx, bytes.NewReader(b), int64(len(b)), DefaultLimits(), poppler); m.Measured {
			t.Errorf("cancelled context, poppler=%v: %+v", poppler, m)
		}
	}
	// A bomb: a content stream of 30 MB of spaces deflated to a few ten kilobytes, for a
	// limit of 10 MB.
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < 30; i++ {
		_, _ = zw.Write(chunk)
	}
	_ = zw.Close()
	bomb := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
		"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n" +
		fmt.Sprintf("4 0 obj << /Length %d /Filter /FlateDecode >>\nstream\n", z.Len()))
	bomb = append(append(bomb, z.Bytes()...), "\nendstream endobj\n%%EOF\n"...)
	lim.MaxInflated = 10 << 20
	if m := pdfDocument(context.Background(), bytes.NewReader(bomb), int64(len(bomb)), lim, false); m.Measured || m.Reason != reasonPDFTooBig {
		t.Errorf("bomb: %+v", m)
	}
}

// TestPDFRepeatedContents: a page listing one content stream 100,000 times (a gigabyte in
// all) reads it until the limit, not 100,000 times.
func TestPDFRepeatedContents(t *testing.T) {
	refs := strings.Repeat("4 0 R ", 100000)
	text := "BT /F1 12 Tf 50 700 Td (" + strings.Repeat("x", 10000) + ") Tj ET"
	b := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj 2 0 obj << /Type /Pages /Kids [3 0 R] >> endobj\n" +
		"3 0 obj << /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents [" + refs + "] >> endobj\n" +
		fmt.Sprintf("4 0 obj << /Length %d >>\nstream\n%s\nendstream endobj\n5 0 obj %s endobj\n%%%%EOF\n", len(text), text, helvetica))
	lim := DefaultLimits()
	lim.MaxInflated = 10 << 20
	if m := pdfDocument(context.Background(), bytes.NewReader(b), int64(len(b)), lim, false); m.Measured || m.Reason != reasonPDFTooBig {
		t.Errorf("%+v", m)
	}
}

// TestPDFLinear: files built to make a naive reader quadratic or greedy are read in one pass
// and little memory: 100,000 streams without endstream, a content stream of 300,000 « BI »
// without image data, an array of 5 million numbers.
func TestPDFLinear(t *testing.T) {
	streams := []byte("%PDF-1.4\n" + strings.Repeat("1 0 obj << >> stream\nxx\n", 100000))
	bi := strings.Repeat("BI ", 300000)
	images := handPDF(bi, helvetica)
	numbers := []byte("%PDF-1.4\n1 0 obj [" + strings.Repeat("0 ", 5<<20) + "] endobj\n")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	if m := pdfDocument(context.Background(), bytes.NewReader(numbers), int64(len(numbers)), DefaultLimits(), false); m.Measured {
		t.Errorf("numbers: %+v", m)
	}
	runtime.ReadMemStats(&ms)
	if alloc := ms.TotalAlloc - before; alloc > 200<<20 {
		t.Errorf("an array of 5 million numbers allocated %d MB", alloc>>20)
	}
	for name, b := range map[string][]byte{"streams": streams, "BI": images} {
		start := time.Now()
		m := pdfDocument(context.Background(), bytes.NewReader(b), int64(len(b)), DefaultLimits(), false)
		if d := time.Since(start); m.Measured || d > 5*time.Second {
			t.Errorf("%s: %v, %+v", name, d, m)
		}
	}
}

// TestPDFTruncated: half a PDF is read as far as it goes, never a panic.
func TestPDFTruncated(t *testing.T) {
	b, err := sample.PDF(plan, 4, 1400)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{10, len(b) / 3, len(b) / 2, len(b) - 10} {
		for _, poppler := range []bool{true, false} {
			m := pdfDocument(context.Background(), bytes.NewReader(b[:n]), int64(n), DefaultLimits(), poppler)
			if !m.Measured && m.Reason == "" {
				t.Errorf("truncated at %d: no reason", n)
			}
		}
	}
}

func TestDOCXSample(t *testing.T) {
	const pages, perPage = 35, 1390
	b, err := sample.DOCX(plan, pages, perPage)
	if err != nil {
		t.Fatal(err)
	}
	m := measure(t, b, MimeDOCX)
	want := pages*perPage + headingChars(plan)
	if !m.Measured || m.Pages != pages || m.Chars != want || len(m.PageChars) != pages {
		t.Fatalf("measured %v (%s), %d pages, %d chars (%d by page), want %d pages %d chars",
			m.Measured, m.Reason, m.Pages, m.Chars, len(m.PageChars), pages, want)
	}
	if m.PageChars[1] != perPage+headingChars(plan[1:2])+headingChars(plan[2:3])*0 && m.PageChars[1] < perPage {
		t.Errorf("page 2: %d chars", m.PageChars[1])
	}
	if len(m.Headings) != len(plan) {
		t.Errorf("headings %q", m.Headings)
	}
	allFound(t, m.Headings)
	// Sniffed as a plain zip, it is still read as a Word document.
	if z := measure(t, b, MimeZIP); z.Chars != m.Chars {
		t.Errorf("as zip: %+v", z)
	}
}

// zipOf builds an archive of the given entries (name, content), in order.
func zipOf(t testing.TB, entries ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(entries); i += 2 {
		w, err := zw.Create(entries[i])
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(entries[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const w = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// TestDOCXCases: headings by style, outline level and numbering; pages from app.xml or
// unknown; and the hostile archives.
func TestDOCXCases(t *testing.T) {
	doc := `<w:document ` + w + `><w:body>` +
		`<w:p><w:pPr><w:pStyle w:val="Titre1"/></w:pPr><w:r><w:t>La stratégie</w:t></w:r><w:r><w:t xml:space="preserve"> de communication</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>Plan éditorial</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t>II - Gestion de crise</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t>3. Ceci est une phrase numérotée qui se termine par un point.</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t>Le corps du texte.</w:t></w:r><w:r><w:br w:type="page"/><w:t>Suite</w:t><w:tab/><w:t>fin</w:t></w:r></w:p>` +
		`</w:body></w:document>`
	text := "La stratégie de communicationPlan éditorialII - Gestion de crise3. Ceci est une phrase numérotée qui se termine par un point.Le corps du texte.Suitefin"
	app := `<Properties><Pages>2</Pages></Properties>`
	m := measure(t, zipOf(t, "word/document.xml", doc, "docProps/app.xml", app), MimeDOCX)
	if !m.Measured || m.Pages != 2 || m.Chars != dossier.CharsWithoutSpaces(text) || len(m.PageChars) != 2 || m.PageChars[1] != 8 {
		t.Errorf("measure %+v", m)
	}
	if want := []string{"La stratégie de communication", "Plan éditorial", "II - Gestion de crise"}; fmt.Sprint(m.Headings) != fmt.Sprint(want) {
		t.Errorf("headings %q, want %q", m.Headings, want)
	}
	// Without app.xml nor rendered breaks, the pages are unknown but the characters known.
	m = measure(t, zipOf(t, "word/document.xml", doc), MimeDOCX)
	if !m.Measured || m.Pages != 0 || m.Chars != dossier.CharsWithoutSpaces(text) {
		t.Errorf("no app.xml: %+v", m)
	}

	bomb := func(chunk []byte, times int) []byte { // word/document.xml of chunk × times, deflated
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		f, _ := zw.Create("word/document.xml")
		_, _ = f.Write([]byte(`<w:document ` + w + `><w:body><w:p>`))
		for i := 0; i < times; i++ {
			_, _ = f.Write(chunk)
		}
		_ = zw.Close()
		return buf.Bytes()
	}
	run := bomb(bytes.Repeat([]byte("a"), 1<<20), 3)
	zeros := bomb(make([]byte, 1<<20), 3)
	markup := bomb(bytes.Repeat([]byte("<w:r><w:t>ab</w:t></w:r>"), 1<<15), 3) // 2.25 MB
	lying := func() []byte {                                                   // a 1 MB entry whose header claims 10 GB
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		h := &zip.FileHeader{Name: "word/document.xml", Method: zip.Store, UncompressedSize64: 10 << 30, CompressedSize64: 1 << 20}
		f, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.Write(bytes.Repeat([]byte("a"), 1<<20))
		_ = zw.Close()
		return buf.Bytes()
	}
	many := func() []byte { // 100,000 entries
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for i := 0; i < 100000; i++ {
			_, _ = zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprint(i), Method: zip.Store})
		}
		_ = zw.Close()
		return buf.Bytes()
	}
	good, _ := sample.DOCX(plan, 3, 500)
	lim := DefaultLimits()
	lim.MaxInflated = 1 << 20
	if m := Document(context.Background(), bytes.NewReader(markup), int64(len(markup)), MimeDOCX, lim); m.Measured || !strings.Contains(m.Reason, "trop volumineux") {
		t.Errorf("2.25 MB of markup for a limit of 1 MB: %+v", m)
	}
	for _, c := range []struct {
		name   string
		b      []byte
		reason string // part of the reason; "" when measured
	}{
		{"3 MB of text without markup", run, "trop volumineux"},
		{"3 MB of zeros", zeros, "trop volumineux"}, // a run of a megabyte without markup comes first
		{"lying header", lying(), "illisible"},
		{"100,000 entries", many(), "entrées trop nombreuses"},
		{"../ names", zipOf(t, "../../../../tmp/evil", "x", "word/document.xml", doc, "/etc/passwd", "x"), ""},
		{"only ../ names", zipOf(t, "../word/document.xml", doc), "illisible"},
		{"not XML", zipOf(t, "word/document.xml", "<w:document><w:p>"), "illisible"},
		{"nested a million times", bomb(bytes.Repeat([]byte("<w:p>"), 1<<20), 1), "imbriqué"},
		{"no text", zipOf(t, "word/document.xml", `<w:document `+w+`><w:body><w:p/></w:body></w:document>`), "sans texte"},
		{"truncated", good[:len(good)/2], "illisible"},
		{"NUL bytes", make([]byte, 4096), "illisible"},
		{"empty", nil, "illisible"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := measure(t, c.b, MimeDOCX)
			if c.reason == "" {
				if !m.Measured {
					t.Fatalf("%+v", m)
				}
				return
			}
			if m.Measured || !strings.Contains(m.Reason, c.reason) {
				t.Fatalf("reason %q, want it to say %q", m.Reason, c.reason)
			}
		})
	}
}

func TestPPTX(t *testing.T) {
	slide := func(title, body string) string {
		ph := ""
		if title != "" {
			ph = `<p:sp><p:nvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>` + title + `</a:t></a:r></a:p></p:txBody></p:sp>`
		}
		return `<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree>` +
			`<p:sp><p:txBody><a:p><a:r><a:t>` + body + `</a:t></a:r></a:p><a:p><a:r><a:t>deuxième ligne</a:t></a:r></a:p></p:txBody></p:sp>` +
			ph + `</p:spTree></p:cSld></p:sld>`
	}
	b := zipOf(t, "ppt/presentation.xml", "<p:presentation/>",
		"ppt/slides/slide10.xml", slide("Sources et outils", "Liste"),
		"ppt/slides/slide2.xml", slide("", "Plan éditorial"),
		"ppt/slides/slide1.xml", slide("La stratégie de communication", "Texte"))
	for _, mime := range []string{MimePPTX, MimeZIP} {
		m := measure(t, b, mime)
		want := []string{"La stratégie de communication", "Plan éditorial", "Sources et outils"}
		if !m.Measured || m.Pages != 3 || fmt.Sprint(m.Headings) != fmt.Sprint(want) {
			t.Fatalf("%s: %+v", mime, m)
		}
		if m.PageChars[1] != dossier.CharsWithoutSpaces("Plan éditorialdeuxième ligne") {
			t.Errorf("slide 2: %d chars", m.PageChars[1])
		}
	}
	if m := measure(t, zipOf(t, "ppt/presentation.xml", "x"), MimePPTX); m.Measured {
		t.Errorf("no slide: %+v", m)
	}
}

func TestDocumentUnknownType(t *testing.T) {
	if m := measure(t, []byte("hello"), "text/plain"); m.Measured || !strings.Contains(m.Reason, "texte brut : format non mesurable") {
		t.Errorf("%+v", m)
	}
}

// TestDocumentTimeout: a deadline already past stops every reader.
func TestDocumentTimeout(t *testing.T) {
	b, _ := sample.DOCX(plan, 35, 1400)
	lim := DefaultLimits()
	lim.Timeout = time.Nanosecond
	if m := Document(context.Background(), bytes.NewReader(b), int64(len(b)), MimeDOCX, lim); m.Measured {
		t.Errorf("%+v", m)
	}
}

// TestPDFBodyIsNoHeading: the lines of body text that name a section are no heading of it.
func TestPDFBodyIsNoHeading(t *testing.T) {
	b, err := sample.PDF(nil, 5, 1400) // its body names « la stratégie de communication »
	if err != nil {
		t.Fatal(err)
	}
	for _, poppler := range []bool{true, false} {
		m := pdfDocument(context.Background(), bytes.NewReader(b), int64(len(b)), DefaultLimits(), poppler)
		for i, found := range dossier.Sections(labels, m.Headings) {
			if found {
				t.Errorf("poppler=%v: %q found in body text %q", poppler, labels[i], m.Headings)
			}
		}
	}
}

// TestPDFObjectStream: objects packed in a compressed object stream (PDF 1.5, as qpdf and
// Acrobat write them) are found.
func TestPDFObjectStream(t *testing.T) {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		"", // 4: the content stream, a plain object
		helvetica,
	}
	var header, body strings.Builder
	for i, o := range objs {
		if o == "" {
			continue
		}
		fmt.Fprintf(&header, "%d %d ", i+1, body.Len())
		body.WriteString(o + "\n")
	}
	packed := header.String() + body.String()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write([]byte(packed))
	_ = zw.Close()
	text := "BT /F1 12 Tf 50 700 Td (" + strings.Repeat("Texte lu dans un flux d'objets. ", 5) + ") Tj ET"
	var pdf bytes.Buffer
	fmt.Fprintf(&pdf, "%%PDF-1.5\n4 0 obj << /Length %d >>\nstream\n%s\nendstream endobj\n", len(text), text)
	fmt.Fprintf(&pdf, "6 0 obj << /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\nstream\n", len(header.String()), z.Len())
	pdf.Write(z.Bytes())
	pdf.WriteString("\nendstream endobj\n%%EOF\n")
	m := pdfDocument(context.Background(), bytes.NewReader(pdf.Bytes()), int64(pdf.Len()), DefaultLimits(), false)
	if want := dossier.CharsWithoutSpaces(strings.Repeat("Texte lu dans un flux d'objets. ", 5)); !m.Measured || m.Pages != 1 || m.Chars != want {
		t.Fatalf("%+v, want 1 page of %d chars", m, want)
	}
}

func TestOpenDocument(t *testing.T) {
	content := `<office:document-content xmlns:office="o" xmlns:text="t" xmlns:draw="d" xmlns:presentation="p"><office:body><office:text>` +
		`<text:h text:outline-level="1">1. Stratégie de <text:span>communication</text:span></text:h>` +
		`<text:p>Le corps<text:s/>du texte.<office:annotation><text:p>Un commentaire</text:p></office:annotation></text:p>` +
		`<text:p><text:soft-page-break/>II - Plan éditorial</text:p>` +
		`</office:text></office:body></office:document-content>`
	meta := `<office:document-meta xmlns:office="o" xmlns:meta="m"><office:meta><meta:document-statistic meta:page-count="2" meta:character-count="70"/></office:meta></office:document-meta>`
	b := zipOf(t, "mimetype", MimeODT, "content.xml", content, "meta.xml", meta)
	for _, mime := range []string{MimeODT, MimeZIP} {
		m := measure(t, b, mime)
		want := []string{"1. Stratégie de communication", "II - Plan éditorial"}
		if !m.Measured || m.Pages != 2 || fmt.Sprint(m.Headings) != fmt.Sprint(want) ||
			fmt.Sprint(m.PageChars) != fmt.Sprint([]int{dossier.CharsWithoutSpaces("1. Stratégie de communicationLe corps du texte."), dossier.CharsWithoutSpaces("II - Plan éditorial")}) {
			t.Errorf("%s: %+v", mime, m)
		}
	}
	slides := `<office:document-content xmlns:office="o" xmlns:text="t" xmlns:draw="d" xmlns:presentation="p"><office:body><office:presentation>` +
		`<draw:page draw:name="1"><draw:frame presentation:class="title"><draw:text-box><text:p>La stratégie</text:p><text:p>de communication</text:p></draw:text-box></draw:frame>` +
		`<draw:frame presentation:class="outline"><draw:text-box><text:p>Un point</text:p></draw:text-box></draw:frame></draw:page>` +
		`<draw:page draw:name="2"><draw:frame><draw:text-box><text:p>Plan éditorial</text:p><text:p>Suite</text:p></draw:text-box></draw:frame></draw:page>` +
		`</office:presentation></office:body></office:document-content>`
	b = zipOf(t, "mimetype", MimeODP, "content.xml", slides)
	for _, mime := range []string{MimeODP, MimeZIP} {
		m := measure(t, b, mime)
		want := []string{"La stratégie de communication", "Plan éditorial"}
		if !m.Measured || m.Pages != 2 || fmt.Sprint(m.Headings) != fmt.Sprint(want) || m.PageChars[1] != dossier.CharsWithoutSpaces("Plan éditorialSuite") {
			t.Errorf("%s: %+v", mime, m)
		}
	}
	// Without laid-out breaks, the paragraphs whose style breaks the page split the pages.
	styled := `<office:document-content xmlns:office="o" xmlns:text="t" xmlns:style="s" xmlns:fo="f"><office:automatic-styles>` +
		`<style:style style:name="P1"><style:paragraph-properties fo:break-before="page"/></style:style></office:automatic-styles>` +
		`<office:body><office:text><text:p>Première page</text:p><text:p text:style-name="P1">Deuxième</text:p></office:text></office:body></office:document-content>`
	if m := measure(t, zipOf(t, "content.xml", styled), MimeODT); !m.Measured || m.Pages != 0 || fmt.Sprint(m.PageChars) != "[12 8]" {
		t.Errorf("manual breaks: %+v", m)
	}
	if m := measure(t, zipOf(t, "mimetype", MimeODT), MimeODT); m.Measured || !strings.Contains(m.Reason, "content.xml absent") {
		t.Errorf("no content: %+v", m)
	}
}

// TestTooManyPages: a document of more than maxPages pages (a DOCX of page breaks, an ODP of
// empty slides, a PDF of empty pages, pdftotext's form feeds) is not measured, by every
// reader; maxPages pages still are.
func TestTooManyPages(t *testing.T) {
	docx := func(breaks int) []byte {
		return zipOf(t, "word/document.xml", `<w:document `+w+`><w:body><w:p><w:r><w:t>Texte</w:t>`+
			strings.Repeat(`<w:br w:type="page"/><w:t>x</w:t>`, breaks)+`</w:r></w:p></w:body></w:document>`)
	}
	odp := func(slides int) []byte {
		return zipOf(t, "mimetype", MimeODP, "content.xml", `<office:document-content xmlns:office="o" xmlns:draw="d" xmlns:text="t"><office:body><office:presentation>`+
			strings.Repeat(`<draw:page><text:p>x</text:p></draw:page>`, slides)+`</office:presentation></office:body></office:document-content>`)
	}
	pdf := func(pages int) []byte {
		var b bytes.Buffer
		b.WriteString("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [")
		for i := 0; i < pages; i++ {
			fmt.Fprintf(&b, "%d 0 R ", 10+i)
		}
		fmt.Fprintf(&b, "] /Count %d >> endobj\n", pages)
		b.WriteString("4 0 obj << /Length 44 >>\nstream\nBT /F1 12 Tf 50 700 Td (Texte du dossier) Tj ET\nendstream endobj\n")
		fmt.Fprintf(&b, "5 0 obj %s endobj\n", helvetica)
		for i := 0; i < pages; i++ {
			fmt.Fprintf(&b, "%d 0 obj << /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >> endobj\n", 10+i)
		}
		b.WriteString("trailer << /Root 1 0 R >>\n%%EOF\n")
		return b.Bytes()
	}
	for _, c := range []struct {
		name string
		b    []byte
		mime string
		ok   bool
	}{
		{"DOCX of 20,000 pages", docx(maxPages - 1), MimeDOCX, true},
		{"DOCX of 20,001 pages", docx(maxPages), MimeDOCX, false},
		{"DOCX of 200,000 pages", docx(10 * maxPages), MimeDOCX, false},
		{"ODP of 20,001 slides", odp(maxPages + 1), MimeODP, false},
		{"PDF of 20,001 pages (pure Go)", pdf(maxPages + 1), "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var m dossier.Measure
			if c.mime == "" {
				m = capPages(pdfDocument(context.Background(), bytes.NewReader(c.b), int64(len(c.b)), DefaultLimits(), false))
			} else {
				m = measure(t, c.b, c.mime)
			}
			if c.ok != m.Measured || !c.ok && (m.Reason != "plus de 20\u202f000 pages : longueur non mesurable" || len(m.PageChars) > 0) {
				t.Fatalf("measured %v, reason %q, %d pages, %d page_chars", m.Measured, m.Reason, m.Pages, len(m.PageChars))
			}
		})
	}
	// The reading stops one page past maxPages: 200,000 pages cost no more than 20,001 (a
	// context that allows 40 checks, every 4,096 tokens, is done long before the end).
	lim := DefaultLimits()
	lim.Timeout = 0
	b := docx(10 * maxPages)
	if m := Document(&countdown{context.Background(), 40}, bytes.NewReader(b), int64(len(b)), MimeDOCX, lim); m.Reason != reasonTooManyPages {
		t.Errorf("200,000 pages read to the end: %+v", m)
	}
	// pdftotext's output: a form feed ends each page; the pages kept stop at one more than maxPages.
	text := &pdfText{}
	if err := text.read(bufio.NewReader(strings.NewReader(strings.Repeat("Texte\f", 3*maxPages)))); err != nil {
		t.Fatal(err)
	}
	if len(text.pageChars) != maxPages+1 {
		t.Errorf("%d pages kept", len(text.pageChars))
	}
	if m := capPages(text.measure()); m.Measured || m.Reason != reasonTooManyPages {
		t.Errorf("pdftotext: %+v", m)
	}
}

// countdown is a context done after its Err has been asked n times: a time limit reached in
// the middle of a reading, without depending on the machine's speed.
type countdown struct {
	context.Context
	n int
}

func (c *countdown) Err() error {
	if c.n--; c.n < 0 {
		return context.DeadlineExceeded
	}
	return nil
}

// TestPPTXTimeLimit: the time limit stops the reading inside a slide, not only between two.
func TestPPTXTimeLimit(t *testing.T) {
	b := zipOf(t, "ppt/presentation.xml", "<p:presentation/>", "ppt/slides/slide1.xml",
		`<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree><p:sp><p:txBody><a:p>`+
			strings.Repeat(`<a:r><a:t>x</a:t></a:r>`, 100000)+`</a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`)
	lim := DefaultLimits()
	lim.Timeout = 0
	if m := Document(&countdown{context.Background(), 5}, bytes.NewReader(b), int64(len(b)), MimePPTX, lim); m.Measured ||
		m.Reason != "présentation trop longue à lire : non mesurée" {
		t.Errorf("%+v", m)
	}
	if m := Document(&countdown{context.Background(), 1000}, bytes.NewReader(b), int64(len(b)), MimePPTX, lim); !m.Measured || m.Chars != 100000 {
		t.Errorf("within the limit: %+v", m)
	}
}
