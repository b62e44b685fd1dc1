package web

import (
	"net/http"
	"net/url"
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
