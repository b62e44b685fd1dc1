package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/store"
)

// demoUserID returns the id of the demo account with the given e-mail.
func demoUserID(t *testing.T, e *testEnv, email string) int64 {
	t.Helper()
	users, err := e.st.Users(context.Background(), account.System, store.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Email == email {
			return u.ID
		}
	}
	t.Fatalf("no demo account %s", email)
	return 0
}

// A formateur records evaluations only as themself (outside attack: evaluateur_id set to the
// référent); the référent may name a formateur of the centre; the POST answers the evaluator's
// name as GET does.
func TestEvaluationEvaluateurAPI(t *testing.T) {
	e := newEnv(t)
	referent, formateur := e.token("referent@certif.demo"), e.token("formateur@certif.demo")
	refID, formID := demoUserID(t, e, "referent@certif.demo"), demoUserID(t, e, "formateur@certif.demo")
	ins := findInscription(t, e, referent, "Moreau")
	path := "/api/v1/inscriptions/" + ins + "/evaluations"
	body := func(evaluateur int64) string {
		return fmt.Sprintf(`{"competence":"C1.4","date":"2026-10-01","criteres":{"C1.4.1":"acquis"},"evaluateur_id":%d}`, evaluateur)
	}

	code, out := e.api("POST", path, formateur, body(refID))
	if code != 422 || !strings.Contains(string(out), `"evaluateur"`) || !strings.Contains(string(out), "propre nom") {
		t.Errorf("formateur recording as the référent: %d %s", code, out)
	}
	for _, c := range []struct {
		token string
		who   int64
	}{{formateur, 0}, {formateur, formID}, {referent, formID}} {
		code, out = e.api("POST", path, c.token, body(c.who))
		var ev apiEvaluation
		_ = json.Unmarshal(out, &ev)
		if code != 201 || ev.Evaluateur == "" || ev.EvaluateurID != formID {
			t.Fatalf("evaluation by %d: %d %s", c.who, code, out)
		}
		_, list := e.api("GET", path, referent, "")
		var evs []apiEvaluation
		_ = json.Unmarshal(list, &evs)
		for _, g := range evs {
			if g.ID == ev.ID && g.Evaluateur != ev.Evaluateur {
				t.Errorf("POST says %q, GET says %q", ev.Evaluateur, g.Evaluateur)
			}
		}
	}
}
