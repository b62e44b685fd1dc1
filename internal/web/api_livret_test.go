package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// exerciseLivretAPI walks the issue-3 API: enrolment, livret, projects, import, documents.
func exerciseLivretAPI(t *testing.T, e *testEnv, call func(method, path, token, body string, want int) []byte) {
	t.Helper()
	referent, formateur, candidatTok := e.token("referent@certif.demo"), e.token("formateur@certif.demo"), e.token("candidat@certif.demo")
	nantes := e.token("referent.nantes@certif.demo")

	call("GET", "/api/v1/candidats?promotion=CM-2026-A", referent, "", 200)
	out := call("POST", "/api/v1/candidats", referent, `{"candidat":{"nom_naissance":"Petitjean","prenoms":["Élise","Marie"],"sexe":"F","date_naissance":"1999-04-02",
		"commune_naissance":"Lyon","commune_naissance_code":"69123","email":"elise.petitjean@exemple.fr"},
		"inscription":{"voie":"formation_continue","promotion":"CM-2027-B","date":"2026-09-04"}}`, 201)
	var enr struct {
		Inscription apiInscription
		Activation  string
	}
	if err := json.Unmarshal(out, &enr); err != nil || !strings.Contains(enr.Activation, "/activation/") {
		t.Fatalf("enrolment: %v %s", err, out)
	}
	ins := itoa64(enr.Inscription.ID)
	call("POST", "/api/v1/candidats", referent, `{"candidat":{"nom_naissance":"","prenoms":[],"sexe":"X","email":"non"},"inscription":{"voie":"vae"}}`, 422)
	call("POST", "/api/v1/candidats", formateur, `{"candidat":{},"inscription":{}}`, 403)
	call("GET", "/api/v1/candidats/"+itoa64(enr.Inscription.CandidatID), referent, "", 200)
	call("GET", "/api/v1/candidats/"+itoa64(enr.Inscription.CandidatID), nantes, "", 404)
	call("POST", "/api/v1/inscriptions", referent, fmt.Sprintf(`{"candidat_id":%d,"voie":"vae","type_vae":"conge_vae","promotion":"VAE-2027"}`, enr.Inscription.CandidatID), 201)
	call("POST", "/api/v1/inscriptions", referent, `{"voie":"vae"}`, 422)

	out = call("POST", "/api/v1/inscriptions/"+ins+"/evaluations", formateur, `{"competence":"C1.4","date":"2026-10-01","criteres":{"C1.4.1":"acquis","C1.4.2":"non_acquis"},"score":14,"bareme":20,"seuil":10,"commentaire":"Bon quiz."}`, 201)
	var ev apiEvaluation
	_ = json.Unmarshal(out, &ev)
	if ev.Forme != "quiz" {
		t.Errorf("forme should default to the référentiel's (quiz): %q", ev.Forme)
	}
	call("POST", "/api/v1/inscriptions/"+ins+"/evaluations", formateur, fmt.Sprintf(`{"competence":"C1.4","date":"2026-10-11","criteres":{"C1.4.1":"acquis","C1.4.2":"acquis"},"remplace":%d}`, ev.ID), 201)
	call("POST", "/api/v1/inscriptions/"+ins+"/evaluations", formateur, fmt.Sprintf(`{"competence":"C1.4","date":"2026-10-12","criteres":{"C1.4.1":"acquis"},"remplace":%d}`, ev.ID), 422)
	call("POST", "/api/v1/inscriptions/"+ins+"/evaluations", formateur, `{"competence":"C1.4","date":"2026-10-01","criteres":{"C2.1.1":"acquis"}}`, 422)
	call("POST", "/api/v1/inscriptions/"+ins+"/evaluations", nantes, `{"competence":"C1.4","date":"2026-10-01","criteres":{"C1.4.1":"acquis"}}`, 404)
	out = call("GET", "/api/v1/inscriptions/"+ins+"/evaluations", referent, "", 200)
	var evs []apiEvaluation
	_ = json.Unmarshal(out, &evs)
	if len(evs) != 2 || evs[0].RemplaceePar == 0 {
		t.Errorf("history: %s", out)
	}
	out = call("GET", "/api/v1/inscriptions/"+ins, referent, "", 200)
	var got apiInscription
	_ = json.Unmarshal(out, &got)
	// 2 of the 5 critères of C1.4 acquired: en cours until the 3 others are (R4).
	if got.Livret == nil || len(got.Livret.Blocs) != 3 || got.Livret.Blocs[0].Competences[3].Etat != "en_cours" {
		t.Errorf("livret summary: %s", out)
	}
	call("POST", "/api/v1/inscriptions/"+ins+"/evaluations", formateur, `{"competence":"C1.4","date":"2026-10-12","criteres":{"C1.4.3":"acquis","C1.4.4":"acquis","C1.4.5":"acquis"}}`, 201)
	out = call("GET", "/api/v1/inscriptions/"+ins, referent, "", 200)
	got = apiInscription{}
	_ = json.Unmarshal(out, &got)
	if got.Livret == nil || got.Livret.Blocs[0].Competences[3].Etat != "acquise" {
		t.Errorf("livret summary once every critère is acquired: %s", out)
	}
	call("POST", "/api/v1/inscriptions/"+ins+"/blocs/BC01/projet", referent, `{"titre":"Veille et stratégie pour une PME","url":"https://exemple.fr"}`, 201)
	call("POST", "/api/v1/inscriptions/"+ins+"/blocs/BC01/projet/decision", formateur, `{"decision":"valide"}`, 403)
	call("POST", "/api/v1/inscriptions/"+ins+"/blocs/BC01/projet/decision", referent, `{"decision":"refuse"}`, 422)
	call("POST", "/api/v1/inscriptions/"+ins+"/blocs/BC01/projet/decision", referent, `{"decision":"valide","commentaire":"Très bien."}`, 200)

	// VAE: no livret, a clear message.
	vae := findInscription(t, e, referent, "Chevalier")
	out = call("POST", "/api/v1/inscriptions/"+vae+"/evaluations", formateur, `{"competence":"C1.1","date":"2026-10-01","criteres":{"C1.1.1":"acquis"}}`, 422)
	if !strings.Contains(string(out), "VAE") {
		t.Errorf("VAE refusal: %s", out)
	}
	call("GET", "/api/v1/inscriptions/"+vae, referent, "", 200)
	call("GET", "/api/v1/inscriptions/"+vae+"/documents/livret.pdf", referent, "", 422)

	lea := findInscription(t, e, referent, "Moreau")
	call("GET", "/api/v1/inscriptions/"+lea+"/documents/releve.pdf", candidatTok, "", 200)
	call("GET", "/api/v1/inscriptions/"+ins+"/documents/livret.pdf", candidatTok, "", 404)

	csv := "\ufeffNom de naissance;Prénom;Sexe;Date de naissance;Commune de naissance;Code INSEE;E-mail;Voie d'accès;Promotion\r\n" +
		"Garnier;Inès;F;02/05/1999;Lyon;69123;ines.garnier@exemple.fr;formation continue;CM-2027-C\r\n" +
		"Roux;Paul;M;31/02/1998;Lyon;69123;paul.roux@exemple.fr;formation continue;CM-2027-C\r\n"
	out = call("POST", "/api/v1/import/candidats", referent, csv, 422)
	if !strings.Contains(string(out), `"ligne":3`) {
		t.Errorf("import errors by line: %s", out)
	}
	csv = strings.Replace(csv, "31/02/1998", "28/02/1998", 1)
	out = call("POST", "/api/v1/import/candidats", referent, csv, 200)
	if !strings.Contains(string(out), `"created":2`) {
		t.Errorf("import: %s", out)
	}
	out = call("POST", "/api/v1/import/candidats", referent, csv, 200)
	if !strings.Contains(string(out), `"existing":2`) {
		t.Errorf("re-import: %s", out)
	}
}

// findInscription returns the id of the first inscription of the demo promotion whose
// candidate's birth name is nom.
func findInscription(t *testing.T, e *testEnv, token, nom string) string {
	t.Helper()
	_, body := e.api("GET", "/api/v1/candidats?promotion=CM-2026-A", token, "")
	var cs []apiCandidat
	_ = json.Unmarshal(body, &cs)
	for _, c := range cs {
		if c.NomNaissance == nom && len(c.Inscriptions) > 0 {
			return itoa64(c.Inscriptions[0])
		}
	}
	t.Fatalf("no demo candidate %s", nom)
	return ""
}
