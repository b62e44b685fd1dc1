package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// contract validates real responses against the OpenAPI document served by the API.
type contract struct {
	t        *testing.T
	doc      map[string]any
	compiler *jsonschema.Compiler
	seen     map[string]bool // "METHOD path-template" exercised
}

func newContract(t *testing.T, e *testEnv) *contract {
	status, body := e.api("GET", "/api/v1/openapi.json", "", "")
	if status != 200 {
		t.Fatalf("openapi.json: %d", status)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi version %v", doc["openapi"])
	}
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("mem://openapi.json", parsed); err != nil {
		t.Fatal(err)
	}
	return &contract{t: t, doc: doc, compiler: c, seen: map[string]bool{}}
}

// pointerEscape escapes one JSON-pointer token.
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// template finds the documented path matching a concrete path.
func (c *contract) template(path string) string {
	paths := c.doc["paths"].(map[string]any)
	for tmpl := range paths {
		if ok, _ := regexp.MatchString("^"+pathParam.ReplaceAllString(tmpl, `[^/]+`)+"$", path); ok {
			return tmpl
		}
	}
	return ""
}

// check asserts that status is documented for method+path and that body matches its schema.
func (c *contract) check(method, path string, status int, body []byte) {
	c.t.Helper()
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	tmpl := c.template(path)
	if tmpl == "" {
		c.t.Errorf("%s %s: path not documented", method, path)
		return
	}
	op, ok := c.doc["paths"].(map[string]any)[tmpl].(map[string]any)[strings.ToLower(method)].(map[string]any)
	if !ok {
		c.t.Errorf("%s %s: method not documented", method, tmpl)
		return
	}
	c.seen[method+" "+tmpl] = true
	if _, ok := op["responses"].(map[string]any)[fmt.Sprint(status)]; !ok {
		c.t.Errorf("%s %s: status %d not documented", method, tmpl, status)
		return
	}
	content, _ := op["responses"].(map[string]any)[fmt.Sprint(status)].(map[string]any)["content"].(map[string]any)
	if _, ok := content["application/json"]; !ok {
		return // a PDF: only the status is documented and checked
	}
	loc := fmt.Sprintf("mem://openapi.json#/paths/%s/%s/responses/%d/content/application~1json/schema", pointerEscape(tmpl), strings.ToLower(method), status)
	sch, err := c.compiler.Compile(loc)
	if err != nil {
		c.t.Fatalf("compile %s: %v", loc, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		c.t.Errorf("%s %s: response is not JSON: %v", method, path, err)
		return
	}
	if err := sch.Validate(v); err != nil {
		c.t.Errorf("%s %s (%d): response does not match the OpenAPI schema: %v\nbody: %.400s", method, path, status, err, body)
	}
}

func TestAPIMatchesOpenAPI(t *testing.T) {
	e := newEnv(t)
	c := newContract(t, e)
	admin, referent := e.token("admin@certif.demo"), e.token("referent@certif.demo")
	call := func(method, path, token, body string, want int) []byte {
		t.Helper()
		status, out := e.api(method, path, token, body)
		if status != want {
			t.Errorf("%s %s: %d, want %d (%s)", method, path, status, want, out)
		}
		c.check(method, path, status, out)
		return out
	}
	call("GET", "/api/v1/certifications", "", "", 200)
	call("GET", "/api/v1/certifications/1/referentiel", "", "", 200)
	call("GET", "/api/v1/certifications/42/referentiel", "", "", 404)
	call("GET", "/api/v1/me", admin, "", 200)
	call("GET", "/api/v1/me", "", "", 401)
	call("GET", "/api/v1/me", "ctf_inconnu", "", 401)
	call("GET", "/api/v1/centres", admin, "", 200)
	call("GET", "/api/v1/centres", referent, "", 200)

	out := call("POST", "/api/v1/centres", admin, `{"nom":"Digital Campus Bordeaux","siret":"776 123 456 00035","habilitation_formation":true}`, 201)
	var centre apiCentre
	_ = json.Unmarshal(out, &centre)
	if centre.SIRET != "77612345600035" || !centre.Active {
		t.Errorf("created centre %+v", centre)
	}
	out = call("POST", "/api/v1/centres", admin, `{"nom":"","siret":"1"}`, 422)
	if !strings.Contains(string(out), `"siret"`) || !strings.Contains(string(out), `"nom"`) {
		t.Errorf("validation errors by field: %s", out)
	}
	call("POST", "/api/v1/centres", admin, `{"nom":"X","siret":"77612345600035","inconnu":1}`, 422)
	call("POST", "/api/v1/centres", referent, `{"nom":"X","siret":"77612345600035"}`, 403)
	call("GET", "/api/v1/centres/"+itoa64(centre.ID), admin, "", 200)
	call("GET", "/api/v1/centres/"+itoa64(centre.ID), referent, "", 404)
	call("PATCH", "/api/v1/centres/"+itoa64(centre.ID), admin, `{"habilitation_evaluation":true}`, 422) // no version
	call("PATCH", "/api/v1/centres/"+itoa64(centre.ID), admin, `{"habilitation_evaluation":true,"version":1}`, 200)
	// Two clients from version 1: the second gets 409 with the current version and who.
	out = call("PATCH", "/api/v1/centres/"+itoa64(centre.ID), admin, `{"nom":"Autre nom","version":1}`, 409)
	if !strings.Contains(string(out), `"conflict":{"version":2,"modified_by":"Claire Martin"`) {
		t.Errorf("conflict body: %s", out)
	}

	out = call("POST", "/api/v1/users", admin, fmt.Sprintf(`{"email":"formateur.bordeaux@exemple.fr","prenom":"Inès","nom":"Garnier","role":"formateur","centre_id":%d}`, centre.ID), 201)
	var created struct {
		apiUser
		GeneratedPassword string `json:"generated_password"`
	}
	_ = json.Unmarshal(out, &created)
	if len(created.GeneratedPassword) < 12 {
		t.Errorf("no generated password: %s", out)
	}
	call("POST", "/api/v1/users", admin, `{"email":"FORMATEUR.bordeaux@exemple.fr","role":"jury"}`, 422)
	call("GET", "/api/v1/users", admin, "", 200)
	call("GET", "/api/v1/users?role=formateur", referent, "", 200)
	call("GET", "/api/v1/users/"+itoa64(created.ID), admin, "", 200)
	call("GET", "/api/v1/users/"+itoa64(created.ID), referent, "", 404)
	call("PATCH", "/api/v1/users/"+itoa64(created.ID), admin, `{"active":false,"version":1}`, 200)
	call("PATCH", "/api/v1/users/"+itoa64(created.ID), admin, `{"active":true,"version":1}`, 409)
	call("PATCH", "/api/v1/users/"+itoa64(created.ID), admin, `{"role":"inconnu","version":2}`, 422)

	exerciseLivretAPI(t, e, call)
	exerciseTokenAPI(t, e, call)
	exerciseCertificateurAPI(t, e, c, call)
	exerciseCourrielAPI(t, e, call)
	exerciseDossierAPI(t, e, c, call)
	exerciseJuryAPI(t, e, call)
	exerciseGrilleAPI(t, e, call)

	// Every documented operation was exercised.
	for tmpl, ops := range c.doc["paths"].(map[string]any) {
		for method := range ops.(map[string]any) {
			if !c.seen[strings.ToUpper(method)+" "+tmpl] {
				t.Errorf("%s %s is documented but not exercised by this test", strings.ToUpper(method), tmpl)
			}
		}
	}
}

func TestAPIErrorsAreFrenchJSON(t *testing.T) {
	e := newEnv(t)
	status, body := e.api("GET", "/api/v1/inconnu", "", "")
	var out struct{ Error apiError }
	if status != http.StatusNotFound || json.Unmarshal(body, &out) != nil || out.Error.Code != "not_found" || !strings.Contains(out.Error.Message, "n’existe pas") {
		t.Errorf("%d %s", status, body)
	}
	status, body = e.api("POST", "/api/v1/centres", e.token("admin@certif.demo"), `{"nom":`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "JSON invalide") {
		t.Errorf("%d %s", status, body)
	}
}
