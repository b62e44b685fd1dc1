package document

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/french"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, time.UTC) }

func f(v float64) *float64 { return &v }

func header() Header {
	return Header{
		Certificateur: "Académie du Numérique SAS", CertificateurSIRET: "81234567800021",
		Centre: "Campus Rhône-Alpes Formation", CentreSIRET: "90876543200017",
		Certification: "Community Manager", RNCP: "37204", Niveau: "5", Version: 2,
	}
}

func lea() Candidat {
	return Candidat{Civilite: "Madame", Prenoms: "Léa", NomNaissance: "Moreau",
		DateNaissance: time.Date(1998, 3, 12, 0, 0, 0, 0, time.UTC), LieuNaissance: "Lyon (69)",
		Voie: "Formation continue", Promotion: "CM 2026-2027 · Lyon"}
}

// longCritere is a critère wording of exactly 300 characters, to check wrapping.
var longCritere = func() string {
	s := "La charte éditoriale est adaptée à chaque outil de diffusion de chacun des réseaux sociaux ciblés et à chaque typologie de public ciblé (par exemple adaptation de la charte éditoriale selon une communication B2C ou B2B), et la mise en œuvre respecte le ton, la fréquence et les formats retenus en amont"
	r := []rune(s)
	for len(r) < 300 {
		r = append(r, []rune(" ; etc.")...)
	}
	return string(r[:300])
}()

var competences = [3][]struct{ code, intitule string }{
	{
		{"C1.1", "Diagnostiquer l'image d'une marque sur les médias sociaux en répertoriant sa présence en ligne"},
		{"C1.2", "Construire un plan de communication intégrant les médias sociaux à la stratégie globale"},
		{"C1.3", "Rédiger une charte éditoriale en cohérence avec le plan de communication"},
		{"C1.4", "Établir une stratégie de référencement naturel & payant liée à un planning de publication"},
		{"C1.5", "Identifier les influenceurs, communautés et forums en ligne par une veille sur Internet"},
		{"C1.6", "Élaborer une stratégie de gestion de crise sur les réseaux sociaux"},
	},
	{
		{"C2.1", "Créer et configurer un compte ou une page sur les principaux réseaux sociaux ciblés"},
		{"C2.2", "Concevoir, créer et configurer une interface utilisateur de type blog avec un CMS"},
		{"C2.3", "Animer une communauté et modérer les échanges sur les réseaux sociaux"},
		{"C2.4", "Créer des visuels innovants et intégrer des contenus diversifiés"},
		{"C2.5", "Développer le marketing viral en s'appuyant sur les influenceurs"},
	},
	{
		{"C3.1", "Gérer la e-réputation en répondant aux commentaires négatifs"},
		{"C3.2", "Contrôler l'activité en définissant des indicateurs de performance (KPI) pertinents"},
		{"C3.3", "Préconiser des évolutions de la stratégie à partir de l'analyse des reportings"},
	},
}

var blocIntitules = [3]string{
	"Élaboration d'une stratégie de communication sur les réseaux sociaux",
	"Création et animation de communautés sur les réseaux sociaux",
	"Surveillance de la réputation numérique d'une organisation, d'une marque ou d'un produit et optimisation de l'activité",
}

