package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// sourceError is a problem of the file itself, located by line (0: the whole file). When
// fatal the source cannot go on: Next reports it once, then io.EOF.
type sourceError struct {
	line  int
	msg   string
	fatal bool
}

func (e *sourceError) Error() string {
	if e.line == 0 {
		return e.msg
	}
	return fmt.Sprintf("ligne %d : %s", e.line, e.msg)
}

// rowSource yields the non-blank rows of a file with their line numbers (1-based, as the
// user sees them); io.EOF at the end.
type rowSource interface {
	next() (line int, cells []string, err error)
	close() error
}

// blank reports whether every cell is empty or spaces (Excel writes ";;;;" lines).
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// notUTF8 is the problem of a line with a byte that is not UTF-8 in a file whose earlier
// accents were UTF-8: two encodings in one file (a Windows-1252 file is decoded whole).
const notUTF8 = "Caractère illisible : le début du fichier est en UTF-8 mais cette ligne est dans un autre encodage — enregistrez le fichier à nouveau en « CSV UTF-8 »"

// maxRecordBytes bounds one CSV record, so that a stray quote cannot make the reader hold
// the rest of the file in memory.
const maxRecordBytes = 1 << 20

var errRecordTooLong = errors.New("importer: record too long")

// recordGuard counts the bytes of the record being read and fails beyond maxRecordBytes. It
// sees the bytes before encoding/csv (which reads ahead, and skips blank lines inside one
// Read), so it finds the record boundaries itself, with encoding/csv's quoting rules: a line
// feed outside quotes ends a record and resets the count, whether the line was blank or not;
// inside a quoted field (a multi-line field, or a stray quote swallowing the rest of the file)
// the count goes on. A quote opens a quoted field only at the start of a field (elsewhere it
// is a bare quote, an error encoding/csv reports on that line alone); inside one, "" is a
// quote and a single " closes it.
type recordGuard struct {
	r       io.Reader
	comma   byte // the delimiter (';', ',' or tab)
	n       int
	started bool // a field has begun: a quote now is a bare quote
	quoted  bool // inside a quoted field
	pending bool // inside a quoted field, just after a quote: "" or the closing one
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.n > maxRecordBytes {
		return 0, errRecordTooLong
	}
	n, err := g.r.Read(p)
	for _, b := range p[:n] {
		g.n++
		if g.quoted {
			switch {
			case g.pending && b == '"': // "" inside quotes
				g.pending = false
				continue
			case g.pending: // the quote closed the field: b is read as outside quotes
				g.quoted, g.pending = false, false
			case b == '"':
				g.pending = true
				continue
			default:
				continue
			}
		}
		switch {
		case b == '\n':
			g.n, g.started = 0, false
		case b == g.comma:
			g.started = false
		case b == '"' && !g.started:
			g.quoted, g.started = true, true
		default:
			g.started = true
		}
	}
	return n, err
}

// csvSource streams a CSV file with encoding/csv, reusing the record slice.
type csvSource struct {
	r        *csv.Reader
	charset  *charsetReader
	guard    *recordGuard
	nextLine int // a guess of the line after the last record, for errors without fields
}

// newCSV reads a CSV whose first bytes (up to the buffer size) br can peek: it drops a
// UTF-8 BOM, detects the delimiter from the header line, and reads the file as UTF-8 or
// Windows-1252 (see charsetReader).
func newCSV(br *bufio.Reader) *csvSource {
	head, _ := br.Peek(br.Size())
	cs := newCharsetReader(br)
	if bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")) {
		_, _ = br.Discard(3)
		head = head[3:]
		cs.enc = UTF8
	}
	g := &recordGuard{r: cs}
	r := csv.NewReader(g)
	r.Comma = detectComma(head)
	g.comma = byte(r.Comma)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	return &csvSource{r: r, charset: cs, guard: g, nextLine: 1}
}

// detectComma picks the delimiter of the header line: the most frequent of ';', tab and
// ',' outside quotes, ';' on a tie (French Excel's choice).
func detectComma(head []byte) rune {
	var semi, tab, comma int
	quoted := false
	for _, b := range head {
		if b == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if b == '\n' {
			break
		}
		switch b {
		case ';':
			semi++
		case '\t':
			tab++
		case ',':
			comma++
		}
	}
	switch {
	case semi >= tab && semi >= comma:
		return ';'
	case tab >= comma:
		return '\t'
	}
	return ','
}

func (s *csvSource) next() (int, []string, error) {
	for {
		rec, err := s.r.Read()
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		line := s.nextLine
		if len(rec) > 0 {
			line, _ = s.r.FieldPos(0)
			l, _ := s.r.FieldPos(len(rec) - 1)
			s.nextLine = l + strings.Count(rec[len(rec)-1], "\n") + 1
		}
		if err != nil {
			return 0, nil, csvError(err, line)
		}
		for i, f := range rec {
			if j := invalidUTF8(f); j >= 0 {
				l, _ := s.r.FieldPos(i)
				return 0, nil, &sourceError{line: l + strings.Count(f[:j], "\n"), msg: notUTF8, fatal: true}
			}
		}
		if !blank(rec) {
			return line, rec, nil
		}
	}
}

// invalidUTF8 returns the offset of the first byte of s that is not UTF-8, or -1.
func invalidUTF8(s string) int {
	if utf8.ValidString(s) {
		return -1
	}
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return i
			}
		}
	}
	return 0
}

