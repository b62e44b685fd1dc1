package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestReferentielPageShowsTheWholeTitle(t *testing.T) {
	e := newEnv(t)
	res, doc := e.get(e.client(), "/referentiel")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if n := doc.Find("article.bloc").Length(); n != 3 {
		t.Errorf("blocs: %d, want 3", n)
	}
	if n := doc.Find("section.competence").Length(); n != 14 {
		t.Errorf("compétences: %d, want 14", n)
	}
	if n := doc.Find("ol.criteres > li").Length(); n != 65 {
		t.Errorf("critères: %d, want 65", n)
	}
	c14 := text(doc.Find("#C1\\.4"))
	for _, want := range []string{"Établir une stratégie de référencement naturel & payant", "Un audit de référencement est réalisé en amont de la proposition du plan de référencement puis en aval pour évaluer les résultats", "Entretien technique"} {
		if !strings.Contains(c14, want) {
			t.Errorf("C1.4 lacks %q", want)
		}
	}
	if got := doc.Find("#BC03 h2").Text(); !strings.Contains(got, "Surveillance de la réputation numérique") {
		t.Errorf("bloc 3 title %q", got)
	}
	body := text(doc.Find("#livrables"))
	for _, want := range []string{"10 jours avant la session", "48 750", "30 à 35 pages", "5 minutes"} {
		if !strings.Contains(body, want) {
			t.Errorf("livrables lack %q", want)
		}
	}
	if doc.Find("html").AttrOr("lang", "") != "fr" {
		t.Error("page language is not fr")
	}
}

func TestReferentielPageInEnglishKeepsTheFrenchText(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	res, _ := c.Get(e.ts.URL + "/langue/en?next=/referentiel")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/referentiel" {
		t.Fatalf("language switch: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, doc := e.get(c, "/referentiel")
	if got := doc.Find("html").AttrOr("lang", ""); got != "en" {
		t.Errorf("lang %q", got)
	}
	if !strings.Contains(doc.Find("nav").Text(), "Framework") {
		t.Error("navigation not in English")
	}
	if doc.Find("ol.criteres > li").Length() != 65 {
		t.Error("critères missing in English")
	}
	if _, doc := e.get(c, "/langue/de?next=/"); doc.Find("h1").Length() == 0 {
		t.Error("unknown language should render the 404 page")
	}
}

func TestAPIReferentiel(t *testing.T) {
	e := newEnv(t)
	status, body := e.api("GET", "/api/v1/certifications", "", "")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	var certs []apiCertification
	if err := json.Unmarshal(body, &certs); err != nil || len(certs) != 1 {
		t.Fatalf("certifications %s: %v", body, err)
	}
	if certs[0].Code != "community-manager" || certs[0].Version != 1 {
		t.Errorf("certification %+v", certs[0])
	}
	status, body = e.api("GET", "/api/v1/certifications/"+itoa64(certs[0].ID)+"/referentiel", "", "")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	var doc struct {
		Blocs []struct {
			Code        string
			Competences []struct {
				Code      string
				Modalites []string
				Criteres  []struct{ Code, Libelle string }
			}
		}
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	var comps, crits int
	for _, b := range doc.Blocs {
		for _, c := range b.Competences {
			comps++
			crits += len(c.Criteres)
			if len(c.Modalites) != 3 {
				t.Errorf("%s modalités %v", c.Code, c.Modalites)
			}
		}
	}
	if len(doc.Blocs) != 3 || comps != 14 || crits != 65 {
		t.Errorf("counts %d/%d/%d", len(doc.Blocs), comps, crits)
	}
	if status, _ := e.api("GET", "/api/v1/certifications/999/referentiel", "", ""); status != 404 {
		t.Errorf("unknown certification: %d", status)
	}
}
