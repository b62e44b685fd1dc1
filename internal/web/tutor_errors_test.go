package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Every link of the tutor form's error summary leads to an element of the page, by an id
// that is a valid selector; a compétence's problem is shown in its fieldset, its fields
// marked invalid (outside attack: the summary linked to a missing #appreciations.C2.1).
func TestTutorFormErrorLinks(t *testing.T) {
	e := newEnv(t)
	hugo := findInscription(t, e, e.token("referent@certif.demo"), "Dubois")
	tok, _ := e.tutorLink(hugo)
	for _, fields := range []map[string]string{
		{"niveau_C1.1": "inconnu", "commentaire_general": "Bien.", "signataire": "Karim Benali"},
		{"signataire": "Karim Benali"}, // no appreciation at all
	} {
		res, body := e.postMultipart(e.client(), "/stage/"+tok, fields, "cachet", "fiche-signee.pdf", bigPDF(4<<10))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%v: %d", fields, res.StatusCode)
		}
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		links := doc.Find(".error-summary a")
		if links.Length() == 0 {
			t.Fatalf("%v: no error summary", fields)
		}
		links.Each(func(_ int, a *goquery.Selection) {
			id := strings.TrimPrefix(a.AttrOr("href", ""), "#")
			if strings.ContainsAny(id, ". ") || doc.Find("#"+id).Length() != 1 {
				t.Errorf("%v: summary link #%s leads nowhere", fields, id)
			}
		})
	}
	_, body := e.postMultipart(e.client(), "/stage/"+tok, map[string]string{"niveau_C1.1": "inconnu", "signataire": "K"}, "cachet", "f.pdf", bigPDF(4<<10))
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	set := doc.Find("#appreciation-C1-1")
	if set.Find(".field-error").Length() != 1 || set.Find(`input[type="text"][aria-invalid="true"]`).Length() != 1 {
		t.Errorf("no inline error in the fieldset of C1.1: %s", set.Text())
	}
	if doc.Find(`fieldset[aria-invalid], #appreciation-C1-2 [aria-invalid]`).Length() != 0 {
		t.Errorf("invalid marks outside C1.1's fields")
	}
}