// csvError turns an encoding/csv error into a French, located problem.
func csvError(err error, line int) error {
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote):
		return &sourceError{line: pe.StartLine, msg: `Guillemet « " » au milieu d'un champ : entourez le champ de guillemets et doublez le guillemet (« "" »)`}
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
		msg := `Guillemet « " » mal placé ou jamais refermé : un champ entre guillemets se termine par un guillemet suivi du séparateur`
		if pe.Line != pe.StartLine {
			msg += fmt.Sprintf(" (le champ court jusqu'à la ligne %d)", pe.Line)
		}
		return &sourceError{line: pe.StartLine, msg: msg}
	case errors.Is(err, errNotText):
		return &sourceError{msg: notText, fatal: true} // the whole file: no line
	case errors.Is(err, errRecordTooLong):
		return &sourceError{line: line, msg: "Ligne de plus de 1 Mo : vérifiez les guillemets (un guillemet non refermé englobe la suite du fichier)", fatal: true}
	}
	return fmt.Errorf("lecture du fichier CSV : %w", err)
}

func (s *csvSource) close() error { return nil }

// MaxXLSXSize bounds an XLSX file: it is copied to a temporary file because a zip is read
// from its end.
const MaxXLSXSize = 50 << 20

// xlsxSource streams the first sheet of a workbook with excelize's row iterator.
type xlsxSource struct {
	f        *excelize.File
	rows     *excelize.Rows
	line     int
	date1904 bool
}

// openXLSX copies r to a temporary file (at most MaxXLSXSize bytes), checks it and keeps
// only its first sheet and shared strings (canonicalXLSX), then opens that with excelize.
// Problems of the file come back as a *sourceError.
func openXLSX(ctx context.Context, r io.Reader) (*xlsxSource, error) {
	dir, err := os.MkdirTemp("", "certif-import-")
	if err != nil {
		return nil, fmt.Errorf("fichier temporaire pour l'import : %w", err)
	}
	defer os.RemoveAll(dir)
	upload, canon := filepath.Join(dir, "envoi.xlsx"), filepath.Join(dir, "feuille.xlsx")
	n, err := copyToFile(upload, io.LimitReader(r, MaxXLSXSize+1))
	if err != nil {
		return nil, fmt.Errorf("copie du classeur : %w", err)
	}
	if n > MaxXLSXSize {
		return nil, &sourceError{line: 1, msg: fmt.Sprintf("Le classeur dépasse %d Mo : découpez-le en plusieurs fichiers ou enregistrez-le en « CSV UTF-8 »", MaxXLSXSize>>20)}
	}
	out, err := os.Create(canon)
	if err != nil {
		return nil, fmt.Errorf("fichier temporaire pour l'import : %w", err)
	}
	info, err := canonicalXLSX(ctx, upload, out)
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("classeur de travail : %w", cerr)
	}
	if err != nil {
		return nil, err
	}
	_ = os.Remove(upload)
	// Parts above UnzipXMLSizeLimit go to excelize's temporary files instead of memory: with
	// excelize's 16 MB default, the shared strings of a 100,000-line workbook took 30 MB of
	// heap; with 1 MB, under 10 MB, for a read about 20 % slower.
	opt := excelize.Options{RawCellValue: true, UnzipSizeLimit: maxSheetBytes + maxStringsBytes + 1<<20, UnzipXMLSizeLimit: 1 << 20}
	// OpenFile extracts what it needs (big parts to excelize's own temporary files), so the
	// directory can go as soon as it returns.
	f, err := excelize.OpenFile(canon, opt)
	if err != nil {
		return nil, &sourceError{line: 1, msg: unreadableXLSX}
	}
	rows, err := f.Rows(info.sheet)
	if err != nil {
		_ = f.Close()
		return nil, &sourceError{line: 1, msg: fmt.Sprintf("Feuille « %s » illisible : enregistrez le classeur en .xlsx ou en « CSV UTF-8 »", short(info.sheet))}
	}
	return &xlsxSource{f: f, rows: rows, date1904: info.date1904}, nil
}

// copyToFile copies r to a new file at name and returns the bytes copied.
func copyToFile(name string, r io.Reader) (int64, error) {
	f, err := os.Create(name)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

func (s *xlsxSource) next() (int, []string, error) {
	for s.rows.Next() {
		// Next is called once per sheet row, empty ones included, so counting calls
		// gives the row number Excel shows.
		s.line++
		if s.line > MaxLines {
			return 0, nil, &sourceError{line: s.line, msg: tooManyLines, fatal: true}
		}
		cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return 0, nil, &sourceError{line: s.line, msg: "Ligne illisible dans le classeur : enregistrez-le à nouveau en .xlsx ou en « CSV UTF-8 »", fatal: true}
		}
		if !blank(cells) {
			return s.line, cells, nil
		}
	}
	if err := s.rows.Error(); err != nil {
		return 0, nil, &sourceError{line: s.line + 1, msg: "Le classeur dépasse le nombre de lignes permis par Excel", fatal: true}
	}
	return 0, nil, io.EOF
}

func (s *xlsxSource) close() error {
	err := s.rows.Close()
	if ferr := s.f.Close(); err == nil {
		err = ferr
	}
	return err
}
