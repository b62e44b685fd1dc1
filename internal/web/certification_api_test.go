package web

import (
	"encoding/json"
	"fmt"
	"testing"
)

// GET /api/v1/certifications gives the registration's own version, the one PATCH
// /api/v1/certifications/{id} wants (outside attack: a client could only find it by trial).
func TestCertificationListGivesEnregistrementVersion(t *testing.T) {
	e := newEnv(t)
	admin := e.token("admin@certif.demo")
	read := func() apiCertification {
		t.Helper()
		code, out := e.api("GET", "/api/v1/certifications", "", "")
		var certs []apiCertification
		if err := json.Unmarshal(out, &certs); code != 200 || err != nil || len(certs) == 0 {
			t.Fatalf("list: %d %v %s", code, err, out)
		}
		return certs[0]
	}
	c := read()
	if c.Enregistrement.ID != c.ID || c.Enregistrement.Version < 1 || c.Enregistrement.RNCP != c.RNCP {
		t.Fatalf("no registration in the list: %+v", c)
	}
	path := "/api/v1/certifications/" + itoa64(c.ID)
	if code, out := e.api("PATCH", path, admin, fmt.Sprintf(`{"mentions":"Mention A","version":%d}`, c.Enregistrement.Version)); code != 200 {
		t.Fatalf("PATCH with the version read: %d %s", code, out)
	}
	if code, _ := e.api("PATCH", path, admin, fmt.Sprintf(`{"mentions":"Mention B","version":%d}`, c.Enregistrement.Version)); code != 409 {
		t.Errorf("stale version: %d, want 409", code)
	}
	if got := read().Enregistrement; got.Mentions != "Mention A" || got.Version != c.Enregistrement.Version+1 {
		t.Errorf("after PATCH: %+v", got)
	}
}
