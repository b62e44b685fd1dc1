package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/store"
)

func TestPrivateResponsesAreNotStored(t *testing.T) {
	e := newEnv(t)
	admin := e.token("admin@certif.demo")
	c := e.login("referent@certif.demo")
	get := func(c *http.Client, path, token string) *http.Response {
		req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if c == nil {
			c = http.DefaultClient
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	for _, tc := range []struct {
		name    string
		res     *http.Response
		noStore bool
	}{
		{"API user", get(nil, "/api/v1/me", admin), true},
		{"API list of candidates", get(nil, "/api/v1/candidats", admin), true},
		{"API user by id", get(nil, "/api/v1/users/1", admin), true},
		{"API error without token", get(nil, "/api/v1/users", ""), true},
		{"API error with a bad token", get(nil, "/api/v1/me", "ctf_faux"), true},
		{"API unknown path", get(nil, "/api/v1/nulle-part", ""), true},
		{"public certifications", get(nil, "/api/v1/certifications", ""), false},
		{"public référentiel", get(nil, "/api/v1/certifications/1/referentiel", ""), false},
		{"public référentiel, with a token", get(nil, "/api/v1/certifications/1/referentiel", admin), false},
		{"OpenAPI document", get(nil, "/api/v1/openapi.json", ""), false},
		{"signed-in page", get(c, "/candidats", ""), true},
		{"signed-in home", get(c, "/", ""), true},
		{"signed-in public page", get(c, "/referentiel", ""), true},
		{"anonymous public page", get(nil, "/referentiel", ""), false},
	} {
		if got := strings.Contains(strings.Join(tc.res.Header.Values("Cache-Control"), ","), "no-store"); got != tc.noStore {
			t.Errorf("%s: Cache-Control %q, no-store %v", tc.name, tc.res.Header.Values("Cache-Control"), tc.noStore)
		}
	}
	if res := get(c, e.srv.static.URL("favicon.svg"), ""); res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("static file for a signed-in user: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
}

func TestJSONDecodeErrorsAreFrenchAndNameTheField(t *testing.T) {
	e := newEnv(t)
	referent := e.token("referent@certif.demo")
	rows, _ := e.st.Inscriptions(context.Background(), account.System, store.InscriptionFilter{Promotion: demo.Promotion, Limit: 1})
	evals := "/api/v1/inscriptions/" + itoa64(rows[0].Inscription.ID) + "/evaluations"
	for _, tc := range []struct {
		path, body, field, want string
	}{
		{evals, `[]`, "body", "Le corps de la requête doit être un objet."},
		{evals, `"x"`, "body", "Le corps de la requête doit être un objet."},
		{evals, `{"competences":"C1.1"}`, "competences", "Type incorrect : ce champ attend une liste."},
		{evals, `{"competences":[1]}`, "competences", "Type incorrect : ce champ attend du texte."},
		{evals, `{"inconnu":1}`, "inconnu", "Champ inconnu."},
		{evals, `{"competences":`, "body", "JSON invalide : le document est incomplet."},
		{evals, `{"competences" 1}`, "body", "JSON invalide : erreur de syntaxe vers le caractère 16."},
		{evals, `{} {}`, "body", "JSON invalide : des données suivent l’objet JSON."},
		{evals, ``, "body", "Le corps de la requête est vide."},
		{"/api/v1/candidats", `{"candidat":{"date_naissance":"demain"}}`, "body", "Date illisible : attendu « AAAA-MM-JJ » ou « JJ/MM/AAAA »."},
		{"/api/v1/candidats", `{"candidat":{"date_naissance":12}}`, "body", "Date attendue sous la forme « AAAA-MM-JJ » ou « JJ/MM/AAAA »."},
		{"/api/v1/candidats", `{"candidat":{"prenoms":"Léa"}}`, "candidat.prenoms", "Type incorrect : ce champ attend une liste."},
	} {
		status, body := e.api("POST", tc.path, referent, tc.body)
		var out struct{ Error apiError }
		_ = json.Unmarshal(body, &out)
		if status != http.StatusUnprocessableEntity || out.Error.Fields[tc.field] != tc.want {
			t.Errorf("%s: %d %s, want %s: %q", tc.body, status, body, tc.field, tc.want)
		}
		for _, leak := range []string{"web.", "Go ", "[]string", "int64", "json:", "unmarshal", "struct"} {
			if strings.Contains(string(body), leak) {
				t.Errorf("%s: the error names Go internals (%q): %s", tc.body, leak, body)
			}
		}
	}
}

func TestTutorFormWithoutMultipart(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rows, err := e.st.Inscriptions(ctx, account.System, store.InscriptionFilter{Promotion: demo.Promotion})
	if err != nil {
		t.Fatal(err)
	}
	var tok string
	for _, row := range rows {
		stages, _ := e.st.Stages(ctx, account.System, row.Inscription.ID)
		for _, st := range stages {
			if st.Fiche == nil {
				if tok, err = e.st.StageLink(ctx, account.System, st.InscriptionID, st.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if tok == "" {
		t.Fatal("no internship without its fiche in the demo data")
	}
	res, doc := e.postDoc(e.client(), "/stage/"+tok, url.Values{"signataire": {"Paul Tuteur"}})
	msg := text(doc.Find(".error-summary"))
	if res.StatusCode != http.StatusUnprocessableEntity || strings.Contains(msg, "dépasse") || !strings.Contains(msg, "multipart/form-data") {
		t.Errorf("urlencoded post to the tutor form: %d %q", res.StatusCode, msg)
	}
	if got := multipartMessage(&http.MaxBytesError{Limit: 1}); got != "Le fichier dépasse 20 Mo." {
		t.Errorf("too big: %q", got)
	}
}
