package web

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
)

// TestAttestationAttestsWhatWasDone is issue 7: a module planned next month with no hour done
// is not attested; a candidate who followed nothing gets a French explanation instead of
// « Erreur 422 — Données invalides »; the attestation carries the centre's NDA (L6353-1).
func TestAttestationAttestsWhatWasDone(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	lyon := demoCentre(t, e, "Campus Numérique Lyon")
	certs, err := e.st.Certifications(ctx)
	if err != nil || len(certs) == 0 {
		t.Fatal(err)
	}
	mod := candidat.Module{CentreID: lyon, Intitule: "Module de janvier prochain", Heures: 35, Competences: []string{"C1.1"}, Active: true}
	if err := e.st.CreateModule(ctx, account.System, certs[0].ID, &mod); err != nil {
		t.Fatal(err)
	}
	next := time.Now().AddDate(0, 1, 0).UTC().Truncate(24 * time.Hour)

	// A new candidate whose only module starts next month: nothing to attest, and why.
	c := &candidat.Candidat{NomNaissance: "Futur", Prenoms: []string{"Paul"}, Sexe: candidat.Homme, DateNaissance: time.Date(1999, 5, 6, 0, 0, 0, 0, time.UTC),
		CommuneNaissance: "Lyon", CommuneNaissanceCode: "69123", Email: "paul.futur@exemple.fr"}
	ins := &candidat.Inscription{CertificationID: certs[0].ID, CentreID: lyon, Voie: candidat.FormationContinue, Promotion: "CM-2027-B", Date: time.Now()}
	if _, err := e.st.Inscrire(ctx, account.System, c, ins); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddSeance(ctx, account.System, &candidat.Seance{InscriptionID: ins.ID, ModuleID: mod.ID, Debut: next, Fin: next.AddDate(0, 0, 11), HeuresPrevues: 35}); err != nil {
		t.Fatal(err)
	}
	path := "/inscriptions/" + strconv.FormatInt(ins.ID, 10) + "/documents/attestation-formation.pdf"
	res, doc := e.get(e.login("referent@certif.demo"), path)
	body := text(doc.Find("main"))
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "La formation n’a pas commencé") ||
		!strings.Contains(body, "Module de janvier prochain") || strings.Contains(body, "422") || strings.Contains(body, "Données invalides") {
		t.Errorf("attestation with nothing followed: %d %q", res.StatusCode, body)
	}
	if href, _ := doc.Find(`main a[href$="/planning"]`).Attr("href"); href == "" {
		t.Error("no way to the planning from the explanation")
	}
	status, out := e.api("GET", "/api/v1"+path, e.token("referent@certif.demo"), "")
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(out), `"planning"`) {
		t.Errorf("API attestation with nothing followed: %d %s", status, out)
	}

	// Léa followed every demo module; a module planned next month is added to her planning:
	// her attestation (she downloads it herself) lists what she followed, not that one.
	lea := findInscription(t, e, e.token("referent@certif.demo"), "Moreau")
	leaID, _ := strconv.ParseInt(lea, 10, 64)
	if err := e.st.AddSeance(ctx, account.System, &candidat.Seance{InscriptionID: leaID, ModuleID: mod.ID, Debut: next, Fin: next.AddDate(0, 0, 11), HeuresPrevues: 35}); err != nil {
		t.Fatal(err)
	}
	resp, err := e.login("candidat@certif.demo").Get(e.ts.URL + "/inscriptions/" + lea + "/documents/attestation-formation.pdf")
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	_, _ = pdf.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("Léa's attestation: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) missing: content not checked")
	}
	f := t.TempDir() + "/a.pdf"
	if err := os.WriteFile(f, pdf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(txt)), " ")
	for _, want := range []string{"84 69 12345 69", "Nature : Action de formation", "Objectifs", "Durée :", "Résultats de l’évaluation des acquis", "7 modules"} {
		if !strings.Contains(flat, want) {
			t.Errorf("attestation lacks %q", want)
		}
	}
	if strings.Contains(flat, "Module de janvier prochain") {
		t.Error("the attestation lists a module not followed yet")
	}
}
