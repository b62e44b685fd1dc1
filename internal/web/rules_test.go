package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/demo"
)

// TestDemoPromotionShowsEveryStage: with the rule « acquise when every critère is » (R4), the
// demo promotion still shows every stage — non évaluée, en cours, non acquise, acquise and a
// bloc validated in training — and the livret says how many critères are acquired.
func TestDemoPromotionShowsEveryStage(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	res, doc := e.get(c, "/promotions/"+demo.Promotion)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("matrix: status %d", res.StatusCode)
	}
	for _, etat := range []string{"non_evaluee", "en_cours", "non_acquise", "acquise"} {
		if n := doc.Find("table.matrice tbody td.cell.etat-" + etat).Length(); n == 0 {
			t.Errorf("no cell %s in the demo promotion", etat)
		}
	}
	if n := doc.Find("table.matrice tbody td.bloc-cell span").Length(); n == 0 {
		t.Error("no bloc validated in training in the demo promotion")
	}
	// Léa's livret: every compétence acquired, each with its critères counted.
	href, _ := doc.Find("table.matrice tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(strings.ToLower(s.Find("th").Text()), "moreau")
	}).Find("td.cell a").Attr("href")
	_, lv := e.get(c, strings.SplitN(href, "#", 2)[0])
	lead := lv.Find(`section[id="C1.1"] .criteres-etat-lead`).Text()
	if !strings.Contains(lead, "5/5 critères acquis") {
		t.Errorf("C1.1 lead = %q, want « 5/5 critères acquis »", lead)
	}
	lv.Find("section.competence").Each(func(_ int, s *goquery.Selection) {
		if b := s.Find("h3 .badge").Text(); b == "Acquise" && s.Find(".criteres-etat li.res-acquis").Length() != s.Find(".criteres-etat li").Length() {
			t.Errorf("%s acquise with a critère not acquired", s.AttrOr("id", "?"))
		}
	})
}
