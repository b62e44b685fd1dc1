// Package importer reads the candidate import files that training centres send — CSV
// (UTF-8 with or without a BOM, or Windows-1252 as French Excel's default "CSV (séparateur :
// point-virgule)" writes it; ';', ',' or tab) or XLSX — as a stream of
// candidat.ImportRow, with every problem located by line and column in French.
//
// Headers are matched without regard to case, accents, spaces or punctuation, with
// synonyms ("Courriel" for "E-mail", "Civilité" for "Sexe"…); unknown columns are ignored
// and listed by Reader.Ignored. Memory stays flat with the file size: rows are read one at
// a time (an XLSX is first copied to a temporary file, at most MaxXLSXSize bytes, checked
// part by part and cut down to its first sheet and shared strings before excelize opens it:
// see canonicalXLSX); only the in-file duplicate index grows, by a few dozen bytes per row.
// Every input is bounded (MaxLines, cell length, XML sizes, a context deadline), so that no
// file, however built, takes more than a few dozen MB.
package importer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/referentiel"
)

// Reader yields the rows of an import file one by one. It is not safe for concurrent use.
type Reader struct {
	ctx      context.Context // bounds the whole reading: Next fails once it is done
	src      rowSource
	ref      *referentiel.Referentiel
	now      time.Time
	cols     columns
	csv      bool // cells beyond the header are reported (a stray delimiter shifts columns)
	comma    rune
	date1904 bool
	dup      dedup
	line     int   // the last line read
	err      error // sticky: io.EOF or a read failure
}

// peekSize is the read buffer; the CSV delimiter is detected within it.
const peekSize = 64 << 10

// NewReader opens an import file and reads its header. filename only hints the format
// (".xls", ".ods"… are refused); the content decides between XLSX ("PK\x03\x04") and CSV.
// now bounds the birth dates and is the inscription date of rows that give none.
//
// A problem of the whole file — not a CSV nor an XLSX, empty, a required column missing,
// two columns for one field, not UTF-8 — comes back as a *candidat.ImportError located on
// the header line (1 as a rule). Unknown columns are no error: see Ignored. ref must hold
// the blocs the "Blocs visés" column names. The caller must Close the Reader.
//
// The file is bounded: MaxLines lines, cells of at most 32,767 characters, an XLSX of at
// most MaxXLSXSize bytes whose parts are checked before they are decompressed for good
// (see canonicalXLSX). ctx bounds the reading too: once it is past its deadline, NewReader
// and Next report a problem of the file; once it is cancelled, they return its error.
func NewReader(ctx context.Context, r io.Reader, filename string, ref *referentiel.Referentiel, now time.Time) (*Reader, error) {
	if ref == nil || len(ref.Blocs) == 0 {
		return nil, fmt.Errorf("import sans référentiel : %w", apperr.Invalid)
	}
	br := bufio.NewReaderSize(r, peekSize)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("lecture du fichier : %w", err)
	}
	if msg := refuseFormat(head, filename); msg != "" {
		return nil, fileError(0, msg) // the whole file: no line to point at
	}
	rd := &Reader{ctx: ctx, ref: ref, now: now}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		x, err := openXLSX(ctx, br)
		if err != nil {
			return nil, asImportError(ctxProblem(err, 1))
		}
		rd.src, rd.date1904 = x, x.date1904
	} else {
		c := newCSV(br)
		rd.src, rd.csv, rd.comma = c, true, c.r.Comma
	}
	line, cells, err := rd.read()
	if err != nil {
		_ = rd.src.close()
		if errors.Is(err, io.EOF) {
			return nil, fileError(1, "Le fichier est vide : la première ligne doit contenir les en-têtes des colonnes")
		}
		return nil, asImportError(err)
	}
	if i := longCell(cells); i >= 0 {
		_ = rd.src.close()
		return nil, fileError(line, "En-tête de la colonne "+strconv.Itoa(i+1)+" : cellule de "+longCellProblem)
	}
	cols, problems := mapHeader(cells)
	if len(problems) > 0 {
		_ = rd.src.close()
		e := &candidat.ImportError{}
		for _, p := range problems {
			e.Errors = append(e.Errors, candidat.LineError{Line: line, Message: p})
		}
		return nil, e
	}
	rd.cols = cols
	rd.dup = newDedup()
	return rd, nil
}

