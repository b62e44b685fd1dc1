package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/mail"
	"github.com/certif/certif/internal/mail/mailtest"
	"github.com/certif/certif/internal/store"
)

// exerciseCourrielAPI runs the courriels routes against the OpenAPI document.
func exerciseCourrielAPI(t *testing.T, e *testEnv, call func(method, path, token, body string, want int) []byte) {
	t.Helper()
	admin, referent := e.token("admin@certif.demo"), e.token("referent@certif.demo")
	call("GET", "/api/v1/courriels", "", "", 401)
	call("GET", "/api/v1/courriels", referent, "", 403)
	call("GET", "/api/v1/courriels?state=inconnu", admin, "", 422)
	out := call("GET", "/api/v1/courriels?state=en_attente&limit=2", admin, "", 200)
	var list []apiCourriel
	if err := json.Unmarshal(out, &list); err != nil || len(list) != 2 || list[0].State != store.CourrielEnAttente || list[0].Text == "" || list[0].HTML != "" {
		t.Fatalf("courriels: %v %s", err, out)
	}
	call("GET", fmt.Sprintf("/api/v1/courriels?before=%d", list[0].ID), admin, "", 200)
	id := itoa64(list[0].ID)
	out = call("GET", "/api/v1/courriels/"+id, admin, "", 200)
	var one apiCourriel
	if err := json.Unmarshal(out, &one); err != nil || one.HTML == "" || !strings.Contains(one.Text, "http://") {
		t.Errorf("courriel: %v %s", err, out)
	}
	call("GET", "/api/v1/courriels/"+id, referent, "", 403)
	call("GET", "/api/v1/courriels/999999", admin, "", 404)
	call("POST", "/api/v1/courriels/"+id+"/renvoi", "", "", 401)
	call("POST", "/api/v1/courriels/"+id+"/renvoi", referent, "", 403)
	call("POST", "/api/v1/courriels/999999/renvoi", admin, "", 404)
	call("POST", "/api/v1/courriels/"+id+"/renvoi", admin, "", 202)
}

// lastCourriel returns the latest courriel of the outbox.
func (e *testEnv) lastCourriel(t *testing.T) store.Courriel {
	t.Helper()
	admin, _, err := e.st.Credentials(t.Context(), "admin@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.st.Courriels(t.Context(), account.ActorOf(admin), store.CourrielFilter{Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("outbox: %v", err)
	}
	return list[0]
}

var linkIn = regexp.MustCompile(`https?://\S+`)

func TestCourrielsPages(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@certif.demo")
	res, doc := e.get(admin, "/admin/courriels")
	if res.StatusCode != 200 || doc.Find("#courriels tbody tr[data-state=en_attente]").Length() == 0 {
		t.Fatalf("list: %d, %d rows", res.StatusCode, doc.Find("#courriels tbody tr").Length())
	}
	if res.Header.Get("Cache-Control") != "no-store" || doc.Find("#courriels-offline").Length() != 1 {
		t.Errorf("list: cache %q, offline notice %d", res.Header.Get("Cache-Control"), doc.Find("#courriels-offline").Length())
	}
	if !strings.Contains(text(doc.Find("nav")), "Courriels") {
		t.Error("no Courriels link in the admin's navigation")
	}
	c := e.lastCourriel(t)
	res, doc = e.get(admin, fmt.Sprintf("/admin/courriels/%d", c.ID))
	if res.StatusCode != 200 || text(doc.Find("h1")) != c.Subject || text(doc.Find("#courriel-state")) != "En attente" {
		t.Fatalf("detail: %d %q %q", res.StatusCode, text(doc.Find("h1")), text(doc.Find("#courriel-state")))
	}
	if link := linkIn.FindString(c.Text); link == "" || !strings.Contains(doc.Find("#courriel-text").Text(), link) {
		t.Errorf("the link %q is not shown in full", link)
	} else if a := doc.Find(`#courriel-text a[href="` + link + `"]`); a.Length() != 1 || text(a) != link ||
		doc.Find(`.courriel-links button.copy[data-copy="courriel-link-0"]`).Length() != 1 {
		t.Errorf("the link %q is not clickable with a « Copier » button: %d", link, a.Length())
	}
	// Without SMTP (the test server has none) no « Renvoyer » button: the page says why.
	if doc.Find("#courriel-resend").Length() != 0 || !strings.Contains(text(doc.Find("#courriel-no-smtp")), "Aucun serveur SMTP configuré") {
		t.Errorf("without SMTP: resend button %d, notice %q", doc.Find("#courriel-resend").Length(), text(doc.Find("#courriel-no-smtp")))
	}
	// The pages show live links: never compressed (BREACH), never cached.
	req, _ := http.NewRequest("GET", e.ts.URL+fmt.Sprintf("/admin/courriels/%d", c.ID), nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	if res, err := admin.Do(req); err != nil || res.Header.Get("Content-Encoding") != "" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("detail compressed or cacheable: %v %q %q", err, res.Header.Get("Content-Encoding"), res.Header.Get("Cache-Control"))
	} else {
		res.Body.Close()
	}
	res = e.post(admin, fmt.Sprintf("/admin/courriels/%d/renvoi", c.ID), nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resend: %d", res.StatusCode)
	}
	_, doc = e.get(admin, fmt.Sprintf("/admin/courriels/%d", c.ID))
	if !strings.Contains(text(doc.Find(".flash")), "remis dans la file") {
		t.Errorf("resend flash: %q", text(doc.Find(".flash")))
	}
	_, doc = e.get(admin, "/admin/courriels?etat=envoye")
	if n := doc.Find("#courriels tbody tr[data-state]").Length(); n != 0 {
		t.Errorf("filter envoyé: %d rows", n)
	}
	// Everyone else: 403, and the nav does not show it.
	ref := e.login("referent@certif.demo")
	if res, _ := e.get(ref, "/admin/courriels"); res.StatusCode != 403 {
		t.Errorf("referent: %d", res.StatusCode)
	}
	if res := e.post(ref, fmt.Sprintf("/admin/courriels/%d/renvoi", c.ID), nil); res.StatusCode != 403 {
		t.Errorf("referent resend: %d", res.StatusCode)
	}
}

