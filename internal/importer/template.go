package importer

import (
	"fmt"
	"io"

	"github.com/certif/certif/internal/excelcsv"
)

// Template writes an example import file for French Excel (excelcsv: UTF-8 with a BOM, ';'
// as the delimiter, CRLF line ends); the header row names every column ReadAll knows, then two
// example lines (one formation continue, one VAE) that a centre replaces with its own.
// "Prénoms" takes several prénoms separated by commas; "Blocs visés" takes bloc codes
// separated by commas, or "tous" (or nothing) for the whole title. It returns the first
// write error.
func Template(w io.Writer) error {
	var header []string
	for _, f := range fieldDefs() {
		switch f.key {
		case kPrenom1, kPrenom2, kPrenom3: // "Prénoms" holds them all
			continue
		}
		header = append(header, f.headers[0])
	}
	example := func(v map[string]string) []string {
		row := make([]string, 0, len(header))
		for _, f := range fieldDefs() {
			switch f.key {
			case kPrenom1, kPrenom2, kPrenom3:
				continue
			}
			row = append(row, v[f.key])
		}
		return row
	}
	cw := excelcsv.NewWriter(w)
	records := [][]string{
		header,
		example(map[string]string{
			kNomNaissance: "DUPONT", kPrenoms: "Marie, Claire", kSexe: "F", kDateNaissance: "14/03/1995",
			kCodeCommune: "69123", kCommune: "Lyon", kEmail: "marie.dupont@example.fr", kTelephone: "06 12 34 56 78",
			kAdresse: "12 rue de la République", kCodePostal: "69002", kVille: "Lyon",
			kVoie: "Formation continue", kPromotion: "CM-2027-A", kDateInscription: "05/01/2027", kBlocs: "tous",
		}),
		example(map[string]string{
			kNomNaissance: "BENALI", kNomUsage: "MARTIN", kPrenoms: "Karim", kSexe: "M", kDateNaissance: "02/11/1984",
			kCommune: "Casablanca", kPaysNaissance: "Maroc", kEmail: "karim.martin@example.fr", kTelephone: "07 98 76 54 32",
			kAdresse: "3 allée des Tilleuls", kAdresse2: "Bâtiment B", kCodePostal: "33000", kVille: "Bordeaux",
			kVoie: "VAE", kTypeVAE: "VAE classique", kPromotion: "CM-2027-A", kDateInscription: "05/01/2027", kBlocs: "BC01, BC03",
		}),
	}
	for _, rec := range records {
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("modèle d'import : %w", err)
		}
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("modèle d'import : %w", err)
	}
	return nil
}
