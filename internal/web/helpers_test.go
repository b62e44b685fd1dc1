package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// testEnv is a real server on a real SQLite store with the référentiel and the demo accounts.
type testEnv struct {
	t   testing.TB
	st  *store.Store
	srv *Server
	ts  *httptest.Server
}

func newEnv(t testing.TB) *testEnv {
	t.Helper()
	return newEnvOn(t, storetest.Open(t))
}

func newEnvOn(t testing.TB, st *store.Store) *testEnv {
	t.Helper()
	ctx := context.Background()
	ref, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportReferentiel(ctx, account.System, ref); err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, st, blobs); err != nil {
		t.Fatal(err)
	}
	// The public base URL is the test server's own address, known once it listens.
	ts := httptest.NewUnstartedServer(nil)
	srv, err := New(Config{Store: st, Blobs: blobs, BaseURL: "http://" + ts.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return &testEnv{t: t, st: st, srv: srv, ts: ts}
}

// client returns a browser-like client with its own cookie jar that does not follow redirects.
func (e *testEnv) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login signs in with a demo account and returns its client.
func (e *testEnv) login(email string) *http.Client {
	e.t.Helper()
	c := e.client()
	res := e.post(c, "/connexion", url.Values{"email": {email}, "password": {demo.Password}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d", email, res.StatusCode)
	}
	return c
}

// get fetches path and parses the HTML.
func (e *testEnv) get(c *http.Client, path string) (*http.Response, *goquery.Document) {
	e.t.Helper()
	res, err := c.Get(e.ts.URL + path)
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

// post submits a form as a same-origin browser would.
func (e *testEnv) post(c *http.Client, path string, form url.Values) *http.Response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// postDoc is post followed by HTML parsing.
func (e *testEnv) postDoc(c *http.Client, path string, form url.Values) (*http.Response, *goquery.Document) {
	e.t.Helper()
	res := e.post(c, path, form)
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return res, doc
}

// api sends a JSON request with an optional bearer token and returns status and body.
func (e *testEnv) api(method, path, token, body string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.ts.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// token creates an API token for a demo account.
func (e *testEnv) token(email string) string {
	e.t.Helper()
	u, _, err := e.st.Credentials(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	_, tok, err := e.st.CreateToken(context.Background(), account.System, u.ID, "test", 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }
