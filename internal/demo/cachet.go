package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/store"
)

// cachetPNG draws the demo company's stamp: two blue rings and a bar, as an ink stamp looks
// (no text: the demo needs an image, not a font).
func cachetPNG() []byte {
	const size = 160
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	ink := color.NRGBA{R: 0x1f, G: 0x3a, B: 0x93, A: 0xd0}
	c := float64(size) / 2
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			d := math.Hypot(float64(x)-c+0.5, float64(y)-c+0.5)
			ring := (d > 70 && d < 76) || (d > 56 && d < 59)
			bar := math.Abs(float64(y)-c) < 7 && d < 56
			if ring || bar {
				img.Set(x, y, ink)
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // writing to memory cannot fail
	return b.Bytes()
}

// saveCachet stores the demo stamp through the tutor's link token, as the tutor's upload
// would be, and returns its file id.
func saveCachet(ctx context.Context, st *store.Store, blobs *blob.Dir, token, entreprise string) (int64, error) {
	data := cachetPNG()
	key, size, sum, err := blobs.Put(ctx, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, fmt.Errorf("demo cachet: %w", err)
	}
	f := &store.File{Nom: "Cachet " + entreprise + ".png", MIME: "image/png", Taille: size, SHA256: sum}
	if err := st.SaveStageFile(ctx, token, f, key); err != nil {
		_ = blobs.Delete(key)
		return 0, fmt.Errorf("demo cachet: %w", err)
	}
	return f.ID, nil
}

// livrablePDF is a one-page PDF standing for a project's deliverable.
const livrablePDF = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
	"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n" +
	"trailer << /Root 1 0 R >>\n%%EOF\n"

// saveLivrable stores the demo deliverable name, uploaded by act, as a pending file of a
// project, and returns its id.
func saveLivrable(ctx context.Context, st *store.Store, blobs *blob.Dir, act account.Actor, name string) (int64, error) {
	key, size, sum, err := blobs.Put(ctx, strings.NewReader(livrablePDF), int64(len(livrablePDF)))
	if err != nil {
		return 0, fmt.Errorf("demo livrable: %w", err)
	}
	f := &store.File{Nom: name, MIME: "application/pdf", Taille: size, SHA256: sum, OwnerKind: store.OwnerProjet}
	if err := st.SaveFile(ctx, act, f, key); err != nil {
		_ = blobs.Delete(key)
		return 0, fmt.Errorf("demo livrable: %w", err)
	}
	return f.ID, nil
}
