package document

import (
	"strconv"
	"strings"
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
	var meta []string
	if n := niveau(h.Niveau); n != "" {
		meta = append(meta, n)
	}
	if h.Version > 0 {
		meta = append(meta, "référentiel version "+strconv.Itoa(h.Version))
	}
	rightItems = append(rightItems, item{strings.Join(meta, " · "), regular, 8, colMuted})
	hl := w.stack(marginX, half, leftItems, left)
	hr := w.stack(contentRight-half, half, rightItems, right)
	w.y += max(hl, hr) + 5
	w.rule(marginX, w.y, contentRight, w.y, 1.2, colAccent)
	w.y += 18
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
