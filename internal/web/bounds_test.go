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

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// engines runs fn on a server over SQLite, and over PostgreSQL when CERTIF_TEST_POSTGRES is set.
func engines(t *testing.T, fn func(t *testing.T, e *testEnv)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newEnv(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, newEnvOn(t, storetest.OpenPostgres(t, store.Options{}))) })
}

// TestNULAndControlCharactersNeverReachTheDatabase: on PostgreSQL a NUL byte in any text
// (the login form, the enrolment form, a JSON body, a query, a path) was a 500; every text is
// now cleaned at the edge and the cleaned value is stored.
func TestNULAndControlCharactersNeverReachTheDatabase(t *testing.T) {
	engines(t, func(t *testing.T, e *testEnv) {
		// The login form: a wrong password, whatever the e-mail holds, is a 401.
		res := e.post(e.client(), "/connexion", url.Values{"email": {"referent@certif.demo\x00"}, "password": {"faux\x00"}})
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("login with a NUL byte: status %d, want 401", res.StatusCode)
		}

		// The enrolment form.
		referent := e.login("referent@certif.demo")
		res, doc := e.postDoc(referent, "/candidats", url.Values{
			"nom_naissance": {"Dur\x00and\x07"}, "prenom1": {"Zoé\x1b"}, "sexe": {"F"}, "date_naissance": {"02/04/1999"},
			"commune_naissance": {"Lyon\x00"}, "commune_naissance_code": {"69123"}, "email": {"zoe.durand\x00@exemple.fr"},
			"adresse1": {"1 rue\x00 de la Paix"}, "voie": {"formation_continue"}, "promotion": {"CM\x00-2027"}, "date_inscription": {"04/09/2026"},
		})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("enrolment with NUL bytes: status %d: %s", res.StatusCode, text(doc.Find("main")))
		}
		rows, err := e.st.Inscriptions(context.Background(), account.System, store.InscriptionFilter{Query: "Durand", Limit: 10})
		if err != nil || len(rows) != 1 {
			t.Fatalf("enrolled candidate: %v, %d rows", err, len(rows))
		}
		c := rows[0].Candidat
		if c.NomNaissance != "Durand" || c.Prenoms[0] != "Zoé" || c.Email != "zoe.durand@exemple.fr" || c.Adresse.Ligne1 != "1 rue de la Paix" || rows[0].Promotion != "CM-2027" {
			t.Errorf("stored: %q %q %q %q %q", c.NomNaissance, c.Prenoms, c.Email, c.Adresse.Ligne1, rows[0].Promotion)
		}

		// A JSON body: strings at any depth, map keys included; a comment keeps its lines.
		tok := e.token("referent@certif.demo")
		status, body := e.api("POST", "/api/v1/candidats", tok, `{"candidat":{"nom_naissance":"Mar\u0000tin","prenoms":["L\u0000éa"],"sexe":"F","date_naissance":"1998-03-12",
			"commune_naissance":"Lyon","commune_naissance_code":"69123","email":"lea.martin@exemple.fr","adresse":{"ville":"Ly\u0000on"}},
			"inscription":{"voie":"formation_continue","promotion":"CM-2027\u0000","date":"2026-09-04"}}`)
		if status != http.StatusCreated {
			t.Fatalf("JSON enrolment with NUL bytes: %d %s", status, body)
		}
		var enr struct{ Inscription apiInscription }
		_ = json.Unmarshal(body, &enr)
		if enr.Inscription.Candidat != "Léa Martin" || enr.Inscription.Promotion != "CM-2027" {
			t.Errorf("JSON enrolment stored %q in %q", enr.Inscription.Candidat, enr.Inscription.Promotion)
		}
		formateur := e.token("formateur@certif.demo")
		ins := itoa64(enr.Inscription.ID)
		status, body = e.api("POST", "/api/v1/inscriptions/"+ins+"/evaluations", formateur,
			`{"competence":"C1.1\u0000","date":"2026-10-01","criteres":{"C1.1.1\u0000":"acquis"},"commentaire":"Ligne 1\u0000\r\nLigne\t2"}`)
		if status != http.StatusCreated {
			t.Fatalf("evaluation with NUL bytes: %d %s", status, body)
		}
		var ev apiEvaluation
		_ = json.Unmarshal(body, &ev)
		if ev.Commentaire != "Ligne 1\nLigne\t2" || ev.Criteres["C1.1.1"] != "acquis" {
			t.Errorf("evaluation stored %q %v", ev.Commentaire, ev.Criteres)
		}

		// An imported file (one holding a NUL byte is refused as binary by the reader).
		csv := "Nom de naissance;Prénoms;Sexe;Date de naissance;Code commune de naissance;Commune de naissance;E-mail;Voie d'accès\n" +
			"Ber\x1bnard;Jules\x01;M;01/02/1990;69123;Lyon;jules.bernard@exemple.fr;formation continue\n"
		status, body = e.api("POST", "/api/v1/import/candidats", tok, csv)
		if status != http.StatusOK {
			t.Fatalf("import with control characters: %d %s", status, body)
		}
		if rows, err := e.st.Inscriptions(context.Background(), account.System, store.InscriptionFilter{Query: "Bernard", Limit: 10}); err != nil || len(rows) != 1 || rows[0].Candidat.Prenoms[0] != "Jules" {
			t.Errorf("imported candidate: %v %v", err, rows)
		}

		// A query and a path.
		res, _ = e.get(referent, "/candidats?q=Dur%00and")
		if res.StatusCode != http.StatusOK {
			t.Errorf("search with a NUL byte: status %d", res.StatusCode)
		}
		res, _ = e.get(referent, "/promotions/CM%00-2027/releves.pdf")
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("promotion path with a NUL byte: status %d, want 404", res.StatusCode)
		}
	})
}

