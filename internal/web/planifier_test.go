package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/demo"
)

// planifierSetup adds a Lyon module and returns it with the Lyon promotion's candidates.
func planifierSetup(t *testing.T, e *testEnv) (module candidat.Module, ids []string) {
	t.Helper()
	ctx := context.Background()
	certs, err := e.st.Certifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	members, err := e.st.PromotionMembers(ctx, account.System, e.lyonID(t), demo.Promotion)
	if err != nil || len(members) < 3 {
		t.Fatalf("members: %d, %v", len(members), err)
	}
	module = candidat.Module{CentreID: e.lyonID(t), Intitule: "Atelier vidéo", Heures: 14, Competences: []string{"C2.3"}}
	if err := e.st.CreateModule(ctx, account.System, certs[0].ID, &module); err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		ids = append(ids, strconv.FormatInt(m.InscriptionID, 10))
	}
	return module, ids
}

// lyonID is the demo's Lyon centre.
func (e *testEnv) lyonID(t *testing.T) int64 {
	orgs, err := e.st.Organismes(context.Background(), account.System)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.Nom == "Campus Numérique Lyon" {
			return o.ID
		}
	}
	t.Fatal("no Lyon centre")
	return 0
}

func (e *testEnv) countSeances(t *testing.T, module int64) int {
	var n int
	if err := e.st.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM seances WHERE module_id = ?`, module).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const planifierPath = "/promotions/" + demo.Promotion + "/planifier"

// TestPlanifierPromotion: one form plans a module for the whole promotion; a second time lists
// the candidates who have it in French next to the list, and can leave them out.
func TestPlanifierPromotion(t *testing.T) {
	e := newEnv(t)
	mod, ids := planifierSetup(t, e)
	c := e.login("formateur@certif.demo")

	res, doc := e.get(c, "/promotions/"+demo.Promotion)
	if href, _ := doc.Find("#planifier-link").Attr("href"); res.StatusCode != http.StatusOK || !strings.HasPrefix(href, planifierPath) {
		t.Errorf("matrix link %q", href)
	}
	res, doc = e.get(c, planifierPath)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET: %d", res.StatusCode)
	}
	if n := doc.Find(`input[name=candidats][checked]`).Length(); n != len(ids) {
		t.Errorf("%d candidates ticked, want the whole promotion (%d)", n, len(ids))
	}
	if doc.Find(`label[for=module].required`).Length() != 1 {
		t.Error("the module is not marked required")
	}
	// The VAE candidates of the promotion are not listed, and the form says so.
	if got := text(doc.Find("#planifier-vae")); !strings.Contains(got, "en VAE ne sui") || !strings.Contains(got, "de formation") {
		t.Errorf("VAE notice %q", got)
	}

	form := url.Values{"module": {strconv.FormatInt(mod.ID, 10)}, "debut": {"2028-03-06"}, "fin": {"2028-03-10"}, "candidats": ids}
	res = e.post(c, planifierPath, form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST: %d", res.StatusCode)
	}
	_, doc = e.get(c, res.Header.Get("Location"))
	if got := text(doc.Find(".flash")); !strings.Contains(got, "Module « Atelier vidéo » planifié pour "+strconv.Itoa(len(ids))+" candidats") {
		t.Errorf("flash %q", got)
	}
	if n := e.countSeances(t, mod.ID); n != len(ids) {
		t.Errorf("%d séances, want %d", n, len(ids))
	}
	// The hours default to the module's.
	se, err := e.st.Seances(context.Background(), account.System, mustInt(t, ids[0]))
	if err != nil || se[len(se)-1].HeuresPrevues != 14 {
		t.Errorf("hours: %+v %v", se, err)
	}

	// Again: refused, the candidates listed near the list with the French dates; nothing written.
	res, doc = e.postDoc(c, planifierPath, form)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("again: %d", res.StatusCode)
	}
	conflicts := doc.Find("#candidats #plan-conflicts li")
	if conflicts.Length() != len(ids) || !strings.Contains(text(conflicts.First()), "Module déjà planifié du 6 au 10 mars 2028.") {
		t.Errorf("conflicts %d: %q", conflicts.Length(), text(conflicts.First()))
	}
	if doc.Find(`input[name=debut][value="2028-03-06"]`).Length() != 1 {
		t.Error("the form lost the dates typed")
	}
	// Overlap with another module: its name and French dates.
	other := candidat.Module{CentreID: mod.CentreID, Intitule: "Montage", Heures: 7, Competences: []string{"C2.3"}}
	certs, _ := e.st.Certifications(context.Background())
	if err := e.st.CreateModule(context.Background(), account.System, certs[0].ID, &other); err != nil {
		t.Fatal(err)
	}
	res, doc = e.postDoc(c, planifierPath, url.Values{"module": {strconv.FormatInt(other.ID, 10)}, "debut": {"2028-03-09"}, "fin": {"2028-03-20"},
		"heures_prevues": {"7"}, "candidats": ids[:2]})
	if res.StatusCode != http.StatusConflict || !strings.Contains(text(doc.Find("#plan-conflicts")), "Ces dates chevauchent le module « Atelier vidéo », planifié du 6 au 10 mars 2028.") {
		t.Errorf("overlap: %d %q", res.StatusCode, text(doc.Find("#plan-conflicts")))
	}
	// Leave out those who have it: one new candidate-less plan is a no-op, still all or nothing.
	form.Set("ignorer", "1")
	res = e.post(c, planifierPath, form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("skip: %d", res.StatusCode)
	}
	_, doc = e.get(c, res.Header.Get("Location"))
	if got := text(doc.Find(".flash")); !strings.Contains(got, "planifié pour 0 candidat ; "+strconv.Itoa(len(ids))+" candidats, qui avaient déjà ce module, ont été laissés de côté") {
		t.Errorf("flash %q", got)
	}
	if n := e.countSeances(t, mod.ID); n != len(ids) {
		t.Errorf("%d séances after the skip, want %d", n, len(ids))
	}
}

func mustInt(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPlanifierAttacks: a foreign id in the selection, another centre, 10 000 ids, duplicates,
// bad ids and missing fields.
func TestPlanifierAttacks(t *testing.T) {
	e := newEnv(t)
	mod, ids := planifierSetup(t, e)
	c := e.login("referent@certif.demo")
	ctx := context.Background()
	certs, _ := e.st.Certifications(ctx)
	orgs, _ := e.st.Organismes(ctx, account.System)
	var nantes int64
	for _, o := range orgs {
		if o.Nom == "École du Web Nantes" {
			nantes = o.ID
		}
	}
	yann := &candidat.Candidat{NomNaissance: "Nantais", Prenoms: []string{"Yann"}, Sexe: candidat.Homme, DateNaissance: time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC),
		CommuneNaissance: "Nantes", CommuneNaissanceCode: "44109", Email: "yann.planifier@exemple.fr"}
	ins := &candidat.Inscription{CertificationID: certs[0].ID, CentreID: nantes, Voie: candidat.FormationContinue, Promotion: demo.Promotion, Date: time.Now()}
	if _, err := e.st.Inscrire(ctx, account.System, yann, ins); err != nil {
		t.Fatal(err)
	}
	base := url.Values{"module": {strconv.FormatInt(mod.ID, 10)}, "debut": {"2028-03-06"}, "fin": {"2028-03-10"}}
	with := func(sel []string) url.Values {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		v["candidats"] = sel
		return v
	}
	many := func(n int, id string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = id
		}
		return out
	}
	for name, tc := range map[string]struct {
		form   url.Values
		status int
	}{
		"another centre's candidate": {with(append([]string{strconv.FormatInt(ins.ID, 10)}, ids...)), http.StatusNotFound},
		"an id that is not one":      {with([]string{ids[0], "abc"}), http.StatusNotFound},
		"no candidate":               {with(nil), http.StatusUnprocessableEntity},
		"2 001 ids":                  {with(many(2001, ids[0])), http.StatusUnprocessableEntity},
		"10 000 ids (over the body)": {with(many(10000, ids[0])), http.StatusRequestEntityTooLarge},
		"no module, no dates":        {url.Values{"candidats": ids}, http.StatusUnprocessableEntity},
	} {
		res, doc := e.postDoc(c, planifierPath, tc.form)
		if res.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", name, res.StatusCode, tc.status)
		}
		if tc.status == http.StatusUnprocessableEntity && doc.Find(".field-error").Length() == 0 {
			t.Errorf("%s: no message near the field", name)
		}
	}
	if n := e.countSeances(t, mod.ID); n != 0 {
		t.Fatalf("%d séances written by refused plannings", n)
	}
	// Duplicates plan once.
	res := e.post(c, planifierPath, with([]string{ids[0], ids[0], ids[0]}))
	if res.StatusCode != http.StatusSeeOther || e.countSeances(t, mod.ID) != 1 {
		t.Errorf("duplicates: %d, %d séances", res.StatusCode, e.countSeances(t, mod.ID))
	}
	// Nantes has a promotion of the same name: its staff see their own candidates only, and
	// planning Lyon's is a 404; the candidate is refused the page (403). Nothing is written.
	for email, want := range map[string]int{"formateur.nantes@certif.demo": http.StatusNotFound, "referent.nantes@certif.demo": http.StatusNotFound, "candidat@certif.demo": http.StatusForbidden} {
		o := e.login(email)
		res, doc := e.get(o, planifierPath)
		switch {
		case want == http.StatusForbidden && res.StatusCode != want:
			t.Errorf("GET by %s: %d, want %d", email, res.StatusCode, want)
		case want == http.StatusNotFound:
			doc.Find("input[name=candidats]").Each(func(_ int, s *goquery.Selection) {
				if v, _ := s.Attr("value"); slices.Contains(ids, v) {
					t.Errorf("%s is offered Lyon's candidate %s", email, v)
				}
			})
		}
		if res := e.post(o, planifierPath, with(ids)); res.StatusCode != want {
			t.Errorf("POST by %s: %d, want %d", email, res.StatusCode, want)
		}
	}
	if n := e.countSeances(t, mod.ID); n != 1 {
		t.Errorf("%d séances after the foreign attempts, want 1", n)
	}
}
