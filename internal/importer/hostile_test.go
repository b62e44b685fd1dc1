package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"hash/crc32"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/candidat"
)

// zipPart is one part of a hand-made workbook: body streams its content; declared, when
// not zero, is the uncompressed size written in the zip headers instead of the real one.
type zipPart struct {
	name     string
	body     func() io.Reader
	declared uint64
}

// repeated streams s n times without holding them.
func repeated(s string, n int) func() io.Reader {
	return func() io.Reader { return &repeatReader{s: s, n: n} }
}

type repeatReader struct {
	s   string
	n   int
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	w := 0
	for w < len(p) && r.n > 0 {
		c := copy(p[w:], r.s[r.off:])
		w += c
		r.off += c
		if r.off == len(r.s) {
			r.off, r.n = 0, r.n-1
		}
	}
	if w == 0 {
		return 0, io.EOF
	}
	return w, nil
}

func text(s string) func() io.Reader { return func() io.Reader { return strings.NewReader(s) } }

// buildZip writes parts deflated at the fastest level, with their declared sizes.
func buildZip(t testing.TB, parts []zipPart) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, p := range parts {
		var comp bytes.Buffer
		fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
		crc := crc32.NewIEEE()
		n, err := io.Copy(io.MultiWriter(fw, crc), p.body())
		if err != nil {
			t.Fatal(err)
		}
		if err := fw.Close(); err != nil {
			t.Fatal(err)
		}
		size := uint64(n)
		if p.declared != 0 {
			size = p.declared
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(comp.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

const (
	ctTypes = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`
	relsXML = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	wbXML   = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Candidats" sheetId="1" r:id="rId1"/></sheets></workbook>`
	wbRels  = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	sheetNS = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
)

// inlineRow is a sheet row of inline strings.
func inlineRow(line int, cells ...string) string {
	var b strings.Builder
	b.WriteString(`<row r="` + itoa(line) + `">`)
	for i, c := range cells {
		b.WriteString(`<c r="` + string(rune('A'+i)) + itoa(line) + `" t="inlineStr"><is><t>` + c + `</t></is></c>`)
	}
	b.WriteString(`</row>`)
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

// goodSheet is a valid sheet: the header, one candidate whose e-mail is shared string 0.
func goodSheet() string {
	return sheetNS + inlineRow(1, "Nom de naissance", "Prénoms", "Sexe", "Date de naissance", "Code commune de naissance", "Commune de naissance", "E-mail", "Voie d'accès") +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Dupont</t></is></c><c r="B2" t="inlineStr"><is><t>Marie</t></is></c><c r="C2" t="inlineStr"><is><t>F</t></is></c>` +
		`<c r="D2" t="inlineStr"><is><t>01/02/1990</t></is></c><c r="E2" t="inlineStr"><is><t>69123</t></is></c><c r="F2" t="inlineStr"><is><t>Lyon</t></is></c>` +
		`<c r="G2" t="s"><v>0</v></c><c r="H2" t="inlineStr"><is><t>VAE classique</t></is></c></row></sheetData></worksheet>`
}

// workbook is a valid workbook whose parts can be replaced or added to.
func workbook(t testing.TB, replace ...zipPart) []byte {
	t.Helper()
	parts := []zipPart{
		{name: "[Content_Types].xml", body: text(ctTypes)},
		{name: "_rels/.rels", body: text(relsXML)},
		{name: "xl/workbook.xml", body: text(wbXML)},
		{name: "xl/_rels/workbook.xml.rels", body: text(wbRels)},
		{name: "xl/worksheets/sheet1.xml", body: text(goodSheet())},
		{name: "xl/sharedStrings.xml", body: text(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>marie@example.fr</t></si></sst>`)},
	}
	for _, r := range replace {
		found := false
		for i := range parts {
			if parts[i].name == r.name {
				parts[i], found = r, true
			}
		}
		if !found {
			parts = append(parts, r)
		}
	}
	return buildZip(t, parts)
}

// readMeasured runs ReadAll on data and returns its error and the bytes it allocated.
func readMeasured(t *testing.T, data []byte) (uint64, error) {
	t.Helper()
	ref := cmRef(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadAll(context.Background(), bytes.NewReader(data), "bombe.xlsx", ref, testNow)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, err
}

// TestXLSXBombs feeds workbooks built to exhaust memory: each is refused with a French
// message, or read without touching the bomb, allocating far less than the bomb's size.
func TestXLSXBombs(t *testing.T) {
	const mib = 1 << 20
	sst := func(s string) string {
		return `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + s + `</sst>`
	}
	huge := func(prefix string, n int, suffix string) func() io.Reader {
		return func() io.Reader {
			return io.MultiReader(strings.NewReader(prefix), repeated(strings.Repeat("A", 1024), n)(), strings.NewReader(suffix))
		}
	}
	tests := []struct {
		name string
		part zipPart
		size int // bytes the bomb inflates to
		want []candidat.LineError
	}{
		{"one shared string of 64 MiB", zipPart{name: "xl/sharedStrings.xml", body: huge(sst("<si><t>"), 64<<10, "</t></si>")}, 64 * mib,
			[]candidat.LineError{{Line: 1, Message: "Le texte n° 1 du classeur dépasse 32\u202f767 caractères, la limite d'une cellule Excel : raccourcissez-le"}}},
		{"shared string split in runs", zipPart{name: "xl/sharedStrings.xml", body: func() io.Reader {
			return io.MultiReader(strings.NewReader(sst("<si>")), repeated("<r><t>AAAAAAAAAAAAAAAAAAAAAAA</t></r>", 2<<20)(), strings.NewReader("</si></sst>"))
		}}, 64 * mib, []candidat.LineError{{Line: 1, Message: "Le texte n° 1 du classeur dépasse 32\u202f767 caractères, la limite d'une cellule Excel : raccourcissez-le"}}},
		{"shared strings declared at 480 MiB", zipPart{name: "xl/sharedStrings.xml", body: huge(sst("<si><t>"), 1<<10, "</t></si>"), declared: 480 * mib}, 480 * mib,
			[]candidat.LineError{{Line: 1, Message: "Les textes du classeur dépassent 256 Mo une fois décompressés : découpez-le en plusieurs fichiers ou enregistrez-le en « CSV UTF-8 »"}}},
		{"shared strings declared small, inflating to 64 MiB", zipPart{name: "xl/sharedStrings.xml", body: huge(sst("<si><t>"), 64<<10, "</t></si>"), declared: 1024}, 64 * mib,
			[]candidat.LineError{{Line: 1, Message: unreadableXLSX}}},
		{"millions of empty shared strings", zipPart{name: "xl/sharedStrings.xml", body: func() io.Reader {
			return io.MultiReader(strings.NewReader(sst("")[:len(sst(""))-6]), repeated("<si/>", maxSharedStrings+1)(), strings.NewReader("</sst>"))
		}}, 5 * mib, []candidat.LineError{{Line: 1, Message: "Le classeur contient plus d'un million de textes différents : découpez-le en plusieurs fichiers ou enregistrez-le en « CSV UTF-8 »"}}},
		{"elements nested a million deep", zipPart{name: "xl/sharedStrings.xml", body: func() io.Reader {
			return io.MultiReader(strings.NewReader(sst("")[:len(sst(""))-6]), repeated("<a>", 1<<20)())
		}}, 3 * mib, []candidat.LineError{{Line: 1, Message: "Classeur refusé : plus de 64 éléments imbriqués dans la partie « xl/sharedStrings.xml » (fichier abîmé ou fabriqué) — enregistrez-le à nouveau en .xlsx ou en « CSV UTF-8 »"}}},
		{"CDATA of 64 MiB in a cell", zipPart{name: "xl/worksheets/sheet1.xml", body: func() io.Reader {
			return io.MultiReader(strings.NewReader(sheetNS+`<row r="1"><c r="B1" t="inlineStr"><is><t><![CDATA[`), repeated("<a>", 22<<20)(), strings.NewReader("]]></t></is></c></row></sheetData></worksheet>"))
		}}, 64 * mib, []candidat.LineError{{Line: 1, Message: "La cellule B1 dépasse 32\u202f767 caractères, la limite d'une cellule Excel : raccourcissez-la"}}},
		{"comment of 64 MiB", zipPart{name: "xl/worksheets/sheet1.xml", body: func() io.Reader {
			return io.MultiReader(strings.NewReader(sheetNS+`<!--`), repeated("<a>", 22<<20)(), strings.NewReader("--></sheetData></worksheet>"))
		}}, 64 * mib, []candidat.LineError{{Line: 1, Message: "Classeur refusé : un élément XML démesuré dans la partie « xl/worksheets/sheet1.xml » (fichier abîmé ou fabriqué) — enregistrez-le à nouveau en .xlsx ou en « CSV UTF-8 »"}}},
		{"a row of 64 MiB of cells", zipPart{name: "xl/worksheets/sheet1.xml", body: func() io.Reader {
			return io.MultiReader(strings.NewReader(sheetNS+`<row r="7">`), repeated(`<c r="A7"><v>1</v></c>`, 3<<20)(), strings.NewReader("</row></sheetData></worksheet>"))
		}}, 64 * mib, []candidat.LineError{{Line: 7, Message: "La ligne dépasse 1 Mo dans le classeur : raccourcissez ses cellules ou enregistrez-le en « CSV UTF-8 »"}}},
		{"too many rows", zipPart{name: "xl/worksheets/sheet1.xml", body: func() io.Reader {
			return io.MultiReader(strings.NewReader(sheetNS), repeated(`<row/>`, MaxLines+1)(), strings.NewReader("</sheetData></worksheet>"))
		}}, 1 * mib, []candidat.LineError{{Line: MaxLines + 1, Message: "Le fichier dépasse 200\u202f000 lignes : découpez-le en plusieurs fichiers"}}},
		{"DOCTYPE", zipPart{name: "xl/workbook.xml", body: text(`<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY a "aaaa">]>` + wbXML[strings.Index(wbXML, "<workbook"):])}, 0,
			[]candidat.LineError{{Line: 1, Message: "Classeur refusé : une déclaration « <!…> » dans la partie « xl/workbook.xml » (fichier abîmé ou fabriqué) — enregistrez-le à nouveau en .xlsx ou en « CSV UTF-8 »"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := workbook(t, tt.part)
			alloc, err := readMeasured(t, data)
			if got := importErrors(t, err); !equalErrors(got, tt.want) {
				t.Errorf("errors = %#v\nwant     %#v", got, tt.want)
			}
			if tt.size > 0 && alloc > uint64(tt.size)/8 && alloc > 8*mib {
				t.Errorf("allocated %d MiB for a bomb of %d MiB", alloc>>20, tt.size>>20)
			}
		})
	}
}

func equalErrors(a, b []candidat.LineError) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestXLSXUnreadPartsIgnored: parts the import does not read (styles, other sheets) are
// neither decompressed nor handed to excelize, whatever they hold.
func TestXLSXUnreadPartsIgnored(t *testing.T) {
	styles := zipPart{name: "xl/styles.xml", body: func() io.Reader {
		return io.MultiReader(strings.NewReader(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>`),
			repeated("<xf/>", 12<<20)(), strings.NewReader("</cellXfs></styleSheet>"))
	}}
	data := workbook(t, styles)
	ref := cmRef(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rows, err := ReadAll(context.Background(), bytes.NewReader(data), "c.xlsx", ref, testNow)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Candidat.Email != "marie@example.fr" || rows[0].Line != 2 {
		t.Errorf("rows = %+v", rows)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %d MiB for 60 MiB of styles the import does not read", alloc>>20)
	}
}

// TestImportDeadline: past the context's deadline the reading stops with a problem of the
// file, for a CSV and an XLSX alike.
func TestImportDeadline(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	want := []candidat.LineError{{Line: 1, Message: "La lecture du fichier a dépassé le temps permis : découpez-le en plusieurs fichiers"}}
	for name, data := range map[string][]byte{
		"c.csv":  []byte(hdr + "\nDupont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE classique\n"),
		"c.xlsx": workbook(t),
	} {
		_, err := ReadAll(ctx, bytes.NewReader(data), name, cmRef(t), testNow)
		if got := importErrors(t, err); !equalErrors(got, want) {
			t.Errorf("%s: errors = %#v", name, got)
		}
	}
}

// TestCellAndLineBounds: a CSV cell over 32,767 characters and a CSV over MaxLines lines
// are refused, located.
func TestCellAndLineBounds(t *testing.T) {
	long := strings.Repeat("é", maxCellChars+1)
	_, err := ReadAll(context.Background(), strings.NewReader(hdr+";Observations\nDupont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE classique;"+long+"\n"), "c.csv", cmRef(t), testNow)
	want := []candidat.LineError{{Line: 2, Column: "Observations", Message: longCellMessage}}
	if got := importErrors(t, err); !equalErrors(got, want) {
		t.Errorf("long cell: errors = %#v", got)
	}
	if testing.Short() {
		return
	}
	// MaxLines distinct, valid candidates after the header: one line too many.
	_, err = ReadAll(context.Background(), &genCSV{n: MaxLines}, "c.csv", cmRef(t), testNow)
	want = []candidat.LineError{{Line: MaxLines + 1, Message: tooManyLines}}
	if got := importErrors(t, err); !equalErrors(got, want) {
		t.Errorf("too many lines: errors = %#v", got)
	}
}

// TestFormulaEmailRefused: an e-mail a spreadsheet would take for a formula is refused at
// import, on its column.
func TestFormulaEmailRefused(t *testing.T) {
	_, err := ReadAll(context.Background(), strings.NewReader(hdr+"\nDupont;Marie;F;01/02/1990;69123;Lyon;=cmd|'/Ccalc'!A0@x.fr;VAE classique\n"), "c.csv", cmRef(t), testNow)
	want := []candidat.LineError{{Line: 2, Column: "E-mail", Message: "Cette adresse e-mail n'est pas valide."}}
	if got := importErrors(t, err); !equalErrors(got, want) {
		t.Errorf("errors = %#v", got)
	}
}

// TestQuotedValuesShortened: a long value quoted in a problem is cut, so that 1,000
// problems stay a small report.
func TestQuotedValuesShortened(t *testing.T) {
	long := strings.Repeat("x", 10_000)
	_, err := ReadAll(context.Background(), strings.NewReader(hdr+";Blocs visés\nDupont;Marie;"+long+";01/02/1990;69123;Lyon;m@example.fr;VAE classique;a,b,c,d,e,f,g\n"), "c.csv", cmRef(t), testNow)
	want := []candidat.LineError{
		{Line: 2, Column: "Sexe", Message: "Valeur « " + strings.Repeat("x", maxQuoted) + "… » non reconnue. Indiquez F (femme) ou M (homme)."},
		{Line: 2, Column: "Blocs visés", Message: "Blocs inconnus : « a », « b », « c », « d », « e » … (blocs du référentiel : BC01, BC02, BC03 ; laissez vide ou écrivez « tous » pour tous les blocs)."},
	}
	if got := importErrors(t, err); !equalErrors(got, want) {
		t.Errorf("errors = %#v", got)
	}
}

func TestResolvePart(t *testing.T) {
	tests := []struct{ dir, target, want string }{
		{"xl/", "worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"},
		{"xl/", "/xl/worksheets/sheet2.xml", "xl/worksheets/sheet2.xml"},
		{"xl/", "../other/sheet.xml", "other/sheet.xml"},
		{"", "xl/workbook.xml", "xl/workbook.xml"},
		{"xl/", "../../../etc/passwd", "etc/passwd"},
	}
	for _, tt := range tests {
		if got := resolvePart(tt.dir, tt.target); got != tt.want {
			t.Errorf("resolvePart(%q, %q) = %q, want %q", tt.dir, tt.target, got, tt.want)
		}
	}
}

// TestXLSXAbsoluteTargets: a workbook whose relationships name parts from the package root
// (as some generators write them) is read as well.
func TestXLSXAbsoluteTargets(t *testing.T) {
	rels := strings.ReplaceAll(strings.ReplaceAll(wbRels, `Target="worksheets/`, `Target="/xl/worksheets/`), `Target="sharedStrings.xml"`, `Target="/xl/sharedStrings.xml"`)
	data := workbook(t, zipPart{name: "xl/_rels/workbook.xml.rels", body: text(rels)})
	rows, err := ReadAll(context.Background(), bytes.NewReader(data), "c.xlsx", cmRef(t), testNow)
	if err != nil || len(rows) != 1 || rows[0].Candidat.Email != "marie@example.fr" {
		t.Fatalf("rows %+v, err %v", rows, err)
	}
}
