package main

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// rssTarget is the peak resident memory an import may take, bomb or not (MB).
const rssTarget = 300

// xlsxBench imports, each through the API of a fresh `certif serve`, the CSV's rows as an
// XLSX (shared strings, as Excel writes them) and XLSX bombs; it prints each one's time and
// the server's peak resident memory (VmHWM) next to the CSV of the same rows (csv, measured
// by importBench in the same run) and to an idle server, against the 300 MB target.
func xlsxBench(bin, dir string, csv importRun, out io.Writer) error {
	const mib = 1 << 20
	idle, err := idlePeak(bin, filepath.Join(dir, "data-idle"))
	if err != nil {
		return err
	}
	type run struct {
		name, file, contentType string
		status                  int
	}
	xlsx := filepath.Join(dir, fmt.Sprintf("candidats-%d.xlsx", csv.rows))
	if err := writeXLSX(xlsx, csv.rows); err != nil {
		return err
	}
	runs := []run{{fmt.Sprintf("XLSX, the same %d rows", csv.rows), xlsx, xlsxType, http.StatusOK}}
	oneString := func(size int64) func(io.Writer) error {
		return func(w io.Writer) error {
			io.WriteString(w, xSSTStart+"<si><t>")
			chunk := []byte(strings.Repeat("A", 1<<20))
			for left := size; left > 0; left -= int64(len(chunk)) {
				if _, err := w.Write(chunk[:min(int64(len(chunk)), left)]); err != nil {
					return err
				}
			}
			_, err := io.WriteString(w, "</t></si></sst>")
			return err
		}
	}
	const manyStrings = 999_999 // the importer's bound is a million
	bombs := []struct {
		name     string
		last     int // the shared string the sheet's cell names
		sst      func(io.Writer) error
		declared int64
	}{
		{"bomb: one 480 MiB shared string", 0, oneString(480 * mib), 0},
		{"bomb: one 200 MiB shared string", 0, oneString(200 * mib), 0},
		{"bomb: 480 MiB, header says 1 KiB", 0, oneString(480 * mib), 1 << 10},
		{fmt.Sprintf("bomb: %d shared strings", manyStrings), manyStrings - 1, func(w io.Writer) error {
			io.WriteString(w, xSSTStart)
			for i := 0; i < manyStrings; i++ {
				if _, err := io.WriteString(w, "<si><t>x</t></si>"); err != nil {
					return err
				}
			}
			_, err := io.WriteString(w, "</sst>")
			return err
		}, 0},
	}
	for i, b := range bombs {
		file := filepath.Join(dir, fmt.Sprintf("bomb-%d.xlsx", i))
		if err := writeBomb(file, b.last, b.sst, b.declared); err != nil {
			return err
		}
		fi, err := os.Stat(file)
		if err != nil {
			return err
		}
		runs = append(runs, run{fmt.Sprintf("%s (%d KB file)", b.name, fi.Size()>>10), file, xlsxType, http.StatusUnprocessableEntity})
	}

	fmt.Fprintf(out, "\n%-52s %10s %12s %10s  %s\n", "peak RSS of the server during an import", "time", "peak RSS", "vs CSV", "target < 300 MB")
	fmt.Fprintf(out, "%-52s %10s %9.1f MB %10s  %s\n", "idle server (reference)", "—", idle, "—", "—")
	fmt.Fprintf(out, "%-52s %10s %9.1f MB %10s  %s\n", fmt.Sprintf("CSV, %d rows (reference)", csv.rows), csv.time.Round(time.Millisecond), csv.peak, "1.0×", verdict(csv.peak))
	for i, r := range runs {
		d, peak, body, err := apiImportAs(bin, filepath.Join(dir, fmt.Sprintf("data-xlsx-%d", i)), r.file, r.contentType, r.status)
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		fmt.Fprintf(out, "%-52s %10s %9.1f MB %9.1f×  %s\n", r.name, d.Round(time.Millisecond), peak, peak/csv.peak, verdict(peak))
		if r.status != http.StatusOK {
			fmt.Fprintf(out, "%-52s %s\n", "", "→ "+refusal(body))
		}
	}
	return nil
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func verdict(mb float64) string {
	if mb < rssTarget {
		return "ok"
	}
	return "MISSED"
}

// refusal returns the first problem of an API error body.
func refusal(body string) string {
	var e struct {
		Error struct {
			Lines []struct {
				Line    int    `json:"ligne"`
				Message string `json:"message"`
			} `json:"lignes"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(body), &e) != nil || len(e.Error.Lines) == 0 {
		return strings.TrimSpace(body)
	}
	return fmt.Sprintf("ligne %d : %s", e.Error.Lines[0].Line, e.Error.Lines[0].Message)
}

// idlePeak starts a fresh server and returns its peak resident memory once ready (MB).
func idlePeak(bin, data string) (float64, error) {
	p, err := start(bin, data)
	if err != nil {
		return 0, err
	}
	defer p.stop()
	return procStatusMB(p.cmd.Process.Pid, "VmHWM:")
}

// The fixed parts of the bench workbooks.
const (
	xContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	xRels         = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	xWorkbook     = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Candidats" sheetId="1" r:id="rId1"/></sheets></workbook>`
	xWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	xSheetStart   = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	xSheetEnd     = `</sheetData></worksheet>`
	xSSTStart     = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
)

// writeFixedParts writes the parts every bench workbook shares.
func writeFixedParts(zw *zip.Writer) error {
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", xContentTypes}, {"_rels/.rels", xRels},
		{"xl/workbook.xml", xWorkbook}, {"xl/_rels/workbook.xml.rels", xWorkbookRels},
	} {
		w, err := zw.Create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return err
		}
	}
	return nil
}

// writeXLSX writes the header and n rows of benchRow as Excel does: every text a shared
// string, the date of birth a date serial number.
func writeXLSX(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	if err := writeFixedParts(zw); err != nil {
		return err
	}
	sw, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	w := bufio.NewWriter(sw)
	var sst []string
	index := map[string]int{}
	str := func(s string) int {
		i, ok := index[s]
		if !ok {
			i = len(sst)
			index[s] = i
			sst = append(sst, s)
		}
		return i
	}
	w.WriteString(xSheetStart)
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	for r := 0; r <= n; r++ {
		cells := benchHeader
		if r > 0 {
			cells = benchRow(r - 1)
		}
		line := strconv.Itoa(r + 1)
		w.WriteString(`<row r="` + line + `">`)
		for c, v := range cells {
			ref := string(rune('A'+c)) + line
			if r > 0 && c == 3 { // date of birth
				d, err := time.Parse("02/01/2006", v)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, `<c r="%s"><v>%d</v></c>`, ref, int(d.Sub(epoch).Hours()/24))
				continue
			}
			fmt.Fprintf(w, `<c r="%s" t="s"><v>%d</v></c>`, ref, str(v))
		}
		w.WriteString(`</row>`)
	}
	w.WriteString(xSheetEnd)
	if err := w.Flush(); err != nil {
		return err
	}
	ssw, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	w = bufio.NewWriter(ssw)
	fmt.Fprintf(w, `%s`, strings.Replace(xSSTStart, "<sst ", fmt.Sprintf(`<sst count="%d" uniqueCount="%d" `, len(sst), len(sst)), 1))
	for _, s := range sst {
		w.WriteString("<si><t>" + s + "</t></si>") // the bench strings need no escaping
	}
	w.WriteString("</sst>")
	if err := w.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

// writeBomb writes a workbook whose one cell names shared string last, and whose shared
// strings sst writes, deflated at the best compression (about 1,000 to 1 for one long
// string); declared, when not 0, is the uncompressed size written in the zip headers instead
// of the real one.
func writeBomb(path string, last int, sst func(io.Writer) error, declared int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	if err := writeFixedParts(zw); err != nil {
		return err
	}
	sheet := xSheetStart + `<row r="1"><c r="A1" t="s"><v>` + strconv.Itoa(last) + `</v></c></row>` + xSheetEnd
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, sheet); err != nil {
		return err
	}
	// Deflate the shared strings into a temporary file, then copy them raw with the sizes wanted.
	tmp, err := os.CreateTemp(filepath.Dir(path), "sst-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	fw, _ := flate.NewWriter(tmp, flate.BestCompression)
	crc := crc32.NewIEEE()
	counted := &countWriter{w: io.MultiWriter(fw, crc)}
	bw := bufio.NewWriterSize(counted, 1<<20)
	if err := sst(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	comp, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if declared == 0 {
		declared = counted.n
	}
	raw, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/sharedStrings.xml", Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(comp), UncompressedSize64: uint64(declared)})
	if err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(raw, tmp); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
