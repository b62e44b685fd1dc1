package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// Each role's home starts with its work list, counted and linked, on both engines: the
// référent's projects awaiting a decision, candidates without an evaluation for four weeks,
// activation links never used and tutors' fiches; the formateur's compétences to evaluate; the
// candidate's state and next step. Every link opens (200) for that user; another centre's
// référent sees none of it, and the store refuses them the list.
func TestHomeWorkLists(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			st := storetest.Open(t)
			if engine == "postgres" {
				st = storetest.OpenPostgres(t, store.Options{})
			}
			e := newEnvOn(t, st)
			count := func(doc *goquery.Document, id string) string { return text(doc.Find("#" + id + " > .count")) }
			follow := func(c *http.Client, doc *goquery.Document) {
				doc.Find("#work a, main article a").Each(func(_ int, a *goquery.Selection) {
					href, _ := a.Attr("href")
					if res, _ := e.get(c, strings.SplitN(href, "#", 2)[0]); res.StatusCode != http.StatusOK {
						t.Errorf("GET %s: %d", href, res.StatusCode)
					}
				})
			}

			ref := e.login("referent@certif.demo")
			_, doc := e.get(ref, "/")
			for id, want := range map[string]string{"work-projets": "5", "work-sans-evaluation": "1", "work-activations": "20", "work-fiches": "2"} {
				if got := count(doc, id); got != want {
					t.Errorf("référent %s = %q, want %s", id, got, want)
				}
			}
			if h, _ := doc.Find("#work-projets li a").First().Attr("href"); !strings.Contains(h, "/livret#projet-BC") {
				t.Errorf("project link %q", h)
			}
			if s := text(doc.Find("#work-sans-evaluation li")); s != "Jules André — aucune évaluation" {
				t.Errorf("without evaluation: %q", s)
			}
			if s := text(doc.Find("#work-activations > ul > li").Last()); s != "et 15 autres" {
				t.Errorf("more: %q", s)
			}
			follow(ref, doc)

			form := e.login("formateur@certif.demo")
			_, doc = e.get(form, "/")
			if got := count(doc, "work-competences"); got == "" || got == "0" {
				t.Errorf("formateur: %q compétences to evaluate", got)
			}
			if doc.Find("#work-projets, #work-activations").Length() != 0 {
				t.Error("the formateur is shown the référent's items")
			}
			follow(form, doc)

			nantes := e.login("referent.nantes@certif.demo")
			_, doc = e.get(nantes, "/")
			if s := text(doc.Find("#work")); strings.Contains(s, "Léa Moreau") || strings.Contains(s, "Jules André") {
				t.Errorf("another centre's candidates on the Nantes home: %s", s)
			}
			var nantesID int64
			if err := st.DB().QueryRow(`SELECT id FROM users WHERE email = 'referent.nantes@certif.demo'`).Scan(&nantesID); err != nil {
				t.Fatal(err)
			}
			var lyon int64
			if err := st.DB().QueryRow(`SELECT centre_id FROM users WHERE email = 'referent@certif.demo'`).Scan(&lyon); err != nil {
				t.Fatal(err)
			}
			nu, err := st.User(context.Background(), account.System, nantesID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.CentreWork(context.Background(), account.ActorOf(nu), lyon, time.Now()); !errors.Is(err, apperr.NotFound) {
				t.Errorf("another centre's work list: %v", err)
			}

			cand := e.login("candidat@certif.demo")
			_, doc = e.get(cand, "/")
			if s := text(doc.Find("main article").First()); !strings.Contains(s, "Compétences acquises en formation : 14 sur 14") ||
				!strings.Contains(s, "Projet du bloc 3 remis : en attente de la décision du référent") {
				t.Errorf("candidate's home: %s", s)
			}
			follow(cand, doc)

			e.post(e.client(), "/connexion", url.Values{"email": {"admin@certif.demo"}, "password": {"pas le bon"}})
			admin := e.login("admin@certif.demo")
			_, doc = e.get(admin, "/")
			if got := count(doc, "work-connexions"); got != "1" {
				t.Errorf("admin's failed sign-ins: %q", got)
			}
			follow(admin, doc)
		})
	}
}
