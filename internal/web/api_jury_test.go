package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// exerciseJuryAPI walks the jury sessions' API (issue 9, first part) through every refusal
// the issue names: the composition, the eligibility, the independence, the confidentiality,
// a juror of another session, before the session's day, a foreign passage.
func exerciseJuryAPI(t *testing.T, e *testEnv, call func(method, path, token, body string, want int) []byte) {
	ctx := t.Context()
	admin, ref, juror := e.token("admin@certif.demo"), e.token("referent@certif.demo"), e.token("jury@certif.demo")
	jurorUser, _, err := e.st.Credentials(ctx, "jury@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.st.Inscriptions(ctx, account.System, store.InscriptionFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var vae, perrin int64
	var cert, centre int64
	for _, r := range rows {
		if r.Voie == candidat.VAE && vae == 0 {
			vae, cert, centre = r.ID, r.CertificationID, r.CentreID
		}
		if r.Candidat.NomNaissance == "Perrin" { // failed at the demo's past session: recevable, all to present
			perrin = r.ID
		}
	}
	if vae == 0 {
		t.Fatal("no VAE inscription in the demo")
	}
	// A fresh candidate in training, never evaluated: not eligible.
	c := &candidat.Candidat{NomNaissance: "Nouveau", Prenoms: []string{"Noé"}, Sexe: candidat.Homme, DateNaissance: time.Date(1999, 1, 2, 0, 0, 0, 0, time.UTC),
		CommuneNaissance: "Lyon", CommuneNaissanceCode: "69123", Email: "noe.nouveau@exemple.fr"}
	fresh := &candidat.Inscription{CertificationID: cert, CentreID: centre, Voie: candidat.FormationContinue, Promotion: "JURY-1", Date: time.Now()}
	if _, err := e.st.Inscrire(ctx, account.System, c, fresh); err != nil {
		t.Fatal(err)
	}

	// Jurors' profiles.
	var j2 apiUser
	_ = json.Unmarshal(call("POST", "/api/v1/users", admin, `{"email":"jure.deux@exemple.fr","prenom":"Inès","nom":"Garnier","role":"jury"}`, 201), &j2)
	users := fmt.Sprintf("/api/v1/users/%d", j2.ID)
	out := call("PATCH", users, admin, `{"profession":"Directrice de la communication","college":"employeur","externe":true}`, 200)
	if !strings.Contains(string(out), `"externe":true`) || !strings.Contains(string(out), `"college":"employeur"`) {
		t.Errorf("jury profile: %s", out)
	}
	call("PATCH", users, admin, `{"college":"patronat"}`, 422)
	call("PATCH", users, ref, `{"externe":false}`, 403)
	call("GET", users, admin, "", 200)
	call("PATCH", fmt.Sprintf("/api/v1/users/%d", jurorUser.ID), admin, `{"profession":"Consultant en communication","college":"independant","externe":false}`, 200)

	// Sessions.
	today, tomorrow := time.Now().Format(time.DateOnly), time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	body := func(date string) string {
		return fmt.Sprintf(`{"certification_id":%d,"date":%q,"lieu":"Campus Numérique, Lyon","distanciel":false,"centre_id":%d,
			"duree_presentation_min":20,"duree_entretien_technique_min":25,"duree_entretien_final_min":15}`, cert, date, centre)
	}
	var js, later, other apiSession
	_ = json.Unmarshal(call("POST", "/api/v1/sessions", admin, body(today), 201), &js)
	_ = json.Unmarshal(call("POST", "/api/v1/sessions", admin, body(tomorrow), 201), &later)
	_ = json.Unmarshal(call("POST", "/api/v1/sessions", admin, body(today), 201), &other)
	if js.Etat != "planifiee" {
		t.Errorf("new session: %+v", js)
	}
	call("POST", "/api/v1/sessions", ref, body(today), 403)
	call("POST", "/api/v1/sessions", admin, `{"date":"2020-01-01","lieu":""}`, 422)
	sp := fmt.Sprintf("/api/v1/sessions/%d", js.ID)
	membre := func(session int64, user int64, president bool) {
		call("POST", fmt.Sprintf("/api/v1/sessions/%d/membres", session), admin, fmt.Sprintf(`{"user_id":%d,"president":%v}`, user, president), 200)
	}
	membre(js.ID, jurorUser.ID, true)
	membre(later.ID, jurorUser.ID, true)
	call("POST", sp+"/membres", admin, fmt.Sprintf(`{"user_id":%d}`, jurorUser.ID-999999), 422)
	out = call("POST", sp+"/etat", admin, `{"etat":"convocations_envoyees"}`, 422)
	if !strings.Contains(string(out), "au moins 2") {
		t.Errorf("composition refused without its reason: %s", out)
	}
	membre(js.ID, j2.ID, false)
	membre(other.ID, j2.ID, true)
	out = call("POST", sp+"/etat", admin, `{"etat":"en_cours"}`, 422)
	if !strings.Contains(string(out), "ne peut passer qu") {
		t.Errorf("transition refused without its reason: %s", out)
	}

	// Convocations: the recevabilité first; a candidate in training never evaluated is refused.
	rec := fmt.Sprintf("/api/v1/inscriptions/%d/recevabilite", vae)
	call("POST", rec, admin, `{"decision":"non_recevable"}`, 422)
	call("POST", rec, ref, `{"decision":"recevable"}`, 403)
	call("POST", fmt.Sprintf("/api/v1/inscriptions/%d/recevabilite", fresh.ID), admin, `{"decision":"recevable"}`, 422)
	call("POST", rec, admin, `{"decision":"non_recevable","motif":"Expérience hors du champ du titre."}`, 201)
	out = call("POST", sp+"/passages", admin, fmt.Sprintf(`{"inscription_id":%d,"heure":"09:00"}`, vae), 422)
	if !strings.Contains(string(out), "non recevable") {
		t.Errorf("not eligible without the reason: %s", out)
	}
	out = call("POST", rec, admin, `{"decision":"recevable","motif":""}`, 201)
	if !strings.Contains(string(out), `"historique":[{"decision":"non_recevable"`) {
		t.Errorf("recevabilité history: %s", out)
	}
	out = call("POST", sp+"/passages", admin, fmt.Sprintf(`{"inscription_id":%d,"heure":"10:00"}`, fresh.ID), 422)
	if !strings.Contains(string(out), "BC01") {
		t.Errorf("not eligible in training without the blocs: %s", out)
	}
	var p, pOther apiPassage
	_ = json.Unmarshal(call("POST", sp+"/passages", admin, fmt.Sprintf(`{"inscription_id":%d,"heure":"09:00"}`, vae), 201), &p)
	// One session at a time: convoked to js, the candidate is refused by another one.
	out = call("POST", fmt.Sprintf("/api/v1/sessions/%d/passages", other.ID), admin, fmt.Sprintf(`{"inscription_id":%d,"heure":"11:00"}`, vae), 422)
	if !strings.Contains(string(out), "une session à la fois") {
		t.Errorf("convoked twice: %s", out)
	}
	_ = json.Unmarshal(call("POST", fmt.Sprintf("/api/v1/sessions/%d/passages", other.ID), admin, fmt.Sprintf(`{"inscription_id":%d,"heure":"11:00"}`, perrin), 201), &pOther)
	var d apiDossier
	_ = json.Unmarshal(call("GET", fmt.Sprintf("/api/v1/inscriptions/%d/dossier", vae), admin, "", 200), &d)
	if d.DateSession == nil || d.DateSession.Format(time.DateOnly) != today {
		t.Errorf("the dossier's date does not follow the session: %+v", d.DateSession)
	}
	call("POST", sp+"/etat", admin, `{"etat":"convocations_envoyees"}`, 200)
	// The convocation: the admin; never the jury, nor anonymously.
	conv := fmt.Sprintf("/api/v1/passages/%d/convocation.pdf", p.ID)
	call("GET", conv, admin, "", 200)
	if out := call("GET", sp, admin, "", 200); !strings.Contains(string(out), `"convoque_le":"`) {
		t.Errorf("the convoked passage without its date: %s", out)
	}
	call("GET", conv, juror, "", 404)
	call("GET", conv, "", "", 401)
	call("GET", fmt.Sprintf("/api/v1/passages/%d/convocation.pdf", p.ID+999999), admin, "", 404)

	// Independence: j2 tutored the candidate (a stage names them as tutor).
	if _, err := e.st.DB().ExecContext(ctx, fmt.Sprintf(`INSERT INTO stages (inscription_id, entreprise, entreprise_siret, tuteur_nom, tuteur_email, debut, fin, created_at, updated_at)
		VALUES (%d, 'Agence', '', 'Inès Garnier', 'jure.deux@exemple.fr', '2026-01-05', '2026-03-05', '2026-01-05T09:00:00.000000Z', '2026-01-05T09:00:00.000000Z')`, vae)); err != nil {
		t.Fatal(err)
	}
	jures := fmt.Sprintf("/api/v1/passages/%d/jures", p.ID)
	out = call("PUT", jures, admin, fmt.Sprintf(`{"user_ids":[%d,%d]}`, jurorUser.ID, j2.ID), 422)
	if !strings.Contains(string(out), "Inès Garnier a tutoré ce candidat") {
		t.Errorf("independence refused without naming the member: %s", out)
	}
	call("PUT", jures, ref, fmt.Sprintf(`{"user_ids":[%d]}`, jurorUser.ID), 403)
	call("PUT", jures, admin, fmt.Sprintf(`{"user_ids":[%d]}`, jurorUser.ID), 200)

	// The juror: today's session is seen; tomorrow's and the one they do not sit on are not.
	out = call("GET", "/api/v1/sessions", juror, "", 200)
	if !strings.Contains(string(out), fmt.Sprintf(`"id":%d,`, js.ID)) || strings.Contains(string(out), fmt.Sprintf(`"id":%d,`, later.ID)) ||
		strings.Contains(string(out), fmt.Sprintf(`"id":%d,`, other.ID)) {
		t.Errorf("the juror's sessions: %s", out)
	}
	call("GET", "/api/v1/sessions", ref, "", 200)
	call("GET", sp, juror, "", 200)
	call("GET", fmt.Sprintf("/api/v1/sessions/%d", later.ID), juror, "", 404)
	call("GET", fmt.Sprintf("/api/v1/sessions/%d", other.ID), juror, "", 404)
	call("GET", sp, ref, "", 404)
	call("POST", fmt.Sprintf("/api/v1/sessions/%d/attestations", later.ID), juror, "", 404)
	dossier := fmt.Sprintf("/api/v1/passages/%d/dossier", p.ID)
	call("GET", dossier, juror, "", 403)
	call("GET", fmt.Sprintf("/api/v1/inscriptions/%d/dossier", vae), juror, "", 404)
	call("POST", sp+"/attestations", admin, "", 403)
	out = call("POST", sp+"/attestations", juror, "", 201)
	if !strings.Contains(string(out), "confidentiels") || !strings.Contains(string(out), `"ip":"127.0.0.1"`) {
		t.Errorf("attestation: %s", out)
	}
	call("POST", sp+"/attestations", juror, "", 200)
	call("GET", dossier, juror, "", 200)
	call("GET", fmt.Sprintf("/api/v1/inscriptions/%d/dossier", vae), juror, "", 200)
	call("GET", fmt.Sprintf("/api/v1/passages/%d/dossier", pOther.ID), juror, "", 404) // another session's passage
	call("GET", dossier, admin, "", 200)
	call("GET", dossier, ref, "", 404)
	// The tutor sits on the jury and signed: still not their candidate's dossier.
	tutor := e.token("jure.deux@exemple.fr")
	call("POST", sp+"/attestations", tutor, "", 201)
	call("GET", dossier, tutor, "", 403)
	out = call("GET", sp, admin, "", 200)
	if !strings.Contains(string(out), `"attestation_signee":true`) || !strings.Contains(string(out), `"jures":[`+fmt.Sprint(jurorUser.ID)+`]`) {
		t.Errorf("the session: %s", out)
	}
	exercisePVAPI(t, call, admin, ref, juror, tutor, js.ID, p.ID, pOther.ID)
}

// exercisePVAPI runs the deliberation and the PV of session sid (état convocations envoyées;
// juror is its président and the only juror of passage pid, tutor a member; pOther a passage
// of another session).
func exercisePVAPI(t *testing.T, call func(method, path, token, body string, want int) []byte, admin, ref, juror, tutor string, sid, pid, pOther int64) {
	sp := fmt.Sprintf("/api/v1/sessions/%d", sid)
	pp := fmt.Sprintf("/api/v1/passages/%d", pid)
	call("POST", sp+"/etat", admin, `{"etat":"dossiers_clos"}`, 200)
	call("POST", sp+"/etat", admin, `{"etat":"en_cours"}`, 200)
	var prop apiDeliberation
	_ = json.Unmarshal(call("GET", pp+"/proposition", juror, "", 200), &prop)
	if len(prop.Blocs) == 0 || prop.Blocs[0].Proposition != jury.NonValide || prop.Resultat != "" || !prop.PeutDecider {
		t.Fatalf("proposition: %+v", prop)
	}
	call("GET", pp+"/proposition", tutor, "", 403) // tutored the candidate: never their deliberation
	call("GET", pp+"/proposition", admin, "", 200)
	call("GET", pp+"/proposition", ref, "", 404)
	call("GET", fmt.Sprintf("/api/v1/passages/%d/proposition", pOther), juror, "", 404)
	blocs := func(motif string, extra string) string {
		var parts []string
		for _, b := range prop.Blocs {
			m, _ := json.Marshal(motif) // JSON's escapes (a NUL is \u0000)
			parts = append(parts, fmt.Sprintf(`%q:{"decision":"non_valide","motif":%s,"reste_a_evaluer":"Le bloc entier."}`, b.Bloc, m))
		}
		if extra != "" {
			parts = append(parts, extra)
		}
		return `{"presence":"present","blocs":{` + strings.Join(parts, ",") + `}}`
	}
	decision := pp + "/decision"
	call("POST", decision, tutor, blocs("Insuffisant.", ""), 403)
	call("POST", decision, admin, blocs("Insuffisant.", ""), 403)
	call("POST", decision, ref, blocs("Insuffisant.", ""), 404)
	call("POST", fmt.Sprintf("/api/v1/passages/%d/decision", pOther), juror, blocs("Insuffisant.", ""), 404)
	out := call("POST", decision, juror, blocs("", ""), 422)
	if !strings.Contains(string(out), "indiquez les motifs") {
		t.Errorf("no reason: %s", out)
	}
	out = call("POST", decision, juror, blocs("Insuffisant.", `"BC99":{"decision":"valide","motif":"x"}`), 422)
	if !strings.Contains(string(out), "blocs.BC99.decision") {
		t.Errorf("a bloc not presented: %s", out)
	}
	var many []string
	for i := range 10000 {
		many = append(many, fmt.Sprintf(`"B%d":{"decision":"valide","motif":"x"}`, i))
	}
	call("POST", decision, juror, blocs("Insuffisant.", strings.Join(many, ",")), 422)
	call("POST", decision, juror, `{"presence":"present","blocs":{"BC01":{"decision":"valide","motif":"x","note":1}}}`, 422)
	var got apiDeliberation
	_ = json.Unmarshal(call("POST", decision, juror, blocs("Insuffisant\u0000 à l'oral.", ""), 200), &got)
	if got.Resultat != jury.Echec || got.Blocs[0].Decision == nil || got.Blocs[0].Decision.Motif != "Insuffisant à l'oral." {
		t.Errorf("decision: %+v", got)
	}
	if out := call("GET", sp, admin, "", 200); !strings.Contains(string(out), `"resultat":"echec"`) {
		t.Errorf("the session's passages without their result: %s", out)
	}
	call("POST", sp+"/etat", admin, `{"etat":"deliberee"}`, 200)
	call("POST", sp+"/etat", admin, `{"etat":"pv_signe"}`, 422)

	// The PV: each member signs; the last signature locks the decisions.
	call("POST", sp+"/pv/signatures", admin, "", 403)
	call("POST", sp+"/pv/signatures", ref, "", 404)
	call("POST", sp+"/pv/amendements", admin, fmt.Sprintf(`{"passage_id":%d,"blocs":{},"motif":"x"}`, pid), 422) // not signed yet
	out = call("POST", sp+"/pv/signatures", juror, "", 201)
	if !strings.Contains(string(out), `"ip":"127.0.0.1"`) || !strings.Contains(string(out), `"etat":"deliberee"`) {
		t.Errorf("signature: %s", out)
	}
	call("POST", sp+"/pv/signatures", juror, "", 200)
	call("POST", decision, juror, blocs("Insuffisant.", ""), 409)
	out = call("POST", sp+"/pv/signatures", tutor, "", 201)
	if !strings.Contains(string(out), `"etat":"pv_signe"`) {
		t.Errorf("the last signature: %s", out)
	}
	out = call("POST", decision, juror, blocs("Insuffisant.", ""), 409)
	if !strings.Contains(string(out), "seules des modifications par avenant") {
		t.Errorf("decision after the PV: %s", out)
	}

	// Amendments: the admin, a passage of this session.
	amend := func(p int64, motif string) string {
		return fmt.Sprintf(`{"passage_id":%d,"motif":%q,"blocs":{%q:{"decision":"valide","motif":"Erreur de report."}}}`, p, motif, prop.Blocs[0].Bloc)
	}
	call("POST", sp+"/pv/amendements", juror, amend(pid, "Erreur matérielle."), 403)
	call("POST", sp+"/pv/amendements", ref, amend(pid, "Erreur matérielle."), 403)
	call("POST", sp+"/pv/amendements", admin, amend(pOther, "Erreur matérielle."), 422)
	call("POST", sp+"/pv/amendements", admin, amend(pid, ""), 422)
	out = call("POST", sp+"/pv/amendements", admin, amend(pid, "Erreur matérielle de report."), 201)
	if !strings.Contains(string(out), `"resultat":"reussite_partielle"`) && !strings.Contains(string(out), `"resultat":"reussite_totale"`) {
		t.Errorf("amendment: %s", out)
	}
	call("GET", sp+"/pv.pdf", ref, "", 404)
	for _, tok := range []string{admin, juror} {
		if pdf := call("GET", sp+"/pv.pdf", tok, "", 200); !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Errorf("PV PDF: %.40q", pdf)
		}
	}
}
