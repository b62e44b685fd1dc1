package web

import (
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
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/store"
)

// demoCentre returns the id of a demo centre by name.
func demoCentre(t *testing.T, e *testEnv, nom string) int64 {
	t.Helper()
	orgs, err := e.st.Organismes(t.Context(), account.System)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.Nom == nom {
			return o.ID
		}
	}
	t.Fatalf("no demo centre %q", nom)
	return 0
}

// demoInscriptions lists the non-VAE demo inscriptions of a centre.
func demoInscriptions(t *testing.T, e *testEnv, centre int64) []store.InscriptionRow {
	t.Helper()
	rows, err := e.st.Inscriptions(t.Context(), account.System, store.InscriptionFilter{CentreID: centre})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.InscriptionRow
	for _, r := range rows {
		if r.InTraining(nil) {
			out = append(out, r)
		}
	}
	if len(out) < 2 {
		t.Fatalf("centre %d: %d non-VAE inscriptions", centre, len(out))
	}
	return out
}

// TestEnrolmentInAnotherCentreNeverReturnsTheOtherRecord is issue 6, defect 1 through HTTP:
// Nantes' referent enrols someone with the identity of a Lyon candidate.
func TestEnrolmentInAnotherCentreNeverReturnsTheOtherRecord(t *testing.T) {
	e := newEnv(t)
	lyon := demoCentre(t, e, "Campus Numérique Lyon")
	var victim *store.InscriptionRow
	for _, r := range demoInscriptions(t, e, lyon) {
		if u, _, err := e.st.Credentials(t.Context(), r.Candidat.Email); err == nil && u.Role == account.RoleCandidat {
			victim = &r
			break
		}
	}
	if victim == nil {
		t.Fatal("no Lyon candidate with an account")
	}
	v := victim.Candidat
	body := fmt.Sprintf(`{"candidat":{"nom_naissance":%q,"prenoms":[%q],"sexe":%q,"date_naissance":%q,"commune_naissance_code":"44109","commune_naissance":"Nantes","email":"homonyme@exemple.fr"},
		"inscription":{"voie":"formation_continue","promotion":"NANTES-HOMONYME"}}`,
		v.NomNaissance, v.Prenoms[0], v.Sexe, v.DateNaissance.Format(time.DateOnly))
	tok := e.token("referent.nantes@certif.demo")
	status, out := e.api("POST", "/api/v1/candidats", tok, body)
	if status != http.StatusCreated {
		t.Fatalf("enrol: %d %s", status, out)
	}
	var got struct {
		Inscription struct {
			CandidatID int64 `json:"candidat_id"`
		} `json:"inscription"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Inscription.CandidatID == v.ID || strings.Contains(string(out), v.Email) {
		t.Fatalf("Nantes got Lyon's candidate back: %s", out)
	}
	if status, out := e.api("GET", fmt.Sprintf("/api/v1/candidats/%d", v.ID), tok, ""); status != http.StatusNotFound {
		t.Errorf("Nantes reads Lyon's candidate: %d %s", status, out)
	}
	nantes := e.login("referent.nantes@certif.demo")
	for _, promo := range []string{"NANTES-HOMONYME", victim.Promotion} {
		res := e.post(nantes, "/promotions/"+url.PathEscape(promo)+"/activations.csv", url.Values{})
		csv, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || strings.Contains(string(csv), v.Email) {
			t.Errorf("activations.csv of %s for Nantes (%d) holds Lyon's candidate: %s", promo, res.StatusCode, csv)
		}
		if promo == "NANTES-HOMONYME" && !strings.Contains(string(csv), "homonyme@exemple.fr") {
			t.Errorf("activations.csv misses Nantes' own candidate: %s", csv)
		}
	}
}

// TestNestedRoutesCheckTheParent is issue 6, defect 7: a child id (stage, séance, evaluation
// corrected) given under another inscription's route is 404 (422 for a form field) and
// changes nothing.
func TestNestedRoutesCheckTheParent(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	lyon := demoCentre(t, e, "Campus Numérique Lyon")
	rows := demoInscriptions(t, e, lyon)
	admin := e.login("admin@certif.demo")
	var owner, other int64
	var stage store.Stage
	for _, r := range rows {
		st, err := e.st.Stages(ctx, account.System, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) > 0 && owner == 0 {
			owner, stage = r.ID, st[0]
		} else if other == 0 {
			other = r.ID
		}
	}
	if owner == 0 || other == 0 {
		t.Fatal("no demo stage")
	}
	res := e.post(admin, fmt.Sprintf("/inscriptions/%d/stage", other), url.Values{"stage_id": {itoa64(stage.ID)}, "version": {itoa64(stage.Version)},
		"entreprise": {"Détournée"}, "tuteur_nom": {"X"}, "tuteur_email": {"x@exemple.fr"}, "debut": {"2026-01-05"}, "fin": {"2026-02-05"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("stage of %d through %d: %d", owner, other, res.StatusCode)
	}
	if res := e.post(admin, fmt.Sprintf("/inscriptions/%d/stage/%d/lien", other, stage.ID), url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("stage link through another inscription: %d", res.StatusCode)
	}
	if st, _ := e.st.Stages(ctx, account.System, owner); st[0].Entreprise != stage.Entreprise || st[0].Version != stage.Version {
		t.Errorf("stage changed: %+v", st[0])
	}

	se := firstSeance(t, e, rows)
	path := fmt.Sprintf("/inscriptions/%d/planning/%d", otherThan(rows, se.InscriptionID), se.ID)
	res = e.post(admin, path, url.Values{"module": {itoa64(se.ModuleID)}, "version": {itoa64(se.Version)},
		"debut": {"2026-01-05"}, "fin": {"2026-01-06"}, "heures_prevues": {"1"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("séance through another inscription: %d", res.StatusCode)
	}
	if res := e.post(admin, path+"/supprimer", url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("séance deleted through another inscription: %d", res.StatusCode)
	}
	if after := firstSeance(t, e, rows); after.ID != se.ID || after.Version != se.Version {
		t.Errorf("séance changed: %+v", after)
	}

	// A correction names the entry it replaces: one of another inscription is refused.
	var ev livret.Evaluation
	for _, r := range rows {
		if evals, _ := e.st.Evaluations(ctx, account.System, r.ID); len(evals) > 0 {
			ev = evals[0]
			break
		}
	}
	if ev.ID == 0 {
		t.Fatal("no demo evaluation")
	}
	target := otherThan(rows, ev.InscriptionID)
	before, _ := e.st.Evaluations(ctx, account.System, target)
	res = e.post(admin, fmt.Sprintf("/inscriptions/%d/evaluations", target), url.Values{"remplace": {itoa64(ev.ID)},
		"competence": {ev.Competences[0]}, "forme": {string(ev.Forme)}, "date": {"2026-01-05"}, "commentaire": {"x"}})
	if res.StatusCode == http.StatusSeeOther {
		t.Errorf("correction of another inscription's evaluation accepted")
	}
	// The same through the API.
	status, out := e.api("POST", fmt.Sprintf("/api/v1/inscriptions/%d/evaluations", target), e.token("admin@certif.demo"),
		fmt.Sprintf(`{"competence":%q,"forme":%q,"commentaire":"x","remplace":%d}`, ev.Competences[0], ev.Forme, ev.ID))
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(out), `"remplace"`) {
		t.Errorf("API correction through another inscription: %d %s", status, out)
	}
	if after, _ := e.st.Evaluations(ctx, account.System, target); len(after) != len(before) {
		t.Errorf("evaluations of %d: %d → %d", target, len(before), len(after))
	}

	// A project is named by its bloc under its inscription: deciding through another
	// inscription finds no project there and leaves the real one pending (the référent
	// decides: seed 5-1).
	referent := e.login("referent@certif.demo")
	for _, r := range rows {
		pr, _ := e.st.Projets(ctx, account.System, r.ID)
		for _, p := range pr {
			if p.Decision != "" {
				continue
			}
			for _, o := range rows {
				if op, _ := e.st.Projets(ctx, account.System, o.ID); o.ID != r.ID && len(op) == 0 {
					res := e.post(referent, fmt.Sprintf("/inscriptions/%d/projets/%s/decision", o.ID, p.Bloc), url.Values{"decision": {"valide"}})
					if res.StatusCode != http.StatusUnprocessableEntity {
						t.Errorf("decision through another inscription: %d", res.StatusCode)
					}
					again, _ := e.st.Projets(ctx, account.System, r.ID)
					for _, a := range again {
						if a.Bloc == p.Bloc && a.Decision != "" {
							t.Errorf("project of %d decided through %d", r.ID, o.ID)
						}
					}
					return
				}
			}
		}
	}
	t.Log("no pending demo project: decision route not exercised")
}

func firstSeance(t *testing.T, e *testEnv, rows []store.InscriptionRow) store.SeanceRow {
	t.Helper()
	for _, r := range rows {
		if ses, _ := e.st.Seances(t.Context(), account.System, r.ID); len(ses) > 0 {
			return ses[0]
		}
	}
	t.Fatal("no demo séance")
	return store.SeanceRow{}
}

func otherThan(rows []store.InscriptionRow, id int64) int64 {
	for _, r := range rows {
		if r.ID != id {
			return r.ID
		}
	}
	return 0
}

// TestStatusFormOffersOnlyAllowedStatuses: a referent could certify a candidate with no jury.
func TestStatusFormOffersOnlyAllowedStatuses(t *testing.T) {
	e := newEnv(t)
	rows := demoInscriptions(t, e, demoCentre(t, e, "Campus Numérique Lyon"))
	var ins store.InscriptionRow
	for _, r := range rows {
		if r.Statut == candidat.EnFormation {
			ins = r
			break
		}
	}
	if ins.ID == 0 {
		t.Fatal("no demo inscription en formation")
	}
	ref := e.login("referent@certif.demo")
	_, doc := e.get(ref, fmt.Sprintf("/inscriptions/%d", ins.ID))
	var offered []string
	doc.Find("#statut-select option").Each(func(_ int, s *goquery.Selection) { offered = append(offered, s.AttrOr("value", "")) })
	if strings.Join(offered, ",") != "en_formation,dossier_en_preparation,abandon" {
		t.Errorf("offered statuses = %v", offered)
	}
	res, doc := e.postDoc(ref, fmt.Sprintf("/inscriptions/%d/statut", ins.ID), url.Values{"statut": {"certifie"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc.Find("#statut-error")), "délibération du jury") {
		t.Errorf("certifié by the referent: %d %q", res.StatusCode, text(doc.Find("#statut-error")))
	}
	if got, _ := e.st.Inscription(t.Context(), account.System, ins.ID); got.Statut != candidat.EnFormation {
		t.Errorf("statut = %s", got.Statut)
	}
	if res := e.post(ref, fmt.Sprintf("/inscriptions/%d/statut", ins.ID), url.Values{"statut": {"dossier_en_preparation"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("allowed move: %d", res.StatusCode)
	}
}

// TestConcurrentEditsKeepTheSecondInput: two people open the same form; the second save is a
// 409 that shows who changed it, keeps the second person's input and shows the current values.
func TestConcurrentEditsKeepTheSecondInput(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@certif.demo")
	ref := e.login("referent@certif.demo")
	lyon := demoCentre(t, e, "Campus Numérique Lyon")

	// Centres (admin pages): two tabs of the same admin.
	_, doc := e.get(admin, fmt.Sprintf("/admin/centres/%d", lyon))
	version := doc.Find(`input[name="version"]`).AttrOr("value", "")
	form := func(nom string) url.Values {
		return url.Values{"nom": {nom}, "siret": {doc.Find("#siret").AttrOr("value", "")}, "habilitation_formation": {"1"}, "active": {"1"}, "version": {version}}
	}
	if res := e.post(admin, fmt.Sprintf("/admin/centres/%d", lyon), form("Campus Lyon Part-Dieu")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", res.StatusCode)
	}
	res, doc2 := e.postDoc(admin, fmt.Sprintf("/admin/centres/%d", lyon), form("Campus Lyon Confluence"))
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second save: %d", res.StatusCode)
	}
	if got := text(doc2.Find("#conflict")); !strings.Contains(got, "Modifié entre-temps par Claire Martin") {
		t.Errorf("conflict notice %q", got)
	}
	if doc2.Find("#nom").AttrOr("value", "") != "Campus Lyon Confluence" || !strings.Contains(text(doc2.Find("#nom-theirs")), "Campus Lyon Part-Dieu") {
		t.Errorf("input %q, theirs %q", doc2.Find("#nom").AttrOr("value", ""), text(doc2.Find("#nom-theirs")))
	}
	// Saving again from the re-rendered form (it carries the current version) replaces it.
	again := form("Campus Lyon Confluence")
	again.Set("version", doc2.Find(`input[name="version"]`).AttrOr("value", ""))
	if res := e.post(admin, fmt.Sprintf("/admin/centres/%d", lyon), again); res.StatusCode != http.StatusSeeOther {
		t.Errorf("deliberate save after the conflict: %d", res.StatusCode)
	}

	// Stage: the referent and the admin edit the same internship.
	rows := demoInscriptions(t, e, lyon)
	var insID int64
	for _, r := range rows {
		if st, _ := e.st.Stages(t.Context(), account.System, r.ID); len(st) > 0 {
			insID = r.ID
			break
		}
	}
	stagePath := fmt.Sprintf("/inscriptions/%d/stage", insID)
	_, docA := e.get(ref, stagePath)
	_, docB := e.get(admin, stagePath)
	values := func(d *goquery.Document, entreprise string) url.Values {
		v := url.Values{}
		for _, k := range []string{"stage_id", "version", "entreprise_siret", "tuteur_nom", "tuteur_email", "debut", "fin"} {
			v.Set(k, d.Find(`form [name="`+k+`"]`).AttrOr("value", ""))
		}
		v.Set("entreprise", entreprise)
		return v
	}
	if res := e.post(ref, stagePath, values(docA, "Agence du référent")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first stage save: %d", res.StatusCode)
	}
	res, docB2 := e.postDoc(admin, stagePath, values(docB, "Agence de l'admin"))
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second stage save: %d", res.StatusCode)
	}
	if !strings.Contains(text(docB2.Find("#conflict")), "Julien Bernard") ||
		docB2.Find("#entreprise").AttrOr("value", "") != "Agence de l'admin" ||
		!strings.Contains(text(docB2.Find("#entreprise-theirs")), "Agence du référent") {
		t.Errorf("stage conflict: %q / %q / %q", text(docB2.Find("#conflict")), docB2.Find("#entreprise").AttrOr("value", ""), text(docB2.Find("#entreprise-theirs")))
	}

	// Séance (the planning's edit form) and module: the same for the referent and the admin.
	se := firstSeance(t, e, rows)
	planPath := fmt.Sprintf("/inscriptions/%d/planning", se.InscriptionID)
	_, docA = e.get(ref, fmt.Sprintf("%s?modifier=%d", planPath, se.ID))
	_, docB = e.get(admin, fmt.Sprintf("%s?modifier=%d", planPath, se.ID))
	seance := func(d *goquery.Document, heures string) url.Values {
		v := url.Values{"module": {d.Find("#module option[selected]").AttrOr("value", "")}}
		for _, k := range []string{"version", "debut", "fin", "heures_realisees"} {
			v.Set(k, d.Find(`#seance-form [name="`+k+`"]`).AttrOr("value", ""))
		}
		v.Set("heures_prevues", heures)
		return v
	}
	action := docA.Find("#seance-form form").AttrOr("action", "")
	if action != fmt.Sprintf("%s/%d", planPath, se.ID) {
		t.Fatalf("séance edit form posts to %q", action)
	}
	if res := e.post(ref, action, seance(docA, "12")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first séance save: %d", res.StatusCode)
	}
	res, docB2 = e.postDoc(admin, action, seance(docB, "13,5"))
	if res.StatusCode != http.StatusConflict || docB2.Find("#heures_prevues").AttrOr("value", "") != "13,5" ||
		!strings.Contains(text(docB2.Find("#heures_prevues-theirs")), "12") || text(docB2.Find("#conflict")) == "" {
		t.Errorf("séance conflict: %d %q %q", res.StatusCode, docB2.Find("#heures_prevues").AttrOr("value", ""), text(docB2.Find("#heures_prevues-theirs")))
	}

	mods, err := e.st.Modules(t.Context(), account.System, lyon)
	if err != nil || len(mods) == 0 {
		t.Fatalf("modules: %v", err)
	}
	modPath := fmt.Sprintf("/modules?centre=%d&modifier=%d", lyon, mods[0].ID)
	_, docA = e.get(ref, modPath)
	_, docB = e.get(admin, modPath)
	module := func(d *goquery.Document, intitule string) url.Values {
		v := url.Values{"intitule": {intitule}, "heures": {d.Find("#heures").AttrOr("value", "")}, "active": {"1"},
			"centre": {itoa64(lyon)}, "version": {d.Find(`#module-form [name="version"]`).AttrOr("value", "")}}
		d.Find(`#module-form input[name="competences"][checked]`).Each(func(_ int, s *goquery.Selection) { v.Add("competences", s.AttrOr("value", "")) })
		return v
	}
	modAction := fmt.Sprintf("/modules/%d", mods[0].ID)
	if res := e.post(ref, modAction, module(docA, "Module du référent")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first module save: %d", res.StatusCode)
	}
	res, docB2 = e.postDoc(admin, modAction, module(docB, "Module de l'admin"))
	if res.StatusCode != http.StatusConflict || docB2.Find("#intitule").AttrOr("value", "") != "Module de l'admin" ||
		!strings.Contains(text(docB2.Find("#intitule-theirs")), "Module du référent") {
		t.Errorf("module conflict: %d %q %q", res.StatusCode, docB2.Find("#intitule").AttrOr("value", ""), text(docB2.Find("#intitule-theirs")))
	}

	// Accounts (admin pages).
	u, _, _ := e.st.Credentials(t.Context(), "formateur@certif.demo")
	userPath := fmt.Sprintf("/admin/utilisateurs/%d", u.ID)
	_, docA = e.get(admin, userPath)
	accountForm := func(d *goquery.Document, nom string) url.Values {
		v := url.Values{"nom": {nom}, "role": {"formateur"}, "lang": {"fr"}, "active": {"1"}, "centre": {itoa64(u.CentreID)}}
		for _, k := range []string{"email", "prenom", "version"} {
			v.Set(k, d.Find(`form [name="`+k+`"]`).AttrOr("value", ""))
		}
		return v
	}
	first := accountForm(docA, "Petit-Durand")
	first.Del("active") // the first admin deactivates the account
	if res := e.post(admin, userPath, first); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first account save: %d", res.StatusCode)
	}
	res, docB2 = e.postDoc(admin, userPath, accountForm(docA, "Petit-Martin"))
	if res.StatusCode != http.StatusConflict || docB2.Find("#nom").AttrOr("value", "") != "Petit-Martin" ||
		!strings.Contains(text(docB2.Find("#nom-theirs")), "Petit-Durand") {
		t.Errorf("account conflict: %d %q %q", res.StatusCode, docB2.Find("#nom").AttrOr("value", ""), text(docB2.Find("#nom-theirs")))
	}
	if got := text(docB2.Find("#active-theirs")); !strings.Contains(got, "Désactivé") || docB2.Find(`input[name="active"][checked]`).Length() != 1 {
		t.Errorf("account active: theirs %q, own input kept: %d", got, docB2.Find(`input[name="active"][checked]`).Length())
	}
	if docB2.Find("#role-theirs").Length() != 0 {
		t.Error("an unchanged field shows a current value")
	}
}
