package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

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
