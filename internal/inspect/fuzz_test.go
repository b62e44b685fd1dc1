package inspect

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/inspect/sample"
)

// fuzzLimits are small limits, so that the fuzzer checks they hold.
func fuzzLimits() Limits {
	return Limits{MaxBytes: 1 << 20, MaxEntries: 50, MaxInflated: 4 << 20, Timeout: 2 * time.Second}
}

// checkMeasure: a Measure is either measured or says why, and its numbers are sane.
func checkMeasure(t *testing.T, m dossier.Measure) {
	t.Helper()
	if !m.Measured && m.Reason == "" {
		t.Fatalf("not measured and no reason: %+v", m)
	}
	if m.Pages < 0 || m.Chars < 0 || m.Duration < 0 || len(m.Headings) > maxHeadings {
		t.Fatalf("insane measure: %+v", m)
	}
	for _, h := range m.Headings {
		if len([]rune(h)) > maxHeadingRune {
			t.Fatalf("heading of %d runes", len([]rune(h)))
		}
	}
}

// FuzzDOCX fuzzes the readers of zipped documents: DOCX, PPTX, ODT and ODP.
func FuzzDOCX(f *testing.F) {
	d, _ := sample.DOCX(plan[:3], 2, 300)
	f.Add(d)
	pp := zipOf(f, "ppt/presentation.xml", "x", "ppt/slides/slide1.xml",
		`<p:sld xmlns:p="p" xmlns:a="a"><p:sp><p:nvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>Titre</a:t></a:r></a:p></p:txBody></p:sp></p:sld>`)
	f.Add(pp)
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Add(zipOf(f, "mimetype", MimeODT, "content.xml", `<o:document-content xmlns:o="o" xmlns:t="t" xmlns:s="s"><o:automatic-styles><s:style s:name="P1"><s:paragraph-properties fo:break-before="page"/></s:style></o:automatic-styles><o:body><o:text><t:h>Titre</t:h><t:p t:style-name="P1">x<t:soft-page-break/></t:p></o:text></o:body></o:document-content>`,
		"meta.xml", `<m:document-statistic m:page-count="2"/>`))
	f.Add(zipOf(f, "mimetype", MimeODP, "content.xml", `<d:page><d:frame p:class="title"><t:p>Titre</t:p></d:frame></d:page>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, mime := range []string{MimeDOCX, MimePPTX, MimeODT, MimeODP, MimeZIP} {
			checkMeasure(t, Document(context.Background(), bytes.NewReader(b), int64(len(b)), mime, fuzzLimits()))
		}
	})
}

// FuzzPDFText fuzzes the pure-Go PDF reader (poppler is not ours to fuzz).
func FuzzPDFText(f *testing.F) {
	p, _ := sample.PDF(plan[:2], 2, 200)
	f.Add(p)
	f.Add(handPDF("BT /F1 12 Tf 50 700 Td [(Strat) -20 (\\351gie) -300 (de crise)] TJ ET", helvetica))
	f.Add([]byte("%PDF-1.5\n1 0 obj << /Type /ObjStm /N 1 /First 4 >> stream\n2 0 << /Type /Catalog >>\nendstream endobj"))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj 2 0 obj << /Kids [3 0 R] >> endobj 3 0 obj << /Type /Page /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >> endobj 4 0 obj << >> stream\nBT /F1 9 Tf <FFFFFFFE> Tj ET\nendstream endobj 5 0 obj << /Type /Font /ToUnicode 6 0 R >> endobj 6 0 obj << >> stream\nbegincodespacerange <00000000> <FFFFFFFF> endcodespacerange 1 beginbfrange <FFFFFFF0> <FFFFFFFF> <0041> endbfrange\nendstream endobj"))
	f.Add([]byte("%PDF-1.4\n5 0 obj << /Type /Font /ToUnicode 6 0 R >> endobj 6 0 obj << >> stream\nbegincodespacerange <00> <FF> endcodespacerange beginbfrange <00> <FF> <0041> endbfrange\nendstream endobj"))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkMeasure(t, pdfDocument(context.Background(), bytes.NewReader(b), int64(len(b)), fuzzLimits(), false))
	})
}

func FuzzMP4(f *testing.F) {
	var b bytes.Buffer
	_ = sample.MP4(&b, 3*time.Second, 0)
	f.Add(b.Bytes())
	f.Add(cat(mkbox("ftyp", false), mkbox("mdat", true, make([]byte, 30)), mkbox("moov", false, mvhd(1, 1000, 4000), trak("vide", "avc1"))))
	f.Fuzz(func(t *testing.T, b []byte) {
		m := Video(bytes.NewReader(b), int64(len(b)))
		checkMeasure(t, m)
	})
}

func FuzzWebM(f *testing.F) {
	var b bytes.Buffer
	_ = sample.WebM(&b, 3*time.Second, 0)
	f.Add(b.Bytes())
	f.Add(cat(el(idEBML, false, el(idDocType, false, []byte("webm"))), el(idSegment, true, el(idCluster, true, el(0xA3, false, []byte{1})),
		el(idInfo, false, el(idDuration, false, f32(3))))))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkMeasure(t, Video(bytes.NewReader(b), int64(len(b))))
	})
}
