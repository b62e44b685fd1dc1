package importer

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Bounds of a workbook, checked on the zip itself before excelize opens it.
const (
	// maxSheetBytes bounds the decompressed XML of the sheet read (100,000 lines of
	// candidates take about 60 MB).
	maxSheetBytes = 256 << 20
	// maxStringsBytes bounds the decompressed shared strings.
	maxStringsBytes = 256 << 20
	// maxSmallPartBytes bounds each of the small parts read whole (relationships,
	// workbook).
	maxSmallPartBytes = 1 << 20
	// maxZipEntries bounds the entries of the zip directory.
	maxZipEntries = 10_000
)

// unreadableXLSX is the refusal of a file that is not a readable workbook.
const unreadableXLSX = "Classeur Excel illisible (fichier abîmé, protégé par un mot de passe ou d'un autre format) : enregistrez-le en .xlsx ou en « CSV UTF-8 »"

// workbookInfo is what canonicalXLSX learnt from the workbook.
type workbookInfo struct {
	sheet    string // name of the first sheet
	date1904 bool
}

// canonicalXLSX checks the workbook at src and writes to dst a minimal workbook holding only
// what the import reads: the first sheet and the shared strings, copied compressed as they
// are, with a workbook, relationships and content types of its own. Everything excelize
// would otherwise load whole (styles, calculation chain, theme, other sheets, pictures)
// is left out, and the two parts kept have been decompressed once, counting the bytes and
// checking every XML bound (xmlScan): neither a lying zip header nor a part that inflates
// to gigabytes gets past. Problems of the file come back as a *sourceError.
func canonicalXLSX(ctx context.Context, src string, dst io.Writer) (workbookInfo, error) {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return workbookInfo{}, &sourceError{line: 1, msg: unreadableXLSX}
	}
	defer zr.Close()
	if len(zr.File) > maxZipEntries {
		return workbookInfo{}, &sourceError{line: 1, msg: fmt.Sprintf("Classeur refusé : plus de %d parties dans le fichier (fichier abîmé ou fabriqué) — enregistrez-le à nouveau en .xlsx ou en « CSV UTF-8 »", maxZipEntries)}
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))
		if _, dup := parts[name]; !dup {
			parts[name] = f
		}
	}
	find := func(name string) *zip.File { return parts[strings.ToLower(strings.TrimPrefix(name, "/"))] }

	var rootRels xlsxRels
	if f := find("_rels/.rels"); f != nil {
		if err := readSmall(ctx, f, &rootRels); err != nil {
			return workbookInfo{}, err
		}
	}
	wbPath := "xl/workbook.xml"
	if t := rootRels.target("/officeDocument", ""); t != "" {
		wbPath = t
	}
	wbFile := find(wbPath)
	if wbFile == nil {
		return workbookInfo{}, &sourceError{line: 1, msg: unreadableXLSX}
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
			IDs  string `xml:"http://purl.oclc.org/ooxml/officeDocument/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := readSmall(ctx, wbFile, &wb); err != nil {
		return workbookInfo{}, err
	}
	if len(wb.Sheets) == 0 {
		return workbookInfo{}, &sourceError{line: 1, msg: "Le classeur ne contient aucune feuille"}
	}
	info := workbookInfo{sheet: wb.Sheets[0].Name, date1904: wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"}
	var wbRels xlsxRels
	dir, base := path.Split(wbPath)
	if f := find(dir + "_rels/" + base + ".rels"); f != nil {
		if err := readSmall(ctx, f, &wbRels); err != nil {
			return workbookInfo{}, err
		}
	}
	sheetID := wb.Sheets[0].ID + wb.Sheets[0].IDs
	sheet := find(wbRels.byID(sheetID, dir))
	if sheet == nil {
		return workbookInfo{}, &sourceError{line: 1, msg: fmt.Sprintf("Feuille « %s » illisible : enregistrez le classeur en .xlsx ou en « CSV UTF-8 »", short(info.sheet))}
	}
	stringsPart := find(wbRels.target("/sharedStrings", dir))
	if stringsPart == nil {
		stringsPart = find("xl/sharedStrings.xml")
	}

	if err := scanPart(ctx, sheet, partSheet, maxSheetBytes); err != nil {
		return workbookInfo{}, err
	}
	if stringsPart != nil {
		if err := scanPart(ctx, stringsPart, partStrings, maxStringsBytes); err != nil {
			return workbookInfo{}, err
		}
	}
	return info, writeCanonical(dst, info, sheet, stringsPart)
}

// xlsxRels is a relationships part.
type xlsxRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
		Mode   string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

// target returns the part named by the first relationship whose type ends with suffix,
// resolved against dir; "" when none.
func (r *xlsxRels) target(suffix, dir string) string {
	for _, rel := range r.Rels {
		if strings.HasSuffix(rel.Type, suffix) && rel.Mode != "External" {
			return resolvePart(dir, rel.Target)
		}
	}
	return ""
}

// byID returns the part named by relationship id, resolved against dir; "" when none.
func (r *xlsxRels) byID(id, dir string) string {
	for _, rel := range r.Rels {
		if rel.ID == id && id != "" && rel.Mode != "External" {
			return resolvePart(dir, rel.Target)
		}
	}
	return ""
}

// resolvePart resolves a relationship target: absolute from the package root when it
// starts with '/', else relative to dir.
func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return path.Clean(target)[1:]
	}
	return strings.TrimPrefix(path.Clean("/"+dir+target), "/")
}

// readSmall decodes a small XML part into v after checking its bounds.
func readSmall(ctx context.Context, f *zip.File, v any) error {
	var buf strings.Builder
	if err := copyPart(ctx, f, partOther, maxSmallPartBytes, &buf); err != nil {
		return err
	}
	if err := xml.Unmarshal([]byte(buf.String()), v); err != nil {
		return &sourceError{line: 1, msg: unreadableXLSX}
	}
	return nil
}

// scanPart decompresses part f once, checking its bounds, and keeps nothing.
func scanPart(ctx context.Context, f *zip.File, kind partKind, limit int64) error {
	return copyPart(ctx, f, kind, limit, io.Discard)
}

// copyPart decompresses part f into w through an xmlScan: the size the zip declares is
// checked first, then the bytes actually inflated are counted (archive/zip also refuses a
// part longer or shorter than declared, and a wrong CRC).
func copyPart(ctx context.Context, f *zip.File, kind partKind, limit int64, w io.Writer) error {
	scan := newXMLScan(ctx, f.Name, kind, limit)
	if f.UncompressedSize64 > uint64(limit) {
		return scan.tooBig()
	}
	rc, err := f.Open()
	if err != nil {
		return &sourceError{line: 1, msg: unreadableXLSX}
	}
	defer rc.Close()
	// limit+1 bytes at most: the scan refuses the byte past the limit.
	_, err = io.Copy(io.MultiWriter(scan, w), io.LimitReader(rc, limit+1))
	var se *sourceError
	switch {
	case errors.As(err, &se), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case err != nil:
		return &sourceError{line: 1, msg: unreadableXLSX}
	}
	return scan.close()
}

// writeCanonical writes the minimal workbook: the first sheet as xl/worksheets/sheet1.xml
// and the shared strings as xl/sharedStrings.xml, both copied without recompression.
func writeCanonical(dst io.Writer, info workbookInfo, sheet, sst *zip.File) error {
	zw := zip.NewWriter(dst)
	overrides := `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst != nil {
		overrides += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	var name strings.Builder
	_ = xml.EscapeText(&name, []byte(info.sheet))
	const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	small := []struct{ name, body string }{
		{"[Content_Types].xml", head + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` + overrides + `</Types>`},
		{"_rels/.rels", head + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", head + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="` + name.String() + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", head + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`},
	}
	for _, p := range small {
		w, err := zw.Create(p.name)
		if err != nil {
			return fmt.Errorf("classeur de travail : %w", err)
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return fmt.Errorf("classeur de travail : %w", err)
		}
	}
	if err := copyRaw(zw, sheet, "xl/worksheets/sheet1.xml"); err != nil {
		return err
	}
	if sst != nil {
		if err := copyRaw(zw, sst, "xl/sharedStrings.xml"); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("classeur de travail : %w", err)
	}
	return nil
}

// copyRaw copies part f, still compressed, under name.
func copyRaw(zw *zip.Writer, f *zip.File, name string) error {
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: f.Method, CRC32: f.CRC32,
		CompressedSize64: f.CompressedSize64, UncompressedSize64: f.UncompressedSize64})
	if err != nil {
		return fmt.Errorf("classeur de travail : %w", err)
	}
	r, err := f.OpenRaw()
	if err != nil {
		return &sourceError{line: 1, msg: unreadableXLSX}
	}
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("classeur de travail : %w", err)
	}
	return nil
}
