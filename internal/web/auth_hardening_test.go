package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/store"
)

// personne is the unknown address's name, which the journal must not keep.
var personne = regexp.MustCompile(`personne\b`)

// send is a same-origin request with extra headers (X-Forwarded-For, Host…).
func (e *testEnv) send(c *http.Client, method, path string, form url.Values, headers map[string]string) (*http.Response, *goquery.Document) {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, e.ts.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range headers {
		if k == "Host" {
			// The client's jar matches cookies on the Host: hand them over as a browser would
			// for the server it believes it talks to.
			req.Host = v
			for _, ck := range c.Jar.Cookies(req.URL) {
				req.AddCookie(ck)
			}
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return res, doc
}

// countVerifier wraps the server's password check and records each hash it was given.
type countVerifier struct {
	mu     sync.Mutex
	hashes []string
}

func (cv *countVerifier) install(s *Server) {
	real := s.verifyPassword
	s.verifyPassword = func(hash, pw string) bool {
		cv.mu.Lock()
		cv.hashes = append(cv.hashes, hash)
		cv.mu.Unlock()
		return real(hash, pw)
	}
}

func (cv *countVerifier) take() []string {
	cv.mu.Lock()
	defer cv.mu.Unlock()
	h := cv.hashes
	cv.hashes = nil
	return h
}

func TestEveryLoginFailureVerifiesOnePassword(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var cv countVerifier
	cv.install(e.srv)
	// An account never activated (no password yet), an inactive one, and the staff of an
	// inactive centre.
	fresh := &account.User{Email: "jamais.active@exemple.fr", Nom: "Neuf", Prenom: "Compte", Role: account.RoleJury}
	if err := e.st.CreateUser(ctx, account.System, fresh, ""); err != nil {
		t.Fatal(err)
	}
	jury, _, _ := e.st.Credentials(ctx, "jury@certif.demo")
	jury.Active = false
	if err := e.st.UpdateUser(ctx, account.System, jury); err != nil {
		t.Fatal(err)
	}
	nantes, _, _ := e.st.Credentials(ctx, "referent.nantes@certif.demo")
	centre, err := e.st.Organisme(ctx, account.System, nantes.CentreID)
	if err != nil {
		t.Fatal(err)
	}
	centre.Active = false
	if err := e.st.UpdateOrganisme(ctx, account.System, centre); err != nil {
		t.Fatal(err)
	}

	const (
		generic    = "Adresse e-mail ou mot de passe incorrect."
		accountOff = "Votre compte est désactivé : il ne permet plus de vous connecter. Contactez le certificateur."
		centreOff  = "Votre centre de formation a été désactivé : votre compte ne permet plus de vous connecter. Contactez le certificateur."
	)
	for _, tc := range []struct {
		name, email, password string
		dummy                 bool // verified against account.DummyHash
		reason, message       string
	}{
		{"unknown address", "personne@certif.demo", "mauvais mot de passe", true, "unknown_account", generic},
		{"never activated", fresh.Email, "mauvais mot de passe", true, "not_activated", generic},
		{"never activated, empty password", fresh.Email, "", true, "not_activated", generic},
		{"wrong password", "admin@certif.demo", "mauvais mot de passe", false, "wrong_password", generic},
		// The right password proves who asks: they learn why they cannot sign in.
		{"inactive account, right password", "jury@certif.demo", demo.Password, false, "inactive", accountOff},
		{"inactive account, wrong password", "jury@certif.demo", "mauvais", false, "wrong_password", generic},
		{"staff of an inactive centre", "referent.nantes@certif.demo", demo.Password, false, "inactive", centreOff},
		{"staff of an inactive centre, wrong password", "referent.nantes@certif.demo", "mauvais", false, "wrong_password", generic},
	} {
		res, doc := e.postDoc(e.client(), "/connexion", url.Values{"email": {tc.email}, "password": {tc.password}})
		if res.StatusCode != http.StatusUnauthorized || text(doc.Find("#login-error")) != tc.message {
			t.Errorf("%s: %d %q", tc.name, res.StatusCode, text(doc.Find("#login-error")))
		}
		hashes := cv.take()
		if len(hashes) != 1 {
			t.Errorf("%s: %d password verifications, want 1", tc.name, len(hashes))
			continue
		}
		if (hashes[0] == account.DummyHash) != tc.dummy {
			t.Errorf("%s: verified against the dummy hash: %v, want %v", tc.name, hashes[0] == account.DummyHash, tc.dummy)
		}
		log, _ := e.st.AuditLog(ctx, account.System, 1)
		if log[0].Action != "login.failed" || log[0].ActorID != 0 || log[0].Detail != `{"reason":"`+tc.reason+`"}` {
			t.Errorf("%s: journal %+v", tc.name, log[0])
		}
	}
	e.login("admin@certif.demo")
	if n := len(cv.take()); n != 1 {
		t.Errorf("success: %d verifications, want 1", n)
	}
	admin, _, _ := e.st.Credentials(ctx, "admin@certif.demo")
	log, _ := e.st.AuditLog(ctx, account.System, 50)
	if log[0].Action != "login" || log[0].ActorID != admin.ID || log[0].EntityID != admin.ID {
		t.Errorf("success journal %+v", log[0])
	}
	for _, entry := range log {
		if strings.Contains(entry.Detail, "@") || personne.MatchString(entry.Detail) { // not « personnel », a project's origin
			t.Errorf("journal detail holds personal data: %+v", entry)
		}
	}
	// The admin's journal names both, the failures' author being anonymous.
	_, doc := e.get(e.login("admin@certif.demo"), "/admin/journal?filtre=1") // with the sign-ins
	var rows []string
	doc.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		rows = append(rows, text(tr.Find("td:nth-child(2)"))+"|"+text(tr.Find("td:nth-child(3)")))
	})
	all := strings.Join(rows, "\n")
	if !strings.Contains(all, "anonyme|Échec de connexion") || !strings.Contains(all, admin.DisplayName()+"|Connexion") {
		t.Errorf("journal page:\n%.400s", all)
	}
}

