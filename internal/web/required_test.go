package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Every form sent empty answers with a summary on top listing each problem as a link to its
// field (an element with that id exists on the page), and the form explains its mark of
// required fields (« * champ obligatoire »); the fields required in fact carry the mark.
func TestFormsSummaryAndRequiredMarks(t *testing.T) {
	e := newEnv(t)
	var ins string
	if err := e.st.DB().QueryRow(`SELECT CAST(i.id AS TEXT) FROM inscriptions i JOIN users u ON u.centre_id = i.centre_id
		WHERE u.email = 'referent@certif.demo' AND i.voie <> 'vae' ORDER BY i.id LIMIT 1`).Scan(&ins); err != nil {
		t.Fatal(err)
	}
	admin, ref := e.login("admin@certif.demo"), e.login("referent@certif.demo")
	for _, tc := range []struct {
		c        *http.Client
		path     string
		form     url.Values
		required []string // label targets that must carry the mark
	}{
		{ref, "/candidats", url.Values{}, []string{"nom_naissance", "prenom1", "sexe", "date_naissance", "commune_naissance", "commune_naissance_code", "email", "voie", "date_inscription"}},
		{admin, "/admin/utilisateurs", url.Values{}, []string{"email", "role"}},
		{admin, "/admin/centres", url.Values{}, []string{"nom", "siret"}},
		{ref, "/modules", url.Values{}, []string{"intitule", "heures"}},
		{ref, "/inscriptions/" + ins + "/planning", url.Values{}, []string{"module", "debut", "fin", "heures_prevues"}},
		{ref, "/inscriptions/" + ins + "/stage", url.Values{}, []string{"entreprise", "tuteur_nom", "tuteur_email", "debut", "fin"}},
	} {
		res, doc := e.postDoc(tc.c, tc.path, tc.form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", tc.path, res.StatusCode)
			continue
		}
		sum := doc.Find(".error-summary[role=alert]")
		links := sum.Find("li a")
		if sum.Length() != 1 || links.Length() == 0 {
			t.Errorf("%s: summary %q", tc.path, text(sum))
		}
		links.Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			if id := strings.TrimPrefix(href, "#"); doc.Find(`[id="`+id+`"]`).Length() == 0 {
				t.Errorf("%s: summary item %q links to %s, which is not on the page", tc.path, text(a), href)
			}
		})
		if text(doc.Find(".required-legend")) != "champ obligatoire" {
			t.Errorf("%s: no legend of the required mark", tc.path)
		}
		for _, id := range tc.required {
			if doc.Find(`label.required[for="`+id+`"]`).Length() == 0 {
				t.Errorf("%s: %s is not marked required", tc.path, id)
			}
		}
	}
	// The evaluation form (multipart) and the sign-in form: the marks and their legend.
	for path, ids := range map[string][]string{
		"/inscriptions/" + ins + "/evaluations/nouvelle?competence=C1.1": {"forme", "date"},
		"/candidats/import": {"fichier"},
	} {
		_, doc := e.get(ref, path)
		if text(doc.Find(".required-legend")) != "champ obligatoire" {
			t.Errorf("%s: no legend of the required mark", path)
		}
		for _, id := range ids {
			if doc.Find(`label.required[for="`+id+`"]`).Length() == 0 {
				t.Errorf("%s: %s is not marked required", path, id)
			}
		}
	}
	_, doc := e.get(e.client(), "/connexion")
	if doc.Find(`label.required[for="email"]`).Length() == 0 || doc.Find(".required-legend").Length() == 0 {
		t.Error("sign-in form without its required marks")
	}
}