// TestEvaluationListsAreBounded: an evaluation listing one compétence 100,000 times was
// accepted, could never be removed, and made every later livret 14,673 pages long. The list
// is now deduplicated and capped to the référentiel, and the livret stays small.
func TestEvaluationListsAreBounded(t *testing.T) {
	e := newEnv(t)
	referent, formateur := e.token("referent@certif.demo"), e.token("formateur@certif.demo")
	status, body := e.api("POST", "/api/v1/candidats", referent, `{"candidat":{"nom_naissance":"Petitjean","prenoms":["Élise"],"sexe":"F","date_naissance":"1999-04-02",
		"commune_naissance":"Lyon","commune_naissance_code":"69123","email":"elise.petitjean@exemple.fr"},
		"inscription":{"voie":"formation_continue","promotion":"CM-2027-B","date":"2026-09-04"}}`)
	if status != http.StatusCreated {
		t.Fatalf("enrolment: %d %s", status, body)
	}
	var enr struct{ Inscription apiInscription }
	_ = json.Unmarshal(body, &enr)
	ins := itoa64(enr.Inscription.ID)

	many := `"C1.1"` + strings.Repeat(`,"C1.1"`, 99_999)
	status, body = e.api("POST", "/api/v1/inscriptions/"+ins+"/evaluations", formateur,
		`{"competences":[`+many+`],"date":"2026-10-01","criteres":{"C1.1.1":"acquis"}}`)
	if status != http.StatusCreated {
		t.Fatalf("100,000 × C1.1: %d %.300s", status, body)
	}
	var ev apiEvaluation
	_ = json.Unmarshal(body, &ev)
	if len(ev.Competences) != 1 {
		t.Fatalf("100,000 × C1.1 stored as %d compétences, want 1", len(ev.Competences))
	}

	// More distinct compétences than the référentiel has, or more critères than it has: one
	// message per list, not one per item.
	var codes, crits []string
	for i := range 500 {
		codes = append(codes, fmt.Sprintf(`"X%d"`, i))
		crits = append(crits, fmt.Sprintf(`"C1.1.%d":"acquis"`, i+10))
	}
	for _, tc := range []struct{ body, field string }{
		{`{"competences":[` + strings.Join(codes, ",") + `],"date":"2026-10-01","criteres":{"C1.1.1":"acquis"}}`, "competence"},
		{`{"competence":"C1.1","date":"2026-10-01","criteres":{` + strings.Join(crits, ",") + `}}`, "criteres"},
	} {
		status, body = e.api("POST", "/api/v1/inscriptions/"+ins+"/evaluations", formateur, tc.body)
		var apiErr struct {
			Error struct{ Fields map[string]string }
		}
		_ = json.Unmarshal(body, &apiErr)
		if status != http.StatusUnprocessableEntity || len(apiErr.Error.Fields) > 3 || apiErr.Error.Fields[tc.field] == "" {
			t.Errorf("oversized %s list: %d, fields %v", tc.field, status, apiErr.Error.Fields)
		}
	}

	// An entry saved before the fix, 100,000 × C1.1 in the database itself, prints once.
	polluted, _ := json.Marshal(strings.Split(strings.Repeat("C1.1,", 100_000)[:5*100_000-1], ","))
	if _, err := e.st.DB().Exec(`INSERT INTO evaluations (inscription_id, competences, forme, date_evaluation, evaluateur_id, criteres,
		score, bareme, seuil, commentaire, remplace_id, created_at, created_by)
		SELECT inscription_id, ?, forme, date_evaluation, evaluateur_id, criteres, score, bareme, seuil, commentaire, remplace_id, created_at, created_by
		FROM evaluations WHERE id = ?`, string(polluted), ev.ID); err != nil {
		t.Fatal(err)
	}
	status, body = e.api("GET", "/api/v1/inscriptions/"+ins+"/evaluations", formateur, "")
	var evs []apiEvaluation
	if err := json.Unmarshal(body, &evs); status != http.StatusOK || err != nil || len(evs) != 2 || len(evs[1].Competences) != 1 {
		t.Fatalf("evaluations with an old polluted entry: %d %v %d entries", status, err, len(evs))
	}

	c := e.login("referent@certif.demo")
	res, err := c.Get(e.ts.URL + "/inscriptions/" + ins + "/documents/livret.pdf")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	pdf, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || len(pdf) > 1<<20 {
		t.Errorf("livret after 100,000 × C1.1: status %d, %d bytes", res.StatusCode, len(pdf))
	}
}

