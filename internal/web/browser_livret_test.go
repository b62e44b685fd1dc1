package web

// Browser tests of issue 3: inscriptions, activation, the livret, the projects, the
// promotion's matrix, the import, the internship and its tutor, the planning and the PDFs,
// and the VAE files. They reuse the browser helpers of browser_test.go.

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/certif/certif/internal/demo"
)

func TestBrowserLivret(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s: %v", chromiumPath, err)
	}
	b := startBrowser(t)

	t.Run("Inscription", func(t *testing.T) {
		e := newEnv(t)
		p := b.open(t)
		p.login(e.ts.URL, "referent@certif.demo", demo.Password, http.StatusOK)
		p.navigate(e.ts.URL+"/candidats", http.StatusOK)
		lvClick(p, `//a[normalize-space()="Inscrire un candidat"]`, http.StatusOK)
		if got := p.location(); got != e.ts.URL+"/candidats/nouveau" {
			t.Fatalf("“Inscrire un candidat” leads to %q", got)
		}
		p.do(chromedp.WaitVisible("#nom_naissance"),
			chromedp.SendKeys("#nom_naissance", "Garnier"),
			chromedp.SendKeys("#prenom1", "Élodie"),
			chromedp.SetValue("#sexe", "F"),
			chromedp.SendKeys("#commune_naissance", "Villeurbanne"),
			chromedp.SendKeys("#commune_naissance_code", "69266"),
			chromedp.SendKeys("#email", "elodie.garnier@"),
			chromedp.SendKeys("#promotion", "CM-2026-A"))
		lvSelectByText(p, "#voie", "Formation continue (hors contrat)")
		p.shoot("inscrire-formulaire")

		// An invalid e-mail and no birth date: both are flagged next to their field, in French.
		p.submit(http.StatusUnprocessableEntity)
		p.do(chromedp.WaitVisible("#email-error"), chromedp.WaitVisible("#date_naissance-error"))
		for field, want := range map[string]string{"email": "e-mail", "date_naissance": "naissance"} {
			msg := p.text("#" + field + "-error")
			if !strings.Contains(strings.ToLower(msg), want) {
				t.Errorf("#%s-error = %q, want a French message about the %s", field, msg, want)
			}
			if !p.evalBool(fmt.Sprintf(`(() => {
				const i = document.getElementById(%q), e = document.getElementById(%q);
				return i.nextElementSibling === e && i.getAttribute("aria-invalid") === "true" &&
					i.getAttribute("aria-describedby") === e.id;
			})()`, field, field+"-error")) {
				t.Errorf("#%s-error is not right after #%s, or the field is not marked invalid and described by it", field, field)
			}
		}
		if p.eval(`document.querySelectorAll(".field-error").length`) != 2 {
			t.Errorf("errors: %q, want only the e-mail and the birth date", p.text("#contenu form"))
		}
		if got := p.text(".error-summary"); !strings.Contains(got, "erreur") {
			t.Errorf(".error-summary = %q, want a French summary", got)
		}
		for sel, want := range map[string]string{"#nom_naissance": "Garnier", "#prenom1": "Élodie", "#sexe": "F",
			"#commune_naissance_code": "69266", "#promotion": "CM-2026-A", "#email": "elodie.garnier@"} {
			if got := p.value(sel); got != want {
				t.Errorf("%s was not kept: %q, want %q", sel, got, want)
			}
		}
		if got := run(p, chromedp.Evaluate[string](`document.querySelector("#voie").selectedOptions[0].textContent.trim()`)); got != "Formation continue (hors contrat)" {
			t.Errorf("the voie was not kept: %q", got)
		}
		p.shoot("inscrire-erreurs")

		// Fixed: the date is typed into the date input, in the order of the browser's own locale
		// (jj/mm/aaaa for a French Chromium; this one may only have its en-US resources).
		p.do(chromedp.Clear("input#email"), chromedp.SendKeys("input#email", "elodie.garnier@exemple.fr"), // not "#email": the error summary links to it
			chromedp.Click("#date_naissance"), chromedp.SendKeys("#date_naissance", lvDateKeys(p, "14", "05", "1999")))
		if got := p.value("#date_naissance"); got != "1999-05-14" {
			t.Fatalf("#date_naissance = %q after typing 14 May 1999, want 1999-05-14", got)
		}
		p.submit(http.StatusOK) // 303 to the page that shows the link (Post/Redirect/Get)
		p.do(chromedp.WaitVisible("#activation-link"))
		link := p.text("#activation-link")
		if !strings.HasPrefix(link, e.ts.URL+"/activation/") || len(link) < len(e.ts.URL+"/activation/")+20 {
			t.Fatalf("#activation-link = %q, want an activation URL of this server", link)
		}
		if got := p.text(".flash"); !strings.Contains(got, "Élodie") || !strings.Contains(got, "CM-2026-A") {
			t.Errorf(".flash = %q, want the candidate's name and promotion", got)
		}
		lvFitsDesktop(p, "inscrire-termine")
		lvSecretFits(p, "#activation-link")
		p.shoot("inscrire-termine")

		// The candidate activates the account from the link, with no session.
		lvLogout(p, e.ts.URL)
		p.navigate(link, http.StatusOK)
		if got := p.text("#contenu"); !strings.Contains(got, "elodie.garnier@exemple.fr") {
			t.Errorf("the activation page does not name the account: %q", got)
		}
		p.shoot("activation")
		const pw = "Printemps-à-Lyon-2026"
		p.do(chromedp.SendKeys("#password", pw), chromedp.SendKeys("#confirm", pw))
		p.submit(http.StatusOK)
		p.do(chromedp.WaitVisible("#contenu h1"))
		if got := p.location(); got != e.ts.URL+"/" {
			t.Errorf("after activation: location %q, want the home page", got)
		}
		if got := p.text("#contenu h1"); got != "Mon espace candidat" {
			t.Errorf("after activation: h1 = %q, want the candidate's home", got)
		}
		if got := p.text("header nav"); !strings.Contains(got, "Élodie") {
			t.Errorf("the header does not show the candidate signed in: %q", got)
		}
		if got := p.text(".flash"); !strings.Contains(got, "activé") {
			t.Errorf(".flash = %q, want the French confirmation of the activation", got)
		}
		p.shoot("activation-accueil")

		lvClick(p, `header a[href="/mon-dossier"]`, http.StatusOK)
		if got := p.location(); !regexp.MustCompile(`/inscriptions/\d+$`).MatchString(got) {
			t.Errorf("“Mon inscription” leads to %q, want the candidate's file", got)
		}
		if got := p.text("#contenu h1"); got != "Élodie Garnier" && got != "Élodie GARNIER" {
			t.Errorf("Mon inscription: h1 = %q, want the candidate's name", got)
		}
		if got := p.text("#statut"); got == "" {
			t.Error("Mon inscription: no status")
		}
		p.shoot("activation-mon-dossier")

		// The link served once.
		p.navigate(link, http.StatusGone)
		if got := p.text("#contenu h1"); got != "Lien expiré ou déjà utilisé" {
			t.Errorf("the used activation link: h1 = %q", got)
		}
	})

	t.Run("Livret", func(t *testing.T) {
		e := newEnv(t)
		p := b.open(t)
		p.login(e.ts.URL, "formateur@certif.demo", demo.Password, http.StatusOK)
		lvOpenFile(p, e.ts.URL, "Moreau", "Léa Moreau")
		lvClick(p, `nav.tabs a[href$="/livret"]`, http.StatusOK)
		if got := p.eval(`document.querySelectorAll("section.competence").length`); got != 14 {
			t.Errorf("the livret shows %d compétences, want 14", got)
		}
		p.shoot("livret-formateur")
		// The synthesis per bloc comes first; each compétence's details are folded, so the
		// page is no longer 12,000 px tall.
		if got := p.eval(`document.querySelectorAll("table.synthese tbody tr").length`); got != 3 {
			t.Errorf("the synthesis has %d blocs, want 3", got)
		}
		if !p.evalBool(`(document.querySelector("section.synthese").compareDocumentPosition(document.querySelector("article.bloc")) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0`) {
			t.Error("the synthesis is not before the blocs")
		}
		if got := p.eval(`document.querySelectorAll("details.fold[open]").length`); got != 0 {
			t.Errorf("%d folds open on arrival, want all closed", got)
		}
		if h := p.eval(`document.documentElement.scrollHeight`); h > 6000 {
			t.Errorf("the livret is %d px tall on a desktop, want the details folded (≤ 6,000)", h)
		}

		const comp = `section[id="C1.1"]`
		lvClick(p, comp+` a[href*="evaluations/nouvelle?competence="]`, http.StatusOK)
		p.do(chromedp.WaitVisible("table.criteres-form"))
		if got := p.text("#contenu h2"); got != "Nouvelle évaluation en cours de formation" {
			t.Errorf("evaluation form: h2 = %q", got)
		}
		criteres := run(p, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.criteres-form tbody tr")].map(tr =>
			tr.querySelector("input").name.replace("critere_", ""))`))
		if len(criteres) < 2 {
			t.Fatalf("C1.1 has %d critères in the form, want several", len(criteres))
		}
		// The first critère is not acquired, the others are.
		for i, k := range criteres {
			res := "acquis"
			if i == 0 {
				res = "non_acquis"
			}
			p.do(chromedp.Click(fmt.Sprintf(`input[name="critere_%s"][value=%q]`, k, res)))
		}
		p.do(chromedp.Clear("#score"), chromedp.SendKeys("#score", "14,5"),
			chromedp.Clear("#bareme"), chromedp.SendKeys("#bareme", "20"),
			chromedp.Clear("#seuil"), chromedp.SendKeys("#seuil", "10"),
			chromedp.SendKeys("#commentaire", "Diagnostic solide ; la veille concurrentielle reste à compléter."))
		p.shoot("evaluation-formulaire")
		p.submit(http.StatusOK)
		if got := p.location(); !strings.HasSuffix(got, "/livret#C1.1") {
			t.Errorf("after saving: location %q, want the livret at #C1.1", got)
		}
		if got := p.text(".flash"); !strings.Contains(got, "C1.1") {
			t.Errorf(".flash = %q, want the compétence saved", got)
		}
		if n := p.eval(`[...document.querySelectorAll(".flash")].filter(f => f.offsetParent).length`); n != 1 {
			t.Errorf("%d flash messages on the livret, want one", n)
		}
		if got := p.text(comp + ` h3 .badge`); got != "En cours" {
			t.Errorf("C1.1 badge = %q, want “En cours” (one critère not acquired)", got)
		}
		if got := p.text(comp + ` .evaluation`); !strings.Contains(got, "14,5/20") || !strings.Contains(got, "Sophie Petit") {
			t.Errorf("the new entry = %q, want the score 14,5/20 and the formateur", got)
		}

		// The correction: the first critère is now acquired; the old entry stays, superseded.
		lvClick(p, comp+` .evaluation a[href*="remplace="]`, http.StatusOK)
		p.do(chromedp.WaitVisible("table.criteres-form"))
		if got := p.text("#contenu h2"); got != "Corriger une évaluation" {
			t.Errorf("correction form: h2 = %q", got)
		}
		if got := p.value("#score"); got != "14,5" {
			t.Errorf("the correction form carries the score as %q, want the French 14,5 that was typed", got)
		}
		if !p.evalBool(fmt.Sprintf(`document.querySelector('input[name="critere_%s"][value="non_acquis"]').checked`, criteres[0])) {
			t.Errorf("the correction form does not carry the results of the corrected entry")
		}
		p.do(chromedp.Click(fmt.Sprintf(`input[name="critere_%s"][value="acquis"]`, criteres[0])))
		p.shoot("evaluation-correction")
		p.submit(http.StatusOK)
		if got := p.text(comp + ` h3 .badge`); got != "Acquise" {
			t.Errorf("C1.1 badge after the correction = %q, want “Acquise”", got)
		}
		if n := p.eval(`document.querySelectorAll('section[id="C1.1"] details .evaluation.superseded').length`); n < 1 {
			t.Errorf("the corrected entry is not in the history as superseded (%d)", n)
		}
		p.do(chromedp.Click(comp + ` details.historique summary`))
		if got := p.text(comp + ` details .evaluation.superseded`); !strings.Contains(got, "remplacée") {
			t.Errorf("the superseded entry = %q, want it marked “remplacée”", got)
		}
		if got := p.text(comp + ` details.fold > .evaluation`); !strings.Contains(got, "correction") {
			t.Errorf("the current entry = %q, want it marked as a correction", got)
		}
		p.do(chromedp.ScrollIntoView(comp))
		lvShootElement(p, "livret-correction-C1.1", comp)
	})

	t.Run("Projet", func(t *testing.T) {
		e := newEnv(t)
		p := b.open(t)
		p.login(e.ts.URL, "candidat@certif.demo", demo.Password, http.StatusOK)
		lvClick(p, `header a[href="/mon-dossier"]`, http.StatusOK)
		lvClick(p, `nav.tabs a[href$="/livret"]`, http.StatusOK)
		livret := p.location()
		if n := p.eval(`document.querySelectorAll("a[href*='evaluations/nouvelle'], form.decision").length`); n != 0 {
			t.Errorf("the candidate sees %d evaluation links or decision forms", n)
		}

		// Léa resubmits the project of BC03 (awaiting a decision in the demo): the form starts from
		// the current version; first she clears the title.
		const bloc = "#projet-BC03"
		p.do(chromedp.Click(bloc + ` details summary`))
		lvShootElement(p, "projet-candidat-BC03", bloc)
		lvUniqueIDs(p, "the candidate's livret")
		if !p.evalBool(`document.querySelector("#projet-BC03 details input[name=titre]").value !== ""`) {
			t.Error("the new version's form does not start from the current title")
		}
		lvSetValue(p, bloc+` details input[name=titre]`, "")
		lvClick(p, bloc+` details form button[type=submit]`, http.StatusUnprocessableEntity)
		lvInView(p, bloc+` .field-error`)
		if got := p.text(bloc + ` .field-error`); !strings.Contains(got, "titre") {
			t.Errorf("the empty title: error %q, want the French message about the title", got)
		}
		p.do(chromedp.SendKeys(bloc+` input[name=titre]`, "Plan de communication de la Maison des Solidarités"))
		lvSetValue(p, bloc+` details input[name=url]`, "https://exemple.fr/maison-solidarites")
		lvSetValue(p, bloc+` details textarea[name=description]`, "Nouvelle version, avec le calendrier éditorial demandé.")
		lvClick(p, bloc+` details form button[type=submit]`, http.StatusOK)
		if got := p.text(".flash"); !strings.Contains(got, "Projet remis") {
			t.Errorf(".flash = %q, want the French confirmation", got)
		}
		if got := p.text("#decision-BC03"); got != "En attente" {
			t.Errorf("#decision-BC03 = %q after the resubmission, want “En attente”", got)
		}
		if got := p.text(bloc); !strings.Contains(got, "Maison des Solidarités") {
			t.Errorf("the project shown is not the new version: %q", got)
		}
		p.do(chromedp.ScrollIntoView(bloc))
		lvShootElement(p, "projet-remis-BC03", bloc)

		// The référent refuses without a comment, then validates. A new tab: each has its own time
		// budget, and a long livret takes time to screenshot.
		lvLogout(p, e.ts.URL)
		p = b.open(t)
		p.login(e.ts.URL, "referent@certif.demo", demo.Password, http.StatusOK)
		p.navigate(livret, http.StatusOK)
		p.do(chromedp.Click(bloc + ` form.decision input[value=refuse]`))
		lvClick(p, bloc+` form.decision button[type=submit]`, http.StatusUnprocessableEntity)
		lvInView(p, bloc+` form.decision .field-error`)
		got := p.text(bloc + ` form.decision .field-error`)
		if !strings.Contains(got, "Expliquez") {
			t.Errorf("refusal without comment: error %q, want the French message", got)
		}
		if !p.evalBool(`(() => {
			const t = document.querySelector("#projet-BC03 form.decision textarea");
			const e = t.nextElementSibling;
			return t.getAttribute("aria-invalid") === "true" && e && e.classList.contains("field-error");
		})()`) {
			t.Error("the comment is not marked invalid, or its error is not right after it")
		}
		if !p.evalBool(`document.querySelector("#projet-BC03 form.decision input[value=refuse]").checked`) {
			t.Error("the refusal was not kept in the form")
		}
		if got := p.text("#decision-BC03"); got != "En attente" {
			t.Errorf("#decision-BC03 = %q after a refused submission, want “En attente”", got)
		}
		p.do(chromedp.ScrollIntoView(bloc + ` form.decision`))
		lvShootElement(p, "projet-refus-sans-commentaire-BC03", bloc)

		p.do(chromedp.Click(bloc + ` form.decision input[value=valide]`))
		lvClick(p, bloc+` form.decision button[type=submit]`, http.StatusOK)
		if got := p.text(".flash"); !strings.Contains(got, "Décision enregistrée") {
			t.Errorf(".flash = %q", got)
		}
		if got := p.text("#decision-BC03"); got != "Validé" {
			t.Errorf("#decision-BC03 = %q, want “Validé”", got)
		}
		if !p.evalBool(`document.getElementById("decision-BC03").classList.contains("etat-acquise")`) {
			t.Error("#decision-BC03 is not coloured as validated")
		}
		p.do(chromedp.ScrollIntoView(bloc))
		p.shoot("projet-valide")
		lvShootElement(p, "projet-valide-BC03", bloc)
	})

	t.Run("Matrice", func(t *testing.T) {
		e := newEnv(t)
		p := b.open(t)
		p.login(e.ts.URL, "referent@certif.demo", demo.Password, http.StatusOK)
		p.navigate(e.ts.URL+"/candidats?promotion="+demo.Promotion, http.StatusOK)
		lvClick(p, `//a[normalize-space()="Matrice de la promotion"]`, http.StatusOK)
		if got := p.location(); got != e.ts.URL+"/promotions/"+demo.Promotion {
			t.Fatalf("the matrix link leads to %q", got)
		}
		if n := p.eval(`document.querySelectorAll("table.matrice tbody tr").length`); n != 16 {
			t.Errorf("the matrix has %d rows, want the 16 candidates in training", n)
		}
		if p.evalBool(`[...document.querySelectorAll("table.matrice tbody th")].some(th => /Chevalier|Robin|Gauthier|Perrin/.test(th.textContent))`) {
			t.Error("a VAE candidate is in the matrix")
		}
		if n := p.eval(`document.querySelectorAll("table.matrice thead abbr").length`); n != 14 {
			t.Errorf("the matrix has %d compétence columns, want 14", n)
		}
		if n := p.eval(`document.querySelectorAll("table.matrice tbody td.cell:not(.bloc-cell)").length`); n != 16*14 {
			t.Errorf("the matrix has %d compétence cells, want %d", n, 16*14)
		}
		colours := run(p, chromedp.Evaluate[map[string]int](`(() => {
			const out = {};
			for (const td of document.querySelectorAll("table.matrice tbody td.cell:not(.bloc-cell)")) {
				const c = getComputedStyle(td).backgroundColor;
				out[c] = (out[c] || 0) + 1;
			}
			return out;
		})()`))
		if _, ok := colours["rgba(0, 0, 0, 0)"]; ok || len(colours) < 2 {
			t.Errorf("cell colours %v: want every cell coloured, with several states", colours)
		}
		p.shoot("matrice")

		// On a phone, the matrix scrolls inside its wrapper, not the page.
		p.do(chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
		if !p.evalBool(`(() => {
			const w = document.querySelector("table.matrice").closest(".table-wrap");
			return w && w.scrollWidth > w.clientWidth && document.documentElement.scrollWidth <= window.innerWidth + 1;
		})()`) {
			t.Error("on a phone, the matrix does not scroll inside its .table-wrap")
		}
		p.do(chromedp.EmulateViewport(desktopWidth, desktopHeight))

		// A cell opens the candidate's livret at the compétence.
		href := run(p, chromedp.Evaluate[string](`document.querySelector("table.matrice tbody tr:nth-child(3) td.cell a").getAttribute("href")`))
		lvClick(p, `table.matrice tbody tr:nth-child(3) td.cell a`, http.StatusOK)
		if got := p.location(); got != e.ts.URL+href || !strings.HasSuffix(got, "/livret#C1.1") {
			t.Errorf("the cell leads to %q, want %s ending in /livret#C1.1", got, href)
		}
		if !p.evalBool(`(() => { const s = document.getElementById("C1.1"); return !!s && s.getBoundingClientRect().top < 200; })()`) {
			t.Error("the livret is not scrolled to #C1.1")
		}
	})

	t.Run("Import", func(t *testing.T) {
		e := newEnv(t)
		p := b.open(t)
		p.login(e.ts.URL, "referent@certif.demo", demo.Password, http.StatusOK)
		p.navigate(e.ts.URL+"/candidats/import", http.StatusOK)
		p.shoot("import-formulaire")

		dir := t.TempDir()
		const header = "Nom de naissance;Prénoms;Sexe;Date de naissance;Code INSEE;Commune de naissance;E-mail;Voie d'accès;Promotion\r\n"
		line2 := "Perret;Alice;F;03/04/1997;69123;Lyon;alice.perret@exemple.fr;Formation continue;CM-2026-B\r\n"
		bad := "Roche;Bastien, Paul;M;31/02/1998;38185;Grenoble;bastien.roche@exemple.fr;Apprentissage;CM-2026-B\r\n"
		good := strings.Replace(bad, "31/02/1998", "28/02/1998", 1)
		badFile, goodFile := filepath.Join(dir, "candidats-erreur.csv"), filepath.Join(dir, "candidats.csv")
		for f, body := range map[string]string{badFile: header + line2 + bad, goodFile: header + line2 + good} {
			if err := os.WriteFile(f, []byte("\uFEFF"+body), 0o644); err != nil {
				t.Fatal(err)
			}
		}

		p.do(chromedp.SetUploadFiles("#fichier", []string{badFile}))
		p.submit(http.StatusUnprocessableEntity)
		p.do(chromedp.WaitVisible("#import-errors"))
		rows := run(p, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("#import-errors tbody tr")].map(tr =>
			[...tr.cells].map(td => td.textContent.trim()))`))
		if len(rows) != 1 || len(rows[0]) != 3 || rows[0][0] != "3" || rows[0][1] != "Date de naissance" {
			t.Errorf("import errors %q, want one problem on line 3, column “Date de naissance”", rows)
		} else if !strings.Contains(rows[0][2], "31/02/1998") && !strings.Contains(strings.ToLower(rows[0][2]), "date") {
			t.Errorf("the problem %q does not explain the date", rows[0][2])
		}
		if got := p.text("#import-errors"); !strings.Contains(got, "candidats-erreur.csv") {
			t.Errorf("the error summary does not name the file: %q", got)
		}
		if n := p.eval(`document.querySelectorAll("#import-result").length`); n != 0 {
			t.Error("a refused import shows a result")
		}
		p.shoot("import-erreurs")

		p.do(chromedp.SetUploadFiles("#fichier", []string{goodFile}))
		p.submit(http.StatusOK)
		p.do(chromedp.WaitVisible("#import-result"))
		if got := p.text("#import-result"); !strings.Contains(got, "2 inscription") {
			t.Errorf("#import-result = %q, want 2 inscriptions created", got)
		}
		links := run(p, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("#contenu section table tbody tr")].map(tr =>
			[...tr.cells].map(td => td.textContent.trim()))`))
		if len(links) != 2 {
			t.Fatalf("activation links %q, want 2", links)
		}
		for i, want := range [][2]string{{"2", "alice.perret@exemple.fr"}, {"3", "bastien.roche@exemple.fr"}} {
			if links[i][0] != want[0] || links[i][1] != want[1] || !strings.HasPrefix(links[i][2], e.ts.URL+"/activation/") {
				t.Errorf("activation link %d = %q, want line %s, %s and an activation URL", i, links[i], want[0], want[1])
			}
		}
		if n := p.eval(`document.querySelectorAll("#import-errors").length`); n != 0 {
			t.Error("a successful import still shows errors")
		}
		p.shoot("import-resultat")
	})

	t.Run("StageTuteur", func(t *testing.T) {
		e := newEnv(t)
		p := b.open(t)
		p.login(e.ts.URL, "referent@certif.demo", demo.Password, http.StatusOK)
		lvOpenFile(p, e.ts.URL, "Moreau", "Léa Moreau")
		lvClick(p, `nav.tabs a[href$="/stage"]`, http.StatusOK)
		if got := p.text("#contenu section article"); !strings.Contains(got, "Agence Lumière") ||
			!strings.Contains(got, "Fiche d’appréciation de stage") || !strings.Contains(got, "Isabelle Caron") ||
			!strings.Contains(got, "Très satisfaisant") {
			t.Errorf("Léa's stage = %q, want the company and the filled fiche", got)
		}
		p.shoot("stage-fiche-remplie")

		lvOpenFile(p, e.ts.URL, "Dubois", "Hugo Dubois")
		lvClick(p, `nav.tabs a[href$="/stage"]`, http.StatusOK)
		if got := p.text("#fiche-state"); !strings.Contains(got, "pas encore remplie") {
			t.Errorf("#fiche-state = %q, want the fiche not filled yet", got)
		}
		p.shoot("stage-sans-fiche")
		lvClick(p, `#contenu form[action$="/lien"] button`, http.StatusOK)
		p.do(chromedp.WaitVisible("#tutor-link"))
		link := p.text("#tutor-link")
		if !strings.HasPrefix(link, e.ts.URL+"/stage/") || len(link) < len(e.ts.URL+"/stage/")+20 {
			t.Fatalf("#tutor-link = %q, want a tutor URL of this server", link)
		}
		// The form under the link still edits this stage (an empty form would create a second one).
		if got := p.value("#entreprise"); got != "Coopérative Rhône Bio" {
			t.Errorf("after creating the link, the stage form shows #entreprise = %q, want the stage's company", got)
		}
		if got := p.value(`input[name=stage_id]`); got == "" {
			t.Error("after creating the link, the stage form has no stage_id: saving it would create another stage")
		}
		if n := p.eval(`document.querySelectorAll('nav.tabs a[aria-current=page][href$="/stage"]').length`); n != 1 {
			t.Error("after creating the link, the Stage tab is not marked as the current one")
		}
		lvFitsDesktop(p, "stage-lien-tuteur")
		lvSecretFits(p, "#tutor-link")
		p.shoot("stage-lien-tuteur")

		// The tutor has no account.
		lvLogout(p, e.ts.URL)
		p.navigate(link, http.StatusOK)
		if got := p.text("#contenu hgroup"); !strings.Contains(got, "Hugo Dubois") || !strings.Contains(got, "Coopérative Rhône Bio") {
			t.Errorf("the tutor's page = %q, want the candidate and the company", got)
		}
		if n := p.eval(`document.querySelectorAll("fieldset.appreciation").length`); n == 0 {
			t.Fatal("the tutor's form has no compétence to appreciate")
		}
		codes := run(p, chromedp.Evaluate[[]string](`[...document.querySelectorAll("fieldset.appreciation")].map(f => f.querySelector("input[type=radio]").name)`))
		levels := []string{"tres_satisfaisant", "satisfaisant", "a_ameliorer"}
		for i, name := range codes {
			if i == len(levels) {
				break
			}
			p.do(chromedp.Click(fmt.Sprintf(`input[name=%q][value=%q]`, name, levels[i])))
		}
		stamp := filepath.Join(t.TempDir(), "cachet.png")
		if err := os.WriteFile(stamp, lvPNG(t), 0o644); err != nil {
			t.Fatal(err)
		}
		p.do(chromedp.SendKeys("#commentaire_general", "Stagiaire curieux, rigoureux et apprécié de l’équipe."),
			chromedp.SendKeys("#signataire", "Karim Benali"),
			chromedp.SendKeys("#fonction", "Responsable marketing"),
			chromedp.SetUploadFiles("#cachet", []string{stamp}))
		p.shoot("tuteur-formulaire")
		p.submit(http.StatusOK)
		if got := p.text("#contenu h1"); got != "Merci !" && got != "Merci\u00a0!" {
			t.Errorf("after sending the fiche: h1 = %q, want the thank-you page", got)
		}
		if got := p.text("#contenu"); strings.Contains(got, "Erreur") {
			t.Errorf("the thank-you page reads like an error: %q", got)
		}
		p.shoot("tuteur-merci")

		p.navigate(link, http.StatusGone)
		if got := p.text("#contenu h1"); got != "Lien expiré ou déjà utilisé" {
			t.Errorf("the used link: h1 = %q", got)
		}
		p.shoot("tuteur-lien-expire")

		// The référent now sees the fiche and the stamp.
		p = b.open(t)
		p.login(e.ts.URL, "referent@certif.demo", demo.Password, http.StatusOK)
		lvOpenFile(p, e.ts.URL, "Dubois", "Hugo Dubois")
		lvClick(p, `nav.tabs a[href$="/stage"]`, http.StatusOK)
		if got := p.text("#contenu section article"); !strings.Contains(got, "Karim Benali") || !strings.Contains(got, "Responsable marketing") {
			t.Errorf("Hugo's stage after the tutor's fiche = %q", got)
		}
		if n := p.eval(`document.querySelectorAll('#contenu section article a[href^="/fichiers/"]').length`); n != 1 {
			t.Errorf("%d links to the stamp, want 1", n)
		}
		p.shoot("stage-fiche-recue")
	})

	t.Run("PlanningPDF", func(t *testing.T) {
		e := newEnv(t)
		p := b.open(t)
		p.login(e.ts.URL, "referent@certif.demo", demo.Password, http.StatusOK)
		lvOpenFile(p, e.ts.URL, "Moreau", "Léa Moreau")
		dossier := p.location()
		// The file's own documents (her convocation to the demo's upcoming session is the jury's).
		pdfs := run(p, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#contenu a[href*="/documents/"][href$=".pdf"]')].map(a => a.href)`))

		lvClick(p, `nav.tabs a[href$="/planning"]`, http.StatusOK)
		if n := p.eval(`document.querySelectorAll("#contenu section table tbody tr").length`); n != 7 {
			t.Errorf("Léa's planning has %d modules, want 7", n)
		}
		// 35 + 35 + 28 + 21 + 42 + 49 + 28 hours, all done.
		if got := p.text("#contenu section table tfoot"); got != "Total 238 h 238 h" {
			t.Errorf("planning totals = %q, want “Total 238 h 238 h”", got)
		}
		p.shoot("planning")

		p.navigate(e.ts.URL+"/modules", http.StatusOK)
		if n := p.eval(`document.querySelectorAll("#contenu table tbody tr").length`); n != 7 {
			t.Errorf("/modules lists %d modules, want 7", n)
		}
		p.shoot("modules")

		// The three PDFs of the file, fetched with the browser's session.
		if len(pdfs) != 3 {
			t.Fatalf("the file %s links %d PDFs, want 3: %q", dossier, len(pdfs), pdfs)
		}
		cookies, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{e.ts.URL}})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range pdfs {
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			for _, c := range cookies.Cookies {
				req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF")) {
				t.Errorf("%s: status %d, %d bytes starting %q; want a PDF", u, res.StatusCode, len(body), body[:min(len(body), 16)])
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
				t.Errorf("%s: Content-Type %q", u, ct)
			}
		}
	})

	t.Run("VAE", func(t *testing.T) {
		e := newEnv(t)
		p := b.open(t)
		p.login(e.ts.URL, "referent@certif.demo", demo.Password, http.StatusOK)
		lvOpenFile(p, e.ts.URL, "Chevalier", "Sarah Chevalier")
		p.do(chromedp.WaitVisible("#vae-notice"))
		if got := p.text("#vae-notice"); !strings.Contains(got, "VAE") {
			t.Errorf("#vae-notice = %q", got)
		}
		tabs := run(p, chromedp.Evaluate[[]string](`[...document.querySelectorAll("nav.tabs a")].map(a => a.textContent.trim())`))
		// A VAE candidate has a dossier de certification too (issue 8), but no livret,
		// planning or internship.
		if want := []string{"Inscription", "Dossier de certification"}; !slices.Equal(tabs, want) {
			t.Errorf("tabs of a VAE file: %q, want %q (no livret, planning or internship)", tabs, want)
		}
		if n := p.eval(`document.querySelectorAll('#contenu a[href$="/livret"], #contenu a[href$="/planning"], #contenu a[href$="/stage"], #contenu a[href$=".pdf"]').length`); n != 0 {
			t.Errorf("a VAE file links %d livret, planning, stage or PDF pages", n)
		}
		if got := p.text("#contenu aside"); !strings.Contains(strings.ToLower(got), "congé vae") {
			t.Errorf("the VAE file does not show the type of VAE: %q", got)
		}
		p.shoot("vae-dossier")
	})
}

