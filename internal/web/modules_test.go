package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestModulesCreateEditDeactivate(t *testing.T) {
	e := newEnv(t)
	ref := e.login("referent@certif.demo")
	res, doc := e.postDoc(ref, "/modules", url.Values{"intitule": {""}, "heures": {"beaucoup"}})
	if res.StatusCode != http.StatusUnprocessableEntity || text(doc.Find("#heures-error")) == "" || text(doc.Find("#intitule-error")) == "" {
		t.Fatalf("invalid module: %d %q", res.StatusCode, text(doc.Find(".field-error")))
	}
	res = e.post(ref, "/modules", url.Values{"intitule": {"Tournage et montage vidéo"}, "heures": {"17,5"}, "competences": {"C2.4", "C2.5"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	_, doc = e.get(ref, loc)
	row := doc.Find("tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool { return strings.Contains(s.Text(), "Tournage") })
	href, _ := row.Find("a").Attr("href")
	if !strings.Contains(text(row), "17,5") || href == "" {
		t.Fatalf("module row: %q", text(row))
	}
	_, doc = e.get(ref, href)
	action, _ := doc.Find("#module-form form").Attr("action")
	if doc.Find("#intitule").AttrOr("value", "") != "Tournage et montage vidéo" || !strings.HasPrefix(action, "/modules/") {
		t.Fatalf("edit form not prefilled: %q", action)
	}
	version := doc.Find(`#module-form input[name="version"]`).AttrOr("value", "")
	res = e.post(ref, action, url.Values{"intitule": {"Tournage et montage vidéo"}, "heures": {"21"}, "competences": {"C2.4"}, "version": {version}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", res.StatusCode)
	}
	_, doc = e.get(ref, loc)
	if !strings.Contains(text(doc.Find("tr.inactive")), "Tournage") {
		t.Error("module not shown as deactivated")
	}
	if res := e.post(e.login("formateur@certif.demo"), action, url.Values{"intitule": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("formateur edits a module: %d", res.StatusCode)
	}
}
