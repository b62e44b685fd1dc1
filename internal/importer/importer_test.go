package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/referentiel"
)

// now is the clock of every test: birth dates must be between 1926 and 2012.
var testNow = time.Date(2026, 6, 1, 10, 30, 0, 0, time.UTC)

func cmRef(t testing.TB) *referentiel.Referentiel {
	t.Helper()
	ref, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// csvLines joins lines with CRLF, as Excel writes them.
func csvLines(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }

const hdr = "Nom de naissance;Prénoms;Sexe;Date de naissance;Code commune de naissance;Commune de naissance;E-mail;Voie d'accès"

func TestReadAllCSVFormats(t *testing.T) {
	allBlocs := []string{"BC01", "BC02", "BC03"}
	want := candidat.ImportRow{
		Line: 2,
		Candidat: candidat.Candidat{
			NomNaissance: "Dupont", Prenoms: []string{"Marie", "Claire"}, Sexe: candidat.Femme,
			DateNaissance: date(1990, 2, 1), CommuneNaissanceCode: "69123", CommuneNaissance: "Lyon",
			Email: "marie.dupont@example.fr",
		},
		Inscription: candidat.Inscription{Voie: candidat.FormationContinue, Date: date(2026, 6, 1), BlocsVises: allBlocs},
	}
	tests := []struct {
		name, file string
		edit       func(r *candidat.ImportRow) // the difference from want
	}{
		{"semicolon, BOM, CRLF", "\uFEFF" + csvLines(hdr, `Dupont;Marie, Claire;F;01/02/1990;69123;Lyon;marie.dupont@example.fr;formation continue`), nil},
		{"comma, quoted prénoms, LF", "Nom,Prénoms,Sexe,Date de naissance,Code INSEE,Lieu de naissance,Courriel,Voie\n" +
			`Dupont,"Marie, Claire",Madame,1990-02-01,69123,Lyon,Marie.Dupont@Example.fr,hors contrat` + "\n", nil},
		{"tab", "Nom\tPrénom\tPrénom 2\tCivilité\tDate de naissance\tCode INSEE\tVille de naissance\tEmail\tVoie\n" +
			"Dupont\tMarie\tClaire\tMme\t1/2/1990\t69123\tLyon\tmarie.dupont@example.fr\tformation_continue\n", nil},
		{"quoted field with ; inside", csvLines(hdr+";Adresse;Code postal;Ville",
			`Dupont;Marie, Claire;F;01/02/1990;69123;Lyon;marie.dupont@example.fr;Formation continue;"Bât. A; 3 rue ""des"" Lilas";1000;Ambérieu`),
			func(r *candidat.ImportRow) {
				r.Candidat.Adresse = candidat.Adresse{Ligne1: `Bât. A; 3 rue "des" Lilas`, CodePostal: "01000", Ville: "Ambérieu"}
			}},
		{"PRENOM upper case, no accents", csvLines("NOM DE NAISSANCE;PRENOM;PRENOM 2;SEXE;DATE DE NAISSANCE;CODE COMMUNE DE NAISSANCE;COMMUNE DE NAISSANCE;E-MAIL;VOIE D'ACCES",
			`Dupont;Marie;Claire;F;01/02/1990;69123;Lyon;marie.dupont@example.fr;formation continue`), nil},
		{"prenom lower case, punctuation", csvLines("nom_naissance;prenom;deuxieme prenom;sexe;date_naissance (JJ/MM/AAAA);code insee;commune de naissance *;e.mail;voie d’accès",
			`Dupont;Marie;Claire;f;01/02/1990;69123;Lyon;marie.dupont@example.fr;FORMATION CONTINUE`), nil},
		{"Excel serial date", csvLines(hdr, `Dupont;Marie, Claire;F;32905;69123;Lyon;marie.dupont@example.fr;formation continue`), nil},
		{"date with time", csvLines(hdr, `Dupont;Marie, Claire;F;01/02/1990 00:00;69123;Lyon;marie.dupont@example.fr;formation continue`), nil},
		{"two-digit year", csvLines(hdr, `Dupont;Marie, Claire;F;01/02/90;69123;Lyon;marie.dupont@example.fr;formation continue`), nil},
		{"blank trailing lines", csvLines(hdr, `Dupont;Marie, Claire;F;01.02.1990;69123;Lyon;marie.dupont@example.fr;formation continue`, ";;;;;;;", "", "  ;  ;;;;;;", ""), nil},
		{"contrat pro, type ignored, promotion, date, blocs", csvLines(hdr+";Type de VAE;Promotion;Date d'inscription;Blocs visés",
			`Dupont;Marie, Claire;F;01/02/1990;69123;Lyon;marie.dupont@example.fr;Contrat de professionnalisation;classique;  CM  2027 ;15/09/2026;bloc 3 et BC01`),
			func(r *candidat.ImportRow) {
				r.Inscription = candidat.Inscription{Voie: candidat.ContratPro, Promotion: "CM 2027", Date: date(2026, 9, 15), BlocsVises: []string{"BC01", "BC03"}}
			}},
		{"VAE with type in the voie", csvLines(hdr+";Pays de naissance;Blocs",
			`Dupont;Marie, Claire;F;01/02/1990;;Lyon;marie.dupont@example.fr;congé VAE;Belgique;tous`),
			func(r *candidat.ImportRow) {
				r.Candidat.CommuneNaissanceCode, r.Candidat.PaysNaissance = "", "Belgique"
				r.Inscription.Voie, r.Inscription.TypeVAE = candidat.VAE, candidat.CongeVAE
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadAll(context.Background(), strings.NewReader(tt.file), "candidats.csv", cmRef(t), testNow)
			if err != nil {
				t.Fatalf("ReadAll: %v", err)
			}
			w := want
			w.Candidat.Prenoms = append([]string(nil), want.Candidat.Prenoms...)
			if tt.edit != nil {
				tt.edit(&w)
			}
			if len(rows) != 1 || !reflect.DeepEqual(rows[0], w) {
				t.Errorf("rows =\n%+v\nwant\n%+v", rows, w)
			}
		})
	}
}

func TestIgnoredColumns(t *testing.T) {
	file := csvLines(hdr+";Numéro de dossier;;Remarques", `Dupont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE classique;D-12;x;à rappeler`)
	r, err := NewReader(context.Background(), strings.NewReader(file), "c.csv", cmRef(t), testNow)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, want := r.Ignored(), []string{"Numéro de dossier", "Remarques"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Ignored = %q, want %q", got, want)
	}
	row, err := r.Next()
	if err != nil || row.Line != 2 || row.Inscription.TypeVAE != candidat.VAEClassique {
		t.Errorf("Next = %+v, %v", row, err)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("second Next: %v, want io.EOF", err)
	}
}

// importErrors returns the problems of err, failing when it is not a *candidat.ImportError.
func importErrors(t *testing.T, err error) []candidat.LineError {
	t.Helper()
	var ie *candidat.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T), want *candidat.ImportError", err, err)
	}
	if !errors.Is(err, apperr.Invalid) {
		t.Error("errors.Is(err, apperr.Invalid) is false")
	}
	return ie.Errors
}