func livret() Livret {
	l := Livret{Header: header(), Candidat: lea(), Edite: time.Date(2027, 7, 1, 10, 30, 0, 0, time.UTC)}
	for b := range 3 {
		bloc := BlocSection{Code: fmt.Sprintf("BC0%d", b+1), Numero: b + 1, Intitule: blocIntitules[b]}
		for i, c := range competences[b] {
			cb := CompetenceBlock{Code: c.code, Intitule: c.intitule, Etat: "acquise"}
			crit := []CritereResult{
				{c.code + ".1", "Les besoins utilisateurs sont bien pris en compte ;", "acquis"},
				{c.code + ".2", "Les informations collectées sont pertinentes par rapport au sujet traité ;", "acquis"},
				{c.code + ".3", "Le choix des outils est conforme à l'analyse de données ;", "non_acquis"},
				{c.code + ".4", "Les outils de veille sont bien automatisés ;", ""},
			}
			ev := EvaluationEntry{Date: day(2027, time.Month(1+b*2), 4+i*3), Competences: []string{c.code},
				Forme: "Étude de cas", Evaluateur: "Karim Benali", Criteres: crit,
				Score: f(16), Bareme: f(20), Seuil: f(10), Commentaire: "Diagnostic clair ; benchmark à approfondir sur « TikTok » avec l’équipe – à revoir."}
			switch {
			case b == 0 && i == 2: // a superseded entry and its correction, with the 300-character critère
				ev.Criteres = append(ev.Criteres, CritereResult{"C1.3.5", longCritere, "non_acquis"})
				ev.Corrige = true
				ev.Score = f(8)
				corr := ev
				corr.Corrige = false
				corr.Date = ev.Date.AddDate(0, 0, 14)
				corr.Score = f(13.5)
				corr.Criteres = append([]CritereResult(nil), ev.Criteres...)
				corr.Criteres[2].Resultat, corr.Criteres[4].Resultat = "acquis", "acquis"
				corr.Remplace = "étude de cas du " + french.Date(ev.Date) + " (erreur de saisie du barème)"
				corr.Commentaire = "Note corrigée après double correction."
				cb.Evaluations = []EvaluationEntry{ev, corr}
			case b == 0 && i == 4:
				ev.Forme, ev.Score, ev.Seuil = "Quiz", f(7), f(12)
				ev.Competences = []string{"C1.5", "C1.4"}
				cb.Etat = "non acquise"
				cb.Evaluations = []EvaluationEntry{ev}
			case b == 2 && i == 2:
				cb.Etat = "non évaluée"
			case b == 2:
				cb.Etat = "en cours"
				ev.Forme = "TP à rendre"
				ev.Score = nil
				cb.Evaluations = []EvaluationEntry{ev}
			default:
				cb.Evaluations = []EvaluationEntry{ev}
			}
			bloc.Competences = append(bloc.Competences, cb)
		}
		switch b {
		case 0:
			bloc.Projet = ProjetBloc{Sujet: "Veille et stratégie social media pour la Brasserie des Pentes", Soumis: day(2027, 3, 1),
				Decision: "validé", DecisionPar: "Sophie Girard", DecisionLe: day(2027, 3, 8), Commentaire: "Diagnostic solide, mise en œuvre réaliste."}
			bloc.Valide, bloc.Etat = true, "Validé en formation"
		case 1:
			bloc.Projet = ProjetBloc{Sujet: "Mini-blog « Les Pentes gourmandes »", Soumis: day(2027, 5, 2), Decision: "refusé",
				DecisionPar: "Sophie Girard", DecisionLe: day(2027, 5, 9), Commentaire: "Vidéo manquante : à compléter."}
			bloc.Etat = "En cours"
		case 2:
			bloc.Projet = ProjetBloc{Decision: "non remis"}
			bloc.Etat = "En cours"
		}
		l.Blocs = append(l.Blocs, bloc)
	}
	return l
}

