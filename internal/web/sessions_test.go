package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/mail"
	"github.com/certif/certif/internal/store"
)

// sessionID reads the session id of a redirect to /sessions/{id}.
func sessionID(t *testing.T, res *http.Response) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(res.Header.Get("Location"), "/sessions/%d", &id); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("not a redirect to a session: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	return id
}

// TestSessionPages walks the session pages as the admin runs a session and as a juror and
// a candidate see it, with the refusals the store makes shown next to their forms: a past
// date and an over-long place, a jury without président, a candidate who is not eligible,
// a juror on the admin's forms, another centre's or candidate's convocation.
func TestSessionPages(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	admin, juror, lea := e.login("admin@certif.demo"), e.login("jury@certif.demo"), e.login("candidat@certif.demo")
	referent, nantes := e.login("referent@certif.demo"), e.login("referent.nantes@certif.demo")
	jurorUser, _, err := e.st.Credentials(ctx, "jury@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.st.Inscriptions(ctx, account.System, store.InscriptionFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var insLea, vae, cert, lyon int64
	for _, r := range rows {
		switch {
		case r.Candidat.NomNaissance == "Moreau":
			insLea, cert, lyon = r.ID, r.CertificationID, r.CentreID
		case r.Voie == candidat.VAE && vae == 0:
			vae = r.ID
		}
	}
	if insLea == 0 || vae == 0 {
		t.Fatal("demo: Léa Moreau or a VAE inscription missing")
	}

	// The list: the admin and the jury; the others know the page exists (403).
	if res, doc := e.get(admin, "/sessions"); res.StatusCode != 200 || doc.Find(`a[href="/sessions/nouvelle"]`).Length() != 1 ||
		doc.Find(`nav a[href="/sessions"]`).Length() != 1 {
		t.Fatalf("admin's list: %d", res.StatusCode)
	}
	for _, c := range []*http.Client{referent, lea} {
		if res, doc := e.get(c, "/sessions"); res.StatusCode != http.StatusForbidden || doc.Find(`nav a[href="/sessions"]`).Length() != 0 {
			t.Errorf("list for a non-juror: %d", res.StatusCode)
		}
	}

	// Creation: defaults offered; a past date and an over-long place refused, input kept.
	if _, doc := e.get(admin, "/sessions/nouvelle"); doc.Find(`#duree_presentation_min`).AttrOr("value", "") != "20" {
		t.Error("no default duration")
	}
	day := time.Now().AddDate(0, 0, 20).Format(time.DateOnly)
	form := url.Values{"certification_id": {fmt.Sprint(cert)}, "centre_id": {fmt.Sprint(lyon)}, "date": {"2020-01-01"},
		"lieu": {"Salle\x00 " + strings.Repeat("é", 600)}, "duree_presentation_min": {"20"}, "duree_entretien_technique_min": {"deux"},
		"duree_entretien_final_min": {"15"}}
	res, doc := e.postDoc(admin, "/sessions", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc.Find("#date-error")), "passée") ||
		!strings.Contains(text(doc.Find("#lieu-error")), "500") || doc.Find("#duree_entretien_technique_min-error").Length() != 1 ||
		doc.Find(fmt.Sprintf(`#certification_id option[value="%d"][selected]`, cert)).Length() != 1 {
		t.Fatalf("bad session: %d %s", res.StatusCode, text(doc.Find(".error-summary")))
	}
	if strings.ContainsRune(doc.Find("#lieu").AttrOr("value", ""), 0) {
		t.Error("a NUL byte kept")
	}
	form.Set("date", day)
	form.Set("lieu", "Campus Lyon Numérique, 12 rue de la Paix, 69002 Lyon")
	form.Set("duree_entretien_technique_min", "30")
	id := sessionID(t, e.post(admin, "/sessions", form))
	page := fmt.Sprintf("/sessions/%d", id)

	// The admin's home lists the planned session: its convocations are to send.
	if _, doc := e.get(admin, "/"); doc.Find(fmt.Sprintf(`#work-sessions-planifiees a[href="%s"]`, page)).Length() != 1 {
		t.Errorf("admin's home: %s", text(doc.Find("#work")))
	}
	// Moving without a jury: the composition's reason next to the button.
	// Post/redirect/get: the refusal is shown on the session's page, a reload does not post again.
	res = e.post(admin, page+"/etat", url.Values{"etat": {"convocations_envoyees"}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != page+"#etat" {
		t.Fatalf("move without jury: %d %q", res.StatusCode, loc)
	}
	if _, doc := e.get(admin, page); !strings.Contains(text(doc.Find("#etat-error")), "président") {
		t.Fatalf("move without jury: %q", text(doc.Find("#etat-error")))
	}
	if _, doc := e.get(admin, page); doc.Find("#etat-error").Length() != 0 {
		t.Error("the refusal shown twice")
	}
	// The jury: jury@ président; a second, external member (profile through the account page).
	if res := e.post(admin, page+"/membres", url.Values{"user_id": {fmt.Sprint(jurorUser.ID)}, "president": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add président: %d", res.StatusCode)
	}
	res, doc = e.postDoc(admin, page+"/membres", url.Values{"user_id": {fmt.Sprint(insLea)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc.Find("#membre-error")), "jury") {
		t.Errorf("a non-jury account: %d %q", res.StatusCode, text(doc.Find("#membre-error")))
	}
	j2 := &account.User{Email: "ines.garnier@exemple.fr", Prenom: "Inès", Nom: "Garnier", Role: account.RoleJury, Active: true}
	if err := e.st.CreateUser(ctx, account.System, j2, ""); err != nil {
		t.Fatal(err)
	}
	if res := e.post(admin, page+"/membres", url.Values{"user_id": {fmt.Sprint(j2.ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add member: %d", res.StatusCode)
	}
	profil := fmt.Sprintf("/admin/utilisateurs/%d", j2.ID)
	_, doc = e.get(admin, profil)
	version := doc.Find(`#profil-jury input[name=version]`).AttrOr("value", "")
	for _, u := range []int64{j2.ID, jurorUser.ID} {
		_, d := e.get(admin, fmt.Sprintf("/admin/utilisateurs/%d", u))
		v := d.Find(`#profil-jury input[name=version]`).AttrOr("value", "")
		if res := e.post(admin, fmt.Sprintf("/admin/utilisateurs/%d/profil-jury", u), url.Values{"profession": {"Directrice de la communication"},
			"college": {"employeur"}, "externe": {"1"}, "version": {v}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("profile of %d: %d", u, res.StatusCode)
		}
	}
	res, doc = e.postDoc(admin, profil+"/profil-jury", url.Values{"profession": {"Autre"}, "college": {"salarie"}, "version": {version}})
	if res.StatusCode != http.StatusConflict || doc.Find("#profil-conflict").Length() != 1 || !strings.Contains(text(doc.Find("#profil-jury")), "Directrice") {
		t.Errorf("stale profile: %d %s", res.StatusCode, text(doc.Find("#profil-jury")))
	}
	res, doc = e.postDoc(admin, profil+"/profil-jury", url.Values{"college": {"patronat"}, "version": {"0"}})
	if res.StatusCode != http.StatusUnprocessableEntity || doc.Find("#college-error").Length() != 1 {
		t.Errorf("bad college: %d", res.StatusCode)
	}

	// Passages: one never evaluated is refused with the reason; Léa is convoked at 9:30.
	fresh := &candidat.Inscription{CertificationID: cert, CentreID: lyon, Voie: candidat.FormationContinue, Promotion: "JURY-W", Date: time.Now()}
	if _, err := e.st.Inscrire(ctx, account.System, &candidat.Candidat{NomNaissance: "Nouveau", Prenoms: []string{"Noé"}, Sexe: candidat.Homme,
		DateNaissance: time.Date(1999, 1, 2, 0, 0, 0, 0, time.UTC), CommuneNaissance: "Lyon", CommuneNaissanceCode: "69123", Email: "noe@exemple.fr"}, fresh); err != nil {
		t.Fatal(err)
	}
	res, doc = e.postDoc(admin, page+"/passages", url.Values{"inscription_id": {fmt.Sprint(fresh.ID)}, "heure": {"09:00"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc.Find("#passage-error")), "ne peut être convoqué") ||
		!strings.Contains(text(doc.Find(fmt.Sprintf(`#inscription_id option[value="%d"][disabled]`, fresh.ID))), "ne peut être convoqué") {
		t.Fatalf("not eligible: %d %q", res.StatusCode, text(doc.Find("#passage-error")))
	}
	// The demo convokes Léa to its upcoming session; one session at a time: she is refused
	// here until that passage is gone (removed by hand: the test convokes her afresh).
	res, doc = e.postDoc(admin, page+"/passages", url.Values{"inscription_id": {fmt.Sprint(insLea)}, "heure": {"09:30"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc.Find("#passage-error")), "une session à la fois") {
		t.Fatalf("Léa convoked twice: %d %q", res.StatusCode, text(doc.Find("#passage-error")))
	}
	for _, q := range []string{`DELETE FROM passage_jures WHERE passage_id IN (SELECT id FROM passages WHERE inscription_id = %d)`,
		`DELETE FROM passages WHERE inscription_id = %d`} {
		if _, err := e.st.DB().ExecContext(ctx, fmt.Sprintf(q, insLea)); err != nil {
			t.Fatal(err)
		}
	}
	res = e.post(admin, page+"/passages", url.Values{"inscription_id": {fmt.Sprint(insLea)}, "heure": {"09:30"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("convoke Léa: %d", res.StatusCode)
	}
	js, err := e.st.JurySession(ctx, account.System, id)
	if err != nil || len(js.Passages) != 1 {
		t.Fatalf("session: %+v %v", js, err)
	}
	pid := js.Passages[0].ID
	if res := e.post(admin, fmt.Sprintf("/passages/%d/jures", pid), url.Values{"user_ids": {fmt.Sprint(jurorUser.ID), fmt.Sprint(j2.ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("jurors: %d", res.StatusCode)
	}
	// Léa's company tutor sits on the jury: refused on her passage, by name.
	stages, err := e.st.Stages(ctx, account.System, insLea)
	if err != nil || len(stages) == 0 {
		t.Fatalf("Léa's stage: %v", err)
	}
	tutor := &account.User{Email: stages[0].TuteurEmail, Prenom: "Tuteur", Nom: "Dejury", Role: account.RoleJury, Active: true}
	if err := e.st.CreateUser(ctx, account.System, tutor, ""); err != nil {
		t.Fatal(err)
	}
	e.post(admin, page+"/membres", url.Values{"user_id": {fmt.Sprint(tutor.ID)}})
	res, doc = e.postDoc(admin, fmt.Sprintf("/passages/%d/jures", pid), url.Values{"user_ids": {fmt.Sprint(jurorUser.ID), fmt.Sprint(tutor.ID)}})
	if msg := text(doc.Find(fmt.Sprintf("#jures-%d-error", pid))); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "Tuteur Dejury a tutoré ce candidat") {
		t.Errorf("the tutor as juror: %d %q", res.StatusCode, msg)
	}
	res, doc = e.postDoc(admin, fmt.Sprintf("/passages/%d/jures", pid), url.Values{"user_ids": {"999999"}})
	if res.StatusCode != http.StatusUnprocessableEntity || doc.Find(fmt.Sprintf("#jures-%d-error", pid)).Length() != 1 {
		t.Errorf("a stranger as juror: %d", res.StatusCode)
	}
	// Before the convocations, Léa has none to read.
	if res, _ := e.get(lea, fmt.Sprintf("/passages/%d/convocation.pdf", pid)); res.StatusCode != http.StatusNotFound {
		t.Errorf("convocation before sending: %d", res.StatusCode)
	}
	if res := e.post(admin, page+"/etat", url.Values{"etat": {"convocations_envoyees"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send the convocations: %d", res.StatusCode)
	}
	_, doc = e.get(admin, page)
	if !strings.Contains(text(doc.Find("#etat")), "convocations envoyées") || !strings.Contains(text(doc.Find(fmt.Sprintf("#passage-%d", pid))), "Convocation envoyée le") ||
		!strings.Contains(text(doc.Find(".flash")), "Convocations envoyées") {
		t.Errorf("after sending: %s", text(doc.Find("main")))
	}
	sent, err := e.st.Courriels(ctx, account.System, store.CourrielFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) == 0 || sent[0].Kind != mail.KindJuryConvocation || !strings.Contains(sent[0].Text, fmt.Sprintf("/passages/%d/convocation.pdf", pid)) {
		t.Fatalf("no convocation in the outbox: %+v", sent[:min(1, len(sent))])
	}
	if _, doc := e.get(admin, fmt.Sprintf("/admin/courriels/%d", sent[0].ID)); !strings.Contains(text(doc.Find("#courriel-attachment")), "PDF") {
		t.Error("the outbox page does not say the convocation leaves with its PDF")
	}
	// When it leaves, it carries Léa's convocation as a PDF; a courriel naming nothing carries none.
	att, err := e.srv.attachConvocation(ctx, sent[0])
	if err != nil || len(att) != 1 || att[0].Type != "application/pdf" || !strings.HasPrefix(string(att[0].Data), "%PDF") ||
		!strings.Contains(att[0].Name, "moreau") {
		t.Errorf("the convocation's attachment: %v %v", att, err)
	}
	if att, err := e.srv.attachConvocation(ctx, store.Courriel{Kind: mail.KindDossierReminder}); err != nil || att != nil {
		t.Errorf("a courriel without record: %v %v", att, err)
	}

	// The convocation: Léa on her page and as a PDF, her centre's référent; nobody else.
	if _, doc := e.get(lea, fmt.Sprintf("/inscriptions/%d", insLea)); !strings.Contains(text(doc.Find(fmt.Sprintf("#convocation-%d", pid))), "9 h 30") {
		t.Errorf("Léa's page: %s", text(doc.Find(".convocation")))
	}
	for who, c := range map[string]*http.Client{"Léa": lea, "her référent": referent, "the admin": admin} {
		res, err := c.Get(e.ts.URL + fmt.Sprintf("/passages/%d/convocation.pdf", pid))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(b), "%PDF") {
			t.Errorf("%s reads the convocation: %d %s", who, res.StatusCode, b[:min(200, len(b))])
		}
	}
	for who, c := range map[string]*http.Client{"the juror": juror, "Nantes": nantes} {
		if res, _ := e.get(c, fmt.Sprintf("/passages/%d/convocation.pdf", pid)); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s reads the convocation: %d", who, res.StatusCode)
		}
	}
	// Léa asks for another candidate's convocation (the demo's session of today): unknown to her.
	if list, err := e.st.JurySessions(ctx, account.System); err == nil {
		for _, s := range list {
			if s.ID == id || s.NbPassages == 0 {
				continue
			}
			other, err := e.st.JurySession(ctx, account.System, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, op := range other.Passages {
				if op.InscriptionID == insLea {
					continue
				}
				if res, _ := e.get(lea, fmt.Sprintf("/passages/%d/convocation.pdf", op.ID)); res.StatusCode != http.StatusNotFound {
					t.Errorf("Léa reads %s's convocation: %d", op.CandidatNom, res.StatusCode)
				}
			}
		}
	}
	// A body over the forms' 64 KiB is refused before it is read whole.
	if res := e.post(admin, "/sessions", url.Values{"lieu": {strings.Repeat("x", 100<<10)}}); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("huge body: %d", res.StatusCode)
	}
	if st, _ := e.api("GET", fmt.Sprintf("/api/v1/passages/%d/convocation.pdf", pid), e.token("jury@certif.demo"), ""); st != http.StatusNotFound {
		t.Errorf("the juror by the API: %d", st)
	}

	// The juror: a session of today, read-only, the attestation to sign first.
	today := url.Values{"certification_id": {fmt.Sprint(cert)}, "centre_id": {fmt.Sprint(lyon)}, "date": {time.Now().Format(time.DateOnly)},
		"lieu": {"https://visio.exemple.fr/jury"}, "distanciel": {"1"}, "duree_presentation_min": {"20"}, "duree_entretien_technique_min": {"30"},
		"duree_entretien_final_min": {"15"}}
	id2 := sessionID(t, e.post(admin, "/sessions", today))
	page2 := fmt.Sprintf("/sessions/%d", id2)
	if res, _ := e.get(juror, page2); res.StatusCode != http.StatusNotFound {
		t.Errorf("a session the juror does not sit on: %d", res.StatusCode)
	}
	e.post(admin, page2+"/membres", url.Values{"user_id": {fmt.Sprint(jurorUser.ID)}, "president": {"1"}})
	if res, _ := e.get(juror, page); res.StatusCode != http.StatusNotFound {
		t.Errorf("before the session's day: %d", res.StatusCode)
	}
	if _, doc := e.get(juror, "/"); doc.Find(fmt.Sprintf(`#work-attestations a[href="%s/attestation"]`, page2)).Length() != 1 {
		t.Errorf("juror's home before signing: %s", text(doc.Find("#work")))
	}
	res, doc = e.get(juror, page2)
	if res.StatusCode != 200 || doc.Find("#attestation-a-signer").Length() != 1 || doc.Find("#membre-form, #etat-form, #passage-form").Length() != 0 {
		t.Fatalf("juror's page: %d %s", res.StatusCode, text(doc.Find("main")))
	}
	if res := e.post(juror, page2+"/membres", url.Values{"user_id": {fmt.Sprint(jurorUser.ID)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("the juror on the admin's form: %d", res.StatusCode)
	}
	if _, doc := e.get(juror, "/sessions"); doc.Find(fmt.Sprintf(`a[href="%s"]`, page2)).Length() != 1 || doc.Find(`a[href="/sessions/nouvelle"]`).Length() != 0 {
		t.Error("the juror's list")
	}
	_, doc = e.get(juror, page2+"/attestation")
	if !strings.Contains(text(doc.Find("#attestation-texte")), "confidentiels") || doc.Find("#signer").Length() != 1 {
		t.Fatalf("attestation page: %s", text(doc.Find("main")))
	}
	if res, _ := e.get(admin, page2+"/attestation"); res.StatusCode != http.StatusForbidden {
		t.Errorf("the admin's attestation: %d", res.StatusCode)
	}
	if res := e.post(juror, page2+"/attestation", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page2 {
		t.Fatalf("sign: %d", res.StatusCode)
	}
	_, doc = e.get(juror, page2)
	if doc.Find("#attestation-a-signer").Length() != 0 || !strings.Contains(text(doc.Find(".flash")), "Attestation signée") {
		t.Errorf("signed: %s", text(doc.Find("main")))
	}
	if _, doc := e.get(juror, "/"); doc.Find(fmt.Sprintf(`#work-attestations a[href="%s/attestation"]`, page2)).Length() != 0 ||
		doc.Find(fmt.Sprintf(`#work-sessions a[href="%s"]`, page2)).Length() != 1 {
		t.Errorf("juror's home after signing: %s", text(doc.Find("#work")))
	}
	if _, doc := e.get(juror, page2+"/attestation"); doc.Find("#attestation-signee").Length() != 1 || doc.Find("#signer").Length() != 0 {
		t.Error("the signed attestation")
	}

	// The VAE recevabilité: the admin decides (reasons required when not recevable); the
	// centre reads the history.
	recev := fmt.Sprintf("/inscriptions/%d/recevabilite", vae)
	res, doc = e.postDoc(admin, recev, url.Values{"decision": {"non_recevable"}, "motif": {" "}})
	if res.StatusCode != http.StatusUnprocessableEntity || doc.Find("#motif-error").Length() != 1 {
		t.Fatalf("no reasons: %d", res.StatusCode)
	}
	if res := e.post(admin, recev, url.Values{"decision": {"non_recevable"}, "motif": {"Expérience\x00 hors du champ du titre."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("non recevable: %d", res.StatusCode)
	}
	e.post(admin, recev, url.Values{"decision": {"recevable"}, "motif": {"Pièces complétées."}})
	for who, c := range map[string]*http.Client{"admin": admin, "référent": referent} {
		_, doc := e.get(c, fmt.Sprintf("/inscriptions/%d", vae))
		if doc.Find("#recevabilite-historique tbody tr").Length() != 2 || !strings.Contains(text(doc.Find("#recevabilite-courante")), "recevable") ||
			(doc.Find(`form[action="`+recev+`"]`).Length() == 1) != (who == "admin") {
			t.Errorf("%s sees %s", who, text(doc.Find("#recevabilite")))
		}
	}
	if res := e.post(referent, recev, url.Values{"decision": {"recevable"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("the référent decides: %d", res.StatusCode)
	}
	if _, doc := e.get(admin, fmt.Sprintf("/inscriptions/%d", insLea)); doc.Find("#recevabilite").Length() != 0 {
		t.Error("recevabilité on a file in training")
	}
}
