package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/certif/certif/internal/candidat"
)

// buildXLSX writes rows (nil = an empty row) on a first sheet named "Candidats", followed
// by a second sheet that the importer must not read.
func buildXLSX(t *testing.T, date1904 bool, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetSheetName("Sheet1", "Candidats"); err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		if row == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Candidats", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.NewSheet("Notes"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Notes", "A1", "pas des candidats"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		header := []any{"NOM", "Prénom", "Prénom 2", "Civilité", " date de naissance ", "Code INSEE", "Commune de naissance",
			"Courriel", "Voie d'accès", "Type de VAE", "Code postal", "Téléphone", "Date d'inscription", "Observations"}
		data := buildXLSX(t, date1904, [][]any{
			header,
			{"Dupont", "Marie", "Claire", "Madame", date(1990, 2, 1), 1053, "Bourg-en-Bresse", "marie@example.fr", "VAE", "congé VAE", 1000, 612345678, date(2026, 9, 1), "ok"},
			nil, // an empty row keeps the numbering
			{"Durand", "Paul", nil, "M.", "15/08/1985", "75056", "Paris", "paul@example.fr", "Apprentissage", nil, "75011", "06 11 22 33 44", "2026-09-01"},
			{"Martin", "Léa", nil, "F", "hier", "75056", "Paris", "lea@example.fr", "contrat pro"},
			{},
		})
		r, err := NewReader(context.Background(), bytes.NewReader(data), "candidats.xlsx", cmRef(t), testNow)
		if err != nil {
			t.Fatalf("date1904=%v: NewReader: %v", date1904, err)
		}
		if got := r.Ignored(); !reflect.DeepEqual(got, []string{"Observations"}) {
			t.Errorf("Ignored = %q", got)
		}
		var rows []candidat.ImportRow
		var problems []candidat.LineError
		for {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var ie *candidat.ImportError
			if errors.As(err, &ie) {
				problems = append(problems, ie.Errors...)
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, row)
		}
		if err := r.Close(); err != nil {
			t.Error(err)
		}
		if len(rows) != 2 {
			t.Fatalf("date1904=%v: %d rows, want 2", date1904, len(rows))
		}
		marie, paul := rows[0], rows[1]
		if marie.Line != 2 || !marie.Candidat.DateNaissance.Equal(date(1990, 2, 1)) || marie.Candidat.CommuneNaissanceCode != "01053" ||
			marie.Candidat.Adresse.CodePostal != "01000" || marie.Candidat.Telephone != "0612345678" ||
			!reflect.DeepEqual(marie.Candidat.Prenoms, []string{"Marie", "Claire"}) || marie.Candidat.Sexe != candidat.Femme ||
			marie.Inscription.Voie != candidat.VAE || marie.Inscription.TypeVAE != candidat.CongeVAE || !marie.Inscription.Date.Equal(date(2026, 9, 1)) {
			t.Errorf("date1904=%v: Marie = %+v", date1904, marie)
		}
		if paul.Line != 4 || !paul.Candidat.DateNaissance.Equal(date(1985, 8, 15)) || paul.Candidat.Sexe != candidat.Homme ||
			paul.Inscription.Voie != candidat.Apprentissage || !paul.Inscription.Date.Equal(date(2026, 9, 1)) {
			t.Errorf("date1904=%v: Paul = %+v", date1904, paul)
		}
		want := []candidat.LineError{{Line: 5, Column: "date de naissance", Message: "Date « hier » illisible : attendu JJ/MM/AAAA (par exemple 31/12/1990)."}}
		if !reflect.DeepEqual(problems, want) {
			t.Errorf("date1904=%v: problems = %#v", date1904, problems)
		}
	}
}

func TestXLSXFileErrors(t *testing.T) {
	tests := []struct {
		name string
		rows [][]any
		want []candidat.LineError
	}{
		{"empty sheet", nil, []candidat.LineError{{Line: 1, Message: "Le fichier est vide : la première ligne doit contenir les en-têtes des colonnes"}}},
		{"missing columns", [][]any{{"Nom", "Prénom", "Sexe", "Date de naissance"}}, []candidat.LineError{{Line: 1,
			Message: "Colonnes obligatoires absentes : « Commune de naissance », « E-mail », « Voie d'accès » (la première ligne doit contenir les en-têtes des colonnes)"}}},
		{"header on row 3", [][]any{nil, nil, {"Nom"}}, []candidat.LineError{{Line: 3,
			Message: "Colonnes obligatoires absentes : « Prénoms », « Sexe », « Date de naissance », « Commune de naissance », « E-mail », « Voie d'accès » (la première ligne doit contenir les en-têtes des colonnes)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadAll(context.Background(), bytes.NewReader(buildXLSX(t, false, tt.rows)), "c.xlsx", cmRef(t), testNow)
			if got := importErrors(t, err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors = %#v", got)
			}
		})
	}
}

func TestXLSXTooBig(t *testing.T) {
	big := io.MultiReader(bytes.NewReader([]byte("PK\x03\x04")), io.LimitReader(zeros{}, MaxXLSXSize))
	_, err := ReadAll(context.Background(), big, "c.xlsx", cmRef(t), testNow)
	want := []candidat.LineError{{Line: 1, Message: "Le classeur dépasse 50 Mo : découpez-le en plusieurs fichiers ou enregistrez-le en « CSV UTF-8 »"}}
	if got := importErrors(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("errors = %#v", got)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
