package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/jury"
)

// TestSessionChoices checks the admin's choices on an open session: « Ajouter un passage »
// offers the inscriptions that may be convoked first, the others disabled with the reason
// the store gives when one is posted anyway (each choice is tried); « Ajouter un membre »
// leaves out the accounts already on the jury.
func TestSessionChoices(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@certif.demo")
	list, err := e.st.JurySessions(t.Context(), account.System)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, js := range list {
		if js.Etat == jury.Planifiee || js.Etat == jury.ConvocationsEnvoyees {
			id = js.ID
		}
	}
	if id == 0 {
		t.Fatal("the demo has no open session")
	}
	page := fmt.Sprintf("/sessions/%d", id)
	_, doc := e.get(admin, page)
	js, err := e.st.JurySession(t.Context(), account.System, id)
	if err != nil {
		t.Fatal(err)
	}
	members := doc.Find("#user_id option[value!='']")
	for _, m := range js.Membres {
		if members.Filter(fmt.Sprintf(`[value="%d"]`, m.UserID)).Length() != 0 {
			t.Errorf("member %s offered again", m.Nom)
		}
	}
	if members.Length() == 0 && !strings.Contains(text(doc.Find("#no-jury-account")), "siègent déjà") {
		t.Errorf("no jury account offered, none said seated: %q", text(doc.Find("#no-jury-account")))
	}
	groups := doc.Find("#inscription_id optgroup")
	if groups.Length() != 2 || !strings.HasPrefix(groups.First().AttrOr("label", ""), "Convocables") {
		t.Fatalf("groups: %d %q", groups.Length(), groups.First().AttrOr("label", ""))
	}
	ok, refused := groups.First().Find("option"), groups.Last().Find("option[disabled]")
	if ok.Filter("[disabled]").Length() != 0 || ok.Length() == 0 || refused.Length() != groups.Last().Find("option").Length() || refused.Length() == 0 {
		t.Fatalf("choices: %d convocable, %d refused", ok.Length(), refused.Length())
	}
	if doc.Find("details.non-convocables li").Length() != refused.Length() {
		t.Error("the reasons are not listed beside the form")
	}
	// Every refused choice is refused with the reason shown; every other one is convoked.
	refused.Each(func(_ int, o *goquery.Selection) {
		reason := spaces(strings.TrimSpace(o.Text()[strings.Index(o.Text(), "—")+len("—"):]))
		res, d := e.postDoc(admin, page+"/passages", url.Values{"inscription_id": {o.AttrOr("value", "")}, "heure": {"14:00"}})
		if got := spaces(text(d.Find("#passage-error"))); res.StatusCode != http.StatusUnprocessableEntity || got != reason {
			t.Errorf("%s: %d %q, shown %q", o.Text(), res.StatusCode, got, reason)
		}
	})
	ok.Each(func(_ int, o *goquery.Selection) {
		if res := e.post(admin, page+"/passages", url.Values{"inscription_id": {o.AttrOr("value", "")}, "heure": {"15:00"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("%s offered but refused: %d", o.Text(), res.StatusCode)
		}
	})
}

// spaces turns the typographic spaces into plain ones (text() already does for some).
func spaces(s string) string { return strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(s) }

// TestHomesSessions checks the homes of the demo: the juror sitting today reads about their
// sessions, not that they will appear; Léa, convoked, finds her convocation (when, where, the
// PDF) on her home.
func TestHomesSessions(t *testing.T) {
	e := newEnv(t)
	_, doc := e.get(e.login("jury@certif.demo"), "/")
	if doc.Find("#work-sessions a[href^='/sessions/']").Length() == 0 || strings.Contains(text(doc.Find("main")), "s’afficheront ici") ||
		!strings.Contains(text(doc.Find("main")), "les sessions où vous siégez") {
		t.Errorf("juror's home: %s", text(doc.Find("main")))
	}
	_, doc = e.get(e.login("candidat@certif.demo"), "/")
	conv := doc.Find("article.convocation")
	if conv.Length() != 1 || conv.Find("a[href$='/convocation.pdf']").Length() != 1 || !strings.Contains(text(conv), " h ") {
		t.Errorf("Léa's home: %q", text(conv))
	}
	// A juror with no session yet is told they will appear.
	j := &account.User{Email: "sans.session@exemple.fr", Prenom: "Sam", Nom: "Sans", Role: account.RoleJury, Active: true}
	hash, err := account.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.CreateUser(t.Context(), account.System, j, hash); err != nil {
		t.Fatal(err)
	}
	if _, doc = e.get(e.login(j.Email), "/"); !strings.Contains(text(doc.Find("main")), "s’afficheront ici") {
		t.Errorf("juror without session: %s", text(doc.Find("main")))
	}
}
