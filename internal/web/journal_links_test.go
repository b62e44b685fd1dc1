package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// Every record the journal names is shown by its name with a link that leads somewhere the
// admin may go (200), on both engines: candidates by name, an import to the list of that
// centre's candidates (never to the centre's page), a tutor's link « créé » (nothing is
// mailed), authors by name — no « #2 », no raw message id.
func TestJournalLinksResolve(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			st := storetest.Open(t)
			if engine == "postgres" {
				st = storetest.OpenPostgres(t, store.Options{})
			}
			e := newEnvOn(t, st)
			// Entries of more kinds than the demo writes: an import, a batch of activation
			// links, an API token.
			ref := e.login("referent@certif.demo")
			if res, _ := e.uploadImport(ref, "c.csv", importHeader+"Dupont;Marie;F;01/02/1990;69123;Lyon;marie.journal@example.fr;VAE classique;CM-2026-A\n"); res.StatusCode != http.StatusOK {
				t.Fatalf("import: %d", res.StatusCode)
			}
			if res := e.post(ref, "/promotions/CM-2026-A/activations.csv", url.Values{}); res.StatusCode != http.StatusOK {
				t.Fatalf("activations: %d", res.StatusCode)
			}
			e.token("formateur@certif.demo")

			admin := e.login("admin@certif.demo")
			links, kinds := map[string]bool{}, map[string]int{}
			for page := "/admin/journal"; page != ""; {
				res, doc := e.get(admin, page)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", page, res.StatusCode)
				}
				doc.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
					who, what, rec := text(tr.Find("td").Eq(1)), text(tr.Find("td").Eq(2)), tr.Find("td").Eq(3)
					if strings.HasPrefix(who, "#") || strings.HasPrefix(what, "audit.") || strings.HasPrefix(text(rec), "n° ") {
						t.Errorf("row %q / %q / %q", who, what, text(rec))
					}
					if what == "Lien envoyé au tuteur" {
						t.Error("the journal says a link was sent")
					}
					href, ok := rec.Find("a").Attr("href")
					if !ok {
						return
					}
					links[href] = true
					kinds[strings.FieldsFunc(href, func(r rune) bool { return r == '/' || r == '?' })[0]]++
					if what == "Import de candidats" && !strings.HasPrefix(href, "/candidats?centre=") {
						t.Errorf("import links to %s", href)
					}
				})
				page, _ = doc.Find("#audit-older").Attr("href")
			}
			for _, k := range []string{"admin", "inscriptions", "candidats", "certifications"} {
				if kinds[k] == 0 {
					t.Errorf("no link to /%s… in the journal (%v)", k, kinds)
				}
			}
			for href := range links {
				if res, _ := e.get(admin, href); res.StatusCode != http.StatusOK {
					t.Errorf("GET %s: %d", href, res.StatusCode)
				}
			}
			if len(links) < 50 {
				t.Errorf("only %d distinct links", len(links))
			}
			for href := range links {
				if strings.HasPrefix(href, "/candidats?centre=") {
					if _, doc := e.get(admin, href); doc.Find("tbody tr a").Length() == 0 {
						t.Errorf("%s lists no candidate", href)
					}
				}
			}
		})
	}
}
