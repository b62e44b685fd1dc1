package web

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
)

// TestDossierRoutesCheckRoleAndOwnership walks the issue-3 pages with every role: a
// candidate sees only their own file, another centre's référent gets 404, the jury nothing.
func TestDossierRoutesCheckRoleAndOwnership(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	rows, err := e.st.Inscriptions(ctx, account.System, storeFilterPromotion("CM-2026-A"))
	if err != nil || len(rows) == 0 {
		t.Fatalf("demo promotion: %v", err)
	}
	var lea, other, vae int64
	for _, r := range rows {
		switch {
		case r.Candidat.NomNaissance == "Moreau":
			lea = r.ID
		case !r.InTraining(nil) && vae == 0:
			vae = r.ID
		case r.InTraining(nil) && other == 0 && r.Candidat.NomNaissance != "Moreau":
			other = r.ID
		}
	}
	// A candidate of the Nantes centre.
	orgs, _ := e.st.Organismes(ctx, account.System)
	var nantesID int64
	for _, o := range orgs {
		if o.Nom == "École du Web Nantes" {
			nantesID = o.ID
		}
	}
	c := &candidat.Candidat{NomNaissance: "Nantais", Prenoms: []string{"Yann"}, Sexe: candidat.Homme, DateNaissance: time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC),
		CommuneNaissance: "Nantes", CommuneNaissanceCode: "44109", Email: "yann.nantais@exemple.fr"}
	certs, _ := e.st.Certifications(ctx)
	nins := &candidat.Inscription{CertificationID: certs[0].ID, CentreID: nantesID, Voie: candidat.FormationContinue, Promotion: "NA-1", Date: time.Now()}
	if _, err := e.st.Inscrire(ctx, account.System, c, nins); err != nil {
		t.Fatal(err)
	}
	roles := []string{"", "admin@certif.demo", "referent@certif.demo", "formateur@certif.demo", "candidat@certif.demo", "jury@certif.demo", "referent.nantes@certif.demo"}
	clients := make([]*http.Client, len(roles))
	for i, email := range roles {
		if email == "" {
			clients[i] = e.client()
		} else {
			clients[i] = e.login(email)
		}
	}
	ins := func(id int64, suffix string) string { return fmt.Sprintf("/inscriptions/%d%s", id, suffix) }
	// Expected status per role: anon, admin, referent Lyon, formateur Lyon, candidat Léa, jury, referent Nantes.
	cases := []struct {
		path string
		want [7]int
	}{
		{"/candidats", [7]int{303, 200, 200, 200, 403, 403, 200}},
		{"/candidats/nouveau", [7]int{303, 200, 200, 403, 403, 403, 200}},
		{"/candidats/import", [7]int{303, 200, 200, 403, 403, 403, 200}},
		{"/mon-dossier", [7]int{303, 403, 403, 403, 303, 403, 403}},
		{ins(lea, ""), [7]int{303, 200, 200, 200, 200, 403, 404}},
		{ins(lea, "/livret"), [7]int{303, 200, 200, 200, 200, 403, 404}},
		{ins(lea, "/planning"), [7]int{303, 200, 200, 200, 200, 403, 404}},
		{ins(lea, "/stage"), [7]int{303, 200, 200, 200, 200, 403, 404}},
		{ins(lea, "/documents/releve.pdf"), [7]int{303, 200, 200, 200, 200, 403, 404}},
		{ins(lea, "/evaluations/nouvelle?competence=C1.1"), [7]int{303, 200, 200, 200, 403, 403, 404}},
		{ins(other, ""), [7]int{303, 200, 200, 200, 404, 403, 404}},
		{ins(other, "/livret"), [7]int{303, 200, 200, 200, 404, 403, 404}},
		{ins(other, "/documents/livret.pdf"), [7]int{303, 200, 200, 200, 404, 403, 404}},
		{ins(nins.ID, ""), [7]int{303, 200, 404, 404, 404, 403, 200}},
		{ins(vae, ""), [7]int{303, 200, 200, 200, 404, 403, 404}},
		{ins(vae, "/livret"), [7]int{303, 200, 200, 200, 404, 403, 404}}, // the file with its VAE notice
		{"/promotions/CM-2026-A", [7]int{303, 404, 200, 200, 403, 403, 200}},
		{"/modules", [7]int{303, 200, 200, 200, 403, 403, 200}},
		{"/inscriptions/999999", [7]int{303, 404, 404, 404, 404, 403, 404}},
	}
	for _, tc := range cases {
		for i, cl := range clients {
			res, err := cl.Get(e.ts.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.want[i] {
				t.Errorf("GET %s as %q: %d, want %d", tc.path, roles[i], res.StatusCode, tc.want[i])
			}
		}
	}
	// Writes: a formateur cannot decide a project; a candidate cannot evaluate; Nantes cannot touch Lyon.
	for _, w := range []struct {
		client int
		path   string
		want   int
	}{
		{3, ins(lea, "/projets/BC01/decision"), 403},
		{4, ins(lea, "/evaluations"), 403},
		{6, ins(lea, "/statut"), 404},
		{6, ins(lea, "/projets/BC01/decision"), 404},
		{4, ins(other, "/projets/BC01"), 404},
	} {
		res := e.post(clients[w.client], w.path, map[string][]string{"decision": {"valide"}, "statut": {"abandon"}, "titre": {"x"}})
		if res.StatusCode != w.want {
			t.Errorf("POST %s as %s: %d, want %d", w.path, roles[w.client], res.StatusCode, w.want)
		}
	}
}

func storeFilterPromotion(p string) store.InscriptionFilter {
	return store.InscriptionFilter{Promotion: p, Limit: 100}
}
