package store

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"io"
	"os"

	"github.com/certif/certif/internal/candidat"
)

// importSpool is the temporary file where ImportCandidatsStream keeps the normalised rows
// between reading the file and writing them: one gob value per chunk, so that only one
// chunk is ever in memory.
type importSpool struct {
	f   *os.File
	w   *bufio.Writer
	enc *gob.Encoder
	dec *gob.Decoder
}

// newImportSpool creates the spool file in the system's temporary directory.
func newImportSpool() (*importSpool, error) {
	f, err := os.CreateTemp("", "certif-import-*.gob")
	if err != nil {
		return nil, fmt.Errorf("import spool: %w", err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	return &importSpool{f: f, w: w, enc: gob.NewEncoder(w)}, nil
}

// write appends a chunk of rows.
func (sp *importSpool) write(rows []candidat.ImportRow) error {
	if err := sp.enc.Encode(rows); err != nil {
		return fmt.Errorf("import spool: %w", err)
	}
	return nil
}

// finish flushes what was written.
func (sp *importSpool) finish() error {
	if err := sp.w.Flush(); err != nil {
		return fmt.Errorf("import spool: %w", err)
	}
	return nil
}

// rewind goes back to the first chunk, for read.
func (sp *importSpool) rewind() error {
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("import spool: %w", err)
	}
	sp.dec = gob.NewDecoder(bufio.NewReaderSize(sp.f, 256<<10))
	return nil
}

// read returns the next chunk, io.EOF after the last one. Each chunk is decoded into a new
// slice: gob leaves the fields a value does not carry (its zero fields) as they were.
func (sp *importSpool) read() ([]candidat.ImportRow, error) {
	var rows []candidat.ImportRow
	if err := sp.dec.Decode(&rows); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("import spool: %w", err)
	}
	return rows, nil
}

// remove closes and deletes the spool file.
func (sp *importSpool) remove() {
	sp.f.Close()
	os.Remove(sp.f.Name())
}
