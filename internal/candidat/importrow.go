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
		if le.Column != "" {
			fmt.Fprintf(&b, "ligne %d, colonne « %s » : %s", le.Line, le.Column, le.Message)
		} else {
			fmt.Fprintf(&b, "ligne %d : %s", le.Line, le.Message)
		}
	}
	return b.String()
}

// Is makes errors.Is(err, apperr.Invalid) true.
func (e *ImportError) Is(target error) bool { return target == apperr.Invalid }

// MaxImportErrors bounds the problems reported by one import; beyond it the report says so.
const MaxImportErrors = 1000