// refuseFormat returns why the file is neither a CSV nor an XLSX, or "".
func refuseFormat(head []byte, filename string) string {
	ext := strings.ToLower(filepath.Ext(filename))
	zip := bytes.HasPrefix(head, []byte("PK\x03\x04"))
	switch {
	case len(head) == 0:
		return "Le fichier est vide : la première ligne doit contenir les en-têtes des colonnes"
	case ext == ".xls" || bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0")):
		return "Classeur Excel 97-2003 (.xls) ou protégé par un mot de passe : enregistrez-le en .xlsx (sans mot de passe) ou en « CSV UTF-8 »"
	case ext == ".ods":
		return "Classeur OpenDocument (.ods) non pris en charge : enregistrez-le en .xlsx ou en « CSV UTF-8 »"
	case bytes.HasPrefix(head, []byte("\xFF\xFE")) || bytes.HasPrefix(head, []byte("\xFE\xFF")):
		return "Le fichier est en UTF-16 (« Texte Unicode ») — enregistrez-le en « CSV UTF-8 »"
	case !zip && looksUTF16(head):
		return "Le fichier est en UTF-16 sans marque d'ordre (BOM) — enregistrez-le en « CSV UTF-8 »"
	case (ext == ".xlsx" || ext == ".xlsm") && !zip:
		return "Le fichier porte l'extension " + ext + " mais n'est pas un classeur Excel : enregistrez-le à nouveau en .xlsx ou en « CSV UTF-8 »"
	case !zip && bytes.IndexByte(head, 0) >= 0,
		ext == ".pdf", ext == ".doc", ext == ".docx", ext == ".odt", ext == ".zip", ext == ".numbers":
		return "Le fichier n'est ni un CSV ni un classeur Excel .xlsx : enregistrez la liste des candidats en .xlsx ou en « CSV UTF-8 »"
	}
	return ""
}

// fileError is a *candidat.ImportError with one message for the whole of line.
func fileError(line int, msg string) *candidat.ImportError {
	return &candidat.ImportError{Errors: []candidat.LineError{{Line: line, Message: msg}}}
}

// asImportError turns a *sourceError into a *candidat.ImportError; other errors pass.
func asImportError(err error) error {
	var se *sourceError
	if errors.As(err, &se) {
		return fileError(se.line, se.msg)
	}
	return err
}

// Next returns the next row, or io.EOF after the last one. Blank lines are skipped;
// Line is the line in the file (the sheet row number for an XLSX).
//
// A row with problems returns a *candidat.ImportError listing them all, each with its Line
// and Column (the header as written in the file, "" for the whole line); the caller goes
// on calling Next to collect every problem. After a problem that stops the reading (not
// UTF-8, a runaway quote) Next returns io.EOF. Any other error (a failing io.Reader) is
// returned again by every later call.
func (r *Reader) Next() (candidat.ImportRow, error) {
	if r.err != nil {
		return candidat.ImportRow{}, r.err
	}
	line, cells, err := r.read()
	if err != nil {
		var se *sourceError
		if errors.As(err, &se) {
			if se.fatal {
				r.err = io.EOF
			}
			return candidat.ImportRow{Line: se.line}, fileError(se.line, se.msg)
		}
		r.err = err
		return candidat.ImportRow{}, err
	}
	if i := longCell(cells); i >= 0 {
		col := ""
		if i < len(r.cols.headers) {
			col = r.cols.headers[i]
		}
		return candidat.ImportRow{Line: line}, &candidat.ImportError{Errors: []candidat.LineError{{Line: line, Column: col, Message: longCellMessage}}}
	}
	return r.parse(line, cells)
}

