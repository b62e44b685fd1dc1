// Package sample writes real files for the dossier's demo, tests and benchmarks, generated
// by code rather than downloaded: a PDF and a DOCX carrying given headings and about a given
// number of characters a page, and short playable MP4 (H.264) and WebM (VP8) videos of a
// given duration, padded to a given size without holding the file in memory.
package sample

import (
	"fmt"
	"strings"
	"unicode"
)

// words are the body text of the documents, French like the candidates'.
var words = strings.Fields(`La stratégie de communication du projet s'appuie sur une analyse
précise des publics cibles et des réseaux sociaux où ils échangent chaque jour. Le calendrier
éditorial fixe le rythme des publications, les formats retenus et les indicateurs de
performance suivis semaine après semaine ; chaque campagne est évaluée, puis ajustée selon
les résultats obtenus, l'engagement mesuré et les retours de la communauté.`)

// lines gives body lines of about width runes holding chars characters without spaces in
// all; seed varies where the text starts.
func lines(chars, width, seed int) []string {
	var out []string
	var line strings.Builder
	n := 0
	for i := seed; n < chars; i++ {
		w := words[i%len(words)]
		if rest := chars - n; len([]rune(w)) > rest {
			w = string([]rune(w)[:rest])
		}
		if line.Len() > 0 && len([]rune(line.String()))+1+len([]rune(w)) > width {
			out = append(out, line.String())
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(w)
		n += nonSpace(w)
	}
	if line.Len() > 0 {
		out = append(out, line.String())
	}
	return out
}

func nonSpace(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// pageHeadings spreads the headings over the pages, in order: the heading k goes on page
// k × pages / len(headings).
func pageHeadings(headings []string, pages int) [][]string {
	out := make([][]string, pages)
	for k, h := range headings {
		p := k * pages / len(headings)
		out[p] = append(out[p], h)
	}
	return out
}

func checkSize(pages, charsPerPage int) error {
	if pages < 1 || pages > 5000 || charsPerPage < 0 || charsPerPage > 20000 {
		return fmt.Errorf("sample: %d pages of %d characters: out of range", pages, charsPerPage)
	}
	return nil
}
