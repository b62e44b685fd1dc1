package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/referentiel"
)

// FuzzCSV feeds arbitrary bytes to the importer: it must never panic, every problem must
// be located on a line, and every row it accepts must pass candidat.Candidat.Validate and
// candidat.Inscription.Validate (see fuzzRead).
func FuzzCSV(f *testing.F) {
	var tpl bytes.Buffer
	if err := Template(&tpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())
	f.Add([]byte(hdr + "\nDupont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE classique\n"))
	f.Add([]byte("Nom,Prénoms,Sexe,Date de naissance,Code INSEE,Lieu de naissance,Courriel,Voie,Blocs\n" +
		"Dupont,\"Marie, Claire\",Mme,32905,1053,Lyon,m@example.fr,contrat pro,\"bloc 1, BC03\"\n"))
	f.Add([]byte(hdr + "\r\nDupont;\"Marie;F;01/02/1990\r\n;;;\r\n"))
	f.Add([]byte(hdr + "\nDupont;Marie \"M\";X;31/02/1990;6912;;pas-une-adresse;à distance;en trop\n"))
	f.Add([]byte("Nom;Pr\xe9nom;Sexe\nDupont;Ren\xe9;M\n"))
	f.Add([]byte("\xFF\xFEN\x00"))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte(""))
	ref := cmRef(f)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "fuzz.csv", ref) })
}

// FuzzXLSX feeds arbitrary XML as the sheet and the shared strings of a workbook, with the
// invariants of FuzzCSV; the bounds of xmlScan keep every run small.
func FuzzXLSX(f *testing.F) {
	sst := func(s ...string) []byte {
		b := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
		for _, x := range s {
			b += "<si><t>" + x + "</t></si>"
		}
		return []byte(b + "</sst>")
	}
	f.Add([]byte(goodSheet()), sst("marie@example.fr"))
	f.Add([]byte(sheetNS+inlineRow(1, "Nom", "Prénom", "Sexe", "Né le", "Code INSEE", "Lieu de naissance", "Courriel", "Voie")+
		`<row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3" t="s"><v>1</v></c><c r="C3"><v>2</v></c><c r="D3"><v>32905</v></c>`+
		`<c r="E3"><v>1053</v></c><c r="F3" t="s"><v>2</v></c><c r="G3" t="s"><v>3</v></c><c r="H3" t="inlineStr"><is><t>contrat pro</t></is></c></row>`+
		`<row r="9"><c r="A9" t="s"><v>7</v></c><c r="D9" t="str"><v>hier</v></c></row></sheetData></worksheet>`),
		sst("Dupont", "Marie &amp; Claire", "Bourg", "m@example.fr"))
	f.Add([]byte(sheetNS+`<row r="1"><c r="A1"><is><t><![CDATA[<a>]]></t></is></c></row><!-- x --></sheetData></worksheet>`), sst(`<r><t>a</t></r><r><t xml:space="preserve"> b</t></r>`))
	f.Add([]byte(sheetNS+`<row r="1048577"/></sheetData></worksheet>`), []byte(""))
	f.Add([]byte("<"), []byte("<si"))
	ref := cmRef(f)
	f.Fuzz(func(t *testing.T, sheet, strs []byte) {
		data := workbook(t, zipPart{name: "xl/worksheets/sheet1.xml", body: func() io.Reader { return bytes.NewReader(sheet) }},
			zipPart{name: "xl/sharedStrings.xml", body: func() io.Reader { return bytes.NewReader(strs) }})
		fuzzRead(t, data, "fuzz.xlsx", ref)
	})
}

// fuzzRead reads data as an import file and checks the invariants: no panic, every problem
// located on a line after the previous one, every accepted row valid.
func fuzzRead(t *testing.T, data []byte, name string, ref *referentiel.Referentiel) {
	r, err := NewReader(context.Background(), bytes.NewReader(data), name, ref, testNow)
	if err != nil {
		var ie *candidat.ImportError
		if !errors.As(err, &ie) || len(ie.Errors) == 0 {
			t.Fatalf("NewReader error %v (%T), want a *candidat.ImportError", err, err)
		}
		return
	}
	defer r.Close()
	last := 1
	for range MaxLines + 2 { // each row takes at least one line
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		var ie *candidat.ImportError
		if errors.As(err, &ie) {
			for _, le := range ie.Errors {
				if le.Line <= last || le.Message == "" {
					t.Fatalf("problem %+v after line %d", le, last)
				}
			}
			last = ie.Errors[0].Line
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if row.Line <= last {
			t.Fatalf("row line %d after line %d", row.Line, last)
		}
		last = row.Line
		c := row.Candidat
		if err := c.Validate(testNow); err != nil {
			t.Fatalf("line %d accepted but Validate says: %v\n%+v", row.Line, err, row.Candidat)
		}
		ins := row.Inscription
		ins.CentreID = 1
		if err := ins.Validate(ref); err != nil {
			t.Fatalf("line %d accepted but Inscription.Validate says: %v\n%+v", row.Line, err, row.Inscription)
		}
	}
	t.Fatal("Next did not reach io.EOF")
}