func attestation() Attestation {
	a := Attestation{Header: header(), Candidat: lea(), Signataire: "Sophie Girard",
		SignataireQualite: "Responsable pédagogique", Lieu: "Lyon", Date: day(2027, 7, 1), NDA: "84691234569",
		Nature:    "Action de formation (article L6313-1, 1° du Code du travail) préparant à la certification professionnelle « Community Manager »",
		Objectifs: []string{"bloc 1 « Élaborer la stratégie »", "bloc 2 « Créer et animer »"},
		Resultats: []ResultatBloc{{Code: "BC01", Numero: 1, Intitule: "Élaborer la stratégie", Acquises: 6, Total: 6, Projet: "validé", Etat: "Validé en formation"},
			{Code: "BC02", Numero: 2, Intitule: "Créer et animer", Acquises: 2, Total: 5, Projet: "en attente", Etat: "En cours"}}}
	titres := []string{"Diagnostic de l'image de marque", "Plan de communication social media", "Charte éditoriale",
		"Référencement naturel & payant", "Veille et influenceurs", "Gestion de crise", "Création de pages et comptes",
		"Blog avec WordPress : conception et mise en œuvre", "Animation et modération de communauté", "Création de visuels (Canva, Figma)",
		"Vidéo courte et montage", "Marketing viral", "E-réputation", "Tableaux de bord et KPI", "Reporting et préconisations"}
	start := day(2027, 1, 4)
	for i := range 25 {
		t := titres[i%len(titres)]
		if i >= len(titres) {
			t += " — approfondissement"
		}
		b := 1 + i*10/25
		prev := float64(14 + (i%4)*7)
		real := prev
		if i == 7 {
			real = prev - 3.5
		}
		a.Modules = append(a.Modules, ModuleLine{Intitule: t, Competences: []string{fmt.Sprintf("C%d.%d", 1+b/4, 1+i%5), fmt.Sprintf("C%d.%d", 1+b/4, 2+i%4)},
			Debut: start, Fin: start.AddDate(0, 0, 4), HeuresPrevues: prev, HeuresRealisees: real})
		start = start.AddDate(0, 0, 7)
	}
	a.Modules[0].Debut = day(2027, 1, 1) // « 1er janvier » in the period sentence
	return a
}

// denseReleve is a relevé whose cells are far too long for one page at the normal size.
func denseReleve() Releve {
	r := releves()[0]
	for i := range r.Blocs {
		for j := range r.Blocs[i].Lignes {
			r.Blocs[i].Lignes[j].Detail = strings.Repeat("Détail très long de l'évaluation ; ", 12)
			r.Blocs[i].Lignes[j].Intitule += " " + longCritere
		}
	}
	return r
}

func releves() []Releve {
	var rs []Releve
	people := []Candidat{lea(),
		{Civilite: "Monsieur", Prenoms: "Mehdi", NomNaissance: "Haddad", DateNaissance: time.Date(1994, 11, 1, 0, 0, 0, 0, time.UTC),
			LieuNaissance: "Casablanca (Maroc)", Voie: "Contrat de professionnalisation"},
		{Prenoms: "Camille", NomNaissance: "Dupont", NomUsage: "Martin", DateNaissance: time.Date(2001, 6, 30, 0, 0, 0, 0, time.UTC),
			LieuNaissance: "Nantes (44)", Voie: "Formation continue", Promotion: "CM 2026-2027"},
	}
	etats := []string{"acquise", "acquise", "non acquise", "en cours", "acquise", "non évaluée"}
	for n, c := range people {
		r := Releve{Header: header(), Candidat: c, Edite: day(2027, 7, 1)}
		for b := range 3 {
			rb := ReleveBloc{Code: fmt.Sprintf("BC0%d", b+1), Numero: b + 1, Intitule: blocIntitules[b], Projet: "validé", Valide: b == 0}
			for i, cp := range competences[b] {
				e := etats[(i+n+b)%len(etats)]
				ln := ReleveLine{Code: cp.code, Intitule: cp.intitule, Etat: e, Derniere: day(2027, time.Month(1+b*2), 4+i*3),
					Detail: "4/5 critères acquis · 16/20"}
				if e == "non évaluée" {
					ln.Derniere, ln.Detail = time.Time{}, ""
				}
				rb.Lignes = append(rb.Lignes, ln)
			}
			if b == 2 {
				rb.Projet = "en attente"
			}
			r.Blocs = append(r.Blocs, rb)
		}
		rs = append(rs, r)
	}
	return rs
}

