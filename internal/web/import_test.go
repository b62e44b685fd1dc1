package web

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/csv"
	"encoding/json"
	"hash/crc32"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certif/certif/internal/candidat"
)

const importHeader = "Nom de naissance;Prénoms;Sexe;Date de naissance;Code commune de naissance;Commune de naissance;E-mail;Voie d'accès;Promotion\n"

// apiImportRaw posts body to the import API as the demo référent.
func (e *testEnv) apiImportRaw(token, contentType string, body io.Reader) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/import/candidats", body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// TestActivationsCSVNeutralisesFormulas: an e-mail stored as a formula (from before the
// input check, or any other way) comes out of activations.csv as text, not as a formula.
func TestActivationsCSVNeutralisesFormulas(t *testing.T) {
	e := newEnv(t)
	tok := e.token("referent@certif.demo")
	status, body := e.apiImportRaw(tok, "text/csv", strings.NewReader(importHeader+"Formule;Eve;F;01/02/1990;69123;Lyon;eve.formule@example.fr;VAE classique;PROMO-F\n"))
	if status != http.StatusOK {
		t.Fatalf("import: %d %s", status, body)
	}
	const evil = "=cmd|'/Ccalc'!A0@x.fr"
	if _, err := e.st.DB().ExecContext(context.Background(), "UPDATE users SET email = '"+strings.ReplaceAll(evil, "'", "''")+"' WHERE email = 'eve.formule@example.fr'"); err != nil {
		t.Fatal(err)
	}
	c := e.login("referent@certif.demo")
	res := e.post(c, "/promotions/PROMO-F/activations.csv", url.Values{})
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("activations.csv: %d %s", res.StatusCode, raw)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF"))))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][0] != "'"+evil {
		t.Fatalf("activations.csv = %q, want the e-mail as %q", recs, "'"+evil)
	}
}

// TestImportBusy: beyond two imports at once, a third is refused with a French message,
// on the page and in the API.
func TestImportBusy(t *testing.T) {
	e := newEnv(t)
	for range maxConcurrentImports {
		if !e.srv.imports.take() {
			t.Fatal("no free import slot")
		}
	}
	tok := e.token("referent@certif.demo")
	status, body := e.apiImportRaw(tok, "text/csv", strings.NewReader(importHeader+"Dupont;Marie;F;01/02/1990;69123;Lyon;marie.busy@example.fr;VAE classique;P\n"))
	var out struct {
		Error apiError `json:"error"`
	}
	if err := json.Unmarshal(body, &out); err != nil || status != http.StatusTooManyRequests || out.Error.Message != msgImportBusy {
		t.Errorf("API: %d %s", status, body)
	}

	c := e.login("referent@certif.demo")
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("fichier", "c.csv")
	_, _ = io.WriteString(fw, importHeader)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/candidats/import", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(page), "Une importation est déjà en cours") {
		t.Errorf("page: %d", res.StatusCode)
	}

	e.srv.imports.release()
	status, body = e.apiImportRaw(tok, "text/csv", strings.NewReader(importHeader+"Dupont;Marie;F;01/02/1990;69123;Lyon;marie.busy@example.fr;VAE classique;P\n"))
	if status != http.StatusOK {
		t.Errorf("with a free slot: %d %s", status, body)
	}
}

// TestImportXLSXBombRefused: the XLSX bomb of the issue (a shared string of hundreds of MB
// in a small file) is refused through the API with a French problem, nothing imported.
func TestImportXLSXBombRefused(t *testing.T) {
	e := newEnv(t)
	tok := e.token("referent@certif.demo")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, body io.Reader, declared uint64) {
		var comp bytes.Buffer
		fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
		crc := crc32.NewIEEE()
		n, _ := io.Copy(io.MultiWriter(fw, crc), body)
		_ = fw.Close()
		if declared == 0 {
			declared = uint64(n)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc.Sum32(), CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(comp.Bytes())
	}
	add("_rels/.rels", strings.NewReader(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`), 0)
	add("xl/workbook.xml", strings.NewReader(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>`), 0)
	add("xl/_rels/workbook.xml.rels", strings.NewReader(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`), 0)
	add("xl/worksheets/sheet1.xml", strings.NewReader(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`), 0)
	// One string of 32 MiB: about 40 KB once compressed.
	add("xl/sharedStrings.xml", io.MultiReader(strings.NewReader(`<sst><si><t>`), io.LimitReader(zeroA{}, 32<<20), strings.NewReader(`</t></si></sst>`)), 0)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	status, body := e.apiImportRaw(tok, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &buf)
	var out struct {
		Error apiError `json:"error"`
	}
	if err := json.Unmarshal(body, &out); err != nil || status != http.StatusUnprocessableEntity || len(out.Error.Lines) != 1 ||
		out.Error.Lines[0] != (candidat.LineError{Line: 1, Message: "Le texte n° 1 du classeur dépasse 32\u202f767 caractères, la limite d'une cellule Excel : raccourcissez-le"}) {
		t.Errorf("bomb: %d %s", status, body)
	}
}

type zeroA struct{}

func (zeroA) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'A'
	}
	return len(p), nil
}
