package web

import (
	"context"
	"io"

	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/inspect"
)

// measure reads a deposited piece with the bounded readers of package inspect: a video's
// duration, a document's pages, characters and headings. maxDocument is the documents' size
// cap (--max-document-mb), which the readers accept when it is above their default.
func measure(ctx context.Context, kind dossier.Kind, r io.ReaderAt, size int64, mimeType string, maxDocument int64) dossier.Measure {
	if kind == dossier.KindVideo {
		return inspect.Video(r, size)
	}
	lim := inspect.DefaultLimits()
	lim.MaxBytes = max(lim.MaxBytes, maxDocument)
	return inspect.Document(ctx, r, size, mimeType, lim)
}
