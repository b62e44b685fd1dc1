package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxLines bounds the lines of an import file, header and blank lines included: twice the
// 100,000 candidates a big centre enrols in a year.
const MaxLines = 200_000

// maxCellChars bounds a cell, as Excel does.
const maxCellChars = 32_767

// maxCellCharsText is maxCellChars written the French way.
const maxCellCharsText = "32\u202f767"

var tooManyLines = fmt.Sprintf("Le fichier dépasse %d\u202f%03d lignes : découpez-le en plusieurs fichiers", MaxLines/1000, MaxLines%1000)

// longCell returns the index of the first cell longer than maxCellChars, or -1.
func longCell(cells []string) int {
	for i, c := range cells {
		if len(c) > maxCellChars && utf8.RuneCountInString(c) > maxCellChars {
			return i
		}
	}
	return -1
}

// longCellMessage is the problem of a cell longer than maxCellChars.
const longCellMessage = "Cellule de " + longCellProblem

// longCellProblem is what is wrong with a cell too long, after « cellule de ».
const longCellProblem = "plus de " + maxCellCharsText + " caractères, la limite d'une cellule Excel : raccourcissez-la."

// ctxProblem turns the end of ctx into the problem reported at line: the deadline is a
// problem of the file (too slow to read), a cancellation is returned as it is.
func ctxProblem(err error, line int) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &sourceError{line: line, msg: "La lecture du fichier a dépassé le temps permis : découpez-le en plusieurs fichiers", fatal: true}
	}
	return err
}

// maxQuoted bounds a value quoted in a message, so that a report of 1,000 problems stays
// small whatever the cells hold.
const maxQuoted = 60

// short returns v cut to maxQuoted characters, with "…" when cut.
func short(v string) string {
	n := 0
	for i := range v {
		if n == maxQuoted {
			return v[:i] + "…"
		}
		n++
	}
	return v
}

// quotedList quotes the first values of list, shortened, for a message: « a », « b » …
func quotedList(list []string) string {
	const shown = 5
	var b strings.Builder
	for i, v := range list {
		if i == shown {
			b.WriteString(" …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("« " + short(v) + " »")
	}
	return b.String()
}
