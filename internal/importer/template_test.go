package importer

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/certif/certif/internal/candidat"
)

func TestTemplateReadsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := Template(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\uFEFFNom de naissance;Nom d'usage;Prénoms;") {
		t.Errorf("template does not start with a BOM and the ';' header: %q", out[:min(len(out), 60)])
	}
	if n := strings.Count(out, "\r\n"); n != 3 || strings.Count(out, "\n") != 3 {
		t.Errorf("template has %d CRLF lines, want 3 (and no bare LF)", n)
	}
	rows, err := ReadAll(context.Background(), strings.NewReader(out), "modele.csv", cmRef(t), testNow)
	if err != nil {
		t.Fatalf("ReadAll(context.Background(), Template): %v", err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	fc, vae := rows[0], rows[1]
	if fc.Inscription.Voie != candidat.FormationContinue || len(fc.Inscription.BlocsVises) != 3 || len(fc.Candidat.Prenoms) != 2 {
		t.Errorf("formation continue row = %+v", fc)
	}
	if vae.Inscription.Voie != candidat.VAE || vae.Inscription.TypeVAE != candidat.VAEClassique ||
		strings.Join(vae.Inscription.BlocsVises, ",") != "BC01,BC03" || vae.Candidat.PaysNaissance != "Maroc" || vae.Candidat.NomUsage != "MARTIN" {
		t.Errorf("VAE row = %+v", vae)
	}
	for _, r := range rows {
		c := r.Candidat
		if err := c.Validate(testNow); err != nil {
			t.Errorf("line %d: %v", r.Line, err)
		}
	}
}