// pdfText extracts the text of pdf with poppler, skipping when it is absent.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext absent (apt-get install poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// flat turns every run of white space (no-break spaces and line ends included) into one space.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// pdfPages counts the pages with pdfinfo, skipping when it is absent.
func pdfPages(t *testing.T, pdf []byte) int {
	t.Helper()
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Skip("pdfinfo absent (apt-get install poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo: no page count in %s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func mustContain(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q", w)
		}
	}
}

func renderBytes(t testing.TB, fn func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
		t.Fatalf("output does not start with %%PDF: %q", buf.Bytes()[:min(20, buf.Len())])
	}
	return buf.Bytes()
}

func TestRenderLivret(t *testing.T) {
	pdf := renderBytes(t, func(b *bytes.Buffer) error { return RenderLivret(b, livret()) })
	text := flat(pdfText(t, pdf))
	mustContain(t, text, "Livret d’évaluation et de suivi", "Élaboration", "née le 12 mars 1998 à Lyon (69)",
		"mise en œuvre", "« TikTok » avec l’équipe – à revoir", "Remplacée par une correction", "✓ acquis", "✗ non acquis", "— non évalué",
		"16 / 20 (seuil 10)", "13,5 / 20", "Titre RNCP n° 37204", "Niveau 5", "SIRET 812 345 678 00021",
		"C3.3", "Validé en formation", "Édité le 1er juillet 2027", "Page 1 / ")
	// The 300-character critère wraps and is there whole.
	mustContain(t, text, flat(longCritere))
	if n := pdfPages(t, pdf); n < 4 {
		t.Errorf("livret: %d pages, want several", n)
	}
}

func TestRenderAttestation(t *testing.T) {
	pdf := renderBytes(t, func(b *bytes.Buffer) error { return RenderAttestation(b, attestation()) })
	text := flat(pdfText(t, pdf))
	mustContain(t, text, "Attestation de formation", "Madame Léa Moreau, née le 12 mars 1998 à Lyon (69)",
		"Total : 602 h prévues · 598,5 h réalisées (99,4 %)", "Fait à Lyon, le 1er juillet 2027", "Sophie Girard", "Responsable pédagogique",
		"du 1er janvier au 25 juin 2027", "31,5 h", "Blog avec WordPress", "mise en œuvre",
		// Code du travail L6353-1: NDA, nature, objectives, duration, results of the evaluation.
		"enregistrée sous le numéro 84 69 12345 69", "Nature : Action de formation", "L6313-1, 1°",
		"Objectifs : acquérir", "bloc 2 « Créer et animer »", "Durée : 598,5 h de formation réalisées (602 h prévues)",
		"Résultats de l’évaluation des acquis de la formation", "6 sur 6", "Validé en formation", "2 sur 5", "en attente")
	if n := pdfPages(t, pdf); n < 2 || n > 3 {
		t.Errorf("attestation of 25 modules: %d pages, want 2 or 3", n)
	}
	// The table header is repeated on the second page.
	if strings.Count(text, "Heures réalisées") < 2 {
		t.Errorf("table header not repeated after the page break")
	}
}

// A one-module attestation says « 1 module », not « 1 modules » (French plural).
func TestAttestationOneModule(t *testing.T) {
	a := attestation()
	a.Modules = a.Modules[:1]
	text := flat(pdfText(t, renderBytes(t, func(b *bytes.Buffer) error { return RenderAttestation(b, a) })))
	mustContain(t, text, "1 module")
	if strings.Contains(text, "1 modules") {
		t.Errorf("attestation of one module says « 1 modules »")
	}
	mustContain(t, flat(pdfText(t, renderBytes(t, func(b *bytes.Buffer) error { return RenderAttestation(b, attestation()) }))), "25 modules")
}

