package excelcsv

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"marie@example.fr", "marie@example.fr"},
		{"=cmd|'/Ccalc'!A0@x.fr", "'=cmd|'/Ccalc'!A0@x.fr"},
		{"+33 6 12 34 56 78", "'+33 6 12 34 56 78"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
		{" =1", " =1"},
		{"'déjà", "'déjà"},
		// Invisible format characters and full-width signs in front of a formula.
		{"\u200b=cmd|'/Ccalc'!A0@x.fr", "'\u200b=cmd|'/Ccalc'!A0@x.fr"},
		{"\ufeff+1", "'\ufeff+1"},
		{"＝HYPERLINK(\"x\")", "'＝HYPERLINK(\"x\")"},
		{"＠x", "'＠x"},
		{"\u200bmarie@example.fr", "\u200bmarie@example.fr"},
	}
	for _, tt := range tests {
		if got := Cell(tt.in); got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	for _, rec := range [][]string{{"E-mail", "Lien"}, {"=HYPERLINK(\"http://evil\")", "https://x/a;b"}} {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFE-mail;Lien\r\n\"'=HYPERLINK(\"\"http://evil\"\")\";\"https://x/a;b\"\r\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
	// Read back as a spreadsheet would: no cell starts with a formula character.
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		for _, c := range rec {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("cell %q starts with a formula character", c)
			}
		}
	}

	var empty bytes.Buffer
	if err := NewWriter(&empty).Flush(); err != nil || empty.String() != "\uFEFF" {
		t.Errorf("empty file = %q, %v", empty.String(), err)
	}
}
