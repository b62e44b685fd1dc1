package document

import (
	"bytes"
	"strings"
	"testing"
)

// TestAttestationResultatsKeptWithTable: whatever comes before it, the « Résultats » heading
// is on the page of the table's first row (it was left alone at the bottom of page 1).
func TestAttestationResultatsKeptWithTable(t *testing.T) {
	base := attestation()
	for k := 10; k <= 13; k++ { // around the end of page 1
		for j := range 8 { // shifts of a line or so: more objectifs
			a := base
			a.Modules = base.Modules[:k]
			a.Objectifs = append(append([]string(nil), base.Objectifs...), strings.Repeat("objectif complémentaire ", j*3))
			pdf := renderBytes(t, func(b *bytes.Buffer) error { return RenderAttestation(b, a) })
			found := false
			for n, p := range strings.Split(pdfText(t, pdf), "\f") {
				if strings.Contains(p, "Résultats de l’évaluation") {
					found = true
					if !strings.Contains(flat(p), "Bloc 1 — Élaborer la stratégie") {
						t.Errorf("%d modules, shift %d: the heading is alone at the bottom of page %d", k, j, n+1)
					}
				}
			}
			if !found {
				t.Fatalf("%d modules: no « Résultats » heading", k)
			}
		}
	}
}
