package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestFicheNeedsCachet is seed 5-3-3 a: the tutor cannot send the fiche d'appréciation without
// the company's stamp or a signed scan of the fiche; the refusal is French, next to the field,
// keeps what was typed and stores nothing.
func TestFicheNeedsCachet(t *testing.T) {
	e := newEnv(t)
	hugo := findInscription(t, e, e.token("referent@certif.demo"), "Dubois")
	tok, _ := e.tutorLink(hugo)

	_, doc := e.get(e.client(), "/stage/"+tok)
	for _, id := range []string{"signataire", "cachet"} {
		if !doc.Find(`label[for="` + id + `"]`).HasClass("required") {
			t.Errorf("label of %s not marked required", id)
		}
	}
	rows := e.fileRows()
	fields := map[string]string{"niveau_C1.1": "satisfaisant", "commentaire_general": "Très bon stage.", "signataire": "Karim Benali"}
	res, body := e.postMultipart(e.client(), "/stage/"+tok, fields, "", "", nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("fiche without stamp: %d", res.StatusCode)
	}
	doc, _ = goquery.NewDocumentFromReader(strings.NewReader(body))
	if got := text(doc.Find(`#cachet ~ .field-error`)); !strings.Contains(got, "cachet de l’entreprise") {
		t.Errorf("message next to the stamp field = %q", got)
	}
	if v, _ := doc.Find("#signataire").Attr("value"); v != "Karim Benali" {
		t.Errorf("signatory lost: %q", v)
	}
	// A Word document is a file, not a stamp: refused too.
	docx := []byte("PK\x03\x04" + strings.Repeat("x", 64))
	res, _ = e.postMultipart(e.client(), "/stage/"+tok, fields, "cachet", "cachet.docx", docx)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("office file as stamp: %d", res.StatusCode)
	}
	if e.fileRows() != rows {
		t.Errorf("refused fiches stored files")
	}
	// The link still works: with a signed scan, the fiche goes.
	res, body = e.postMultipart(e.client(), "/stage/"+tok, fields, "cachet", "fiche-signee.pdf", bigPDF(4<<10))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("fiche with its signed scan: %d %s", res.StatusCode, body)
	}
}
