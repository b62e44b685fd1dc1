// Package excelcsv writes the CSV files Certif hands out, for French Excel — UTF-8 with a
// byte order mark, ';' between fields, CRLF line ends — with every cell neutralised against
// formula injection. It is the one way Certif writes a CSV; a writer of XLSX cells passes
// each value through Cell too.
package excelcsv

import (
	"encoding/csv"
	"fmt"
	"io"
	"unicode"
)

// Cell returns s made safe for a spreadsheet cell: a value starting with '=', '+', '-',
// '@', a tab or a carriage return — which Excel and LibreOffice would evaluate as a formula
// (=HYPERLINK(…), =cmd|'/C calc'!A0, …) — is prefixed with a single quote, which makes it
// plain text (OWASP's advice for CSV injection). Other values come back unchanged.
func Cell(s string) string {
	if s == "" {
		return s
	}
	// Spreadsheets skip invisible format characters (zero-width space, BOM…) and read the
	// full-width signs as their ASCII forms: look at the first visible character.
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) {
			continue
		}
		switch r {
		case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
			return "'" + s
		}
		break
	}
	return s
}

// Writer writes records for French Excel, each cell through Cell. It is not safe for
// concurrent use.
type Writer struct {
	out     io.Writer
	csv     *csv.Writer
	started bool
	row     []string
}

// NewWriter returns a Writer on w; the byte order mark goes before the first record.
func NewWriter(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return &Writer{out: w, csv: cw}
}

// Write writes one record, each cell neutralised by Cell. It returns the first write error.
func (w *Writer) Write(record []string) error {
	if !w.started {
		w.started = true
		if _, err := io.WriteString(w.out, "\uFEFF"); err != nil {
			return fmt.Errorf("écriture du CSV : %w", err)
		}
	}
	w.row = w.row[:0]
	for _, c := range record {
		w.row = append(w.row, Cell(c))
	}
	if err := w.csv.Write(w.row); err != nil {
		return fmt.Errorf("écriture du CSV : %w", err)
	}
	return nil
}

// Flush writes what is buffered and returns the first error met by any Write or Flush.
func (w *Writer) Flush() error {
	if !w.started { // an empty file still carries its byte order mark
		w.started = true
		if _, err := io.WriteString(w.out, "\uFEFF"); err != nil {
			return fmt.Errorf("écriture du CSV : %w", err)
		}
	}
	w.csv.Flush()
	if err := w.csv.Error(); err != nil {
		return fmt.Errorf("écriture du CSV : %w", err)
	}
	return nil
}
