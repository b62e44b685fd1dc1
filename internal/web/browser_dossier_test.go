package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/inspect/sample"
)

// TestBrowserDossierPhone: a candidate deposits a piece of their dossier from a phone
// (Chromium at 390 px): the page never scrolls sideways, the report reads as a checklist
// (a state word and a symbol per line), and the upload lands as the next version of the piece
// (the demo deposited the first).
func TestBrowserDossierPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	cv := filepath.Join(t.TempDir(), "mon-cv.pdf")
	if err := os.WriteFile(cv, pdfBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	// Two projects, so that the coverage matrix has columns to scroll.
	for _, titre := range []string{"Blog du club de voile nautique de Lyon", "Stratégie sociale du festival"} {
		pr := &dossier.Projet{InscriptionID: lea, Titre: titre, Origine: dossier.OrigineStage, Competences: []string{"C1.1", "C2.1", "C3.1"}}
		if err := e.st.CreateProjet(t.Context(), account.System, pr); err != nil {
			t.Fatal(err)
		}
	}
	p := b.open(t)
	p.login(e.ts.URL, "candidat@certif.demo", demo.Password, http.StatusOK)
	p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	page := fmt.Sprintf("%s/inscriptions/%d/dossier", e.ts.URL, lea)
	p.navigate(page, http.StatusOK)
	if w := p.eval(`document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("the dossier page scrolls sideways by %d px at 390 px", w)
	}
	lines := run(p, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#conformite li.check .check-state")].map(s => s.textContent.trim())`))
	if len(lines) != len(dossierRegles) {
		t.Fatalf("conformity lines %q", lines)
	}
	for _, l := range lines {
		if !strings.ContainsAny(l, "✓!✗?") || len(strings.Fields(l)) < 2 {
			t.Errorf("a line's state %q is not a symbol and a word", l)
		}
	}
	// The summary counts as it is typed, as the server will.
	const typed = "Un blog l’image : mots-clés 200–250 !"
	p.evalBool(`(document.querySelector("#texte").value = "", true)`) // in place of the demo's summary
	p.do(chromedp.SendKeys("#texte", typed))
	want := fmt.Sprintf("%d mots, %d caractères", dossier.CountWords(typed), dossier.CharsWithoutSpaces(typed))
	if got := p.text("#resume-live"); !strings.Contains(got, want) {
		t.Errorf("live counts of the summary: %q, want %q", got, want)
	}
	if got := p.text("#resume-live"); !p.evalBool(`document.querySelector("#resume-live").classList.contains("count-manquant")`) || !strings.Contains(got, "trop court") {
		t.Errorf("a far too short summary is not red: %q", got)
	}
	p.evalBool(`(document.querySelector("#texte").value = "mot ".repeat(260), document.querySelector("#texte").dispatchEvent(new Event("input")), true)`)
	if got := p.text("#resume-live"); !p.evalBool(`document.querySelector("#resume-live").classList.contains("count-attention")`) || !strings.Contains(got, "trop long") {
		t.Errorf("a summary of 260 words is not orange « trop long »: %q", got)
	}
	p.shoot("dossier-phone")
	// A file over the cap is refused by the browser before it is sent.
	e.srv.cfg.MaxDocumentBytes = 1 << 20
	p.navigate(page, http.StatusOK)
	big := filepath.Join(t.TempDir(), "gros.pdf")
	if err := os.WriteFile(big, append(append([]byte{}, pdfBytes...), make([]byte, 2<<20)...), 0o644); err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.SetUploadFiles("#fichier-brief", []string{big}))
	if msg := run(p, chromedp.Evaluate[string](`document.querySelector("#fichier-brief").validationMessage`)); !strings.Contains(msg, "1 Mo") {
		t.Errorf("a file over the cap is not refused before sending: %q", msg)
	}
	p.do(chromedp.SetUploadFiles("#fichier-cv", []string{cv}))
	res, err := chromedp.RunResponse(p.ctx, chromedp.Click(`#piece-cv form button[type=submit]`))
	if err != nil {
		t.Fatal(err)
	}
	p.checkStatus("upload", res, http.StatusOK)
	if got := p.text("#piece-cv .piece-current"); !strings.Contains(got, "Version 2") || !strings.Contains(got, "mon-cv.pdf") { // after the demo's
		t.Errorf("the CV after upload: %q", got)
	}
	if w := p.eval(`document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("the dossier page scrolls sideways by %d px after an upload", w)
	}
	p.shoot("dossier-phone-cv")
}

// TestBrowserDossierJourney: the demo candidate works on her dossier from a phone (390 px) and
// from a desktop: she replaces her video by a 7-minute one (the report turns red: « Vidéo :
// 7 min 02 s — 5 min au plus »), saves a 263-word summary (orange: « Résumé : 263 mots — 200
// à 250 attendus »), adds a personal project (listed as awaiting the référent's approval,
// with its column in the coverage matrix), then deposits a 5-minute video (green again). The
// page never scrolls sideways; every step is screenshot (CERTIF_SCREENSHOTS=1 keeps them).
func TestBrowserDossierJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)
	dir := t.TempDir()
	long, short := filepath.Join(dir, "video-7min.webm"), filepath.Join(dir, "video-5min.mp4")
	for path, write := range map[string]func(io.Writer) error{
		long:  func(w io.Writer) error { return sample.WebM(w, 7*time.Minute+2*time.Second, 0) },
		short: func(w io.Writer) error { return sample.MP4(w, 5*time.Minute, 0) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	resume := strings.TrimSpace(strings.Repeat("Le blog présente les actions menées. ", 43)) + " Les résultats sont très encourageants."
	for _, vp := range []struct {
		name  string
		phone bool
	}{{"mobile", true}, {"bureau", false}} {
		t.Run(vp.name, func(t *testing.T) {
			e := newEnv(t)
			lea, _ := dossierIns(t, e)
			p := b.open(t)
			p.login(e.ts.URL, "candidat@certif.demo", demo.Password, http.StatusOK)
			if vp.phone {
				p.do(chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
			}
			step := func(name string) {
				t.Helper()
				if o := run(p, chromedp.Evaluate[overflow](overflowJS)); o.ScrollWidth > o.InnerWidth+1 {
					t.Errorf("%s: the page scrolls sideways (%d > %d): %s", name, o.ScrollWidth, o.InnerWidth, strings.Join(o.Culprits, ", "))
				}
				p.save("dossier-parcours-"+vp.name+"-"+name, run(p, chromedp.FullScreenshot(100)))
				p.save("dossier-parcours-"+vp.name+"-"+name+"-rapport", run(p, chromedp.Screenshot("#synthese")))
			}
			line := func(regle string) (statut, text string) {
				t.Helper()
				sel := fmt.Sprintf(`#conformite li[data-regle=%q]`, regle)
				class := run(p, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).className`, sel)))
				return strings.TrimPrefix(strings.Fields(class)[1], "statut-"), p.text(sel + " .check-text")
			}
			send := func(what, button string) {
				t.Helper()
				res, err := chromedp.RunResponse(p.ctx, chromedp.Click(button))
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				p.checkStatus(what, res, http.StatusOK)
			}

			want := func(regle, statut, message string) {
				t.Helper()
				if st, msg := line(regle); st != statut || msg != message {
					t.Errorf("%s: %s « %s », want %s « %s »", regle, st, msg, statut, message)
				}
			}
			video := func(path, name, statut, message string) {
				t.Helper()
				p.do(chromedp.SetUploadFiles("#fichier-video", []string{path}))
				send(name, "#piece-video form button[type=submit]")
				want("video_duree", statut, message)
				step(name)
			}

			p.navigate(fmt.Sprintf("%s/inscriptions/%d/dossier", e.ts.URL, lea), http.StatusOK)
			want("video_duree", "ok", "Vidéo : 3 min 40 s — 5 min au plus")
			if got := p.text("#conformite-title + p"); got != "Conformes : 14 sur 14." {
				t.Errorf("the demo dossier is not all green: %q", got)
			}
			step("1-demo")

			video(long, "2-video-7min", "manquant", "Vidéo : 7 min 02 s — 5 min au plus")

			p.do(chromedp.SetValue("#texte", resume))
			send("the summary", "#resume form button[type=submit]")
			want("resume_mots", "attention", "Résumé : 263 mots — 200 à 250 attendus")
			step("3-resume-long")

			p.do(chromedp.Click("#projet-new > summary"),
				chromedp.SetValue("#new-titre", "Carnet de randonnées des Monts du Lyonnais"),
				chromedp.SetValue("#new-origine", "personnel"),
				chromedp.SetValue("#new-blog", "https://randonnees.exemple.fr"),
				chromedp.Click(`#projet-new input[name=competences][value="C2.1"]`),
				chromedp.Click(`#projet-new input[name=competences][value="C2.2"]`))
			send("the project", "#projet-new form button[type=submit]")
			if got := p.text("#projets"); !strings.Contains(got, "Carnet de randonnées des Monts du Lyonnais") || !strings.Contains(got, "approbation") {
				t.Errorf("the personal project: %q", got)
			}
			if n := p.eval(`document.querySelectorAll("table.couverture thead th").length`); n != 5 {
				t.Errorf("coverage matrix: %d columns, want 5 (compétence, 3 projects, state)", n)
			}
			step("4-projet")

			video(short, "5-video-5min", "ok", "Vidéo : 5 min 00 s — 5 min au plus")
		})
	}
}