// lvClick clicks sel (a link or a button), waits for the next page and checks its status.
func lvClick(p *browserTab, sel string, status int) {
	p.t.Helper()
	res, err := chromedp.RunResponse(p.ctx, chromedp.Click(sel))
	if err != nil {
		p.t.Fatalf("clicking %s: %v", sel, err)
	}
	p.checkStatus(sel, res, status)
}

// lvLogout signs out with the header's button.
func lvLogout(p *browserTab, base string) {
	p.t.Helper()
	lvClick(p, `header form[action="/deconnexion"] button`, http.StatusOK)
	if got := p.location(); got != base+"/" {
		p.t.Errorf("after logout: location %q, want the home page", got)
	}
	if n := p.eval(`document.querySelectorAll('header form[action="/deconnexion"]').length`); n != 0 {
		p.t.Fatal("still signed in after logout")
	}
}

// lvOpenFile searches the list of candidates for query and opens the file named name.
func lvOpenFile(p *browserTab, base, query, name string) {
	p.t.Helper()
	p.navigate(base+"/candidats", http.StatusOK)
	p.do(chromedp.SendKeys("#q", query))
	lvClick(p, `#contenu form.filters button[type=submit]`, http.StatusOK)
	if n := p.eval(`document.querySelectorAll("#contenu table tbody tr").length`); n != 1 {
		p.t.Errorf("searching %q: %d rows, want 1", query, n)
	}
	lvClick(p, fmt.Sprintf(`//table//a[normalize-space()=%q]`, name), http.StatusOK)
	if got := p.text("#contenu h1"); got != name {
		p.t.Fatalf("the file of %s has h1 %q", name, got)
	}
}

