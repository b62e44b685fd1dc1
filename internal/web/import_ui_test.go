package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
)

// TestImportErrorTable: a broken file gives a table whose « Ligne » column does not wrap,
// whose every message starts with a capital letter, and which explains a line shorter than
// the header by its number of columns.
func TestImportErrorTable(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	file := importHeader +
		"Dupont;Marie;X;31/02/1999;69123;Lyon;pas-une-adresse;Formation;P\n" + // sexe, date, e-mail, voie
		";;F;01/02/1990;69123;Lyon;sans.prenom@example.fr;VAE;P\n" + // no prénom, VAE without its type
		"Durand;Paul;M\n" // cut short: 3 cells for 9 columns
	res, doc := e.uploadImport(c, "casse.csv", file)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !doc.Find("#import-errors thead th").First().HasClass("num") {
		t.Error("the « Ligne » header may wrap")
	}
	rows := doc.Find("#import-errors tbody tr")
	if rows.Length() < 7 {
		t.Fatalf("%d problems: %q", rows.Length(), text(doc.Find("#import-errors tbody")))
	}
	var short bool
	rows.Each(func(_ int, tr *goquery.Selection) {
		msg := text(tr.Find("td").Eq(2))
		if r, _ := utf8.DecodeRuneInString(msg); !unicode.IsUpper(r) {
			t.Errorf("message without a capital: %q", msg)
		}
		if msg == "La ligne 4 a 3 colonnes au lieu de 9 : vérifiez qu’aucun séparateur ne manque." {
			short = text(tr.Find("td").First()) == "4"
		}
	})
	if !short {
		t.Errorf("no explanation of the short line in %q", text(doc.Find("#import-errors tbody")))
	}
	if !strings.Contains(text(doc.Find("#import-errors tbody")), "Valeur « X » non reconnue. Indiquez F (femme) ou M (homme).") {
		t.Errorf("sexe message: %q", text(doc.Find("#import-errors tbody")))
	}
}

// uploadImport sends file through the import page's form and parses the answer.
func (e *testEnv) uploadImport(c *http.Client, name, file string) (*http.Response, *goquery.Document) {
	e.t.Helper()
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("fichier", name)
	_, _ = io.WriteString(fw, file)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/candidats/import", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return res, doc
}

// TestImportLinksCopy: each activation link shown once after an import has its copy button.
func TestImportLinksCopy(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	res, doc := e.uploadImport(c, "ok.csv", importHeader+
		"Dupont;Marie;F;01/02/1990;69123;Lyon;marie.copie@example.fr;VAE classique;P\n"+
		"Durand;Paul;M;01/02/1991;69123;Lyon;paul.copie@example.fr;VAE classique;P\n")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("import: %d %q", res.StatusCode, text(doc.Find("#import-errors")))
	}
	links := doc.Find("code[id^=import-link-]")
	if links.Length() != 2 {
		t.Fatalf("%d links", links.Length())
	}
	links.Each(func(_ int, code *goquery.Selection) {
		id, _ := code.Attr("id")
		if !strings.Contains(text(code), "/activation/") || doc.Find(`button[type=button][data-copy="`+id+`"]`).Length() != 1 {
			t.Errorf("link %s %q without its copy button", id, text(code))
		}
	})
}
