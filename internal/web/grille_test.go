package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// grilleEnv is a session dated today, « en cours », with Léa Moreau's passage evaluated by
// jury@ (président) and a second juror (both signed the attestation); a third sits on the session
// without being assigned to the passage.
type grilleEnv struct {
	*testEnv
	session, passage, ins int64
	jury2                 string // the second juror's e-mail (password demo.Password)
}

func newGrilleEnv(t *testing.T) *grilleEnv { return setupGrille(t, newEnv(t)) }

// setupGrille adds the session, passage and jurors of grilleEnv to e.
func setupGrille(t *testing.T, e *testEnv) *grilleEnv {
	ctx := context.Background()
	g := &grilleEnv{testEnv: e, jury2: "grille.jure2@exemple.fr"}
	admin, _, err := e.st.Credentials(ctx, "admin@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	juror, _, err := e.st.Credentials(ctx, "jury@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	hash, err := account.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	var others []*account.User
	for _, email := range []string{g.jury2, "grille.jure3@exemple.fr"} {
		u := &account.User{Email: email, Prenom: "Anne", Nom: "Juré " + email[:5], Role: account.RoleJury}
		if err := e.st.CreateUser(ctx, account.ActorOf(admin), u, hash); err != nil {
			t.Fatal(err)
		}
		others = append(others, u)
	}
	if err := e.st.DB().QueryRowContext(ctx, `SELECT MIN(i.id) FROM inscriptions i JOIN candidats c ON c.id = i.candidat_id WHERE c.nom_naissance = 'Moreau'`).Scan(&g.ins); err != nil {
		t.Fatal(err)
	}
	var cert, centre int64
	if err := e.st.DB().QueryRowContext(ctx, `SELECT certification_id, centre_id FROM inscriptions WHERE id = ?`, g.ins).Scan(&cert, &centre); err != nil {
		t.Fatal(err)
	}
	js := &store.JurySession{CertificationID: cert, CentreID: centre, Date: time.Now(), Lieu: "Lyon",
		DureePresentation: 20, DureeEntretienTechnique: 25, DureeEntretienFinal: 15}
	if err := e.st.CreateJurySession(ctx, account.ActorOf(admin), js); err != nil {
		t.Fatal(err)
	}
	g.session = js.ID
	for i, u := range append([]*account.User{juror}, others...) {
		if err := e.st.AddMembre(ctx, account.ActorOf(admin), js.ID, u.ID, i == 0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.st.SignAttestation(ctx, account.ActorOf(u), js.ID, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	// The passage and its jurors as they stand at the orals (eligibility is not the matter here).
	if err := e.st.DB().QueryRowContext(ctx, fmt.Sprintf(`INSERT INTO passages (session_id, inscription_id, heure, presence, version, created_at)
		VALUES (%d, %d, '09:30', '', 1, '%s') RETURNING id`, js.ID, g.ins, time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"))).Scan(&g.passage); err != nil {
		t.Fatal(err)
	}
	for _, u := range []int64{juror.ID, others[0].ID} {
		if _, err := e.st.DB().ExecContext(ctx, `INSERT INTO passage_jures (passage_id, user_id) VALUES (?, ?)`, g.passage, u); err != nil {
			t.Fatal(err)
		}
	}
	g.setEtat(t, jury.EnCours)
	return g
}

func (g *grilleEnv) setEtat(t *testing.T, e jury.Etat) {
	if _, err := g.st.DB().Exec(`UPDATE jury_sessions SET etat = ? WHERE id = ?`, string(e), g.session); err != nil {
		t.Fatal(err)
	}
	time.Sleep(store.ChangeMarkTTL + 10*time.Millisecond) // written outside the journal: seen within the TTL
}

func (g *grilleEnv) path() string { return fmt.Sprintf("/api/v1/passages/%d/grille", g.passage) }

// exerciseGrilleAPI runs every grid operation of the OpenAPI document once.
func exerciseGrilleAPI(t *testing.T, e *testEnv, call func(method, path, token, body string, want int) []byte) {
	g := setupGrille(t, e)
	juror := g.token("jury@certif.demo")
	out := call("GET", g.path(), juror, "", 200)
	call("PUT", g.path(), juror, string(out), 200)
	call("PUT", g.path(), juror, string(out), 409)
	call("GET", g.path()+"s", juror, "", 200)
	call("GET", g.path()+".pdf", juror, "", 200)
}

// TestGrilleAPI: the juror reads and saves their grid; a stale version is 409 with the
// current grid; the codes, ratings and sizes are checked; who is refused what.
func TestGrilleAPI(t *testing.T) {
	g := newGrilleEnv(t)
	c := newContract(t, g.testEnv)
	juror, juror2, juror3 := g.token("jury@certif.demo"), g.token(g.jury2), g.token("grille.jure3@exemple.fr")
	call := func(method, path, token, body string, want int) []byte {
		t.Helper()
		status, out := g.api(method, path, token, body)
		if status != want {
			t.Errorf("%s %s: %d, want %d (%.300s)", method, path, status, want, out)
		}
		c.check(method, path, status, out)
		return out
	}
	var gr apiGrille
	if err := json.Unmarshal(call("GET", g.path(), juror, "", 200), &gr); err != nil || gr.Version != 0 || len(gr.Competences) == 0 {
		t.Fatalf("blank: %+v %v", gr, err)
	}
	c0, k0 := gr.Competences[0].Code, gr.Competences[0].Criteres[0].Code
	gr.Competences[0].Criteres[0].Presentation = jury.Acquis
	gr.Competences[0].Criteres[0].Remarque = "Très clair\x00 sur la veille."
	body, _ := json.Marshal(gr)
	var saved apiGrille
	_ = json.Unmarshal(call("PUT", g.path(), juror, string(body), 200), &saved)
	if saved.Version != 1 || saved.EnregistreeLe == nil || saved.Competences[0].Criteres[0].Remarque != "Très clair sur la veille." {
		t.Fatalf("saved: v%d %+v", saved.Version, saved.Competences[0].Criteres[0])
	}
	// The same body again (version 0): stale, the current grid in the answer, nothing written.
	gr.Competences[0].Criteres[0].Presentation = jury.NonAcquis
	body, _ = json.Marshal(gr)
	out := call("PUT", g.path(), juror, string(body), 409)
	var conflict struct {
		Error struct {
			Message  string `json:"message"`
			Conflict struct {
				Version int64     `json:"version"`
				Current apiGrille `json:"current"`
			} `json:"conflict"`
		} `json:"error"`
	}
	if err := json.Unmarshal(out, &conflict); err != nil || conflict.Error.Conflict.Version != 1 ||
		conflict.Error.Conflict.Current.Competences[0].Criteres[0].Presentation != jury.Acquis ||
		!strings.Contains(conflict.Error.Message, "autre fenêtre") {
		t.Fatalf("conflict: %s", out)
	}
	// What a client PUTs back after reading is accepted (enregistree_le included).
	reread := call("GET", g.path(), juror, "", 200)
	var again apiGrille
	_ = json.Unmarshal(reread, &again)
	if again.Version != 1 || again.Competences[0].Criteres[0].Presentation != jury.Acquis {
		t.Fatalf("reread: %s", reread)
	}
	call("PUT", g.path(), juror, string(reread), 200)
	// The second juror's grid is theirs: their version 0 is not stale.
	call("PUT", g.path(), juror2, `{"version":0,"competences":[],"entretien_final":{"vision":"acquis"}}`, 200)

	// Hostile bodies.
	out = call("PUT", g.path(), juror, `{"version":2,"competences":[{"code":"`+c0+`","criteres":[{"code":"`+k0+`","presentation":"excellent"}]},{"code":"C9.9"}],"entretien_final":{}}`, 422)
	if !strings.Contains(string(out), c0+"/"+k0+"/presentation") || !strings.Contains(string(out), `"C9.9"`) {
		t.Errorf("unknown rating and compétence: %s", out)
	}
	call("PUT", g.path(), juror, `{"version":2,"competences":[],"entretien_final":{},"pirate":1}`, 422)
	call("PUT", g.path(), juror, `{"version":"deux"}`, 422)
	many := `{"version":2,"competences":[` + strings.Repeat(`{"code":"X"},`, 150) + `{"code":"Y"}],"entretien_final":{}}`
	out = call("PUT", g.path(), juror, many, 422)
	if !strings.Contains(string(out), "au plus 100") {
		t.Errorf("150 compétences: %s", out)
	}
	huge := `{"version":2,"competences":[` + strings.Repeat(`{"code":"C1.1"},`, 100000) + `{"code":"C1.1"}],"entretien_final":{}}`
	call("PUT", g.path(), juror, huge, 413)
	long := `{"version":2,"competences":[{"code":"` + c0 + `","questions":"` + strings.Repeat("é", 4001) + `"}],"entretien_final":{}}`
	call("PUT", g.path(), juror, long, 422)

	// Who: the other roles know nothing of the passage; a member not assigned and the admin
	// fill no grid; the président and the admin read every grid, another member not.
	for _, email := range []string{"candidat@certif.demo", "formateur@certif.demo", "referent@certif.demo"} {
		tok := g.token(email)
		call("GET", g.path(), tok, "", 404)
		call("PUT", g.path(), tok, string(reread), 404)
		call("GET", g.path()+"s", tok, "", 404)
	}
	call("GET", g.path(), "", "", 401)
	call("GET", fmt.Sprintf("/api/v1/passages/%d/grille", 999999), juror, "", 404)
	call("GET", g.path(), juror3, "", 403)
	call("PUT", g.path(), juror3, string(reread), 403)
	admin := g.token("admin@certif.demo")
	call("GET", g.path(), admin, "", 403)
	call("GET", g.path()+"s", juror2, "", 403)
	var all struct {
		Jures      []apiGrilleJure `json:"jures"`
		Consolidee jury.Grille     `json:"consolidee"`
	}
	for _, tok := range []string{admin, juror} {
		if err := json.Unmarshal(call("GET", g.path()+"s", tok, "", 200), &all); err != nil || len(all.Jures) != 2 || all.Jures[0].Grille.Version != 2 {
			t.Fatalf("every grid: %+v %v", all, err)
		}
	}
	// The PDFs: one's own, the blank one, the jury's (président, admin; not another member yet).
	for _, x := range []struct {
		tok, query string
		want       int
	}{{juror, "", 200}, {juror, "?vierge=1", 200}, {juror, "?consolidee=1", 200}, {admin, "?consolidee=1", 200}, {admin, "", 403},
		{juror2, "", 200}, {juror2, "?consolidee=1", 403}, {juror3, "?vierge=1", 403}, {g.token("candidat@certif.demo"), "?vierge=1", 404}} {
		status, out := g.api("GET", g.path()+".pdf"+x.query, x.tok, "")
		if status != x.want || (status == 200 && !strings.HasPrefix(string(out), "%PDF")) {
			t.Errorf("grille.pdf%s: %d, want %d", x.query, status, x.want)
		}
	}
	// Not yet open, then locked.
	g.setEtat(t, jury.ConvocationsEnvoyees)
	if out := call("PUT", g.path(), juror2, `{"version":1,"competences":[],"entretien_final":{}}`, 409); !strings.Contains(string(out), "s’ouvrent") {
		t.Errorf("not open: %s", out)
	}
	g.setEtat(t, jury.Deliberee)
	if out := call("PUT", g.path(), juror2, `{"version":1,"competences":[],"entretien_final":{}}`, 409); !strings.Contains(string(out), "délibération est close") {
		t.Errorf("closed: %s", out)
	}
	call("GET", g.path()+"s", juror2, "", 200) // every member once the session is délibérée
}

// TestGrillePage: the juror's page shows the three sections, the dossier beside; a plain form
// POST saves and redirects; an htmx save answers the state fragment; a stale save (a second
// window) answers the whole form with the newer values and the juror's own choice beside.
func TestGrillePage(t *testing.T) {
	g := newGrilleEnv(t)
	page := fmt.Sprintf("/passages/%d/grille", g.passage)
	w1 := g.login("jury@certif.demo")
	res, doc := g.get(w1, page)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("page: %d", res.StatusCode)
	}
	for _, sel := range []string{"form#grille", "#presentation", "#entretien", "#final", "aside.grille-dossier", "#grille-etat input[name=version][value='0']",
		"a[href$='/documents/releve.pdf']", "section.grille-lecture"} {
		if doc.Find(sel).Length() == 0 {
			t.Errorf("no %s", sel)
		}
	}
	if h := doc.Find("hgroup.grille-head p").Text(); !strings.Contains(h, "passage à 9\u00a0h\u00a030") {
		t.Errorf("the passage's time is not in French: %q", h)
	}
	if n := doc.Find(".seg input[type=radio]").Length(); n < 100 {
		t.Errorf("%d radio buttons", n)
	}
	// The entretien technique: the compétences not covered first.
	seenCovered := false
	doc.Find("#entretien fieldset.competence-note").Each(func(_ int, s *goquery.Selection) {
		covered := !s.HasClass("a-evaluer")
		if seenCovered && !covered {
			t.Errorf("a compétence not covered after a covered one: %s", text(s.Find("legend")))
		}
		seenCovered = seenCovered || covered
	})
	first := doc.Find("#presentation .seg input").First()
	name, _ := first.Attr("name")

	form := url.Values{"version": {"0"}, name: {"acquis"}, "f:remarque": {"Bonne vision\x00 du métier."}}
	if res := g.post(w1, page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("plain POST: %d", res.StatusCode)
	}
	_, doc = g.get(w1, page)
	if v, _ := doc.Find(fmt.Sprintf("input[name='%s'][value=acquis]", name)).Attr("checked"); v == "" && doc.Find(fmt.Sprintf("input[name='%s'][value=acquis][checked]", name)).Length() == 0 {
		t.Errorf("reload: the rating is not checked")
	}
	if !strings.Contains(doc.Find("textarea[name='f:remarque']").Text(), "Bonne vision du métier.") || doc.Find("#grille-etat input[value='1']").Length() != 1 {
		t.Errorf("reload: %s", doc.Find("#grille-etat").Text())
	}
	// htmx: the fragment with the new version.
	hx := func(c *http.Client, form url.Values) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, g.ts.URL+page, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		g.withCookies(c, req)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		_, _ = io.Copy(&b, res.Body)
		return res, b.String()
	}
	res, body := hx(w1, url.Values{"version": {"1"}, name: {"acquis"}, "f:vision": {"acquis"}})
	if res.StatusCode != 200 || !strings.Contains(body, `value="2"`) || !strings.Contains(body, "Enregistré à") || strings.Contains(body, "<html") {
		t.Fatalf("htmx save: %d %s", res.StatusCode, body)
	}
	// A second window still at version 1: the whole form again, the newer values and mine.
	res, body = hx(w1, url.Values{"version": {"1"}, name: {"non_acquis"}})
	if res.StatusCode != 200 || res.Header.Get("HX-Retarget") != "#grille" || !strings.Contains(body, "autre fenêtre") ||
		!strings.Contains(body, "Votre choix non enregistré") || !strings.Contains(body, `value="2"`) {
		t.Fatalf("stale htmx save: %d %v %.500s", res.StatusCode, res.Header, body)
	}
	// Without JavaScript, the stale save is the page with 409.
	if res := g.post(w1, page, url.Values{"version": {"1"}, name: {"non_acquis"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("stale plain POST: %d", res.StatusCode)
	}
	// A wrong rating: 422, nothing saved.
	if res := g.post(w1, page, url.Values{"version": {"2"}, name: {"parfait"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("wrong rating: %d", res.StatusCode)
	}
	// The admin reads every grid, fills none.
	_, doc = g.get(g.login("admin@certif.demo"), page)
	if doc.Find("form#grille").Length() != 0 || doc.Find("table.lecture").Length() != 1 {
		t.Errorf("admin's view")
	}
	if !strings.Contains(text(doc.Find("table.lecture")), "A · —") {
		t.Errorf("lecture: %.300s", text(doc.Find("table.lecture")))
	}
	// A juror assigned who has not signed the attestation is told where to sign it (R17).
	hash, _ := account.HashPassword(demo.Password)
	admin, _, _ := g.st.Credentials(t.Context(), "admin@certif.demo")
	unsigned := &account.User{Email: "grille.jure4@exemple.fr", Prenom: "Paul", Nom: "Sansattestation", Role: account.RoleJury}
	if err := g.st.CreateUser(t.Context(), account.ActorOf(admin), unsigned, hash); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`INSERT INTO session_membres (session_id, user_id, president) VALUES (?, ?, FALSE)`, `INSERT INTO passage_jures (passage_id, user_id) VALUES (?, ?)`} {
		id := g.session
		if strings.Contains(q, "passage_jures") {
			id = g.passage
		}
		if _, err := g.st.DB().Exec(q, id, unsigned.ID); err != nil {
			t.Fatal(err)
		}
	}
	res, doc = g.get(g.login(unsigned.Email), page)
	if link, _ := doc.Find(fmt.Sprintf("a[href='/sessions/%d/attestation']", g.session)).Attr("href"); res.StatusCode != http.StatusForbidden || link == "" {
		t.Errorf("unsigned: %d, link %q: %s", res.StatusCode, link, text(doc.Find("main")))
	}
	// A member not assigned: 403; the candidate: 404.
	if res, _ := g.get(g.login("grille.jure3@exemple.fr"), page); res.StatusCode != http.StatusForbidden {
		t.Errorf("not assigned: %d", res.StatusCode)
	}
	if res, _ := g.get(g.login("candidat@certif.demo"), page); res.StatusCode != http.StatusNotFound {
		t.Errorf("candidate: %d", res.StatusCode)
	}
}

// TestGrilleStaleSaveUI: a save refused as stale (another window saved first) turns the sticky
// state bar red, saying why and linking to the explanation — never « Enregistré à » in green;
// a remark the juror typed stays in its textarea with the text saved elsewhere beside it; a
// rating the juror changed is flagged; what the juror did not touch is not, and shows the newer
// value.
func TestGrilleStaleSaveUI(t *testing.T) {
	g := newGrilleEnv(t)
	page := fmt.Sprintf("/passages/%d/grille", g.passage)
	w := g.login("jury@certif.demo")
	_, doc := g.get(w, page)
	first, _ := doc.Find("#presentation .seg input").First().Attr("name")
	question, _ := doc.Find("#entretien textarea").First().Attr("name")
	// Version 1, both windows loaded it.
	if res := g.post(w, page, url.Values{"version": {"0"}, first: {"acquis"}, "f:remarque": {"Bonne vision."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("v1: %d", res.StatusCode)
	}
	hx := func(form url.Values) (*http.Response, *goquery.Document) {
		req, _ := http.NewRequest(http.MethodPost, g.ts.URL+page, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		g.withCookies(w, req)
		res, err := w.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		d, err := goquery.NewDocumentFromReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, d
	}
	// The first window: vision acquired, a question written → version 2.
	if res, d := hx(url.Values{"version": {"1"}, first: {"acquis"}, "f:remarque": {"Bonne vision."}, "f:vision": {"acquis"}, question: {"Q : quels outils ?"}}); res.StatusCode != 200 || d.Find(".saved").Length() != 1 {
		t.Fatalf("v2: %d %s", res.StatusCode, text(d.Selection))
	}
	// The second window, still at version 1: the juror adds to the remark and rates culture.
	res, d := hx(url.Values{"version": {"1"}, first: {"acquis"}, "f:remarque": {"Bonne vision. Culture à confirmer."}, "f:culture": {"non_acquis"}})
	if res.StatusCode != 200 || res.Header.Get("HX-Retarget") != "#grille" {
		t.Fatalf("stale: %d %v", res.StatusCode, res.Header)
	}
	etat := d.Find("#grille-etat")
	if etat.Find(".saved").Length() != 0 || strings.Contains(text(etat), "Enregistré à") || !strings.Contains(text(etat), "Enregistrement refusé : la grille a été modifiée ailleurs") ||
		etat.Find(".grille-refused a[href='#grille-message']").Length() != 1 || d.Find("#grille-message.grille-stale").Length() != 1 {
		t.Errorf("state bar after a stale save: %q", text(etat))
	}
	if etat.Find("input[name=version][value='2']").Length() != 1 {
		t.Errorf("the next save is not made from version 2")
	}
	// The remark typed stays in its field; the text saved elsewhere beside it.
	final := d.Find("#final")
	if got := final.Find("textarea[name='f:remarque']").Text(); got != "Bonne vision. Culture à confirmer." {
		t.Errorf("the remark typed is lost: %q", got)
	}
	if got := text(final.Find(".stored")); !strings.Contains(got, "Enregistré ailleurs") || !strings.Contains(got, "« Bonne vision. »") {
		t.Errorf("the saved remark beside: %q", got)
	}
	// The rating the juror changed is flagged; the saved one stays checked.
	if got := text(d.Find("#f-culture-l").Parent().Find(".mine")); !strings.Contains(got, "Votre choix non enregistré") || !strings.Contains(got, "non acquis") {
		t.Errorf("culture: %q", got)
	}
	// What the juror did not touch (vision, the question, the first rating): the newer value, no flag.
	if d.Find("#f-vision-acquis[checked]").Length() != 1 || d.Find("#f-vision-l").Parent().Find(".mine").Length() != 0 {
		t.Errorf("vision, untouched, is flagged or not the newer value: %q", text(d.Find("#f-vision-l").Parent()))
	}
	if got := d.Find(fmt.Sprintf("textarea[name='%s']", question)).Text(); got != "Q : quels outils ?" {
		t.Errorf("the question saved elsewhere is not shown: %q", got)
	}
	if n := d.Find(".mine").Length(); n != 1 {
		t.Errorf("%d fields flagged, want 1 (culture): %q", n, text(d.Find(".mine")))
	}
	if n := d.Find(".stored").Length(); n != 1 {
		t.Errorf("%d texts with a saved one beside, want 1", n)
	}
	// Hostile: a version invented ahead (the other juror's grid has it, this juror's has not) is
	// stale like any other, made from nothing: the other juror's texts never show.
	w2 := g.login(g.jury2)
	for v := range 5 {
		if res := g.post(w2, page, url.Values{"version": {fmt.Sprint(v)}, "f:remarque": {"Remarque de l’autre juré"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the other juror's v%d: %d", v+1, res.StatusCode)
		}
	}
	res, d = hx(url.Values{"version": {"5"}, "f:remarque": {"Bonne vision. Culture à confirmer."}})
	if res.StatusCode != 200 || d.Find(".grille-refused").Length() != 1 || strings.Contains(text(d.Selection), "l’autre juré") {
		t.Errorf("invented version: %d %q", res.StatusCode, text(d.Find("#final")))
	}
	if res, d := hx(url.Values{"version": {"-3"}}); res.StatusCode >= 500 || strings.Contains(text(d.Selection), "l’autre juré") {
		t.Errorf("negative version: %d", res.StatusCode)
	}
	// Without JavaScript the same page, 409.
	if res := g.post(w, page, url.Values{"version": {"1"}, "f:remarque": {"x"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("plain stale POST: %d", res.StatusCode)
	}
	// The juror's next change saves the grid as shown: version 3 with the kept remark.
	if res, d := hx(url.Values{"version": {"2"}, first: {"acquis"}, "f:remarque": {"Bonne vision. Culture à confirmer."}, "f:vision": {"acquis"},
		question: {"Q : quels outils ?"}, "f:culture": {"non_acquis"}}); res.StatusCode != 200 || d.Find(".saved").Length() != 1 || d.Find(".grille-refused").Length() != 0 {
		t.Fatalf("v3: %d %s", res.StatusCode, text(d.Selection))
	}
}
