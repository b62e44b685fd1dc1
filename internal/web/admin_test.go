package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certif/certif/internal/account"
)

func TestAdminCreatesACentreWithFieldErrors(t *testing.T) {
	e := newEnv(t)
	c := e.login("admin@certif.demo")
	res, doc := e.postDoc(c, "/admin/centres", url.Values{"nom": {""}, "siret": {"12345678901234"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := text(doc.Find("#nom-error")); got != "La raison sociale est obligatoire." {
		t.Errorf("nom error %q", got)
	}
	if got := text(doc.Find("#siret-error")); !strings.Contains(got, "clé de contrôle") {
		t.Errorf("siret error %q", got)
	}
	if doc.Find("#siret").AttrOr("value", "") != "12345678901234" || doc.Find("#siret").AttrOr("aria-invalid", "") != "true" {
		t.Error("siret value or aria-invalid lost")
	}
	// Duplicate SIRET of a demo centre.
	_, doc = e.postDoc(c, "/admin/centres", url.Values{"nom": {"Doublon"}, "siret": {"512 345 678 00019"}})
	if got := text(doc.Find("#siret-error")); got != "Un organisme avec ce SIRET existe déjà." {
		t.Errorf("duplicate siret error %q", got)
	}
	res = e.post(c, "/admin/centres", url.Values{"nom": {"Digital Campus Bordeaux"}, "siret": {"77612345600035"}, "habilitation_formation": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	_, doc = e.get(c, "/admin/centres")
	if !strings.Contains(text(doc.Find(".flash")), "Digital Campus Bordeaux") || !strings.Contains(text(doc.Find("table")), "77612345600035") {
		t.Error("created centre not listed with its flash message")
	}
	entries, err := e.st.AuditLog(t.Context(), account.System, 5)
	if err != nil || len(entries) == 0 || entries[0].Action != "organisme.create" {
		t.Errorf("audit: %+v %v", entries, err)
	}
}

func TestAdminCreatesAUserAndThePasswordIsShownOnce(t *testing.T) {
	e := newEnv(t)
	c := e.login("admin@certif.demo")
	res, doc := e.postDoc(c, "/admin/utilisateurs", url.Values{"email": {"pas-une-adresse"}, "role": {"formateur"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	if text(doc.Find("#email-error")) == "" || text(doc.Find("#centre-error")) == "" {
		t.Errorf("errors: email %q centre %q", text(doc.Find("#email-error")), text(doc.Find("#centre-error")))
	}
	orgs, _ := e.st.Organismes(t.Context(), account.System)
	res, doc = e.postDoc(c, "/admin/utilisateurs", url.Values{"email": {"Nouvelle.Formatrice@Exemple.fr"}, "prenom": {"Inès"}, "nom": {"Garnier"}, "role": {"formateur"}, "centre": {itoa64(orgs[1].ID)}, "lang": {"fr"}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", res.StatusCode)
	}
	password := text(doc.Find("#generated-password"))
	if len(password) < 12 {
		t.Fatalf("generated password %q", password)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("the page with a password must not be cached")
	}
	nc := e.client()
	if res := e.post(nc, "/connexion", url.Values{"email": {"nouvelle.formatrice@exemple.fr"}, "password": {password}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("new user cannot log in: %d", res.StatusCode)
	}
	_, doc = e.postDoc(c, "/admin/utilisateurs", url.Values{"email": {"NOUVELLE.formatrice@exemple.fr"}, "role": {"jury"}})
	if got := text(doc.Find("#email-error")); got != "Un compte existe déjà avec cette adresse e-mail." {
		t.Errorf("duplicate e-mail: %q", got)
	}
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t)
	c := e.login("candidat@certif.demo")
	res, doc := e.postDoc(c, "/compte/mot-de-passe", url.Values{"current": {"faux"}, "password": {"court"}, "confirm": {"court"}})
	if res.StatusCode != http.StatusUnprocessableEntity || text(doc.Find("#current-error")) == "" || text(doc.Find("#password-error")) == "" {
		t.Fatalf("bad change: %d %q %q", res.StatusCode, text(doc.Find("#current-error")), text(doc.Find("#password-error")))
	}
	res = e.post(c, "/compte/mot-de-passe", url.Values{"current": {"certif-demo-2026"}, "password": {"un nouveau mot de passe"}, "confirm": {"un nouveau mot de passe"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if res := e.post(e.client(), "/connexion", url.Values{"email": {"candidat@certif.demo"}, "password": {"un nouveau mot de passe"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("login with new password: %d", res.StatusCode)
	}
}
