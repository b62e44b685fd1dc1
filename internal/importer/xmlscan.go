package importer

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
)

// Bounds of the XML parts of a workbook, checked by xmlScan before excelize sees them:
// excelize (and encoding/xml under it) holds a whole text, tag, comment or CDATA section in
// memory, a whole shared string or cell while decoding it, and one stack entry per open
// element. With these bounds a bomb costs at most a few MB of memory.
const (
	// maxTokenBytes bounds one XML token: a text run, a tag, a comment, a CDATA section.
	maxTokenBytes = 256 << 10
	// maxCellXMLBytes bounds the XML of one shared string (<si>) or one cell (<c>): a cell
	// of Excel's 32,767 characters fits well below it, even with entities and rich text.
	maxCellXMLBytes = 256 << 10
	// maxRowXMLBytes bounds the XML of one row (<row>), as maxRecordBytes a CSV record.
	maxRowXMLBytes = 1 << 20
	// maxXMLDepth bounds the nesting of elements (a worksheet needs 4 or 5 levels).
	maxXMLDepth = 64
	// maxSharedStrings bounds the number of shared strings: excelize indexes each one in
	// memory, about 110 MB of peak heap for a million (the message says "un million").
	maxSharedStrings = 1_000_000
)

// partKind says which element bounds xmlScan applies to a part.
type partKind int

const (
	partOther   partKind = iota // only the token, depth and size bounds
	partSheet                   // rows and cells bounded too
	partStrings                 // shared strings bounded too
)

// scanState is where xmlScan stands between two bytes.
type scanState int

const (
	inText    scanState = iota
	inTag               // from '<' to the closing '>' outside quotes
	inComment           // <!-- … -->
	inCDATA             // <![CDATA[ … ]]>
	inPI                // <? … ?>
)

// xmlScan checks one XML part as it streams through Write, without holding it: each
// token, shared string, cell and row stays under its bound, elements nest at most
// maxXMLDepth deep, the part stays under its byte budget. It understands just enough XML
// to do so (tags, quotes, comments, CDATA, processing instructions) and refuses a DOCTYPE,
// which no workbook carries. Problems come back as a *sourceError.
type xmlScan struct {
	ctx   context.Context
	part  string // the part's name in the zip, for messages
	kind  partKind
	limit int64 // bytes allowed for the whole part

	off      int64 // bytes seen
	state    scanState
	tokStart int64
	quote    byte
	tag      []byte // the first bytes of the current tag (name and first attributes)
	tail     [2]byte
	depth    int

	elemStart int64 // offset of the open <si> or <c>, -1 when none
	cellRef   string
	rowStart  int64 // offset of the open <row>, -1 when none
	rows      int   // <row> elements met
	rowLine   int   // the sheet line of the open row
	strings   int   // <si> elements met
}

func newXMLScan(ctx context.Context, part string, kind partKind, limit int64) *xmlScan {
	return &xmlScan{ctx: ctx, part: short(part), kind: kind, limit: limit, elemStart: -1, rowStart: -1, tag: make([]byte, 0, 64)}
}

// damaged is the refusal of a part that no spreadsheet program writes.
func (s *xmlScan) damaged(what string) error {
	return &sourceError{line: 1, msg: fmt.Sprintf("Classeur refusé : %s dans la partie « %s » (fichier abîmé ou fabriqué) — enregistrez-le à nouveau en .xlsx ou en « CSV UTF-8 »", what, s.part)}
}

// Write scans p; it fails as soon as a bound is passed.
func (s *xmlScan) Write(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	if s.off+int64(len(p)) > s.limit {
		return 0, s.tooBig()
	}
	for i, b := range p {
		off := s.off + int64(i)
		switch s.state {
		case inText:
			if b == '<' {
				s.state, s.tokStart, s.tag, s.quote = inTag, off, s.tag[:0], 0
			} else if off-s.tokStart > maxTokenBytes {
				return 0, s.tooLongText()
			}
		case inTag:
			if err := s.tagByte(b, off); err != nil {
				return 0, err
			}
		default: // comment, CDATA, PI: wait for their end
			if s.endOfSpecial(b, off) {
				s.state, s.tokStart = inText, off+1
			}
		}
		if s.state != inText && off-s.tokStart > maxTokenBytes {
			return 0, s.damaged("un élément XML démesuré")
		}
		if err := s.checkSpans(off); err != nil {
			return 0, err
		}
		s.tail[0], s.tail[1] = s.tail[1], b
	}
	s.off += int64(len(p))
	return len(p), nil
}

func (s *xmlScan) tooBig() error {
	switch s.kind {
	case partSheet:
		return &sourceError{line: 1, msg: fmt.Sprintf("La feuille dépasse %d Mo une fois décompressée : découpez le classeur en plusieurs fichiers ou enregistrez-le en « CSV UTF-8 »", s.limit>>20)}
	case partStrings:
		return &sourceError{line: 1, msg: fmt.Sprintf("Les textes du classeur dépassent %d Mo une fois décompressés : découpez-le en plusieurs fichiers ou enregistrez-le en « CSV UTF-8 »", s.limit>>20)}
	}
	return s.damaged(fmt.Sprintf("plus de %d Mo une fois décompressé", s.limit>>20))
}

func (s *xmlScan) tooLongText() error {
	switch {
	case s.kind == partStrings && s.elemStart >= 0:
		return s.longString()
	case s.kind == partSheet && s.elemStart >= 0:
		return s.longCell()
	}
	return s.damaged("un texte démesuré")
}

func (s *xmlScan) longString() error {
	return &sourceError{line: 1, msg: fmt.Sprintf("Le texte n° %d du classeur dépasse %s caractères, la limite d'une cellule Excel : raccourcissez-le", s.strings, maxCellCharsText)}
}

