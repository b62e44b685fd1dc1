package web

import (
	"fmt"
	"net/http"
	"testing"
)

// TestEveryRouteChecksTheRole walks the pages and API routes with every role.
func TestEveryRouteChecksTheRole(t *testing.T) {
	e := newEnv(t)
	orgs, err := e.st.Organismes(t.Context(), actorAdmin())
	if err != nil {
		t.Fatal(err)
	}
	var lyon, nantes int64
	for _, o := range orgs {
		switch o.Nom {
		case "Campus Numérique Lyon":
			lyon = o.ID
		case "École du Web Nantes":
			nantes = o.ID
		}
	}
	formateurNantes, _, _ := e.st.Credentials(t.Context(), "formateur.nantes@certif.demo")
	const anon = ""
	roles := []string{anon, "admin@certif.demo", "referent@certif.demo", "formateur@certif.demo", "candidat@certif.demo", "jury@certif.demo"}
	// want lists the expected status per role in the order of roles; 303 = sent to login.
	cases := []struct {
		path string
		want [6]int
	}{
		{"/", [6]int{200, 200, 200, 200, 200, 200}},
		{"/referentiel", [6]int{200, 200, 200, 200, 200, 200}},
		{"/compte", [6]int{303, 200, 200, 200, 200, 200}},
		{"/admin/centres", [6]int{303, 200, 403, 403, 403, 403}},
		{"/admin/centres/nouveau", [6]int{303, 200, 403, 403, 403, 403}},
		{fmt.Sprintf("/admin/centres/%d", lyon), [6]int{303, 200, 403, 403, 403, 403}},
		{"/admin/utilisateurs", [6]int{303, 200, 403, 403, 403, 403}},
		{"/admin/utilisateurs/nouveau", [6]int{303, 200, 403, 403, 403, 403}},
		{"/admin/journal", [6]int{303, 200, 403, 403, 403, 403}},
		{"/api/v1/me", [6]int{401, 200, 200, 200, 200, 200}},
		{"/api/v1/centres", [6]int{401, 200, 200, 200, 200, 200}},
		{fmt.Sprintf("/api/v1/centres/%d", lyon), [6]int{401, 200, 200, 200, 404, 404}},
		// A centre's staff never learn that another centre exists.
		{fmt.Sprintf("/api/v1/centres/%d", nantes), [6]int{401, 200, 404, 404, 404, 404}},
		{"/api/v1/users", [6]int{401, 200, 200, 403, 403, 403}},
		{fmt.Sprintf("/api/v1/users/%d", formateurNantes.ID), [6]int{401, 200, 404, 404, 404, 404}},
		{"/api/v1/certifications", [6]int{200, 200, 200, 200, 200, 200}},
		{"/nulle-part", [6]int{404, 404, 404, 404, 404, 404}},
	}
	clients := make([]*http.Client, len(roles))
	for i, email := range roles {
		if email == anon {
			clients[i] = e.client()
		} else {
			clients[i] = e.login(email)
		}
	}
	for _, tc := range cases {
		for i, c := range clients {
			res, err := c.Get(e.ts.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.want[i] {
				t.Errorf("GET %s as %q: %d, want %d", tc.path, roles[i], res.StatusCode, tc.want[i])
			}
		}
	}
	// Writes: only the admin may create centres and users, through pages and API.
	for i, c := range clients[2:] {
		res := e.post(c, "/admin/centres", map[string][]string{"nom": {"Intrus"}, "siret": {"77612345600035"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST /admin/centres as %s: %d", roles[i+2], res.StatusCode)
		}
	}
	for _, email := range roles[2:] {
		if status, _ := e.api("POST", "/api/v1/centres", e.token(email), `{"nom":"Intrus","siret":"77612345600035"}`); status != http.StatusForbidden {
			t.Errorf("API POST centres as %s: %d", email, status)
		}
	}
}
