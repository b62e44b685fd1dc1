package document

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"
)

func sampleConvocation() Convocation {
	return Convocation{
		Header: Header{Certificateur: "Certif Formation", Certification: "Community Manager", RNCP: "37835", Niveau: "5",
			Centre: "Campus Lyon Numérique", CertificateurSignataire: "Claire Dubois", CertificateurQualite: "Directrice de la certification"},
		Candidat: Candidat{Civilite: "Madame", Prenoms: "Léa", NomNaissance: "Moreau", DateNaissance: time.Date(1998, 3, 12, 0, 0, 0, 0, time.UTC)},
		Adresse:  "4 rue des Capucins\n69001 Lyon",
		Date:     time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC), Heure: "09:30", Lieu: "Campus Lyon Numérique, 12 rue de la Paix, 69002 Lyon",
		DureePresentation: 20, DureeEntretienTechnique: 25, DureeEntretienFinal: 15,
		Echeance: time.Date(2027, 2, 5, 0, 0, 0, 0, time.UTC), Confidentiel: true,
		Contact: "certification@certif.demo", Emise: time.Date(2027, 1, 11, 10, 0, 0, 0, time.UTC),
	}
}

// TestConvocation: the letter says when, where, how long, what to bring and the dossier's
// deadline; unusable input is refused in French; the same data gives the same bytes.
func TestConvocation(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderConvocation(&buf, sampleConvocation()); err != nil {
		t.Fatal(err)
	}
	if p := os.Getenv("CERTIF_CONVOCATION_PDF"); p != "" { // to look at it
		os.WriteFile(p, buf.Bytes(), 0o644)
	}
	text := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
	for _, want := range []string{"Madame Léa Moreau", "Lundi 15 février 2027", "9 h 30", "12 rue de la Paix", "Présentation du projet",
		"20 min", "25 min", "15 min", "60 min", "au plus tard le 5 février 2027 à 23 h 59", "pièce d'identité", "propre matériel",
		"contraintes techniques du centre", "Titre RNCP n° 37835", "Claire Dubois", "convoquée", "confidentiels"} {
		if !strings.Contains(strings.ReplaceAll(strings.ReplaceAll(text, "\u00a0", " "), "’", "'"), want) {
			t.Errorf("missing %q in %s", want, text)
		}
	}
	var again bytes.Buffer
	if err := RenderConvocation(&again, sampleConvocation()); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("not deterministic")
	}
	remote := sampleConvocation()
	remote.Distanciel, remote.Lieu = true, "https://visio.example.fr/session-15-fevrier"
	buf.Reset()
	if err := RenderConvocation(&buf, remote); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, buf.Bytes()); !strings.Contains(text, "caméra") || !strings.Contains(text, "visio.example.fr") {
		t.Errorf("remote: %s", text)
	}
	bad := sampleConvocation()
	bad.Heure, bad.Lieu, bad.DureeEntretienFinal = "", " ", 0
	err := RenderConvocation(&buf, bad)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "heure") || !strings.Contains(err.Error(), "lieu") || !strings.Contains(err.Error(), "durées") {
		t.Errorf("bad input: %v", err)
	}
}

// TestConvocationOnePage: the letter holds on one page with every optional paragraph, a
// remote session's three items to bring, the logo, the address and the mentions.
func TestConvocationOnePage(t *testing.T) {
	c := sampleConvocation()
	c.Distanciel, c.Lieu = true, "https://visio.certif-academie.fr/jury/cm-session"
	c.CertificateurAdresse = "12 rue de la République\n69002 Lyon"
	c.CertificateurSIRET, c.CentreSIRET, c.Mentions = "89123456700008", "51234567800019", "Données de démonstration : numéro RNCP fictif."
	c.DateEnregistrement, c.FinValidite = time.Date(2024, 3, 12, 0, 0, 0, 0, time.UTC), time.Date(2029, 3, 12, 0, 0, 0, 0, time.UTC)
	c.Contact = "Julien Bernard, Campus Lyon Numérique (referent@certif.demo)"
	img := image.NewRGBA(image.Rect(0, 0, 300, 100)) // a logo at the header's largest
	var logo bytes.Buffer
	if err := png.Encode(&logo, img); err != nil {
		t.Fatal(err)
	}
	c.Logo = logo.Bytes()
	var buf bytes.Buffer
	if err := RenderConvocation(&buf, c); err != nil {
		t.Fatal(err)
	}
	if p := os.Getenv("CERTIF_CONVOCATION_PDF"); p != "" {
		os.WriteFile(p, buf.Bytes(), 0o644)
	}
	if text := pdfText(t, buf.Bytes()); !strings.Contains(text, "Page 1 / 1") {
		t.Errorf("the convocation takes more than one page: %s", text)
	}
}

// BenchmarkRenderConvocation: one convocation, the cost of each PDF link a candidate opens.
func BenchmarkRenderConvocation(b *testing.B) {
	c := sampleConvocation()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := RenderConvocation(&buf, c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}
