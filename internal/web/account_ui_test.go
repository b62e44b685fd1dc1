package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certif/certif/internal/demo"
)

// TestPasswordChangeReportsEveryProblem: the password form reports every problem at once,
// each next to its field and in the summary on top; a new password equal to the current one
// is refused.
func TestPasswordChangeReportsEveryProblem(t *testing.T) {
	const (
		wrong    = "Le mot de passe actuel est incorrect."
		short    = "Le mot de passe doit comporter au moins 12 caractères."
		mismatch = "Les deux mots de passe ne sont pas identiques."
		same     = "Le nouveau mot de passe doit être différent de l’actuel."
	)
	for _, tc := range []struct {
		name                       string
		current, password, confirm string
		want                       map[string]string // field → message
	}{
		{"short and mismatched, wrong current", "faux", "court", "autre", map[string]string{"current": wrong, "password": short, "confirm": mismatch}},
		{"short and mismatched", demo.Password, "court", "autre", map[string]string{"password": short, "confirm": mismatch}},
		{"long but mismatched", demo.Password, "un nouveau mot de passe", "un autre mot de passe", map[string]string{"confirm": mismatch}},
		{"same as the current one", demo.Password, demo.Password, demo.Password, map[string]string{"password": same}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.login("jury@certif.demo")
			res, doc := e.postDoc(c, "/compte/mot-de-passe", url.Values{"current": {tc.current}, "password": {tc.password}, "confirm": {tc.confirm}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			if n := doc.Find("#password-errors li").Length(); n != len(tc.want) {
				t.Errorf("summary lists %d problems, want %d: %q", n, len(tc.want), text(doc.Find("#password-errors")))
			}
			for _, field := range []string{"current", "password", "confirm"} {
				want := tc.want[field]
				if got := text(doc.Find("#" + field + "-error")); got != want {
					t.Errorf("next to %s: %q, want %q", field, got, want)
				}
				if _, invalid := doc.Find("#" + field).Attr("aria-invalid"); invalid != (want != "") {
					t.Errorf("%s aria-invalid: %v", field, invalid)
				}
				if want != "" && text(doc.Find(`#password-errors a[href="#`+field+`"]`)) != want {
					t.Errorf("summary for %s: %q", field, text(doc.Find("#password-errors")))
				}
			}
		})
	}
}

// TestEnrolmentFormMessages: the enrolment form speaks of what it offers (« Femme » or
// « Homme »), shows the missing prénom under the first prénom, marked invalid, and lists the
// problems on top; once enrolled, the activation link comes with a copy button.
func TestEnrolmentFormMessages(t *testing.T) {
	e := newEnv(t)
	c := e.login("referent@certif.demo")
	res, doc := e.postDoc(c, "/candidats", url.Values{"nom_naissance": {"Garnier"}, "voie": {"formation_continue"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := text(doc.Find("#sexe-error")); got != "Choisissez Femme ou Homme." {
		t.Errorf("sexe: %q", got)
	}
	if got := text(doc.Find("#prenom1-error")); got != "Au moins un prénom est obligatoire." {
		t.Errorf("under the first prénom: %q", got)
	}
	if v, _ := doc.Find("#prenom1").Attr("aria-invalid"); v != "true" {
		t.Error("the first prénom is not marked invalid")
	}
	if n := doc.Find("#prenom2-error, #prenom3-error").Length(); n != 0 {
		t.Errorf("%d errors under the other prénoms", n)
	}
	if text(doc.Find(`#inscrire-errors a[href="#prenom1"]`)) != "Au moins un prénom est obligatoire." || text(doc.Find(`#inscrire-errors a[href="#sexe"]`)) != "Choisissez Femme ou Homme." {
		t.Errorf("summary %q", text(doc.Find("#inscrire-errors")))
	}

	res, doc = e.postDoc(c, "/candidats", url.Values{"nom_naissance": {"Garnier"}, "prenom1": {"Élodie"}, "sexe": {"F"},
		"date_naissance": {"14/05/1999"}, "commune_naissance": {"Lyon"}, "commune_naissance_code": {"69123"},
		"email": {"elodie.garnier@exemple.fr"}, "voie": {"formation_continue"}, "date_inscription": {"01/09/2026"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("enrol: %d %q", res.StatusCode, text(doc.Find(".field-error")))
	}
	_, doc = e.get(c, res.Header.Get("Location"))
	if !strings.Contains(text(doc.Find("#activation-link")), "/activation/") ||
		doc.Find(`button[type=button][data-copy="activation-link"]`).Length() != 1 {
		t.Errorf("activation link %q without its copy button", text(doc.Find("#activation-link")))
	}
	// copy.js is served from the same origin (CSP script-src 'self') by the layout.
	src, ok := doc.Find(`script[src*="js/copy.js"]`).Attr("src")
	if !ok {
		t.Fatal("copy.js not loaded")
	}
	if res, _ := e.get(c, src); res.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %d", src, res.StatusCode)
	}
}
