package document

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // the logo's formats
	_ "image/png"
	"strconv"
	"strings"

	"github.com/signintech/gopdf"

	"github.com/certif/certif/internal/french"
)

// item is one line (or paragraph) of a stacked text block.
type item struct {
	text string
	st   style
	size float64
	col  rgb
}

// stack draws items one under the other from y in [x, x+width], without advancing y nor
// breaking pages (for short blocks), and returns their height.
func (w *writer) stack(x, width float64, items []item, a align) float64 {
	y := w.y
	for _, it := range items {
		if strings.TrimSpace(it.text) == "" {
			continue
		}
		for _, l := range w.wrap(it.text, width, it.st, it.size) {
			w.line(x, width, y, l, it.st, it.size, it.col, a)
			y += lineH(it.size)
		}
	}
	return y - w.y
}

// rncp returns « Titre RNCP n° 12345 », accepting "12345" or "RNCP12345"; "" when not given.
func rncp(n string) string {
	n = strings.TrimSpace(n)
	n = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(n, "RNCP"), "rncp"))
	if n == "" {
		return ""
	}
	return "Titre RNCP n°" + nbsp + n
}

// docHeader draws the issuer block that opens a document's first page: the certificateur
// (and training centre) on the left, the certification on the right, then an accent rule.
func (w *writer) docHeader(h Header) {
	half := contentW/2 - 8
	leftItems := []item{{h.Certificateur, bold, 11.5, colAccent}}
	if a := strings.TrimSpace(h.CertificateurAdresse); a != "" {
		leftItems = append(leftItems, item{a, regular, 8, colMuted})
	}
	if s := siret(h.CertificateurSIRET); s != "" {
		leftItems = append(leftItems, item{"Certificateur · SIRET " + s, regular, 8, colMuted})
	}
	if c := strings.TrimSpace(h.Centre); c != "" && !strings.EqualFold(c, strings.TrimSpace(h.Certificateur)) {
		leftItems = append(leftItems, item{"Organisme de formation : " + c, regular, 8, colMuted})
		if s := siret(h.CentreSIRET); s != "" {
			leftItems = append(leftItems, item{"SIRET " + s, regular, 8, colMuted})
		}
	}
	rightItems := []item{{h.Certification, bold, 11.5, colAccent}, {rncp(h.RNCP), regular, 8, colMuted}}
	if e := enregistrement(h); e != "" {
		rightItems = append(rightItems, item{e, regular, 8, colMuted})
	}
	var meta []string
	if n := niveau(h.Niveau); n != "" {
		meta = append(meta, n)
	}
	if h.Version > 0 {
		meta = append(meta, "référentiel version "+strconv.Itoa(h.Version))
	}
	rightItems = append(rightItems, item{strings.Join(meta, " · "), regular, 8, colMuted})
	top := w.y
	var logoH float64
	if lw, lh, err := logoSize(h.Logo); err == nil && len(h.Logo) > 0 {
		logoH = lh + 5
		w.image(h.Logo, marginX, top, lw, lh)
		w.y += logoH
	}
	hl := w.stack(marginX, half, leftItems, left) + logoH
	w.y = top
	hr := w.stack(contentRight-half, half, rightItems, right)
	w.y += max(hl, hr) + 5
	w.rule(marginX, w.y, contentRight, w.y, 1.2, colAccent)
	w.y += 8
	if m := strings.TrimSpace(h.Mentions); m != "" {
		w.para(marginX, contentW, m, italic, 7.5, colMuted, left)
		w.y += 4
	}
	w.y += 10
}

// enregistrement is « Enregistré au RNCP le 12 mars 2024, jusqu'au 11 mars 2029 », or part
// of it, or "" when neither date is known.
func enregistrement(h Header) string {
	switch {
	case !h.DateEnregistrement.IsZero() && !h.FinValidite.IsZero():
		return "Enregistré au RNCP le " + french.Date(h.DateEnregistrement) + ", jusqu'au " + french.Date(h.FinValidite)
	case !h.DateEnregistrement.IsZero():
		return "Enregistré au RNCP le " + french.Date(h.DateEnregistrement)
	case !h.FinValidite.IsZero():
		return "Enregistrement valable jusqu'au " + french.Date(h.FinValidite)
	}
	return ""
}