// TestInTrainingFollowsTheReferentielData: R2 is decided by the référentiel's voies_acces. A
// version saying apprentissage has no in-training evaluation makes an apprentice's inscription
// livret-less everywhere: status, API summary, evaluation refused, livret page and PDF.
func TestInTrainingFollowsTheReferentielData(t *testing.T) {
	e := newEnv(t)
	ref, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	for i := range ref.Voies {
		if ref.Voies[i].Code == "apprentissage" {
			ref.Voies[i].EvaluationFormation = false
		}
	}
	if _, err := e.st.ImportReferentiel(context.Background(), account.System, ref); err != nil {
		t.Fatal(err)
	}
	referent, formateur := e.token("referent@certif.demo"), e.token("formateur@certif.demo")
	status, body := e.api("POST", "/api/v1/candidats", referent, `{"candidat":{"nom_naissance":"Apprenti","prenoms":["Jean"],"sexe":"M","date_naissance":"2000-04-02",
		"commune_naissance":"Lyon","commune_naissance_code":"69123","email":"jean.apprenti@exemple.fr"},
		"inscription":{"voie":"apprentissage","promotion":"CM-2027-B","date":"2026-09-04"}}`)
	if status != http.StatusCreated {
		t.Fatalf("enrolment: %d %s", status, body)
	}
	var enr struct{ Inscription apiInscription }
	_ = json.Unmarshal(body, &enr)
	ins := itoa64(enr.Inscription.ID)
	if enr.Inscription.Statut != "dossier_en_preparation" || enr.Inscription.Livret != nil {
		t.Errorf("apprentice without in-training evaluation: statut %q, livret %v", enr.Inscription.Statut, enr.Inscription.Livret)
	}
	if status, body = e.api("POST", "/api/v1/inscriptions/"+ins+"/evaluations", formateur,
		`{"competence":"C1.1","date":"2026-10-01","criteres":{"C1.1.1":"acquis"}}`); status != http.StatusUnprocessableEntity {
		t.Errorf("evaluation of an apprentice without in-training evaluation: %d %s", status, body)
	}
	c := e.login("referent@certif.demo")
	if _, doc := e.get(c, "/inscriptions/"+ins+"/livret"); doc.Find("#vae-notice").Length() != 1 {
		t.Error("the livret page does not say there is no livret")
	}
	if res, _ := e.get(c, "/inscriptions/"+ins+"/documents/livret.pdf"); res.StatusCode == http.StatusOK {
		t.Error("a livret PDF was produced")
	}
}
