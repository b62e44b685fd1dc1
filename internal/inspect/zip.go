package inspect

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/certif/certif/internal/dossier"
)

// errInflated is the error of an entry that inflates past what is left of the limit.
var errInflated = errors.New("inspect: decompressed size over the limit")

// officeZip reads an Office archive: a Word document (DOCX), a PowerPoint presentation
// (PPTX), an OpenDocument text (ODT) or presentation (ODP) as sniffed, or for a plain zip,
// what its entries say it is.
func officeZip(ctx context.Context, r io.ReaderAt, size int64, lim Limits, mime string) dossier.Measure {
	z, reason := openZip(r, size, lim)
	if reason != "" {
		return unmeasured("%s", reason)
	}
	if mime == MimeZIP {
		switch {
		case z.has("word/document.xml"):
			mime = MimeDOCX
		case z.has("ppt/presentation.xml"):
			mime = MimePPTX
		case z.has("content.xml"):
			mime = odfType(z)
		}
	}
	switch mime {
	case MimeDOCX:
		return docxFrom(ctx, z)
	case MimePPTX:
		return pptxFrom(ctx, z)
	case MimeODT:
		return odt(ctx, z)
	case MimeODP:
		return odp(ctx, z)
	}
	return unmeasured("archive ZIP qui n'est ni un document Word, PowerPoint ou OpenDocument : non mesurée")
}

// zipDoc is an Office archive opened within the limits. It reads entries by their exact names
// only: a name is never a path, so « ../ » in an archive leads nowhere.
type zipDoc struct {
	files map[string]*zip.File
	left  int64 // bytes that may still be inflated, whatever the headers claim
	over  bool  // an entry went past left
}

// openZip opens an Office archive: it refuses more entries than lim.MaxEntries before
// reading the central directory (from the end record), and a broken archive; the reason is
// French and empty on success.
func openZip(r io.ReaderAt, size int64, lim Limits) (*zipDoc, string) {
	if n, ok := zipEntries(r, size); ok && n > uint64(lim.MaxEntries) {
		return nil, fmt.Sprintf("archive aux entrées trop nombreuses (%d, %d au plus) : non lue", n, lim.MaxEntries)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, "fichier illisible : archive ZIP invalide ou tronquée"
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, fmt.Sprintf("archive aux entrées trop nombreuses (%d, %d au plus) : non lue", len(zr.File), lim.MaxEntries)
	}
	z := &zipDoc{files: make(map[string]*zip.File, len(zr.File)), left: lim.MaxInflated}
	for _, f := range zr.File {
		if _, dup := z.files[f.Name]; !dup { // the first of a repeated name, as Office reads it
			z.files[f.Name] = f
		}
	}
	return z, ""
}

func (z *zipDoc) has(name string) bool { return z.files[name] != nil }

// open gives a reader of the entry named name that inflates no more than what is left of
// the limit (the header's sizes are not trusted: the count is of the bytes really inflated);
// close it after use. It fails when the entry is missing or cannot be opened.
func (z *zipDoc) open(name string) (io.ReadCloser, error) {
	f := z.files[name]
	if f == nil {
		return nil, errors.New("inspect: no entry " + name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return &capReader{rc: rc, z: z}, nil
}

// maxRun bounds the bytes of an entry between two markup characters (< or >): the XML
// decoder holds a whole text or tag in memory, so one run of 200 MB would be 200 MB of memory.
const maxRun = 1 << 20

// capReader counts the bytes inflated against the archive's limit, and the length of the
// current run without markup.
type capReader struct {
	rc  io.ReadCloser
	z   *zipDoc
	run int
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.z.left <= 0 || c.run > maxRun {
		c.z.over = true
		return 0, errInflated
	}
	if int64(len(p)) > c.z.left {
		p = p[:c.z.left]
	}
	n, err := c.rc.Read(p)
	c.z.left -= int64(n)
	if i := max(bytes.LastIndexByte(p[:n], '<'), bytes.LastIndexByte(p[:n], '>')); i >= 0 {
		c.run = n - 1 - i
	} else {
		c.run += n
	}
	return n, err
}

func (c *capReader) Close() error { return c.rc.Close() }

// zipEntries reads the number of entries an archive declares in its end-of-central-directory
// record (zip64 included); ok is false when the record is not found (zip.NewReader will say).
func zipEntries(r io.ReaderAt, size int64) (uint64, bool) {
	const eocdLen, maxComment = 22, 65535
	n := min(size, eocdLen+maxComment)
	if n < eocdLen {
		return 0, false
	}
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
		return 0, false
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return 0, false
	}
	count := uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	if count != 0xFFFF || i < 20 || !bytes.Equal(buf[i-20:i-16], []byte("PK\x06\x07")) {
		return count, true
	}
	off := int64(binary.LittleEndian.Uint64(buf[i-20+8:]))
	rec := make([]byte, 56)
	if off < 0 || off > size-56 {
		return count, true
	}
	if _, err := r.ReadAt(rec, off); err != nil || !bytes.Equal(rec[:4], []byte("PK\x06\x06")) {
		return count, true
	}
	return binary.LittleEndian.Uint64(rec[32:]), true
}