func TestRenderReleves(t *testing.T) {
	rs := releves()
	pdf := renderBytes(t, func(b *bytes.Buffer) error { return RenderReleves(b, rs) })
	if n := pdfPages(t, pdf); n != 3 {
		t.Errorf("3 relevés: %d pages, want 3", n)
	}
	text := flat(pdfText(t, pdf))
	mustContain(t, text, "Relevé des évaluations en cours de formation",
		"Document remis au jury conformément au référentiel (5-2-4). Ne concerne pas les candidats en VAE.",
		"Monsieur Mehdi Haddad, né le 1er novembre 1994 à Casablanca (Maroc)",
		"Camille Martin, né(e) Dupont le 30 juin 2001 à Nantes (44)", "Page 1 / 1", "Élaboration")

	// A relevé crowded with long details still fits on one page.
	pdf = renderBytes(t, func(b *bytes.Buffer) error { return RenderReleve(b, denseReleve()) })
	if n := pdfPages(t, pdf); n != 1 {
		t.Errorf("crowded relevé: %d pages, want 1", n)
	}
}

func TestInvalid(t *testing.T) {
	noName := lea()
	noName.NomNaissance = " "
	vae := lea()
	vae.Voie, vae.HorsFormation = "VAE — congé VAE", true
	a := attestation()
	badModule := attestation()
	badModule.Modules[3].Fin = badModule.Modules[3].Debut.AddDate(0, 0, -1)
	badModule.Modules[4].HeuresPrevues = -2
	l := livret()
	badScore := livret()
	badScore.Blocs[0].Competences[0].Evaluations[0].Bareme = f(0)
	badScore.Blocs[0].Competences[0].Evaluations[0].Criteres[0].Resultat = "bof"
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"attestation sans nom", RenderAttestation(&bytes.Buffer{}, Attestation{Header: a.Header, Candidat: noName, Modules: a.Modules, Signataire: "X", Lieu: "Lyon", Date: a.Date}), "nom de naissance manquant"},
		{"attestation vide", RenderAttestation(&bytes.Buffer{}, Attestation{}), "aucun module de formation"},
		{"attestation sans NDA", RenderAttestation(&bytes.Buffer{}, Attestation{Header: a.Header, Candidat: a.Candidat, Modules: a.Modules, Signataire: "X", Lieu: "Lyon", Date: a.Date}), "numéro de déclaration d'activité"},
		{"attestation VAE", RenderAttestation(&bytes.Buffer{}, Attestation{Header: a.Header, Candidat: vae, Modules: a.Modules, Signataire: "X", Lieu: "Lyon", Date: a.Date}), "VAE"},
		{"module incohérent", RenderAttestation(&bytes.Buffer{}, badModule), "module n° 4 : date de fin antérieure"},
		{"heures négatives", RenderAttestation(&bytes.Buffer{}, badModule), "module n° 5 : heures prévues invalides"},
		{"livret vide", RenderLivret(&bytes.Buffer{}, Livret{Header: l.Header, Candidat: l.Candidat, Edite: l.Edite}), "aucun bloc"},
		{"livret sans nom", RenderLivret(&bytes.Buffer{}, Livret{}), "nom de naissance manquant"},
		{"barème nul", RenderLivret(&bytes.Buffer{}, badScore), "barème"},
		{"résultat inconnu", RenderLivret(&bytes.Buffer{}, badScore), "résultat de critère inconnu « bof »"},
		{"relevé VAE", RenderReleve(&bytes.Buffer{}, Releve{Header: l.Header, Candidat: vae, Blocs: releves()[0].Blocs, Edite: l.Edite}), "ne concerne pas les candidats en VAE"},
		{"aucun relevé", RenderReleves(&bytes.Buffer{}, nil), "aucun candidat"},
		{"civilité", RenderReleve(&bytes.Buffer{}, Releve{Header: l.Header, Candidat: Candidat{Civilite: "Mlle", Prenoms: "A", NomNaissance: "B", DateNaissance: l.Edite}, Blocs: releves()[0].Blocs, Edite: l.Edite}), "civilité inconnue"},
	}
	for _, c := range cases {
		if !errors.Is(c.err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", c.name, c.err)
			continue
		}
		if !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: err = %q, want it to say %q", c.name, c.err, c.want)
		}
	}
	var buf bytes.Buffer
	_ = RenderLivret(&buf, Livret{})
	if buf.Len() != 0 {
		t.Errorf("an invalid livret wrote %d bytes", buf.Len())
	}
}