func TestFileErrors(t *testing.T) {
	latin1 := "Nom;Pr\xe9nom;Sexe\r\n"
	tests := []struct {
		name, file, filename string
		want                 []candidat.LineError
	}{
		{"empty", "", "c.csv", []candidat.LineError{{Line: 0, Message: "Le fichier est vide : la première ligne doit contenir les en-têtes des colonnes"}}},
		{"blank lines only", "\r\n\r\n;;;\r\n", "c.csv", []candidat.LineError{{Line: 1, Message: "Le fichier est vide : la première ligne doit contenir les en-têtes des colonnes"}}},
		{"Windows-1252 header, read", latin1, "c.csv", []candidat.LineError{{Line: 1,
			Message: "Colonnes obligatoires absentes : « Date de naissance », « Commune de naissance », « E-mail », « Voie d'accès » (la première ligne doit contenir les en-têtes des colonnes)"}}},
		{"missing columns", csvLines("Nom;Prénom;Date de naissance;Email;Adresse"), "c.csv", []candidat.LineError{{Line: 1,
			Message: "Colonnes obligatoires absentes : « Sexe », « Commune de naissance », « Voie d'accès » (la première ligne doit contenir les en-têtes des colonnes)"}}},
		{"one missing column", csvLines("Nom;Prénom;Sexe;Date de naissance;Commune de naissance;Email"), "c.csv", []candidat.LineError{{Line: 1,
			Message: "Colonne obligatoire absente : « Voie d'accès » (la première ligne doit contenir les en-têtes des colonnes)"}}},
		{"two columns for one field", csvLines(hdr + ";Courriel"), "c.csv", []candidat.LineError{{Line: 1,
			Message: "Les colonnes « E-mail » et « Courriel » désignent toutes deux « E-mail » : gardez-en une seule"}}},
		{"header only", csvLines(hdr), "c.csv", []candidat.LineError{{Line: 2, Message: "le fichier ne contient aucun candidat après la ligne d'en-tête"}}},
		{"xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "c.xls", []candidat.LineError{{Line: 0,
			Message: "Classeur Excel 97-2003 (.xls) ou protégé par un mot de passe : enregistrez-le en .xlsx (sans mot de passe) ou en « CSV UTF-8 »"}}},
		{"UTF-16", "\xFF\xFEN\x00o\x00m\x00", "c.txt", []candidat.LineError{{Line: 0, Message: "Le fichier est en UTF-16 (« Texte Unicode ») — enregistrez-le en « CSV UTF-8 »"}}},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00", "photo.png", []candidat.LineError{{Line: 0,
			Message: "Le fichier n'est ni un CSV ni un classeur Excel .xlsx : enregistrez la liste des candidats en .xlsx ou en « CSV UTF-8 »"}}},
		{"xlsx name, CSV content", csvLines(hdr), "c.xlsx", []candidat.LineError{{Line: 0,
			Message: "Le fichier porte l'extension .xlsx mais n'est pas un classeur Excel : enregistrez-le à nouveau en .xlsx ou en « CSV UTF-8 »"}}},
		{"broken zip", "PK\x03\x04garbage", "c.xlsx", []candidat.LineError{{Line: 1,
			Message: "Classeur Excel illisible (fichier abîmé, protégé par un mot de passe ou d'un autre format) : enregistrez-le en .xlsx ou en « CSV UTF-8 »"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadAll(context.Background(), strings.NewReader(tt.file), tt.filename, cmRef(t), testNow)
			if rows != nil {
				t.Errorf("rows = %v, want none", rows)
			}
			if got := importErrors(t, err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestRowErrors(t *testing.T) {
	const h = hdr + ";Type de VAE;Promotion;Date d'inscription;Blocs visés;Téléphone"
	ok := func(nom, prenom, naissance, email string) string {
		return nom + ";" + prenom + ";F;" + naissance + ";69123;Lyon;" + email + ";formation continue;;P1;;;"
	}
	tests := []struct {
		name   string
		header string
		lines  []string
		want   []candidat.LineError
	}{
		{"every field wrong", h, []string{
			`;;X;31/02/1990;691;;pas-une-adresse;à distance;;;demain;BC09, BC02, 7;12`,
		}, []candidat.LineError{
			{Line: 2, Column: "Nom de naissance", Message: "Le nom de naissance est obligatoire."},
			{Line: 2, Column: "Prénoms", Message: "Au moins un prénom est obligatoire."},
			{Line: 2, Column: "Sexe", Message: "Valeur « X » non reconnue. Indiquez F (femme) ou M (homme)."},
			{Line: 2, Column: "Date de naissance", Message: "Date « 31/02/1990 » inexistante : vérifiez le jour et le mois (JJ/MM/AAAA)."},
			{Line: 2, Column: "Code commune de naissance", Message: "Le code de la commune comporte 5 caractères (code INSEE ou code postal)."},
			{Line: 2, Column: "Commune de naissance", Message: "La commune (ou ville) de naissance est obligatoire."},
			{Line: 2, Column: "E-mail", Message: "Cette adresse e-mail n'est pas valide."},
			{Line: 2, Column: "Voie d'accès", Message: "Voie d'accès « à distance » inconnue : indiquez formation continue, contrat de professionnalisation, apprentissage ou VAE."},
			{Line: 2, Column: "Date d'inscription", Message: "Date « demain » illisible : attendu JJ/MM/AAAA (par exemple 31/12/1990)."},
			{Line: 2, Column: "Blocs visés", Message: "Blocs inconnus : « BC09 », « 7 » (blocs du référentiel : BC01, BC02, BC03 ; laissez vide ou écrivez « tous » pour tous les blocs)."},
			{Line: 2, Column: "Téléphone", Message: "Ce numéro de téléphone n'est pas valide."},
		}},
		{"too young, VAE without type", h, []string{
			`Dupont;Marie;F;02/06/2012;69123;Lyon;m@example.fr;VAE;;;;;`,
		}, []candidat.LineError{
			{Line: 2, Column: "Date de naissance", Message: "La date de naissance est trop récente (14 ans au moins)."},
			{Line: 2, Column: "Type de VAE", Message: "Précisez le type de VAE : congé VAE ou VAE classique."},
		}},
		{"VAE without type column", hdr, []string{
			`Dupont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE`,
		}, []candidat.LineError{
			{Line: 2, Column: "Voie d'accès", Message: "Précisez le type de VAE : congé VAE ou VAE classique. Ajoutez une colonne « Type de VAE »."},
		}},
		{"unknown type de VAE", h, []string{
			`Dupont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE;partielle;;;;`,
		}, []candidat.LineError{
			{Line: 2, Column: "Type de VAE", Message: "Type de VAE « partielle » inconnu : indiquez congé VAE ou VAE classique."},
		}},
		{"no code commune column", "Nom;Prénom;Sexe;Date de naissance;Commune de naissance;Email;Voie", []string{
			`Dupont;Marie;F;01/02/1990;Lyon;m@example.fr;VAE classique`,
		}, []candidat.LineError{
			{Line: 2, Column: "Commune de naissance", Message: "Le code INSEE ou le code postal de la commune de naissance est obligatoire (ou indiquez le pays de naissance). Ajoutez une colonne « Code commune de naissance » (ou « Pays de naissance » pour une naissance à l'étranger)."},
		}},
		{"empty voie, old inscription date", h, []string{
			`Dupont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;;;;01/01/1999;;`,
		}, []candidat.LineError{
			{Line: 2, Column: "Voie d'accès", Message: "La voie d'accès est obligatoire : formation continue, contrat de professionnalisation, apprentissage ou VAE."},
			{Line: 2, Column: "Date d'inscription", Message: "Date d'inscription invraisemblable : attendu une date entre 2000 et 2028."},
		}},
		{"duplicates", h, []string{
			ok("Dupont", "Marie", "01/02/1990", "marie@example.fr"),
			ok("Durand", "Paul", "01/02/1991", "paul@example.fr"),
			ok("DUPONT", "marie", "1990-02-01", "autre@example.fr"),                           // same person, same promotion
			`Dupont;Marie;F;01/02/1990;69123;Lyon;marie@example.fr;formation continue;;P2;;;`, // other promotion: fine
			ok("Martin", "Léa", "05/05/1995", "Paul@example.fr"),                              // Paul's address
			"", // blank lines keep their numbers
			`Dupont;Marie;F;01/02/1990;69123;Lyon;marie@example.fr;formation continue;;p2 ;;;`, // P2 again
		}, []candidat.LineError{
			{Line: 4, Message: "Doublon de la ligne 2 : même nom de naissance, prénom et date de naissance dans la même promotion."},
			{Line: 6, Column: "E-mail", Message: "Adresse e-mail déjà donnée ligne 3 pour une autre personne : chaque candidat a sa propre adresse."},
			{Line: 8, Message: "Doublon de la ligne 5 : même nom de naissance, prénom et date de naissance dans la même promotion."},
		}},
		{"bare quote, then a good line", hdr, []string{
			`Dupont;Marie "Mimi";F;01/02/1990;69123;Lyon;m@example.fr;VAE classique`,
			`Durand;Paul;M;01/02/1990;69123;Lyon;p@example.fr;VAE classique`,
			`Durand;Paul;M;01/02/1990;69123;Lyon;p@example.fr;VAE classique;;en trop`,
		}, []candidat.LineError{
			{Line: 2, Message: `Guillemet « " » au milieu d'un champ : entourez le champ de guillemets et doublez le guillemet (« "" »)`},
			{Line: 4, Message: "La ligne compte 10 cellules pour 8 colonnes d'en-tête : une valeur contenant « ; » doit être entre guillemets"},
			{Line: 4, Message: "Doublon de la ligne 3 : même nom de naissance, prénom et date de naissance dans la même promotion."},
		}},
		{"line shorter than the header", h, []string{
			ok("Dupont", "Marie", "01/02/1990", "marie@example.fr"),
			`Durand;Paul;M`, // a line cut short: its problems come after the explanation
			`Martin;Léa;F;05/05/1995;69123;Lyon;lea@example.fr;formation continue`, // trailing empty cells left out: fine
		}, []candidat.LineError{
			{Line: 3, Message: "La ligne 3 a 3 colonnes au lieu de 13 : vérifiez qu'aucun séparateur ne manque."},
			{Line: 3, Column: "Date de naissance", Message: "La date de naissance est obligatoire."},
			{Line: 3, Column: "Code commune de naissance", Message: "Le code INSEE ou le code postal de la commune de naissance est obligatoire (ou indiquez le pays de naissance)."},
			{Line: 3, Column: "Commune de naissance", Message: "La commune (ou ville) de naissance est obligatoire."},
			{Line: 3, Column: "E-mail", Message: "L'adresse e-mail est obligatoire."},
			{Line: 3, Column: "Voie d'accès", Message: "La voie d'accès est obligatoire : formation continue, contrat de professionnalisation, apprentissage ou VAE."},
		}},
		{"unterminated quote", hdr, []string{
			`Dupont;"Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE classique`,
			`Durand;Paul;M;01/02/1990;69123;Lyon;p@example.fr;VAE classique`,
		}, []candidat.LineError{
			{Line: 2, Message: `Guillemet « " » mal placé ou jamais refermé : un champ entre guillemets se termine par un guillemet suivi du séparateur (le champ court jusqu'à la ligne 3)`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadAll(context.Background(), strings.NewReader(csvLines(append([]string{tt.header}, tt.lines...)...)), "c.csv", cmRef(t), testNow)
			got := importErrors(t, err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", (&candidat.ImportError{Errors: got}).Error(), (&candidat.ImportError{Errors: tt.want}).Error())
			}
		})
	}
}

func TestNextGoesOn(t *testing.T) {
	file := csvLines(hdr,
		`Dupont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE classique`,
		`Durand;Paul;Z;01/02/1990;69123;Lyon;p@example.fr;VAE classique`,
		`Martin;Léa;F;01/02/1990;69123;Lyon;l@example.fr;apprenti`)
	r, err := NewReader(context.Background(), strings.NewReader(file), "c.csv", cmRef(t), testNow)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var lines []int
	var problems int
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems += len(importErrors(t, err))
			continue
		}
		lines = append(lines, row.Line)
	}
	if !reflect.DeepEqual(lines, []int{2, 4}) || problems != 1 {
		t.Errorf("good lines %v, %d problems; want [2 4], 1", lines, problems)
	}
}

func TestMaxImportErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(hdr + "\n")
	n := candidat.MaxImportErrors + 5
	for i := 0; i < n; i++ {
		b.WriteString("Dupont;Marie;X;01/02/1990;69123;Lyon;m@example.fr;VAE classique\n") // bad sexe, then doublon
	}
	_, err := ReadAll(context.Background(), strings.NewReader(b.String()), "c.csv", cmRef(t), testNow)
	got := importErrors(t, err)
	if len(got) != candidat.MaxImportErrors+1 {
		t.Fatalf("%d problems, want %d", len(got), candidat.MaxImportErrors+1)
	}
	total := n + (n - 1) // every line's sexe, and every line after the first is a doublon
	want := candidat.LineError{Line: got[candidat.MaxImportErrors-1].Line, Message: "… et d'autres erreurs (" + strconv.Itoa(total) + " au total)"}
	if last := got[len(got)-1]; last != want {
		t.Errorf("last = %+v, want %+v", last, want)
	}
}

func TestRecordTooLong(t *testing.T) {
	file := csvLines(hdr, `Dupont;"`+strings.Repeat("x", 2*maxRecordBytes))
	_, err := ReadAll(context.Background(), strings.NewReader(file), "c.csv", cmRef(t), testNow)
	got := importErrors(t, err)
	if len(got) != 1 || got[0].Line != 2 || !strings.HasPrefix(got[0].Message, "Ligne de plus de 1 Mo") {
		t.Errorf("errors = %+v", got)
	}
}

func TestHeaderSynonymsDistinct(t *testing.T) {
	seen := map[string]string{}
	for _, f := range fieldDefs() {
		for _, h := range append([]string{f.key}, f.headers...) {
			n := normHeader(h)
			if other, ok := seen[n]; ok && other != f.key {
				t.Errorf("header %q means both %s and %s", h, other, f.key)
			}
			seen[n] = f.key
		}
	}
}

// TestImportAndFormShareTheirMessages: the enrolment rules are Inscription.Validate's, so the
// import reports on a row the very message the form gives for the same field.
func TestImportAndFormShareTheirMessages(t *testing.T) {
	h := hdr + ";Type de VAE;Promotion"
	long := strings.Repeat("P", 61)
	_, err := ReadAll(context.Background(), strings.NewReader(csvLines(h,
		`Dupont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;;;`+long,
		`Durand;Paul;M;01/02/1990;69123;Lyon;p@example.fr;VAE;;P`)), "c.csv", cmRef(t), testNow)
	got := importErrors(t, err)
	form := apperr.FieldErrors((&candidat.Inscription{Voie: "", Promotion: long}).Validate(cmRef(t)))
	vae := apperr.FieldErrors((&candidat.Inscription{Voie: candidat.VAE}).Validate(cmRef(t)))
	want := []candidat.LineError{
		{Line: 2, Column: "Voie d'accès", Message: form["voie"]},
		{Line: 2, Column: "Promotion", Message: form["promotion"]},
		{Line: 3, Column: "Type de VAE", Message: vae["type_vae"]},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", (&candidat.ImportError{Errors: got}).Error(), (&candidat.ImportError{Errors: want}).Error())
	}
}

// TestBlankLinesDoNotCountAsOneRecord: more than 1 MiB of blank CRLF lines (which
// encoding/csv skips inside one Read) is not « ligne de plus de 1 Mo, vérifiez les
// guillemets »: such a file is refused for what it is, too many lines, at the first row
// past the limit; and a row after many blank lines within the limit is read at its line.
func TestBlankLinesDoNotCountAsOneRecord(t *testing.T) {
	row := "Dupont;Marie;F;01/02/1990;69123;Lyon;marie@example.fr;VAE classique\r\n"
	blanks := maxRecordBytes * 3 / 5 // 2 bytes each: 1.2 MiB
	file := hdr + "\r\n" + strings.Repeat("\r\n", blanks) + row
	_, err := ReadAll(context.Background(), strings.NewReader(file), "c.csv", cmRef(t), testNow)
	got := importErrors(t, err)
	if len(got) != 1 || strings.Contains(got[0].Message, "1 Mo") || !strings.Contains(got[0].Message, "lignes") {
		t.Errorf("errors = %+v, want the too-many-lines problem", got)
	}
	blanks = 150_000
	file = hdr + "\r\n" + strings.Repeat("\r\n", blanks) + row
	rows, err := ReadAll(context.Background(), strings.NewReader(file), "c.csv", cmRef(t), testNow)
	if err != nil || len(rows) != 1 || rows[0].Line != blanks+2 {
		t.Fatalf("rows = %+v, %v; want 1 at line %d", rows, err, blanks+2)
	}
}

// TestRecordGuardFollowsQuoting: the record guard counts per record as encoding/csv quotes:
// a bare quote early in the file does not make the lines after it one long record, a ""
// inside a quoted field does not close it, and a quoted field swallowing the rest of the
// file is still refused.
func TestRecordGuardFollowsQuoting(t *testing.T) {
	row := "Dupont;Marie;F;01/02/1990;69123;Lyon;marie%d@example.fr;VAE classique\n"
	var many strings.Builder
	for i := 0; many.Len() < maxRecordBytes*3/2; i++ {
		fmt.Fprintf(&many, strings.Replace(row, "Dupont", fmt.Sprintf("Dupont%d", i), 1), i)
	}
	for _, tc := range []struct {
		name, file string
		tooLong    bool
	}{
		{"bare quote then many lines", hdr + "\n" + `Du"pont;Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE classique` + "\n" + many.String(), false},
		{"escaped quote, then a quoted field that never ends", hdr + "\n" + `Dupont;"Ma""rie` + "\n" + strings.ReplaceAll(many.String(), "\"", ""), true},
		{"quoted field closed, then many lines", hdr + "\n" + `"Du""pont";Marie;F;01/02/1990;69123;Lyon;m@example.fr;VAE classique` + "\n" + many.String(), false},
	} {
		_, err := ReadAll(context.Background(), strings.NewReader(tc.file), "c.csv", cmRef(t), testNow)
		tooLong := false
		var ie *candidat.ImportError
		if errors.As(err, &ie) {
			for _, le := range ie.Errors {
				tooLong = tooLong || strings.Contains(le.Message, "1 Mo")
			}
		}
		if tooLong != tc.tooLong {
			t.Errorf("%s: « ligne de plus de 1 Mo » = %v, want %v (%.300v)", tc.name, tooLong, tc.tooLong, err)
		}
	}
}
