package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// pngLogo is a small valid PNG.
func pngLogo(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 40, 20))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// multipartBody builds a multipart form with one file "logo" and the given values.
func multipartBody(t testing.TB, name string, file []byte, values map[string]string) (string, *bytes.Buffer) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range values {
		_ = mw.WriteField(k, v)
	}
	if file != nil {
		fw, err := mw.CreateFormFile("logo", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	return mw.FormDataContentType(), &b
}

// upload sends a multipart request with a bearer token (API) or a session client (pages).
func (e *testEnv) upload(c *http.Client, method, path, token, ctype string, body io.Reader) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// exerciseCertificateurAPI runs the certificateur, registration and identity routes of the
// API against the OpenAPI document (called by TestAPIMatchesOpenAPI).
func exerciseCertificateurAPI(t *testing.T, e *testEnv, c *contract, call func(method, path, token, body string, want int) []byte) {
	admin, referent := e.token("admin@certif.demo"), e.token("referent@certif.demo")
	formateur, candidate := e.token("formateur@certif.demo"), e.token("candidat@certif.demo")
	var cert apiCertificateurBody
	_ = json.Unmarshal(call("GET", "/api/v1/certificateur", admin, "", 200), &cert)
	call("GET", "/api/v1/certificateur", referent, "", 403)
	body := func(siret string, version int64) string {
		return fmt.Sprintf(`{"nom":"Certif Académie","siret":%q,"adresse":"3 place Bellecour\n69002 Lyon","signataire_nom":"Claire Martin","signataire_qualite":"Présidente","version":%d}`, siret, version)
	}
	call("PUT", "/api/v1/certificateur", admin, `{"nom":"X","siret":"89123456700008","adresse":"a","signataire_nom":"b","signataire_qualite":"c"}`, 422) // no version
	out := call("PUT", "/api/v1/certificateur", admin, body("89123456700009", cert.Version), 422)                                                        // Luhn
	if !strings.Contains(string(out), `"siret"`) {
		t.Errorf("bad SIRET: %s", out)
	}
	out = call("PUT", "/api/v1/certificateur", admin, body("89123456700008", cert.Version), 200)
	var saved apiCertificateurBody
	_ = json.Unmarshal(out, &saved)
	if saved.Version != cert.Version+1 || saved.Adresse != "3 place Bellecour\n69002 Lyon" || saved.SignataireQualite != "Présidente" {
		t.Errorf("saved %+v", saved)
	}
	call("PUT", "/api/v1/certificateur", admin, body("89123456700008", cert.Version), 409) // stale
	// Huge input and control characters: bounded and cleaned at the edge.
	call("PUT", "/api/v1/certificateur", admin, fmt.Sprintf(`{"nom":%q,"siret":"89123456700008","adresse":"a","signataire_nom":"b","signataire_qualite":"c","version":%d}`, strings.Repeat("é", 5000), saved.Version), 422)
	out = call("PUT", "/api/v1/certificateur", admin, fmt.Sprintf(`{"nom":"Certif\u0000 Académie","siret":"89123456700008","adresse":"3 place Bellecour\n69002 Lyon","signataire_nom":"Claire\u0007 Martin","signataire_qualite":"Présidente","version":%d}`, saved.Version), 200)
	if strings.ContainsAny(string(out), "\x00\x07") || strings.Contains(string(out), `\u0000`) {
		t.Errorf("control characters kept: %s", out)
	}
	_ = json.Unmarshal(out, &saved)
	call("PUT", "/api/v1/certificateur", referent, body("89123456700008", saved.Version), 403)

	// The logo: a PNG is taken; an SVG, HTML and 2 Mo are refused; the version is required.
	logo := func(name string, file []byte, version int64, want int) []byte {
		t.Helper()
		ct, b := multipartBody(t, name, file, map[string]string{"version": fmt.Sprint(version)})
		status, out := e.upload(nil, "PUT", "/api/v1/certificateur/logo", admin, ct, b)
		if status != want {
			t.Errorf("logo %s: %d, want %d (%s)", name, status, want, out)
		}
		c.check("PUT", "/api/v1/certificateur/logo", status, out)
		return out
	}
	out = logo("logo.png", pngLogo(t), saved.Version, 200)
	var withLogo apiCertificateurBody
	_ = json.Unmarshal(out, &withLogo)
	if withLogo.LogoFileID == 0 || withLogo.Version != saved.Version+1 {
		t.Errorf("logo not set: %s", out)
	}
	logo("logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), withLogo.Version, 422)
	logo("logo.png", []byte(`<!DOCTYPE html><html><script>alert(1)</script></html>`), withLogo.Version, 422)
	big := append(pngLogo(t), bytes.Repeat([]byte{0}, 2<<20)...)
	logo("gros.png", big, withLogo.Version, 422)
	logo("logo.png", pngLogo(t), 0, 422)
	logo("logo.png", pngLogo(t), saved.Version, 409) // stale
	// Everyone signed in reads the logo (it is on every document); nobody else.
	if st, _ := e.api("GET", "/fichiers/"+itoa64(withLogo.LogoFileID), candidate, ""); st != 200 {
		t.Errorf("candidate reads the logo: %d", st)
	}

	// The RNCP registration.
	var enr apiEnregistrement
	e1, err := e.st.Enregistrement(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	call("PATCH", "/api/v1/certifications/1", admin, `{"rncp":"35467"}`, 422) // no version
	out = call("PATCH", "/api/v1/certifications/1", admin, fmt.Sprintf(`{"rncp":"rncp 35467","niveau":"Niveau 6","date_enregistrement":"2025-01-15","date_fin_validite":"2030-01-15","mentions":"Arrêté du 15 janvier 2025","version":%d}`, e1.Version), 200)
	_ = json.Unmarshal(out, &enr)
	if enr.RNCP != "RNCP35467" || enr.Niveau != "6" || enr.DateEnregistrement != "2025-01-15" || enr.Version != e1.Version+1 {
		t.Errorf("registration %+v", enr)
	}
	for _, bad := range []string{`{"niveau":"9","version":%d}`, `{"rncp":"RNCP12","version":%d}`,
		`{"date_fin_validite":"2024-01-01","version":%d}`, `{"date_enregistrement":"15/01/2025","version":%d}`} {
		call("PATCH", "/api/v1/certifications/1", admin, fmt.Sprintf(bad, enr.Version), 422)
	}
	call("PATCH", "/api/v1/certifications/1", admin, fmt.Sprintf(`{"niveau":"5","version":%d}`, e1.Version), 409)
	call("PATCH", "/api/v1/certifications/1", referent, fmt.Sprintf(`{"niveau":"5","version":%d}`, enr.Version), 403)
	call("PATCH", "/api/v1/certifications/999", admin, `{"niveau":"5","version":1}`, 404)
	var list []apiCertification
	_ = json.Unmarshal(call("GET", "/api/v1/certifications", "", "", 200), &list)
	if len(list) == 0 || list[0].RNCP != "RNCP35467" || list[0].Niveau != "6" {
		t.Errorf("certifications after the registration: %+v", list)
	}

	// A candidate's identity: the référent of their centre corrects it, with the version.
	f := newAccessFixtures(t, e)
	var cand apiCandidat
	_ = json.Unmarshal(call("GET", "/api/v1/candidats/"+itoa64(f.candLyon), referent, "", 200), &cand)
	path := "/api/v1/candidats/" + itoa64(f.candLyon)
	call("PATCH", path, referent, `{"nom_usage":"Durand"}`, 422) // no version
	out = call("PATCH", path, referent, fmt.Sprintf(`{"nom_usage":"Durand","adresse":{"ligne1":"5 rue Mercière","code_postal":"69002","ville":"Lyon"},"version":%d}`, cand.Version), 200)
	var after apiCandidat
	_ = json.Unmarshal(out, &after)
	if after.NomUsage != "Durand" || after.Adresse.Ville != "Lyon" || after.NomNaissance != cand.NomNaissance || after.Version != cand.Version+1 {
		t.Errorf("corrected candidate %+v", after)
	}
	call("PATCH", path, referent, fmt.Sprintf(`{"nom_usage":"Autre","version":%d}`, cand.Version), 409)
	call("PATCH", path, formateur, fmt.Sprintf(`{"nom_usage":"Autre","version":%d}`, after.Version), 403)
	call("PATCH", path, candidate, fmt.Sprintf(`{"nom_usage":"Autre","version":%d}`, after.Version), 403)
	call("PATCH", "/api/v1/candidats/"+itoa64(f.candNantes), referent, `{"nom_usage":"Autre","version":1}`, 404)
	call("PATCH", path, admin, fmt.Sprintf(`{"prenoms":["Zoé\u0000"],"version":%d}`, after.Version), 200) // NUL cleaned
	call("PATCH", path, admin, fmt.Sprintf(`{"nom_naissance":%q,"version":%d}`, strings.Repeat("x", 500), after.Version+1), 422)
}

func TestCertificateurPage(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@certif.demo")
	res, doc := e.get(admin, "/admin/certificateur")
	if res.StatusCode != 200 || doc.Find("input#nom").AttrOr("value", "") != "Certif Académie" {
		t.Fatalf("form: %d %q", res.StatusCode, doc.Find("input#nom").AttrOr("value", ""))
	}
	version := doc.Find(`input[name="version"]`).AttrOr("value", "")
	form := map[string]string{"nom": "Certif Académie", "siret": "89123456700008", "adresse": "3 place Bellecour\r\n69002 Lyon",
		"signataire_nom": "Claire Martin", "signataire_qualite": "Présidente", "version": version}
	// A bad SIRET and an SVG logo: both refused next to their field, nothing saved.
	bad := map[string]string{}
	for k, v := range form {
		bad[k] = v
	}
	bad["siret"] = "89123456700009"
	ct, b := multipartBody(t, "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), bad)
	status, out := e.upload(admin, "POST", "/admin/certificateur", "", ct, b)
	if status != 422 || !strings.Contains(string(out), "clé de contrôle") || !strings.Contains(string(out), "PNG ou JPEG") {
		t.Errorf("bad SIRET and SVG: %d", status)
	}
	last, err := e.st.AuditLog(context.Background(), account.System, 1)
	if err != nil || len(last) != 1 {
		t.Fatal(err)
	}
	ct, b = multipartBody(t, "logo.png", pngLogo(t), form)
	if status, out := e.upload(admin, "POST", "/admin/certificateur", "", ct, b); status != 303 {
		t.Fatalf("save: %d %s", status, out)
	}
	c, err := e.st.Certificateur(context.Background())
	if err != nil || c.Adresse != "3 place Bellecour\n69002 Lyon" || c.LogoFileID == 0 {
		t.Fatalf("saved %+v %v", c, err)
	}
	// The fields and the logo together: one save, one version, one entry (and the file's own).
	if v, _ := strconv.ParseInt(version, 10, 64); c.Version != v+1 {
		t.Errorf("version after one save: %d, want %d", c.Version, v+1)
	}
	entries, err := e.st.AuditLog(context.Background(), account.System, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, en := range entries {
		if en.ID > last[0].ID {
			actions = append(actions, en.Action)
		}
	}
	slices.Sort(actions)
	if !slices.Equal(actions, []string{"file.save", "organisme.update"}) {
		t.Errorf("journal of one save: %v", actions)
	}
	if _, doc := e.get(admin, "/admin/journal"); !strings.Contains(text(doc.Find("tbody tr").First()), "Modification du certificateur") {
		t.Errorf("journal label: %q", text(doc.Find("tbody tr").First()))
	}
	// The same form again (its version is now stale): 409 with the other values shown.
	form["signataire_nom"] = "Paul Durand"
	ct, b = multipartBody(t, "", nil, form)
	status, out = e.upload(admin, "POST", "/admin/certificateur", "", ct, b)
	if status != 409 || !strings.Contains(string(out), `id="conflict"`) || !strings.Contains(string(out), "Paul Durand") {
		t.Errorf("stale save: %d", status)
	}
	// A stale save with a logo: the logo is not kept, and the form says to attach it again.
	ct, b = multipartBody(t, "logo.png", pngLogo(t), form)
	status, out = e.upload(admin, "POST", "/admin/certificateur", "", ct, b)
	if status != 409 || !strings.Contains(string(out), "joignez-le de nouveau") {
		t.Errorf("stale save with a logo: %d", status)
	}
	if now, _ := e.st.Certificateur(context.Background()); now.LogoFileID != c.LogoFileID {
		t.Errorf("a stale save changed the logo: %d → %d", c.LogoFileID, now.LogoFileID)
	}
	// Other roles never see the page.
	if res, _ := e.get(e.login("referent@certif.demo"), "/admin/certificateur"); res.StatusCode != 403 {
		t.Errorf("referent: %d", res.StatusCode)
	}

	// The documents print the certificateur, its signatory and the registration.
	rows, err := e.st.Inscriptions(context.Background(), account.System, store.InscriptionFilter{Promotion: "CM-2026-A", Limit: 5})
	if err != nil || len(rows) == 0 {
		t.Fatal(err)
	}
	for _, doc := range []string{"livret.pdf", "releve.pdf"} {
		res, err := admin.Get(e.ts.URL + "/inscriptions/" + itoa64(rows[0].ID) + "/documents/" + doc)
		if err != nil {
			t.Fatal(err)
		}
		pdf, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !bytes.HasPrefix(pdf, []byte("%PDF")) || !bytes.Contains(pdf, []byte("/Subtype /Image")) {
			t.Errorf("%s: %d, image %v", doc, res.StatusCode, bytes.Contains(pdf, []byte("/Subtype /Image")))
		}
	}
	// Each document issued is in the journal: which one, of which inscription, no name.
	var n int
	if err := e.st.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'document.download' AND entity_id = ?`, rows[0].ID).Scan(&n); err != nil || n != 2 {
		t.Errorf("documents journalled: %d %v", n, err)
	}
}

func TestCertificationPage(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@certif.demo")
	_, doc := e.get(admin, "/admin/certifications/1")
	version := doc.Find(`input[name="version"]`).AttrOr("value", "")
	form := url.Values{"rncp": {"RNCP35467"}, "niveau": {"5"}, "date_enregistrement": {"2025-01-15"},
		"date_fin_validite": {"2024-01-15"}, "mentions": {"Ligne 1\r\nLigne 2"}, "version": {version}}
	res, doc := e.postDoc(admin, "/admin/certifications/1", form)
	if res.StatusCode != 422 || !strings.Contains(text(doc.Find("#date_fin_validite-error")), "suivre") {
		t.Errorf("end before start: %d", res.StatusCode)
	}
	form.Set("date_fin_validite", "2030-01-15")
	if res := e.post(admin, "/admin/certifications/1", form); res.StatusCode != 303 {
		t.Fatalf("save: %d", res.StatusCode)
	}
	// The public référentiel page shows the registration.
	_, doc = e.get(e.client(), "/referentiel")
	if got := text(doc.Find("#rncp")); got != "RNCP35467" {
		t.Errorf("public page RNCP %q", got)
	}
	if got := text(doc.Find("#enregistrement")); !strings.Contains(got, "15 janvier 2025") || !strings.Contains(got, "15 janvier 2030") {
		t.Errorf("public page registration %q", got)
	}
	// A second save from the same (stale) form: 409, nothing lost.
	form.Set("niveau", "6")
	if res := e.post(admin, "/admin/certifications/1", form); res.StatusCode != 409 {
		t.Errorf("stale: %d", res.StatusCode)
	}
	// The journal has the change.
	entries, err := e.st.AuditLog(context.Background(), account.System, 20)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, en := range entries {
		found = found || en.Action == "certification.update"
	}
	if !found {
		t.Error("no journal entry certification.update")
	}
}

func TestIdentitePage(t *testing.T) {
	e := newEnv(t)
	f := newAccessFixtures(t, e)
	referent := e.login("referent@certif.demo")
	path := "/candidats/" + itoa64(f.candLyon) + "/identite"
	res, doc := e.get(referent, path)
	if res.StatusCode != 200 {
		t.Fatalf("form: %d", res.StatusCode)
	}
	form := url.Values{}
	doc.Find("form input").Each(func(_ int, s *goquery.Selection) {
		if n, ok := s.Attr("name"); ok {
			form.Set(n, s.AttrOr("value", ""))
		}
	})
	form.Set("sexe", doc.Find("select#sexe option[selected]").AttrOr("value", ""))
	form.Set("nom_usage", "Lambert")
	form.Set("adresse1", "5 rue Mercière")
	form.Set("code_postal", "69002")
	form.Set("ville", "Lyon")
	res = e.post(referent, path, form)
	if res.StatusCode != 303 {
		t.Fatalf("save: %d", res.StatusCode)
	}
	// The flash elides « de » before a vowel (« d’Élodie »).
	_, doc = e.get(referent, res.Header.Get("Location"))
	if got := text(doc.Find(".flash")); !regexp.MustCompile(`^L’identité (d’[AEIOUYÉÈÊHaeiouyéh]|de [^AEIOUYÉÈÊHaeiouyéh]).* a été enregistrée\.$`).MatchString(got) {
		t.Errorf("flash %q", got)
	}
	// The postal address is on the candidate's page.
	_, doc = e.get(referent, "/inscriptions/"+itoa64(f.insLyon))
	if got := text(doc.Find("#adresse-postale")); !strings.Contains(got, "5 rue Mercière") || !strings.Contains(got, "69002 Lyon") {
		t.Errorf("address shown %q", got)
	}
	// The stale form again: 409 showing the stored value beside the input.
	form.Set("nom_usage", "Autre")
	res, doc = e.postDoc(referent, path, form)
	if res.StatusCode != 409 || !strings.Contains(text(doc.Find("#nom_usage-theirs")), "Lambert") {
		t.Errorf("stale: %d %q", res.StatusCode, text(doc.Find("#nom_usage-theirs")))
	}
	// The journal names the correction; before and after are kept beside it (personal data).
	corrs, err := e.st.Corrections(context.Background(), account.System, f.candLyon)
	if err != nil || len(corrs) != 1 || corrs[0].Apres["nom_usage"] != "Lambert" || corrs[0].Avant["adresse"] == nil {
		t.Errorf("corrections %+v %v", corrs, err)
	}
	entries, err := e.st.AuditLog(context.Background(), account.System, 30)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if en.Action == "candidat.update" && strings.Contains(en.Detail, "Lambert") {
			t.Errorf("personal data in the journal: %s", en.Detail)
		}
	}
	// The admin's journal says « Correction d’identité » and links to the candidate.
	_, doc = e.get(e.login("admin@certif.demo"), "/admin/journal?operation=candidat.update")
	row := doc.Find("tbody tr").First()
	if what := text(row.Find("td").Eq(2)); what != "Correction d’identité" {
		t.Errorf("journal operation %q", what)
	}
	if href := row.Find("td").Eq(3).Find("a").AttrOr("href", ""); href != "/inscriptions/"+itoa64(f.insLyon) {
		t.Errorf("journal link %q, want the candidate's /inscriptions/%d", href, f.insLyon)
	}
	// Attacks: the référent of another centre, a formateur, the candidate themself.
	if res, _ := e.get(e.login("referent.nantes@certif.demo"), path); res.StatusCode != 404 {
		t.Errorf("other centre's référent: %d", res.StatusCode)
	}
	if res := e.post(e.login("formateur@certif.demo"), path, form); res.StatusCode != 403 {
		t.Errorf("formateur: %d", res.StatusCode)
	}
	if res := e.post(e.login("candidat@certif.demo"), "/candidats/"+itoa64(f.candLea)+"/identite", form); res.StatusCode != 403 {
		t.Errorf("candidate on the staff route: %d", res.StatusCode)
	}
}

// newFreshEnv is a server on an install without --demo: the référentiel, one admin, one
// centre with its référent and one candidate, and nothing else.
func newFreshEnv(t *testing.T) (*testEnv, int64) {
	st := storetest.Open(t)
	ctx := context.Background()
	ref, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.ImportReferentiel(ctx, account.System, ref)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := account.HashPassword("mot-de-passe-long-2026")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(ctx, account.System, &account.User{Email: "admin@exemple.fr", Nom: "Admin", Role: account.RoleAdmin}, hash); err != nil {
		t.Fatal(err)
	}
	centre := &account.Organisme{Nom: "Centre", SIRET: "51234567800019", HabilitationFormation: true}
	if err := st.CreateOrganisme(ctx, account.System, centre); err != nil {
		t.Fatal(err)
	}
	c := &candidat.Candidat{NomNaissance: "Neuf", Prenoms: []string{"Ana"}, Sexe: candidat.Femme, DateNaissance: time.Date(1995, 5, 6, 0, 0, 0, 0, time.UTC),
		CommuneNaissance: "Lyon", CommuneNaissanceCode: "69123", Email: "ana.neuf@exemple.fr"}
	ins := &candidat.Inscription{CertificationID: info.ID, CentreID: centre.ID, Voie: candidat.FormationContinue, Promotion: "P1", Date: time.Now()}
	if _, err := st.Inscrire(ctx, account.System, c, ins); err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: st, Blobs: blobs})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testEnv{t: t, st: st, srv: srv, ts: ts}, ins.ID
}

func TestFreshInstall(t *testing.T) {
	e, insID := newFreshEnv(t)
	admin := e.client()
	if res := e.post(admin, "/connexion", url.Values{"email": {"admin@exemple.fr"}, "password": {"mot-de-passe-long-2026"}}); res.StatusCode != 303 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	// The home lists what is left, with links.
	_, doc := e.get(admin, "/")
	if n := doc.Find("#setup li a").Length(); n != 3 { // certificateur, RNCP, référent (the centre exists)
		t.Errorf("setup steps to do: %d (%s)", n, text(doc.Find("#setup")))
	}
	if doc.Find(`#setup a[href="/admin/certificateur"]`).Length() != 1 {
		t.Error("no link to the certificateur page")
	}
	// A document asked for now: a French explanation, not a 500.
	res, doc := e.get(admin, "/inscriptions/"+itoa64(insID)+"/documents/livret.pdf")
	if res.StatusCode != http.StatusConflict || !strings.Contains(text(doc.Find("main")), "certificateur") || !strings.Contains(text(doc.Find("main")), "RNCP") {
		t.Errorf("document before setup: %d %s", res.StatusCode, text(doc.Find("main")))
	}
	// Name the certificateur (it did not exist: PUT creates it) and the registration.
	tok := e.adminToken("admin@exemple.fr")
	st, out := e.api("PUT", "/api/v1/certificateur", tok, `{"nom":"Certificateur SAS","siret":"89123456700008","adresse":"1 rue A\n75001 Paris","signataire_nom":"Jeanne Roy","signataire_qualite":"Présidente"}`)
	if st != 201 {
		t.Fatalf("create certificateur: %d %s", st, out)
	}
	enr, _ := e.st.Enregistrement(context.Background(), 1)
	if st, out := e.api("PATCH", "/api/v1/certifications/1", tok, fmt.Sprintf(`{"rncp":"RNCP35467","niveau":"5","version":%d}`, enr.Version)); st != 200 {
		t.Fatalf("registration: %d %s", st, out)
	}
	res, err := admin.Get(e.ts.URL + "/inscriptions/" + itoa64(insID) + "/documents/livret.pdf")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("document after setup: %d", res.StatusCode)
	}
	_, doc = e.get(admin, "/")
	if n := doc.Find("#setup li a").Length(); n != 1 { // the référent only
		t.Errorf("setup steps left: %d", n)
	}
}

// adminToken creates an API token for the account email.
func (e *testEnv) adminToken(email string) string { return e.token(email) }