// lvSelectByText chooses the option of select sel whose text is label.
func lvSelectByText(p *browserTab, sel, label string) {
	p.t.Helper()
	if !p.evalBool(fmt.Sprintf(`(() => {
		const s = document.querySelector(%q);
		const o = [...s.options].find(o => o.textContent.trim() === %q);
		if (!o) return false;
		s.value = o.value;
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`, sel, label)) {
		p.t.Fatalf("%s offers no option %q", sel, label)
	}
}

// lvShootElement is shoot for the element sel alone: a full-page shot of the livret is too
// tall to read, and too slow to take several times in one tab. It checks the page as shoot
// does (French, no sideways scrolling on a phone).
func lvShootElement(p *browserTab, name, sel string) {
	p.t.Helper()
	if lang := run(p, chromedp.Evaluate[string]("document.documentElement.lang")); lang != "fr" {
		p.t.Errorf("%s: <html lang=%q>, want fr", name, lang)
	}
	p.save(name+"-bureau", run(p, chromedp.Screenshot(sel)))
	p.do(chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	o := run(p, chromedp.Evaluate[overflow](overflowJS))
	if o.ScrollWidth > o.InnerWidth+1 || o.InnerWidth > phoneWidth {
		p.t.Errorf("%s: horizontal overflow on a %d px phone: scrollWidth %d, innerWidth %d; too wide: %s",
			name, phoneWidth, o.ScrollWidth, o.InnerWidth, strings.Join(o.Culprits, ", "))
	}
	p.save(name+"-mobile", run(p, chromedp.Screenshot(sel)))
	p.do(chromedp.EmulateViewport(desktopWidth, desktopHeight))
}

// lvFitsDesktop checks that the page does not scroll sideways at desktop size (shoot checks
// the phone size only).
func lvFitsDesktop(p *browserTab, name string) {
	p.t.Helper()
	o := run(p, chromedp.Evaluate[overflow](overflowJS))
	if o.ScrollWidth > o.InnerWidth+1 || len(o.Culprits) > 0 {
		p.t.Errorf("%s: horizontal overflow at %d px: scrollWidth %d, innerWidth %d; too wide: %s",
			name, desktopWidth, o.ScrollWidth, o.InnerWidth, strings.Join(o.Culprits, ", "))
	}
}

// lvSecretFits checks that a one-time link (code.secret) stays inside its box at desktop and at
// phone size whatever its token: a random token may or may not have a hyphen where the line can
// break, so the check measures it without one.
func lvSecretFits(p *browserTab, sel string) {
	p.t.Helper()
	js := fmt.Sprintf(`(() => {
		const el = document.querySelector(%q), box = el.closest("article, .notice, section");
		const text = el.textContent;
		el.textContent = text.replace(/-/g, "x");
		const r = el.getBoundingClientRect().right, max = box.getBoundingClientRect().right;
		el.textContent = text;
		return Math.round(r - max);
	})()`, sel)
	if d := p.eval(js); d > 1 {
		p.t.Errorf("%s sticks out of its box by %d px at desktop size", sel, d)
	}
	p.do(chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	if d := p.eval(js); d > 1 {
		p.t.Errorf("%s sticks out of its box by %d px on a %d px phone", sel, d, phoneWidth)
	}
	p.do(chromedp.EmulateViewport(desktopWidth, desktopHeight))
}

// lvUniqueIDs checks that no id is used twice: a label's for= must name one field.
func lvUniqueIDs(p *browserTab, what string) {
	p.t.Helper()
	dups := run(p, chromedp.Evaluate[[]string](`(() => {
		const n = {};
		for (const el of document.querySelectorAll("[id]")) n[el.id] = (n[el.id] || 0) + 1;
		return Object.keys(n).filter(id => n[id] > 1);
	})()`))
	if len(dups) > 0 {
		p.t.Errorf("%s: ids used more than once: %q", what, dups)
	}
}

// lvInView checks that the element sel is on screen: after a failed submission, the user must
// see the error without searching a long page for it.
func lvInView(p *browserTab, sel string) {
	p.t.Helper()
	if !p.evalBool(fmt.Sprintf(`(() => {
		const r = document.querySelector(%q).getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight;
	})()`, sel)) {
		y := p.eval(fmt.Sprintf(`Math.round(document.querySelector(%q).getBoundingClientRect().top)`, sel))
		p.t.Errorf("%s is not on screen after the submission (it is %d px down a %d px window)", sel, y, desktopHeight)
	}
}

// lvDateKeys returns the keys that type a date into a date input, in the field order of the
// browser's locale.
func lvDateKeys(p *browserTab, day, month, year string) string {
	p.t.Helper()
	order := run(p, chromedp.Evaluate[[]string](`new Intl.DateTimeFormat().formatToParts(new Date(1999, 4, 14)).
		filter(x => ["day", "month", "year"].includes(x.type)).map(x => x.type)`))
	if len(order) != 3 {
		p.t.Fatalf("date parts of the browser's locale: %q", order)
	}
	keys := ""
	for _, part := range order {
		keys += map[string]string{"day": day, "month": month, "year": year}[part]
	}
	return keys
}

// lvPNG draws a small company stamp.
func lvPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 48, 48))
	for y := range 48 {
		for x := range 48 {
			c := color.RGBA{R: 0x1d, G: 0x4e, B: 0xd8, A: 0xff}
			if (x-24)*(x-24)+(y-24)*(y-24) < 16*16 {
				c = color.RGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lvSetValue replaces the value of the form field sel (a pre-filled field: typing would append).
func lvSetValue(p *browserTab, sel, value string) {
	p.t.Helper()
	if !p.evalBool(fmt.Sprintf(`(() => { const f = document.querySelector(%q); if (!f) return false; f.value = %q; return true; })()`, sel, value)) {
		p.t.Errorf("no field %s", sel)
	}
}
