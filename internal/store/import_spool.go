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
// between reading the file and writing them: one gob spoolChunk per chunk, so that only one
// chunk is ever in memory.
type importSpool struct {
	f   *os.File
	w   *bufio.Writer
	enc *gob.Encoder
	dec *gob.Decoder
}

// spoolChunk is one chunk of rows as pass A left them: normalised, with what validate
// computed that the write transaction needs, so that it does not compute it again.
type spoolChunk struct {
	Rows  []candidat.ImportRow
	First []int32  // candRowPlan.first of each row
	Keys  []string // the identity key of each row (candImport.keys)
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

// write appends the chunk im validated.
func (sp *importSpool) write(im *candImport) error {
	c := spoolChunk{Rows: im.rows, First: make([]int32, len(im.plan)), Keys: im.keys}
	for i := range im.plan {
		c.First[i] = im.plan[i].first
	}
	if err := sp.enc.Encode(c); err != nil {
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
func (sp *importSpool) read() (*spoolChunk, error) {
	var c spoolChunk
	if err := sp.dec.Decode(&c); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("import spool: %w", err)
	}
	if len(c.First) != len(c.Rows) || len(c.Keys) != len(c.Rows) {
		return nil, fmt.Errorf("import spool: chunk of %d rows with %d plans and %d keys", len(c.Rows), len(c.First), len(c.Keys))
	}
	return &c, nil
}

// remove closes and deletes the spool file.
func (sp *importSpool) remove() {
	sp.f.Close()
	os.Remove(sp.f.Name())
}