// TestForgotPassword walks the whole reset: the request, the message in the outbox, the link,
// the new password, the other sessions ended.
func TestForgotPassword(t *testing.T) {
	e := newEnv(t)
	anon := e.client()
	_, doc := e.get(anon, "/connexion")
	if href, _ := doc.Find("#forgot-link").Attr("href"); href != "/mot-de-passe-oublie" {
		t.Fatalf("no « Mot de passe oublié ? » link on the login page")
	}
	other := e.login("formateur@certif.demo") // a session elsewhere, ended by the reset
	before := e.lastCourriel(t).ID
	res, doc := e.postDoc(anon, "/mot-de-passe-oublie", url.Values{"email": {" Formateur@Certif.demo "}})
	if res.StatusCode != 200 || doc.Find("#forgot-sent").Length() != 1 {
		t.Fatalf("request: %d", res.StatusCode)
	}
	c := e.lastCourriel(t)
	if c.ID == before || c.Kind != mail.KindReset || c.To != "formateur@certif.demo" {
		t.Fatalf("no reset message queued: %+v", c)
	}
	link := linkIn.FindString(c.Text)
	path := strings.TrimPrefix(link, e.ts.URL)
	if !strings.HasPrefix(path, "/mot-de-passe/") {
		t.Fatalf("link %q", link)
	}
	res, doc = e.get(anon, path)
	if res.StatusCode != 200 || doc.Find(`input[name=password][autocomplete=new-password]`).Length() != 1 {
		t.Fatalf("reset form: %d", res.StatusCode)
	}
	res, doc = e.postDoc(anon, path, url.Values{"password": {"court"}, "confirm": {"court"}})
	if res.StatusCode != 422 || doc.Find("#password-error").Length() != 1 {
		t.Errorf("short password: %d", res.StatusCode)
	}
	res, doc = e.postDoc(anon, path, url.Values{"password": {"un mot de passe tout neuf"}, "confirm": {"un autre mot de passe"}})
	if res.StatusCode != 422 || doc.Find("#confirm-error").Length() != 1 {
		t.Errorf("mismatch: %d", res.StatusCode)
	}
	res = e.post(anon, path, url.Values{"password": {"un mot de passe tout neuf"}, "confirm": {"un mot de passe tout neuf"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/connexion" {
		t.Fatalf("reset: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, doc = e.get(anon, "/connexion")
	if !strings.Contains(text(doc.Find(".flash")), "mot de passe a été changé") {
		t.Errorf("flash %q", text(doc.Find(".flash")))
	}
	// Once only.
	if res, _ := e.get(anon, path); res.StatusCode != http.StatusGone {
		t.Errorf("link used twice: %d", res.StatusCode)
	}
	// The other session is over; the new password works, the old one does not.
	if res, _ := e.get(other, "/compte"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("old session still signed in: %d", res.StatusCode)
	}
	if res := e.post(e.client(), "/connexion", url.Values{"email": {"formateur@certif.demo"}, "password": {demo.Password}}); res.StatusCode != 401 {
		t.Errorf("old password: %d", res.StatusCode)
	}
	if res := e.post(e.client(), "/connexion", url.Values{"email": {"formateur@certif.demo"}, "password": {"un mot de passe tout neuf"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("new password: %d", res.StatusCode)
	}
	// Junk: unknown token, NUL, huge input.
	if res, _ := e.get(anon, "/mot-de-passe/inconnu"); res.StatusCode != http.StatusGone {
		t.Errorf("unknown token: %d", res.StatusCode)
	}
	for _, junk := range []string{"a\x00b@example.fr", strings.Repeat("x", 5000) + "@example.fr", ""} {
		res := e.post(e.client(), "/mot-de-passe-oublie", url.Values{"email": {junk}})
		if res.StatusCode != 200 && res.StatusCode != 422 {
			t.Errorf("junk %.20q: %d", junk, res.StatusCode)
		}
	}
}

// TestForgotPasswordSameAnswerSameTime: an address with an account and one without get the
// same page in the same time (the medians of 15 requests each, within 20 %), and the limits
// hold.
func TestForgotPasswordSameAnswerSameTime(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	e := newEnv(t)
	page := func(email string) (string, time.Duration) {
		start := time.Now()
		res, doc := e.postDoc(e.client(), "/mot-de-passe-oublie", url.Values{"email": {email}})
		d := time.Since(start)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", email, res.StatusCode)
		}
		body, _ := doc.Find("main").Html()
		return strings.ReplaceAll(body, email, "ADDR"), d
	}
	known, _ := page("referent@certif.demo")
	unknown, _ := page("personne@certif.demo")
	if known != unknown {
		t.Errorf("the answers differ:\n%s\n%s", known, unknown)
	}
	var tk, tu []time.Duration
	for i := range 15 {
		// A fresh limiter each time: the timing, not the limits, is measured here.
		e.srv.resetLimits = newLoginLimiter(time.Now)
		_, d := page("referent@certif.demo")
		tk = append(tk, d)
		_, d = page(fmt.Sprintf("personne%d@certif.demo", i))
		tu = append(tu, d)
	}
	slices.Sort(tk)
	slices.Sort(tu)
	mk, mu := tk[len(tk)/2], tu[len(tu)/2]
	t.Logf("median with an account %v, without %v (floor %v)", mk, mu, resetFloor)
	if mk < resetFloor || mu < resetFloor {
		t.Errorf("under the floor: %v %v", mk, mu)
	}
	if diff := (mk - mu).Abs(); diff > mk/5 {
		t.Errorf("medians differ by %v: %v vs %v", diff, mk, mu)
	}
	// Rate limit: the same address and account, 5 at once, then refused.
	e.srv.resetLimits = newLoginLimiter(time.Now)
	c := e.client()
	refused := 0
	for range 8 {
		res := e.post(c, "/mot-de-passe-oublie", url.Values{"email": {"referent@certif.demo"}})
		if res.StatusCode == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused != 3 {
		t.Errorf("%d of 8 requests refused, want 3", refused)
	}
}

// TestOutboxDeliversThroughSMTP: the sender (as `certif serve` runs it) delivers what the
// pages queued, and the admin sees it sent.
func TestOutboxDeliversThroughSMTP(t *testing.T) {
	e := newEnv(t)
	srv := mailtest.Start(t, "certif", "motdepasse")
	sender, err := mail.NewSender(srv.URL(), "Certif <certif@certif.demo>")
	if err != nil {
		t.Fatal(err)
	}
	e.post(e.client(), "/mot-de-passe-oublie", url.Values{"email": {"candidat@certif.demo"}})
	c := e.lastCourriel(t)
	for {
		n, err := e.st.DeliverCourriels(t.Context(), sender.Send, 100)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	var got *mailtest.Received
	for _, m := range srv.Messages() {
		if strings.Contains(mailtest.Header(m.Data, "Message-Id"), c.MessageID) {
			got = &m
		}
	}
	if got == nil || got.To[0] != "candidat@certif.demo" {
		t.Fatalf("reset message not received (%d arrived)", len(srv.Messages()))
	}
	if link := linkIn.FindString(c.Text); !strings.Contains(strings.ReplaceAll(string(got.Data), "=\r\n", ""), link) {
		t.Errorf("link %q not in the message", link)
	}
	admin := e.login("admin@certif.demo")
	_, doc := e.get(admin, fmt.Sprintf("/admin/courriels/%d", c.ID))
	if text(doc.Find("#courriel-state")) != "Envoyé" {
		t.Errorf("state %q", text(doc.Find("#courriel-state")))
	}
}

// TestLinksAreQueued: the tutor's link and a new candidate's activation link go to the outbox
// with the very link the page shows once.
func TestLinksAreQueued(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	ref, _, _ := e.st.Credentials(ctx, "referent@certif.demo")
	rows, err := e.st.Inscriptions(ctx, account.ActorOf(ref), store.InscriptionFilter{Promotion: demo.Promotion})
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("referent@certif.demo")
	for _, row := range rows {
		stages, err := e.st.Stages(ctx, account.ActorOf(ref), row.Inscription.ID)
		if err != nil || len(stages) == 0 {
			continue
		}
		res, doc := e.postDoc(c, fmt.Sprintf("/inscriptions/%d/stage/%d/lien", row.Inscription.ID, stages[0].ID), url.Values{})
		if res.StatusCode != 200 {
			t.Fatalf("tutor link: %d", res.StatusCode)
		}
		shown := text(doc.Find("#tutor-link"))
		m := e.lastCourriel(t)
		if m.Kind != mail.KindTutor || m.To != stages[0].TuteurEmail || !strings.Contains(m.Text, shown) || shown == "" {
			t.Fatalf("tutor message %+v, shown %q", m, shown)
		}
		if !strings.Contains(text(doc.Find("main")), "file d’envoi") {
			t.Errorf("the page does not say the message was queued: %s", text(doc.Find("main")))
		}
		return
	}
	t.Fatal("no internship in the demo data")
}
