package document

// column of a table: its title, width in points and alignment.
type column struct {
	title string
	width float64
	align align
}

// cell of a table row; a zero colour means the body text colour.
type cell struct {
	text string
	st   style
	col  rgb
}

// table draws rows of wrapped cells at the left margin; its header row is repeated at the top
// of every page the table runs onto.
type table struct {
	w        *writer
	x        float64
	cols     []column
	size     float64 // body font size
	headSize float64
	pad      float64 // vertical padding
	padX     float64 // horizontal padding
	maxLines int     // when > 0, cells are cut to that many lines (ending with "…")
	zebra    bool
	muted    bool // grey every cell (superseded evaluation)
	rows     int
}

// newTable prepares a table of the given columns at x, with body text of the given size.
func newTable(w *writer, x float64, size float64, cols ...column) *table {
	return &table{w: w, x: x, cols: cols, size: size, headSize: size - 0.5, pad: size * 0.35, padX: 4, zebra: true}
}

// width is the table's total width.
func (t *table) width() float64 {
	var total float64
	for _, c := range t.cols {
		total += c.width
	}
	return total
}

// headerHeight is the height of the header row.
func (t *table) headerHeight() float64 {
	n := 1
	for _, c := range t.cols {
		if l := len(t.w.wrap(c.title, c.width-2*t.padX, bold, t.headSize)); l > n {
			n = l
		}
	}
	return float64(n)*lineH(t.headSize) + 2*t.pad
}

// drawHeader draws the header row at y.
func (t *table) drawHeader() {
	w := t.w
	h := t.headerHeight()
	w.fillRect(t.x, w.y, t.width(), h, colHead)
	x := t.x
	for _, c := range t.cols {
		for i, l := range w.wrap(c.title, c.width-2*t.padX, bold, t.headSize) {
			w.line(x+t.padX, c.width-2*t.padX, w.y+t.pad+float64(i)*lineH(t.headSize), l, bold, t.headSize, colAccent, c.align)
		}
		x += c.width
	}
	w.rule(t.x, w.y+h, t.x+t.width(), w.y+h, 0.6, colAccent)
	w.y += h
}

// begin draws the header, on a new page when the header and a first row of minRow points do
// not fit, and arms its repetition on page breaks.
func (t *table) begin(minRow float64) {
	t.w.ensure(t.headerHeight() + minRow)
	t.drawHeader()
	t.w.repeat = t.drawHeader
}

// end stops repeating the header.
func (t *table) end() { t.w.repeat = nil }

// layout wraps each cell of a row into lines.
func (t *table) layout(cells []cell) [][]string {
	lines := make([][]string, len(t.cols))
	for i, c := range t.cols {
		if i >= len(cells) {
			break
		}
		lines[i] = t.w.wrap(cells[i].text, c.width-2*t.padX, cells[i].st, t.size)
		if t.maxLines > 0 && len(lines[i]) > t.maxLines {
			lines[i] = append(lines[i][:t.maxLines-1:t.maxLines-1], t.w.ellipsis(lines[i][t.maxLines-1], c.width-2*t.padX, cells[i].st, t.size))
		}
	}
	return lines
}

// rowHeight is the height a row of cells takes.
func (t *table) rowHeight(cells []cell) float64 {
	return t.heightOf(t.layout(cells))
}

func (t *table) heightOf(lines [][]string) float64 {
	n := 1
	for _, l := range lines {
		if len(l) > n {
			n = len(l)
		}
	}
	return float64(n)*lineH(t.size) + 2*t.pad
}

// row draws one row. A row that does not fit goes to the next page, after the repeated
// header; a row taller than a whole page is split between pages line by line.
func (t *table) row(cells ...cell) {
	w := t.w
	if w.err != nil { // past the page budget, or failed: skip the layout work too
		return
	}
	lines := t.layout(cells)
	h := t.heightOf(lines)
	lh := lineH(t.size)
	if w.y+h > contentBottom {
		fresh := contentBottom - (w.topOfPage() + t.headerHeight())
		if h <= fresh || w.y+2*t.pad+lh > contentBottom {
			w.newPage()
		}
	}
	fill := t.zebra && t.rows%2 == 1
	t.rows++
	for {
		// Lines that fit on this page.
		n := int((contentBottom - w.y - 2*t.pad) / lh)
		rest := 0
		for _, l := range lines {
			if len(l) > rest {
				rest = len(l)
			}
		}
		if n >= rest || n < 1 {
			n = rest
		}
		part := make([][]string, len(lines))
		for i, l := range lines {
			k := min(n, len(l))
			part[i], lines[i] = l[:k], l[k:]
		}
		t.drawRow(cells, part, fill)
		if n >= rest {
			return
		}
		w.newPage()
	}
}

// drawRow draws the given lines of each cell as one row at y and advances y.
func (t *table) drawRow(cells []cell, lines [][]string, fill bool) {
	w := t.w
	h := t.heightOf(lines)
	if fill {
		w.fillRect(t.x, w.y, t.width(), h, colZebra)
	}
	x := t.x
	for i, c := range t.cols {
		if i < len(cells) {
			col := cells[i].col
			if col == (rgb{}) {
				col = colText
			}
			if t.muted {
				col = colLight
			}
			for j, l := range lines[i] {
				w.line(x+t.padX, c.width-2*t.padX, w.y+t.pad+float64(j)*lineH(t.size), l, cells[i].st, t.size, col, c.align)
			}
		}
		x += c.width
	}
	w.rule(t.x, w.y+h, t.x+t.width(), w.y+h, 0.3, colRule)
	w.y += h
}

// band draws a full-width row of bold text on a coloured background (a group heading such as
// a bloc), kept on the same page as at least keep points of what follows.
func (t *table) band(text string, fillCol, textCol rgb, keep float64) {
	w := t.w
	lines := w.wrap(text, t.width()-2*t.padX, bold, t.size)
	h := float64(len(lines))*lineH(t.size) + 2*t.pad
	w.ensure(h + keep)
	w.fillRect(t.x, w.y, t.width(), h, fillCol)
	for i, l := range lines {
		w.line(t.x+t.padX, t.width()-2*t.padX, w.y+t.pad+float64(i)*lineH(t.size), l, bold, t.size, textCol, left)
	}
	w.y += h
	t.rows = 0
}

// ellipsis cuts s so that it and a trailing "…" fit in width.
func (w *writer) ellipsis(s string, width float64, st style, size float64) string {
	r := []rune(s)
	for len(r) > 0 && w.textWidth(string(r)+"…", st, size) > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