// Bounds of the logo in the header, in points.
const logoMaxW, logoMaxH = 120.0, 40.0

// logoSize decodes the size of logo (PNG or JPEG) and returns the size it is drawn at: within
// logoMaxW × logoMaxH, keeping its proportions.
func logoSize(logo []byte) (float64, float64, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(logo))
	if err != nil {
		return 0, 0, err
	}
	if (format != "png" && format != "jpeg") || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > 10000 || cfg.Height > 10000 {
		return 0, 0, errors.New("document: logo: not a PNG or JPEG of a sensible size")
	}
	scale := min(logoMaxW/float64(cfg.Width), logoMaxH/float64(cfg.Height))
	return float64(cfg.Width) * scale, float64(cfg.Height) * scale, nil
}

// image draws the PNG or JPEG b in the box (x, y, width, height), unless in dry mode.
func (w *writer) image(b []byte, x, y, width, height float64) {
	if w.dry || w.err != nil {
		return
	}
	holder, err := gopdf.ImageHolderByBytes(b)
	if err == nil {
		err = w.pdf.ImageByHolder(holder, x, y, &gopdf.Rect{W: width, H: height})
	}
	if err != nil {
		w.err = fmt.Errorf("document : logo : %w", err)
	}
}

// title draws the document's title, centred, and an optional subtitle.
func (w *writer) title(t, subtitle string) {
	for _, l := range w.wrap(t, contentW, bold, 17) {
		w.line(marginX, contentW, w.y, l, bold, 17, colAccent, center)
		w.y += lineH(17)
	}
	if subtitle != "" {
		w.y += 1
		w.para(marginX, contentW, subtitle, regular, 9.5, colMuted, center)
	}
	w.y += 14
}

// identityBox draws the candidate's identity in a shaded box with an accent bar:
// « Madame Léa Moreau, née le 12 mars 1998 à Lyon (69) », then voie d'accès and promotion.
func (w *writer) identityBox(c Candidat, size float64) {
	const padX, padY = 10, 7
	inner := contentW - 2*padX - 3
	items := []item{
		{candidatLabel(c), bold, size - 2.5, colMuted},
		{identite(c), bold, size, colText},
	}
	var details []string
	if v := strings.TrimSpace(c.Voie); v != "" {
		details = append(details, "Voie d'accès : "+v)
	}
	if p := strings.TrimSpace(c.Promotion); p != "" {
		details = append(details, "Promotion : "+p)
	}
	items = append(items, item{strings.Join(details, "   ·   "), regular, size - 1.5, colMuted})
	// Measure in dry mode, then shade and draw.
	dry := w.dry
	w.dry = true
	h := w.stack(marginX+padX+3, inner, items, left) + 2*padY
	w.dry = dry
	w.ensure(h)
	w.fillRect(marginX, w.y, contentW, h, colBox)
	w.fillRect(marginX, w.y, 3, h, colAccent)
	w.y += padY
	w.stack(marginX+padX+3, inner, items, left)
	w.y += h - padY + 12
}

// sectionTitle draws a heading in the accent colour with a thin rule under it, kept with at
// least keep points of what follows.
func (w *writer) sectionTitle(s string, size, keep float64) {
	lines := w.wrap(s, contentW, bold, size)
	w.ensure(float64(len(lines))*lineH(size) + 4 + keep)
	for _, l := range lines {
		w.line(marginX, contentW, w.y, l, bold, size, colAccent, left)
		w.y += lineH(size)
	}
	w.rule(marginX, w.y+1, contentRight, w.y+1, 0.5, colRule)
	w.y += 6
}

// candidatLabel is « Candidate », « Candidat » or « Candidat(e) » according to the civilité.
func candidatLabel(c Candidat) string {
	switch strings.TrimSpace(c.Civilite) {
	case "Madame":
		return "Candidate"
	case "Monsieur":
		return "Candidat"
	}
	return "Candidat(e)"
}
