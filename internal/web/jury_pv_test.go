package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// TestDeliberationAndPVPages walks the deliberation, the PV and the results pages: the
// président decides (a missing reason shown next to its field, the input kept), the other
// member reads without a form, each member signs, a decision after the PV is refused with
// its reason, the admin's amendment (its refusal next to the field), the results shown to
// the centre's staff only after publication, and to nobody else.
func TestDeliberationAndPVPages(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	adminC, juror, juror2 := e.login("admin@certif.demo"), e.login("jury@certif.demo"), e.login("jury2@certif.demo")
	referent, nantes, lea := e.login("referent@certif.demo"), e.login("referent.nantes@certif.demo"), e.login("candidat@certif.demo")
	var users [3]*account.User
	for i, email := range []string{"admin@certif.demo", "jury@certif.demo", "jury2@certif.demo"} {
		u, _, err := e.st.Credentials(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		users[i] = u
	}
	admin, pres, other := account.ActorOf(users[0]), account.ActorOf(users[1]), account.ActorOf(users[2])
	rows, err := e.st.Inscriptions(ctx, account.System, store.InscriptionFilter{Limit: 200})
	if err != nil || len(rows) == 0 {
		t.Fatal(err)
	}
	var lyon, cert int64
	for _, r := range rows {
		if r.Candidat.NomNaissance == "Moreau" {
			lyon, cert = r.CentreID, r.CertificationID
		}
	}
	c := &candidat.Candidat{NomNaissance: "Délibéré", Prenoms: []string{"Paul"}, Sexe: candidat.Homme, DateNaissance: time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC),
		CommuneNaissance: "Lyon", CommuneNaissanceCode: "69123", Email: "paul.delibere@exemple.fr"}
	ins := &candidat.Inscription{CertificationID: cert, CentreID: lyon, Voie: candidat.VAE, TypeVAE: candidat.VAEClassique, Date: time.Now()}
	if _, err := e.st.Inscrire(ctx, account.System, c, ins); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.RecordRecevabilite(ctx, admin, ins.ID, jury.Recevable, "Cinq ans d'expérience."); err != nil {
		t.Fatal(err)
	}
	js := &store.JurySession{CertificationID: cert, CentreID: lyon, Date: time.Now(), Lieu: "Lyon, salle 4",
		DureePresentation: 20, DureeEntretienTechnique: 20, DureeEntretienFinal: 20}
	if err := e.st.CreateJurySession(ctx, admin, js); err != nil {
		t.Fatal(err)
	}
	for i, u := range users[1:] {
		if err := e.st.AddMembre(ctx, admin, js.ID, u.ID, i == 0); err != nil {
			t.Fatal(err)
		}
		if err := e.st.SetProfilJury(ctx, admin, u.ID, store.ProfilJury{Profession: "Consultant", College: jury.Employeur, Externe: true}, 0); err != nil {
			t.Fatal(err)
		}
	}
	p := &store.Passage{SessionID: js.ID, InscriptionID: ins.ID, Heure: "14:30"}
	if err := e.st.AddPassage(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.SetJures(ctx, admin, p.ID, []int64{users[1].ID, users[2].ID}); err != nil {
		t.Fatal(err)
	}
	for _, st := range []jury.Etat{jury.ConvocationsEnvoyees, jury.DossiersClos, jury.EnCours} {
		if _, err := e.st.MoveJurySession(ctx, admin, js.ID, st, 0); err != nil {
			t.Fatal(err)
		}
	}
	page := fmt.Sprintf("/passages/%d/deliberation", p.ID)
	if res, _ := e.get(juror, page); res.StatusCode != http.StatusForbidden {
		t.Fatalf("before the attestation: %d", res.StatusCode)
	}
	for _, a := range []account.Actor{pres, other} {
		if _, _, err := e.st.SignAttestation(ctx, a, js.ID, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	for _, cl := range []*http.Client{referent, lea} {
		if res, _ := e.get(cl, page); res.StatusCode != http.StatusNotFound {
			t.Errorf("an outsider: %d", res.StatusCode)
		}
	}

	// The président's grid acquires the first compétence; the other member never saves theirs.
	g, err := e.st.GrilleVierge(ctx, pres, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	first := g.Competences[0].Code
	for k := range g.Competences[0].Criteres {
		g.Competences[0].Criteres[k].Entretien = jury.Acquis
	}
	if _, _, err := e.st.SaveGrille(ctx, pres, p.ID, g); err != nil {
		t.Fatal(err)
	}
	// The conclusions: a 1–1 tie is « pas de majorité », not « non acquise »; the juror who
	// never saved is « grille non remplie », not « non acquise ».
	_, doc := e.get(adminC, page)
	row := doc.Find("table.dlb-table tbody tr").FilterFunction(func(_ int, r *goquery.Selection) bool {
		return strings.HasPrefix(text(r.Find("th")), first+" ")
	})
	cells := row.Find("td")
	if cells.Length() != 3 || !strings.Contains(text(cells.Eq(0)), "acquise") || strings.Contains(text(cells.Eq(0)), "non") ||
		text(cells.Eq(1)) != "grille non remplie" || text(cells.Eq(2)) != "pas de majorité" {
		t.Errorf("%s: %q", first, text(row))
	}
	other2 := doc.Find("table.dlb-table tbody tr").Eq(1).Find("td")
	if text(other2.Eq(0)) != "✗ non acquise" || text(other2.Eq(1)) != "grille non remplie" || text(other2.Eq(2)) != "✗ non acquise" {
		t.Errorf("second compétence: %q", text(doc.Find("table.dlb-table tbody tr").Eq(1)))
	}

	// The other member reads, without a form to submit.
	res, doc := e.get(juror2, page)
	if res.StatusCode != 200 || doc.Find("#dlb-submit").Length() != 0 || doc.Find("#dlb-readonly").Length() != 1 || doc.Find("article.dlb-bloc").Length() != 3 {
		t.Fatalf("the other member: %d", res.StatusCode)
	}
	if res := e.post(juror2, page, url.Values{"presence": {"absent"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("the other member decides: %d", res.StatusCode)
	}
	// The président: a missing reason next to its field, the input kept.
	res, doc = e.get(juror, page)
	if res.StatusCode != 200 || doc.Find("#dlb-submit").Length() != 1 || doc.Find(`input[name="decision-BC01"][value="non_valide"][checked]`).Length() != 1 {
		t.Fatalf("the président's form: %d", res.StatusCode)
	}
	form := url.Values{"presence": {"present"}}
	for _, b := range []string{"BC01", "BC02", "BC03"} {
		form.Set("decision-"+b, "non_valide")
		form.Set("motif-"+b, "Démonstration insuffisante.")
		form.Set("reste-"+b, "Le bloc entier.")
	}
	form.Set("decision-BC02", "valide")
	form.Set("motif-BC02", "")
	res, doc = e.postDoc(juror, page, form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc.Find("#motif-BC02-error")), "s’écarte") ||
		doc.Find(`input[name="decision-BC02"][value="valide"][checked]`).Length() != 1 || text(doc.Find("#motif-BC01")) != "Démonstration insuffisante." {
		t.Fatalf("missing reason: %d %q", res.StatusCode, text(doc.Find("#motif-BC02-error")))
	}
	form.Set("motif-BC02", "Le blog\x00 répond au brief.")
	if res := e.post(juror, page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("decide: %d", res.StatusCode)
	}
	if _, doc := e.get(juror, page); !strings.Contains(text(doc.Find("#dlb-resultat")), "réussite partielle") {
		t.Errorf("result: %q", text(doc.Find("#dlb-resultat")))
	}
	if _, err := e.st.MoveJurySession(ctx, admin, js.ID, jury.Deliberee, 0); err != nil {
		t.Fatal(err)
	}

	// The PV: each member signs from the page.
	pv := fmt.Sprintf("/sessions/%d/pv", js.ID)
	for _, cl := range []*http.Client{referent, nantes, lea} {
		if res, _ := e.get(cl, pv); res.StatusCode != http.StatusNotFound {
			t.Errorf("an outsider reads the PV: %d", res.StatusCode)
		}
	}
	if res := e.post(adminC, pv+"/signer", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("the admin signs: %d", res.StatusCode)
	}
	for i, cl := range []*http.Client{juror2, juror} {
		_, doc := e.get(cl, pv)
		if doc.Find("#pv-sign").Length() != 1 {
			t.Fatalf("member %d: no sign button", i)
		}
		if res := e.post(cl, pv+"/signer", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("member %d signs: %d", i, res.StatusCode)
		}
	}
	res, doc = e.get(juror, pv)
	if doc.Find("#pv-sign").Length() != 0 || doc.Find("#pv-locked").Length() != 1 || !strings.Contains(text(doc.Find("#pv-table")), "BC02") ||
		strings.Count(text(doc.Find("#signatures")), "192.0.2.") != 0 || !strings.Contains(text(doc.Find("#signatures")), "127.0.0.1") {
		t.Errorf("signed PV: %d %q", res.StatusCode, text(doc.Find("#signatures")))
	}
	res, doc = e.postDoc(juror, page, form)
	if res.StatusCode != http.StatusConflict || !strings.Contains(text(doc.Find("#dlb-locked")), "avenant") {
		t.Errorf("decide after the PV: %d %q", res.StatusCode, text(doc.Find("#dlb-locked")))
	}

	// The admin's amendment.
	if _, doc := e.get(juror, pv); doc.Find("#avenant-form").Length() != 0 {
		t.Error("a member sees the amendment form")
	}
	amend := url.Values{"passage_id": {fmt.Sprint(p.ID)}, "bloc": {"BC03"}, "decision": {"valide"}, "bloc_motif": {"Erreur de report."}, "motif": {""}}
	res, doc = e.postDoc(adminC, pv+"/avenant", amend)
	if res.StatusCode != http.StatusUnprocessableEntity || text(doc.Find("#motif-error")) == "" || doc.Find(`#bloc option[value="BC03"][selected]`).Length() != 1 {
		t.Fatalf("amendment without a reason: %d", res.StatusCode)
	}
	amend.Set("motif", "Erreur matérielle de report au PV.")
	if res := e.post(juror, pv+"/avenant", amend); res.StatusCode != http.StatusForbidden {
		t.Errorf("a member amends: %d", res.StatusCode)
	}
	if res := e.post(adminC, pv+"/avenant", amend); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("amend: %d", res.StatusCode)
	}
	if _, doc := e.get(adminC, pv); doc.Find("article.pv-avenant").Length() != 1 || !strings.Contains(text(doc.Find("#pv-table")), "réussite partielle") {
		t.Errorf("amendment history: %q", text(doc.Find("#avenants")))
	}
	if res, _ := e.get(juror, pv+".pdf"); res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("PV PDF: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}

	// The results: nothing before publication; the centre's staff after; not another centre.
	resultats := fmt.Sprintf("/inscriptions/%d/resultats", ins.ID)
	if _, doc := e.get(referent, resultats); doc.Find("#resultats-none").Length() != 1 || doc.Find("article.resultat").Length() != 0 {
		t.Error("results before publication")
	}
	if _, doc := e.get(referent, fmt.Sprintf("/inscriptions/%d", ins.ID)); doc.Find("#resultats-jury").Length() != 0 {
		t.Error("the inscription page shows a result before publication")
	}
	if _, err := e.st.MoveJurySession(ctx, admin, js.ID, jury.ResultatsPublies, 0); err != nil {
		t.Fatal(err)
	}
	if _, doc := e.get(referent, resultats); doc.Find("article.resultat").Length() != 1 || !strings.Contains(text(doc.Find("article.resultat")), "Reste à évaluer") {
		t.Errorf("results after publication: %q", text(doc.Find("main")))
	}
	if _, doc := e.get(referent, fmt.Sprintf("/inscriptions/%d", ins.ID)); !strings.Contains(text(doc.Find("#resultats-jury")), "réussite partielle") {
		t.Errorf("the inscription page does not show the result: %q", text(doc.Find("#resultats-jury")))
	}
	for _, cl := range []*http.Client{nantes, lea} {
		if res, _ := e.get(cl, resultats); res.StatusCode != http.StatusNotFound {
			t.Errorf("another's results: %d", res.StatusCode)
		}
	}
}