func TestLoginLockHurtsTheAttackerNotTheUser(t *testing.T) {
	base := newEnv(t)
	e := newEnvWith(t, base.st, func(c *Config) { c.TrustProxy = true })
	from := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
	good := url.Values{"email": {"jury@certif.demo"}, "password": {demo.Password}}
	bad := url.Values{"email": {"jury@certif.demo"}, "password": {"devinette"}}

	// Ten successful sign-ins in a row: never limited.
	for i := 0; i < 10; i++ {
		if res, _ := e.send(e.client(), "POST", "/connexion", good, from("203.0.113.10")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("success %d: %d", i+1, res.StatusCode)
		}
	}
	// The attacker, elsewhere, is stopped after five failures, with the spoofed left-most hop
	// changing each time (it is not the client address).
	for i := 0; i < 6; i++ {
		res, _ := e.send(e.client(), "POST", "/connexion", bad, from("10.0.0."+itoa64(int64(i))+", 198.51.100.66"))
		want := http.StatusUnauthorized
		if i == 5 {
			want = http.StatusTooManyRequests
		}
		if res.StatusCode != want {
			t.Errorf("attack %d: %d, want %d", i+1, res.StatusCode, want)
		}
	}
	// Even the right password is refused from the attacker's address...
	if res, _ := e.send(e.client(), "POST", "/connexion", good, from("198.51.100.66")); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("attacker with the password: %d", res.StatusCode)
	}
	// ...while the user signs in from their address and from a new one.
	for _, ip := range []string{"203.0.113.10", "192.0.2.44"} {
		if res, _ := e.send(e.client(), "POST", "/connexion", good, from(ip)); res.StatusCode != http.StatusSeeOther {
			t.Errorf("user from %s after the attack: %d", ip, res.StatusCode)
		}
	}
}