func TestFormat(t *testing.T) {
	cases := []struct{ got, want string }{
		{french.Date(time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC)), "12\u00a0mars\u00a02027"},
		{french.Date(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)), "1er\u00a0mars\u00a02027"},
		{french.Date(time.Date(2027, 2, 28, 23, 30, 0, 0, time.UTC)), "1er\u00a0mars\u00a02027"}, // Europe/Paris
		{french.Date(time.Time{}), "—"},
		{heures(35), "35\u00a0h"},
		{heures(3.5), "3,5\u00a0h"},
		{heures(1234.25), "1\u202f234,25\u00a0h"},
		{score(f(16), f(20), f(10)), "16\u202f/\u202f20 (seuil 10)"},
		{score(f(16.5), nil, nil), "16,5"},
		{siret("81234567800021"), "812\u00a0345\u00a0678\u00a000021"},
		{siret("n/a"), "n/a"},
		{niveau("5"), "Niveau 5"},
		{niveau("Niveau 6"), "Niveau 6"},
		{typo("Total : 3 h ; « ok » ! https://x.fr 10:30"), "Total\u00a0: 3 h\u202f; «\u202fok\u202f»\u202f! https://x.fr 10:30"},
		{typo(typo("«ok»")), "«\u202fok\u202f»"},
		{identite(lea()), "Madame Léa Moreau, née le 12\u00a0mars\u00a01998 à Lyon (69)"},
		{identite(Candidat{Civilite: "Monsieur", Prenoms: "Jean", NomNaissance: "Dupont", NomUsage: "Martin",
			DateNaissance: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)}), "Monsieur Jean Martin, né Dupont le 1er\u00a0janvier\u00a01990"},
		{identite(Candidat{Prenoms: "Camille", NomNaissance: "Petit", NomUsage: "petit", DateNaissance: time.Date(2000, 5, 2, 0, 0, 0, 0, time.UTC)}),
			"Camille petit, né(e) le 2\u00a0mai\u00a02000"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
	// Wrapping never breaks at a no-break space.
	for _, width := range []float64{60, 80, 120} {
		lines := wrapAt(t, "Titre RNCP n°\u00a037204 ; total : 35\u00a0h « ok »", width)
		if got, want := strings.Join(lines, " "), typo("Titre RNCP n°\u00a037204 ; total : 35\u00a0h « ok »"); got != want {
			t.Errorf("wrap at %v lost text: %q", width, got)
		}
		for _, l := range lines {
			if strings.IndexAny(l[:1], ":;»") == 0 || strings.HasPrefix(l, "37204") || l == "h" || strings.HasPrefix(l, "h ") ||
				strings.HasSuffix(l, "«") || strings.HasSuffix(l, "n°") {
				t.Errorf("wrap at %v broke at a no-break space: %q", width, lines)
			}
		}
	}
}

// TestMinimalHeader renders a document whose optional header fields are empty: no « Titre
// RNCP », no « Niveau », no training centre, and « Candidat(e) … né(e) » without civilité.
func TestMinimalHeader(t *testing.T) {
	a := attestation()
	a.Header = Header{Certificateur: "Académie du Numérique SAS", Certification: "Community Manager"}
	a.Candidat.Civilite = ""
	a.SignataireQualite = ""
	a.Modules = a.Modules[:3]
	pdf := renderBytes(t, func(b *bytes.Buffer) error { return RenderAttestation(b, a) })
	text := flat(pdfText(t, pdf))
	mustContain(t, text, "Candidat(e)", "Léa Moreau, né(e) le 12 mars 1998", "pour Académie du Numérique SAS", "« Community Manager », du")
	for _, absent := range []string{"RNCP", "Niveau", "SIRET", "Organisme de formation", "version"} {
		if strings.Contains(text, absent) {
			t.Errorf("text shows %q although it was not given", absent)
		}
	}
	if n := pdfPages(t, pdf); n != 1 {
		t.Errorf("attestation of 3 modules: %d pages, want 1", n)
	}
}