func (s *xmlScan) longCell() error {
	line := max(s.rowLine, 1)
	return &sourceError{line: line, msg: fmt.Sprintf("La cellule %s dépasse %s caractères, la limite d'une cellule Excel : raccourcissez-la", s.cellRef, maxCellCharsText)}
}

// tagByte advances through a tag; at its end it updates the element bounds.
func (s *xmlScan) tagByte(b byte, off int64) error {
	if len(s.tag) < cap(s.tag) {
		s.tag = append(s.tag, b)
	}
	n := off - s.tokStart // bytes after '<'
	switch {
	case n == 1 && b == '?':
		s.state = inPI
		return nil
	case n == 3 && bytes.Equal(s.tag, []byte("!--")):
		s.state = inComment
		return nil
	case n == 8 && bytes.Equal(s.tag, []byte("![CDATA[")):
		s.state = inCDATA
		return nil
	case n == 8 && s.tag[0] == '!':
		return s.damaged("une déclaration « <!…> »")
	}
	if s.quote != 0 {
		if b == s.quote {
			s.quote = 0
		}
		return nil
	}
	switch b {
	case '"', '\'':
		s.quote = b
	case '<':
		return s.damaged("un « < » dans une balise")
	case '>':
		if len(s.tag) > 0 && s.tag[0] == '!' {
			return s.damaged("une déclaration « <!…> »")
		}
		s.state, s.tokStart = inText, off+1
		return s.element(off, s.tail[1] == '/')
	}
	return nil
}

// endOfSpecial reports whether b, at off, ends the comment, CDATA section or PI under way.
// As encoding/xml does, the closing "-->", "]]>" or "?>" does not overlap the opening.
func (s *xmlScan) endOfSpecial(b byte, off int64) bool {
	if b != '>' {
		return false
	}
	n := off - s.tokStart
	switch s.state {
	case inComment: // <!---->
		return n >= 6 && s.tail == [2]byte{'-', '-'}
	case inCDATA: // <![CDATA[]]>
		return n >= 11 && s.tail == [2]byte{']', ']'}
	}
	return n >= 3 && s.tail[1] == '?' // <??>
}

// element handles the tag just closed at off (s.tag holds its first bytes).
func (s *xmlScan) element(off int64, selfClosing bool) error {
	t := bytes.TrimSuffix(s.tag, []byte(">"))
	closing := len(t) > 0 && t[0] == '/'
	if closing {
		t = t[1:]
	}
	name := t
	if i := bytes.IndexAny(name, " \t\r\n/"); i >= 0 {
		name = name[:i]
	}
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	switch {
	case closing:
		s.depth--
	case !selfClosing:
		s.depth++
		if s.depth > maxXMLDepth {
			return s.damaged(fmt.Sprintf("plus de %d éléments imbriqués", maxXMLDepth))
		}
	}
	switch s.kind {
	case partStrings:
		if string(name) != "si" {
			return nil
		}
		if !closing {
			s.strings++
			if s.strings > maxSharedStrings {
				return &sourceError{line: 1, msg: "Le classeur contient plus d'un million de textes différents : découpez-le en plusieurs fichiers ou enregistrez-le en « CSV UTF-8 »"}
			}
			s.elemStart = off
		}
		if closing || selfClosing {
			s.elemStart = -1
		}
	case partSheet:
		switch string(name) {
		case "row":
			if !closing {
				s.rows++
				if s.rows > MaxLines {
					return &sourceError{line: MaxLines + 1, msg: tooManyLines, fatal: true}
				}
				s.rowLine = s.rows
				if v := attr(t, "r"); v == "" {
				} else if r, err := strconv.Atoi(v); err == nil && r > 0 {
					s.rowLine = r
				}
				s.rowStart = off
			}
			if closing || selfClosing {
				s.rowStart = -1
			}
		case "c":
			if !closing {
				s.elemStart, s.cellRef = off, attr(t, "r")
			}
			if closing || selfClosing {
				s.elemStart = -1
			}
		}
	}
	return nil
}

// checkSpans fails when the open shared string, cell or row has grown past its bound.
func (s *xmlScan) checkSpans(off int64) error {
	switch {
	case s.elemStart >= 0 && off-s.elemStart > maxCellXMLBytes:
		if s.kind == partStrings {
			return s.longString()
		}
		return s.longCell()
	case s.rowStart >= 0 && off-s.rowStart > maxRowXMLBytes:
		return &sourceError{line: max(s.rowLine, 1), msg: fmt.Sprintf("La ligne dépasse %d Mo dans le classeur : raccourcissez ses cellules ou enregistrez-le en « CSV UTF-8 »", maxRowXMLBytes>>20)}
	}
	return nil
}

// close checks that the part ended outside any token.
func (s *xmlScan) close() error {
	if s.state != inText {
		return s.damaged("une balise jamais refermée")
	}
	return nil
}

// attr returns the value of attribute name in the start of a tag, or "" (short values only).
func attr(tag []byte, name string) string {
	for i := 0; i+len(name)+2 < len(tag); i++ {
		if (tag[i] != ' ' && tag[i] != '\t' && tag[i] != '\n' && tag[i] != '\r') ||
			!bytes.HasPrefix(tag[i+1:], []byte(name)) || tag[i+1+len(name)] != '=' {
			continue
		}
		v := tag[i+2+len(name):]
		if len(v) == 0 || (v[0] != '"' && v[0] != '\'') {
			return ""
		}
		end := bytes.IndexByte(v[1:], v[0])
		if end < 0 || end > 16 {
			return ""
		}
		return string(v[1 : 1+end])
	}
	return ""
}
