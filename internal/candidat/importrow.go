package candidat

import (
	"fmt"
	"strings"

	"github.com/certif/certif/internal/apperr"
)

// ImportRow is one line of a candidate import (CSV or XLSX), parsed: the candidate and the
// inscription fields the file gives (voie, type de VAE, promotion, date, blocs visés). The
// centre and certification come from the import itself, not from the file.
type ImportRow struct {
	Line        int // 1-based line in the file (the header is line 1)
	Candidat    Candidat
	Inscription Inscription
}

// ImportField maps a field of the domain checks (Candidat.Validate, Inscription.Validate and
// ValidateCentre, keyed by the form's field names) to the key of the import column that holds
// it: the import reports the very messages of the form, on the column that caused them.
func ImportField(field string) string {
	switch field {
	case "date":
		return "date_inscription"
	case "adresse1":
		return "adresse"
	case "centre": // the import's own centre: what the row can change is its voie
		return "voie"
	}
	return field
}

// The problems of a row against the other rows of the same file, worded once for the file
// reader (importer) and the store's import; the argument is the other row's line.
const (
	MsgImportDoublon = "Doublon de la ligne %d : même nom de naissance, prénom et date de naissance dans la même promotion."
	MsgImportEmail   = "Adresse e-mail déjà donnée ligne %d pour une autre personne : chaque candidat a sa propre adresse."
)

// LineError is one problem of an import, located by line and column (the column's header
// name as in the file, or "" for the whole line).
type LineError struct {
	Line    int    `json:"ligne"`
	Column  string `json:"colonne,omitempty"`
	Message string `json:"message"`
}

// ImportError lists every problem of a refused import; nothing was imported.
// errors.Is(err, apperr.Invalid) is true.
type ImportError struct {
	Errors []LineError
}

// Error lists the problems, one per line of text.
func (e *ImportError) Error() string {
	var b strings.Builder
	for i, le := range e.Errors {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch {
		case le.Line == 0 && le.Column == "": // a problem of the whole file
			b.WriteString(le.Message)
		case le.Column != "":
			fmt.Fprintf(&b, "ligne %d, colonne « %s » : %s", le.Line, le.Column, le.Message)
		default:
			fmt.Fprintf(&b, "ligne %d : %s", le.Line, le.Message)
		}
	}
	return b.String()
}

// Is makes errors.Is(err, apperr.Invalid) true.
func (e *ImportError) Is(target error) bool { return target == apperr.Invalid }

// MaxImportErrors bounds the problems reported by one import; beyond it the report says so.
const MaxImportErrors = 1000