// TestHostileText renders text the fonts lack, unbreakable words and a critère longer than a
// page: no error, no panic, and the long cell is split over pages.
func TestHostileText(t *testing.T) {
	l := livret()
	e := &l.Blocs[0].Competences[0].Evaluations[0]
	e.Commentaire = "Très bien 👍 李 https://exemple.fr/" + strings.Repeat("chemin-sans-espace", 30)
	e.Criteres[0].Libelle = strings.Repeat("Critère démesuré, saisi d'un seul bloc ; ", 400)
	pdf := renderBytes(t, func(b *bytes.Buffer) error { return RenderLivret(b, l) })
	text := flat(pdfText(t, pdf))
	mustContain(t, text, "Très bien ? ?", "chemin-sans-espacechemin")
	if n := pdfPages(t, pdf); n < 8 {
		t.Errorf("livret with a 16,000-character critère: %d pages, want it split over several", n)
	}
}

// TestConcurrent renders documents in parallel: the renderers share no mutable state.
func TestConcurrent(t *testing.T) {
	done := make(chan error)
	for i := range 4 {
		go func() {
			var b bytes.Buffer
			if i%2 == 0 {
				done <- RenderLivret(&b, livret())
			} else {
				done <- RenderReleves(&b, releves())
			}
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// wrapAt wraps s on lines of width points in 10 pt regular.
func wrapAt(t *testing.T, s string, width float64) []string {
	w, err := newWriter("", "", "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return w.wrap(s, width, regular, 10)
}

// TestDeterministic checks that the same data gives the same bytes.
func TestDeterministic(t *testing.T) {
	a := renderBytes(t, func(b *bytes.Buffer) error { return RenderLivret(b, livret()) })
	b := renderBytes(t, func(b *bytes.Buffer) error { return RenderLivret(b, livret()) })
	if !bytes.Equal(a, b) {
		t.Errorf("two renderings of the same livret differ")
	}
}

// TestWritePNG writes the three documents to $CERTIF_DOC_PNG (and PNG pages when pdftoppm is
// there) so that a person can look at them:
//
//	CERTIF_DOC_PNG=/tmp/docs go test ./internal/document -run TestWritePNG
func TestWritePNG(t *testing.T) {
	dir := os.Getenv("CERTIF_DOC_PNG")
	if dir == "" {
		t.Skip("set CERTIF_DOC_PNG=dir to write the documents there")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	docs := map[string]func(*bytes.Buffer) error{
		"attestation":  func(b *bytes.Buffer) error { return RenderAttestation(b, attestation()) },
		"livret":       func(b *bytes.Buffer) error { return RenderLivret(b, livret()) },
		"releves":      func(b *bytes.Buffer) error { return RenderReleves(b, releves()) },
		"releve-dense": func(b *bytes.Buffer) error { return RenderReleve(b, denseReleve()) },
	}
	for name, fn := range docs {
		path := filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(path, renderBytes(t, fn), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := exec.LookPath("pdftoppm"); err == nil {
			if out, err := exec.Command("pdftoppm", "-png", "-r", "60", path, filepath.Join(dir, name)).CombinedOutput(); err != nil {
				t.Errorf("pdftoppm %s: %v %s", name, err, out)
			}
		}
		t.Logf("wrote %s", path)
	}
}

func BenchmarkRenderLivret(b *testing.B) {
	l := livret()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := RenderLivret(&buf, l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KiB/doc")
}
