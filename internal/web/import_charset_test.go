package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// windows1252 encodes s as French Excel's "CSV (séparateur : point-virgule)" writes it.
func windows1252(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportWindows1252: Excel's default CSV imports, with its accents, and the result says
// how it was read; a file that is neither UTF-8 nor Windows-1252 is refused as a whole.
func TestImportWindows1252(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	file := windows1252(t, importHeader+
		"Lefèvre;Hélène;F;01/02/1990;69123;Lyon;helene.cp1252@example.fr;VAE classique;PROMO-1252\n"+
		"Cœur;François;M;01/02/1991;69123;Lyon;francois.cp1252@example.fr;VAE classique;PROMO-1252\n"+
		"Garçon;Loïc’à;M;01/02/1992;69123;Lyon;loic.cp1252@example.fr;VAE classique;PROMO-1252\n")
	res, doc := e.uploadImport(c, "export.csv", file)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %q", res.StatusCode, text(doc.Find("#import-errors")))
	}
	if got := text(doc.Find("#import-encoding")); got != "Fichier lu en Windows-1252 (Excel) : accents convertis." {
		t.Errorf("encoding notice %q", got)
	}
	_, list := e.get(c, "/candidats?q="+url.QueryEscape("Lefèvre"))
	if !strings.Contains(text(list.Find("main")), "Hélène") {
		t.Errorf("the accents did not survive: Hélène missing from the list")
	}

	// A UTF-8 file says nothing about its encoding.
	res, doc = e.uploadImport(c, "utf8.csv", importHeader+"Pérez;Inès;F;01/02/1990;69123;Lyon;ines.utf8@example.fr;VAE classique;PROMO-1252\n")
	if res.StatusCode != http.StatusOK || doc.Find("#import-encoding").Length() != 0 {
		t.Errorf("UTF-8 import: status %d, notice %q", res.StatusCode, text(doc.Find("#import-encoding")))
	}

	// Neither: the problem is the whole file's, with no line number.
	res, doc = e.uploadImport(c, "photo.csv", "Nom\xE9\x01\x02\x81\x8D;;\n\x1b\x7f")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("binary: status %d", res.StatusCode)
	}
	row := doc.Find("#import-errors tbody tr")
	if row.Length() != 1 || text(row.Find("td").First()) != "—" || !strings.Contains(text(row), "ni UTF-8 ni Windows-1252") {
		t.Errorf("binary: %d problems, %q", row.Length(), text(row))
	}

	// The API says it too.
	status, body := e.apiImportRaw(e.token("referent@certif.demo"), "text/csv", strings.NewReader(windows1252(t,
		importHeader+"Dubœuf;Zoé;F;01/02/1993;69123;Lyon;zoe.cp1252@example.fr;VAE classique;PROMO-1252\n")))
	var out struct {
		Created  int    `json:"created"`
		Encodage string `json:"encodage"`
	}
	if err := json.Unmarshal(body, &out); status != http.StatusOK || err != nil || out.Created != 1 || out.Encodage != "Windows-1252" {
		t.Errorf("API: %d %s", status, body)
	}
}