// read returns the next non-blank line of the source within the bounds of the file and
// of the context.
func (r *Reader) read() (int, []string, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, nil, ctxProblem(err, r.line+1)
	}
	line, cells, err := r.src.next()
	if err != nil {
		return 0, nil, err
	}
	r.line = line
	if line > MaxLines {
		return 0, nil, &sourceError{line: line, msg: tooManyLines, fatal: true}
	}
	return line, cells, nil
}

// Encoding returns the encoding the CSV file was read in, as far as it was read (UTF-8 until
// a non-ASCII byte decides); UTF-8 for an XLSX. Ask it after the last row.
func (r *Reader) Encoding() Encoding {
	if c, ok := r.src.(*csvSource); ok {
		return c.charset.encoding()
	}
	return UTF8
}

// Ignored returns the headers that name no known field, as written in the file, in
// column order.
func (r *Reader) Ignored() []string { return append([]string(nil), r.cols.ignored...) }

// Close releases the temporary files of an XLSX. It does not close the io.Reader given
// to NewReader.
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src, r.err = nil, errors.New("importer: Reader fermé")
	return err
}

// ReadAll reads a whole import file: every row when the file has no problem, otherwise a
// *candidat.ImportError (and no rows) listing the problems — at most
// candidat.MaxImportErrors, then one more line "… et d'autres erreurs (N au total)". A file
// with a header and no candidate is a problem too. Other errors are read failures.
func ReadAll(ctx context.Context, r io.Reader, filename string, ref *referentiel.Referentiel, now time.Time) ([]candidat.ImportRow, error) {
	rd, err := NewReader(ctx, r, filename, ref, now)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var (
		rows     []candidat.ImportRow
		errs     []candidat.LineError
		total    int
		omitted  int // line of the first problem left out
		lastLine = 1
	)
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var ie *candidat.ImportError
		if errors.As(err, &ie) {
			rows = nil // nothing is imported: stop holding rows
			for _, le := range ie.Errors {
				total++
				if len(errs) < candidat.MaxImportErrors {
					errs = append(errs, le)
				} else if omitted == 0 {
					omitted = le.Line
				}
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		lastLine = row.Line
		if total == 0 {
			rows = append(rows, row)
		}
	}
	if total > candidat.MaxImportErrors {
		errs = append(errs, candidat.LineError{Line: omitted, Message: fmt.Sprintf("… et d'autres erreurs (%d au total)", total)})
	}
	if total > 0 {
		return nil, &candidat.ImportError{Errors: errs}
	}
	if len(rows) == 0 {
		return nil, fileError(lastLine+1, "le fichier ne contient aucun candidat après la ligne d'en-tête")
	}
	return rows, nil
}

// dedup remembers, as seeded 64-bit hashes, the identities (with their promotion) and
// e-mail addresses already met, to report in-file duplicates without keeping the rows:
// about 40 bytes per row. A false "doublon" needs a hash collision: less than one chance
// in a billion for a 100,000-line file.
type dedup struct {
	seed   maphash.Seed
	ids    map[uint64]int32  // identity + promotion → line
	emails map[uint64]uint64 // e-mail → identity hash (high 32 bits) | line (low 32 bits)
}

func newDedup() dedup {
	return dedup{seed: maphash.MakeSeed(), ids: map[uint64]int32{}, emails: map[uint64]uint64{}}
}

// key hashes parts, each ended by a NUL so that ("ab","c") and ("a","bc") differ.
func (d *dedup) key(parts ...string) uint64 {
	var h maphash.Hash
	h.SetSeed(d.seed)
	for _, p := range parts {
		h.WriteString(p)
		h.WriteByte(0)
	}
	return h.Sum64()
}