func TestPasswordChangeSignsOutEverywhere(t *testing.T) {
	e := newEnv(t)
	here, there := e.login("formateur@certif.demo"), e.login("formateur@certif.demo")
	tok := e.token("formateur@certif.demo")
	other := e.token("referent@certif.demo")
	if status, _ := e.api("GET", "/api/v1/me", tok, ""); status != http.StatusOK {
		t.Fatalf("token before: %d", status)
	}
	const newPassword = "un nouveau mot de passe solide"
	res := e.post(here, "/compte/mot-de-passe", url.Values{"current": {demo.Password}, "password": {newPassword}, "confirm": {newPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if res, doc := e.get(here, "/compte"); res.StatusCode != http.StatusOK || !strings.Contains(text(doc.Find(".flash")), "autres sessions") {
		t.Errorf("current session after the change: %d %q", res.StatusCode, text(doc.Find(".flash")))
	}
	if res, _ := e.get(there, "/compte"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/connexion") {
		t.Errorf("other session after the change: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if status, _ := e.api("GET", "/api/v1/me", tok, ""); status != http.StatusUnauthorized {
		t.Errorf("token after the change: %d", status)
	}
	if status, _ := e.api("GET", "/api/v1/me", other, ""); status != http.StatusOK {
		t.Errorf("another user's token after the change: %d", status)
	}
	if res := e.post(e.client(), "/connexion", url.Values{"email": {"formateur@certif.demo"}, "password": {newPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the new password: %d", res.StatusCode)
	}
}

func TestInactiveCentreStaffAreSignedOut(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ref, form, cand := e.login("referent@certif.demo"), e.login("formateur@certif.demo"), e.login("candidat@certif.demo")
	tok := e.token("formateur@certif.demo")
	u, _, _ := e.st.Credentials(ctx, "referent@certif.demo")
	centre, err := e.st.Organisme(ctx, account.System, u.CentreID)
	if err != nil {
		t.Fatal(err)
	}
	admin := e.login("admin@certif.demo")
	res := e.post(admin, "/admin/centres/"+itoa64(centre.ID), url.Values{"nom": {centre.Nom}, "siret": {centre.SIRET}, "habilitation_formation": {"1"},
		"version": {itoa64(centre.Version)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate the centre: %d", res.StatusCode)
	}
	if c, _ := e.st.Organisme(ctx, account.System, centre.ID); c.Active {
		t.Fatal("the centre is still active")
	}
	// The admin is told what the deactivation does, and sees it on the staff's accounts.
	if _, doc := e.get(admin, "/admin/centres"); text(doc.Find(".flash")) != "Le centre « "+centre.Nom+" » a été désactivé : ses référents et formateurs ne peuvent plus se connecter." {
		t.Errorf("flash after the deactivation: %q", text(doc.Find(".flash")))
	}
	_, doc := e.get(admin, "/admin/utilisateurs?q=referent")
	row := doc.Find("tr").FilterFunction(func(_ int, s *goquery.Selection) bool { return strings.Contains(s.Text(), "referent@certif.demo") })
	if got := text(row.Find(".badge")); got != "Centre désactivé" || !row.Find(".badge").HasClass("state-off") {
		t.Errorf("referent of the deactivated centre listed as %q", got)
	}
	_, doc = e.get(admin, "/admin/utilisateurs/nouveau")
	if got := text(doc.Find(`#centre option[value="` + itoa64(centre.ID) + `"]`)); got != centre.Nom+" (désactivé)" {
		t.Errorf("centre option %q", got)
	}
	for name, c := range map[string]*http.Client{"referent": ref, "formateur": form} {
		if res, _ := e.get(c, "/candidats"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/connexion") {
			t.Errorf("%s session of an inactive centre: %d", name, res.StatusCode)
		}
	}
	if status, _ := e.api("GET", "/api/v1/me", tok, ""); status != http.StatusUnauthorized {
		t.Errorf("token of an inactive centre's formateur: %d", status)
	}
	for _, email := range []string{"referent@certif.demo", "formateur@certif.demo"} {
		res, doc := e.postDoc(e.client(), "/connexion", url.Values{"email": {email}, "password": {demo.Password}})
		if res.StatusCode != http.StatusUnauthorized || text(doc.Find("#login-error")) != "Votre centre de formation a été désactivé : votre compte ne permet plus de vous connecter. Contactez le certificateur." {
			t.Errorf("login of %s: %d %q", email, res.StatusCode, text(doc.Find("#login-error")))
		}
	}
	// The centre's candidates keep their livret.
	if res, _ := e.get(cand, "/compte"); res.StatusCode != http.StatusOK {
		t.Errorf("candidate of an inactive centre: %d", res.StatusCode)
	}
}

func TestLinksComeFromTheBaseURLNotTheHost(t *testing.T) {
	base := newEnv(t)
	e := newEnvWith(t, base.st, func(c *Config) { c.BaseURL = "https://certif.example.fr/" })
	hostile := map[string]string{"Host": "evil.test", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.test"}

	// Activation link of an enrolment through the API.
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/candidats", strings.NewReader(`{"candidat":{"nom_naissance":"Hôte","prenoms":["Ève"],"sexe":"F","date_naissance":"1999-04-02",
		"commune_naissance":"Lyon","commune_naissance_code":"69123","email":"eve.hote@exemple.fr"},
		"inscription":{"voie":"formation_continue","promotion":"CM-2027-H","date":"2026-09-04"}}`))
	req.Host = "evil.test"
	req.Header.Set("Authorization", "Bearer "+e.token("referent@certif.demo"))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var enr struct{ Activation string }
	json.NewDecoder(res.Body).Decode(&enr)
	res.Body.Close()
	if !strings.HasPrefix(enr.Activation, "https://certif.example.fr/activation/") {
		t.Errorf("activation link %q", enr.Activation)
	}

	// Tutor link of an internship.
	ctx := context.Background()
	ref, _, _ := e.st.Credentials(ctx, "referent@certif.demo")
	rows, err := e.st.Inscriptions(ctx, account.ActorOf(ref), store.InscriptionFilter{Promotion: demo.Promotion})
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("referent@certif.demo")
	found := false
	for _, row := range rows {
		stages, err := e.st.Stages(ctx, account.ActorOf(ref), row.Inscription.ID)
		if err != nil || len(stages) == 0 {
			continue
		}
		path := "/inscriptions/" + itoa64(row.Inscription.ID) + "/stage/" + itoa64(stages[0].ID) + "/lien"
		res, doc := e.send(c, "POST", path, url.Values{}, hostile)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("tutor link: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		page, _ := doc.Html()
		if strings.Contains(page, "evil.test") || !strings.Contains(page, "https://certif.example.fr/stage/") {
			t.Errorf("tutor link not built from the base URL: %s", text(doc.Find("main")))
		}
		found = true
		break
	}
	if !found {
		t.Fatal("no internship in the demo data")
	}

	for _, bad := range []string{"ftp://x", "https://", "certif.example.fr", "https://x/?q=1", "https://u:p@x"} {
		if _, err := CheckBaseURL(bad); err == nil {
			t.Errorf("base URL %q accepted", bad)
		}
	}
}

func TestCurrentPasswordIsRateLimited(t *testing.T) {
	e := newEnv(t)
	c := e.login("formateur@certif.demo")
	const np = "un nouveau mot de passe solide"
	var last int
	for i := 0; i < 6; i++ {
		res := e.post(c, "/compte/mot-de-passe", url.Values{"current": {"devinette " + itoa64(int64(i))}, "password": {np}, "confirm": {np}})
		last = res.StatusCode
		if i < 5 && last != http.StatusUnprocessableEntity {
			t.Errorf("wrong current password %d: %d", i+1, last)
		}
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("sixth wrong current password: %d, want 429", last)
	}
	if res := e.post(c, "/compte/mot-de-passe", url.Values{"current": {demo.Password}, "password": {np}, "confirm": {np}}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password while limited: %d", res.StatusCode)
	}
}

// TestSimultaneousGuessesPayBeforeTheyAreChecked: a hundred wrong passwords sent at the same
// moment from one address for one account are not all verified (the limit is spent before the
// verification, not after), and no more verifications run at once than the server allows.
func TestSimultaneousGuessesPayBeforeTheyAreChecked(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	running, peak, calls := 0, 0, 0
	real := e.srv.verifyPassword
	e.srv.verifyPassword = boundedVerify(func(hash, pw string) bool {
		mu.Lock()
		running++
		calls++
		peak = max(peak, running)
		mu.Unlock()
		defer func() { mu.Lock(); running--; mu.Unlock() }()
		return real(hash, pw)
	}, 2)
	var wg sync.WaitGroup
	codes := make(chan int, 100)
	for range 100 {
		wg.Go(func() {
			res := e.post(e.client(), "/connexion", url.Values{"email": {"candidat@certif.demo"}, "password": {"mauvais"}})
			codes <- res.StatusCode
		})
	}
	wg.Wait()
	close(codes)
	refused := 0
	for c := range codes {
		if c == http.StatusTooManyRequests {
			refused++
		}
	}
	if calls > limitAccountAddr.burst || refused != 100-calls {
		t.Errorf("%d verifications, %d refused: the (account, address) limit allows %d", calls, refused, limitAccountAddr.burst)
	}
	if peak > 2 {
		t.Errorf("%d verifications at once, want at most 2", peak)
	}
	// The owner's successful sign-in is not counted either way.
	if res := e.post(e.client(), "/connexion", url.Values{"email": {"admin@certif.demo"}, "password": {demo.Password}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("admin sign-in after the burst: %d", res.StatusCode)
	}
}

// TestOverlongLoginFormsStayOutOfMemory: a 5 MB e-mail is refused before it is read whole,
// and a long one never becomes a key of the limiter's memory.
func TestOverlongLoginFormsStayOutOfMemory(t *testing.T) {
	e := newEnv(t)
	res := e.post(e.client(), "/connexion", url.Values{"email": {strings.Repeat("a", 5<<20) + "@x.fr"}, "password": {"x"}})
	if res.StatusCode < 400 || res.StatusCode >= 500 {
		t.Errorf("5 MB e-mail: %d, want a 4xx", res.StatusCode)
	}
	long := strings.Repeat("b", 2000) + "@x.fr"
	if res := e.post(e.client(), "/connexion", url.Values{"email": {long}, "password": {"x"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("2 000-character e-mail: %d, want 401", res.StatusCode)
	}
	e.srv.loginLimits.mu.Lock()
	defer e.srv.loginLimits.mu.Unlock()
	for k := range e.srv.loginLimits.byKey {
		if strings.Contains(k, "bbbb") {
			t.Fatalf("the limiter keeps a key of %d bytes", len(k))
		}
	}
}
