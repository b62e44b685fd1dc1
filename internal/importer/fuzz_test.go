package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/certif/certif/internal/candidat"
)

// FuzzCSV feeds arbitrary bytes to the importer: it must never panic, every problem must
// be located on a line, and every row it accepts must pass candidat.Candidat.Validate and
// candidat.Inscription.Validate.
func FuzzCSV(f *testing.F) {
	var tpl bytes.Buffer
	if err := Template(&tpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())
	f.Add([]byte(hdr + "\nDupont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE classique\n"))
	f.Add([]byte("Nom,Prénoms,Sexe,Date de naissance,Code INSEE,Lieu de naissance,Courriel,Voie,Blocs\n" +
		"Dupont,\"Marie, Claire\",Mme,32905,1053,Lyon,m@example.fr,contrat pro,\"bloc 1, BC03\"\n"))
	f.Add([]byte(hdr + "\r\nDupont;\"Marie;F;01/02/1990\r\n;;;\r\n"))
	f.Add([]byte(hdr + "\nDupont;Marie \"M\";X;31/02/1990;6912;;pas-une-adresse;à distance;en trop\n"))
	f.Add([]byte("Nom;Pr\xe9nom;Sexe\nDupont;Ren\xe9;M\n"))
	f.Add([]byte("\xFF\xFEN\x00"))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte(""))
	ref := cmRef(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(context.Background(), bytes.NewReader(data), "fuzz.csv", ref, testNow)
		if err != nil {
			var ie *candidat.ImportError
			if !errors.As(err, &ie) || len(ie.Errors) == 0 {
				t.Fatalf("NewReader error %v (%T), want a *candidat.ImportError", err, err)
			}
			return
		}
		defer r.Close()
		last := 1
		for range len(data) + 2 { // each row consumes at least one byte
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var ie *candidat.ImportError
			if errors.As(err, &ie) {
				for _, le := range ie.Errors {
					if le.Line <= last || le.Message == "" {
						t.Fatalf("problem %+v after line %d", le, last)
					}
				}
				last = ie.Errors[0].Line
				continue
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if row.Line <= last {
				t.Fatalf("row line %d after line %d", row.Line, last)
			}
			last = row.Line
			c := row.Candidat
			if err := c.Validate(testNow); err != nil {
				t.Fatalf("line %d accepted but Validate says: %v\n%+v", row.Line, err, row.Candidat)
			}
			ins := row.Inscription
			ins.CentreID = 1
			if err := ins.Validate(ref); err != nil {
				t.Fatalf("line %d accepted but Inscription.Validate says: %v\n%+v", row.Line, err, row.Inscription)
			}
		}
		t.Fatal("Next did not reach io.EOF")
	})
}
