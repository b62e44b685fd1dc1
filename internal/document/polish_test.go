package document

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// What the outside tools found, checked on every kind of document: a language, a file
// identifier, subset tags on the embedded fonts, French typography (’ and …), and a file
// qpdf finds sound after the catalog grew (the cross-reference table was rewritten).
func TestPDFLangIDSubsetsTypography(t *testing.T) {
	docs := map[string][]byte{
		"livret":      renderBytes(t, func(b *bytes.Buffer) error { return RenderLivret(b, livret()) }),
		"attestation": renderBytes(t, func(b *bytes.Buffer) error { return RenderAttestation(b, attestation()) }),
		"relevés":     renderBytes(t, func(b *bytes.Buffer) error { return RenderReleves(b, releves()) }),
	}
	tag := regexp.MustCompile(`/(?:BaseFont|FontName) /([A-Z]{6})\+NotoSans`)
	for name, pdf := range docs {
		if !bytes.Contains(pdf, []byte("/Lang (fr-FR)")) {
			t.Errorf("%s: no /Lang (fr-FR) in the catalog", name)
		}
		if !regexp.MustCompile(`trailer\n<<\n/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]`).Match(pdf) {
			t.Errorf("%s: no /ID in the trailer", name)
		}
		if bytes.Contains(pdf, []byte(subsetPlaceholder)) {
			t.Errorf("%s: the subset tag placeholder is left", name)
		}
		if n := len(tag.FindAll(pdf, -1)); n < 9 {
			t.Errorf("%s: %d font names with a subset tag, want the 3 names of each of the Noto Sans fonts", name, n)
		}
		text := pdfText(t, pdf)
		if strings.Contains(text, "'") || strings.Contains(text, "...") {
			t.Errorf("%s: straight apostrophe or three dots in the text: %q", name, text[:min(len(text), 300)])
		}
		if !strings.Contains(text, "’") {
			t.Errorf("%s: no typographic apostrophe", name)
		}
		file := filepath.Join(t.TempDir(), "doc.pdf")
		if err := os.WriteFile(file, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := exec.LookPath("qpdf"); err == nil {
			if out, err := exec.Command("qpdf", "--check", file).CombinedOutput(); err != nil || bytes.Contains(out, []byte("WARNING")) {
				t.Errorf("%s: qpdf --check: %v\n%s", name, err, out)
			}
		}
		if _, err := exec.LookPath("pdffonts"); err == nil {
			out, err := exec.Command("pdffonts", file).CombinedOutput()
			if err != nil {
				t.Fatalf("pdffonts: %v\n%s", err, out)
			}
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n")[2:] {
				f := strings.Fields(l)
				if len(f) < 7 || f[len(f)-5] != "yes" || f[len(f)-4] != "yes" || f[len(f)-3] != "yes" {
					t.Errorf("%s: pdffonts: %q (want embedded, subset, unicode)", name, l)
				}
			}
		}
	}
}
