package referentiel_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

// load returns the shipped Community Manager référentiel or stops the test.
func load(t testing.TB) *referentiel.Referentiel {
	t.Helper()
	r, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatalf("CommunityManager: %v", err)
	}
	return r
}

func TestCommunityManagerCounts(t *testing.T) {
	r := load(t)
	blocs, competences, criteres := r.Counts()
	if blocs != 3 || competences != 14 || criteres != 65 {
		t.Fatalf("Counts() = %d, %d, %d; want 3, 14, 65 (R1)", blocs, competences, criteres)
	}
	perBloc := []int{6, 5, 3}
	for i, b := range r.Blocs {
		if len(b.Competences) != perBloc[i] {
			t.Errorf("%s: %d compétences, want %d", b.Code, len(b.Competences), perBloc[i])
		}
	}
}

func TestCommunityManagerCriteresPerCompetence(t *testing.T) {
	r := load(t)
	want := map[string]int{
		"C1.1": 5, "C1.2": 5, "C1.3": 5, "C1.4": 5, "C1.5": 3, "C1.6": 5,
		"C2.1": 3, "C2.2": 6, "C2.3": 4, "C2.4": 5, "C2.5": 5,
		"C3.1": 6, "C3.2": 4, "C3.3": 4,
	}
	seen := 0
	for _, b := range r.Blocs {
		for _, c := range b.Competences {
			seen++
			if n, ok := want[c.Code]; !ok {
				t.Errorf("unexpected compétence %s", c.Code)
			} else if len(c.Criteres) != n {
				t.Errorf("%s: %d critères, want %d", c.Code, len(c.Criteres), n)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("%d compétences, want %d", seen, len(want))
	}
}

func TestCommunityManagerModalites(t *testing.T) {
	r := load(t)
	wantForme := map[string][]referentiel.Forme{
		"C1.1": {referentiel.EtudeDeCas},
		"C1.4": {referentiel.Quiz},
		"C1.6": {referentiel.Quiz, referentiel.EtudeDeCas, referentiel.TP},
		"C2.2": {referentiel.Projet},
		"C2.4": {referentiel.TP},
		"C3.1": {referentiel.Quiz},
		"C3.3": {referentiel.EtudeDeCas},
	}
	for _, b := range r.Blocs {
		for _, c := range b.Competences {
			// The seed ticks the three modalités for every compétence.
			if !slices.Equal(c.Modalites, referentiel.Modalites) {
				t.Errorf("%s: modalités %v, want %v", c.Code, c.Modalites, referentiel.Modalites)
			}
			if c.EvaluationFormation == nil {
				t.Errorf("%s: no evaluation_formation", c.Code)
				continue
			}
			if want, ok := wantForme[c.Code]; ok && !slices.Equal(c.EvaluationFormation.Forme, want) {
				t.Errorf("%s: forme %v, want %v", c.Code, c.EvaluationFormation.Forme, want)
			}
			if !strings.HasSuffix(c.EvaluationFormation.Description,
				"Le résultat de ces évaluations est inscrit dans le livret d'évaluation et de suivi du candidat.") {
				t.Errorf("%s: description does not end with the livret sentence (R3): %q", c.Code, c.EvaluationFormation.Description)
			}
		}
	}
}

func TestCommunityManagerVerbatim(t *testing.T) {
	r := load(t)
	critere := func(code string) string {
		_, k, ok := r.Critere(code)
		if !ok {
			t.Fatalf("Critere(%q) not found", code)
		}
		return k.Libelle
	}
	competence := func(code string) *referentiel.Competence {
		_, c, ok := r.Competence(code)
		if !ok {
			t.Fatalf("Competence(%q) not found", code)
		}
		return c
	}
	tests := []struct {
		name, got, want string
	}{
		{"C1.4.2 (split over two rows)", critere("C1.4.2"),
			"Un audit de référencement est réalisé en amont de la proposition du plan de référencement puis en aval pour évaluer les résultats"},
		{"C1.4.3 follows the split criterion", critere("C1.4.3"),
			"Le plan de référencement est adapté à l'objectif fixé dans le plan de communication"},
		{"C2.2.3 (next page row)", critere("C2.2.3"), "Le codage est optimisé pour le référencement naturel"},
		{"C2.2.6", critere("C2.2.6"), "Le développement est sécurisé (tests d'intrusion etc)"},
		{"C3.2.4 (next page row)", critere("C3.2.4"),
			"Un système de reporting des indicateurs est mis en place avec la hiérarchie et/ou le client"},
		{"C1.3.4", critere("C1.3.4"),
			"La charte éditoriale est adaptée à chaque outil de diffusion de chacun des réseaux sociaux ciblés et à chaque typologie de public ciblé (par exemple adaptation de la charte éditoriale selon une communication B 2 C ou communication B 2 B)"},
		{"C3.3 intitulé", competence("C3.3").Intitule,
			"Préconiser des évolutions dans la stratégie de communication sur les réseaux sociaux en analysant les résultats obtenus dans les reportings afin de s'adapter en permanence à la réalité du marché"},
		{"C2.5 intitulé", competence("C2.5").Intitule,
			"Développer le marketing viral en s'appuyant sur les influenceurs afin d'obtenir un maximum de « reach », de « buzz » & de « like »"},
		{"C1.6 description", competence("C1.6").EvaluationFormation.Description,
			"L'évaluation passée en cours de formation prend la forme de quiz, étude de cas et TP à rendre selon les modules proposés. Le résultat de ces évaluations est inscrit dans le livret d'évaluation et de suivi du candidat."},
		{"bloc 1 intitulé", r.Blocs[0].Intitule, "Élaboration d'une stratégie de communication sur les réseaux sociaux"},
		{"bloc 2 intitulé", r.Blocs[1].Intitule, "Création et animation de communautés sur les réseaux sociaux"},
		{"bloc 3 intitulé", r.Blocs[2].Intitule,
			"Surveillance de la réputation numérique d'une organisation, d'une marque ou d'un produit et optimisation de l'activité"},
		{"bloc 1 projet", r.Blocs[0].ProjetFinDeBloc,
			"Projet de mise en place d'une veille et de stratégie de communication sur les réseaux sociaux"},
		{"bloc 2 projet", r.Blocs[1].ProjetFinDeBloc, "Mini-projet de création et d'animation de blog"},
		{"bloc 3 projet", r.Blocs[2].ProjetFinDeBloc,
			"Projet de mise en place et d'analyses d'indicateurs de performance (KPI) permettant la surveillance de la e-reputation d'une entreprise"},
		{"plan item 8", r.Livrables.DossierTechnique.Plan[7].Libelle,
			"Si le projet est issu d'un brief lié à une entreprise, le candidat devra remettre un courrier de la part de l'entreprise autorisant l'utilisation de ses données dans le cadre d'une session de validation et attestant aussi du périmètre d'intervention du candidat."},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestCommunityManagerTexts(t *testing.T) {
	r := load(t)
	tests := []struct {
		name, text string
		contains   []string
	}{
		{"intro", r.Certification.Intro, []string{"« Les certifications professionnelles", "référentiel d'évaluation qui définit les critères et les modalités d'évaluation des acquis. »"}},
		// Reassembled across page breaks: the joins must read as one sentence.
		{"bloc 1 activités", r.Blocs[0].Activites, []string{
			"en s'appuyant sur un choix de contenus variés",
			"Il/Elle peut travailler à distance en tant que salarié d'une entreprise, ou pour un client.",
			"Il/elle intervient dans la phase de mise en œuvre opérationnelle de la stratégie.",
		}},
		{"bloc 2 activités", r.Blocs[1].Activites, []string{
			"avant de pouvoir y déposer du contenu.",
			"Il/elle s'appuie sur les influenceurs afin d'obtenir un maximum de « reach », de « buzz », et de « like ».",
			"doit savoir s'adapter à différents environnements de travail.",
		}},
		{"bloc 3 activités", r.Blocs[2].Activites, []string{
			"mesurer l'efficacité des actions menées puis préconiser",
			"Ses activités diffèrent selon la taille de l'entreprise",
		}},
		{"bloc 2 validation", r.Blocs[1].ModalitesValidation, []string{"mini-projet de création et d'animation de blog", "permet la validation du bloc de compétences."}},
		{"confidentialité (R17)", r.Livrables.Confidentialite, []string{"La démonstration peut être interdite", "signer une attestation de confidentialité."}},
		{"veille", r.Livrables.DossierTechnique.Veille, []string{"Dans le cas de la veille", "les failles de sécurité corrigées"}},
	}
	for _, tt := range tests {
		for _, s := range tt.contains {
			if !strings.Contains(tt.text, s) {
				t.Errorf("%s does not contain %q", tt.name, s)
			}
		}
	}
	// The duplicated page-layout fragment of bloc 2 must appear once only.
	if n := strings.Count(r.Blocs[1].Activites, "Lorsqu'il/elle doit promouvoir une offre commerciale"); n != 1 {
		t.Errorf("bloc 2 activités: promotional sentence appears %d times, want 1", n)
	}
	for _, b := range r.Blocs {
		if n := len(strings.Split(b.ModalitesValidation, "\n\n")); n != 2 {
			t.Errorf("%s: modalités de validation in %d paragraphs, want 2", b.Code, n)
		}
	}
}

func TestCommunityManagerLivrables(t *testing.T) {
	r := load(t)
	l := r.Livrables
	dt := l.DossierTechnique
	if dt.DelaiJoursAvantSession != 10 {
		t.Errorf("délai = %d, want 10 (R14)", dt.DelaiJoursAvantSession)
	}
	if want := (referentiel.Longueur{PagesMin: 30, PagesMax: 35, CaracteresSansEspaces: 48750}); dt.Longueur != want {
		t.Errorf("longueur = %+v, want %+v (R15)", dt.Longueur, want)
	}
	if want := (referentiel.ResumeRules{Lignes: 20, MotsMin: 200, MotsMax: 250, CaracteresSansEspaces: 1200}); dt.Resume != want {
		t.Errorf("résumé = %+v, want %+v", dt.Resume, want)
	}
	if want := (referentiel.VideoRules{Minimum: 1, DureeMaxSecondes: 300}); dt.Video != want {
		t.Errorf("vidéo = %+v, want %+v", dt.Video, want)
	}
	if len(dt.Plan) != 8 {
		t.Fatalf("plan: %d items, want 8", len(dt.Plan))
	}
	if n := len(dt.Plan[5].Sections); n != 8 {
		t.Errorf("stratégie digitale: %d sections, want 8", n)
	}
	if n := len(dt.Plan[6].Sections); n != 4 {
		t.Errorf("spécifications: %d sections, want 4", n)
	}
	if dt.Plan[7].Condition != "brief_entreprise" {
		t.Errorf("plan item 8 condition = %q", dt.Plan[7].Condition)
	}
	if n := len(l.SupportPresentation.Etapes); n != 11 {
		t.Errorf("support de présentation: %d étapes, want 11", n)
	}
	if n := len(l.PresentationOrale.Etapes); n != 11 {
		t.Errorf("présentation orale: %d étapes, want 11", n)
	}
	if !l.Projet.PlusieursProjets || len(l.Projet.CouvertureObligatoire) != 14 {
		t.Errorf("projet: plusieurs=%v couverture=%d, want true and 14 (R11)", l.Projet.PlusieursProjets, len(l.Projet.CouvertureObligatoire))
	}
	var exigences []string
	for _, e := range l.Projet.Exigences {
		exigences = append(exigences, e.Code)
	}
	if !slices.Equal(exigences, []string{"blog", "video"}) {
		t.Errorf("exigences = %v, want [blog video] (R7)", exigences)
	}

	type piece struct {
		obligatoire, horsVAE bool
		condition            string
	}
	wantPieces := map[string]piece{
		"cv":                    {true, false, ""},
		"livret":                {true, true, ""},
		"fiche_stage":           {true, true, "stage"},
		"attestation_formation": {true, true, ""},
		"justificatifs":         {false, false, ""},
	}
	pieces := l.DossierProfessionnel.Pieces
	if len(pieces) != len(wantPieces) {
		t.Errorf("%d pièces, want %d", len(pieces), len(wantPieces))
	}
	for _, p := range pieces {
		got := piece{p.Obligatoire, p.HorsVAE, p.Condition}
		if want, ok := wantPieces[p.Code]; !ok || got != want {
			t.Errorf("pièce %s = %+v, want %+v (R13)", p.Code, got, want)
		}
	}

	var epreuves []string
	for _, e := range r.Epreuves {
		epreuves = append(epreuves, e.Code)
		if e.HorsVAE != (e.Code == "releve_evaluations") {
			t.Errorf("épreuve %s hors_vae = %v", e.Code, e.HorsVAE)
		}
	}
	if want := []string{"presentation_projet", "entretien_technique", "entretien_final", "releve_evaluations"}; !slices.Equal(epreuves, want) {
		t.Errorf("épreuves = %v, want %v", epreuves, want)
	}
	if !strings.Contains(r.Epreuves[1].Description, "Le jury utilise une grille d'évaluation.") {
		t.Errorf("entretien technique lacks the grille (R8)")
	}
}

func TestLookups(t *testing.T) {
	r := load(t)
	tests := []struct {
		code       string
		wantBloc   string // for compétences
		wantParent string // for critères
		ok         bool
	}{
		{code: "C1.1", wantBloc: "BC01", ok: true},
		{code: "C2.5", wantBloc: "BC02", ok: true},
		{code: "C3.3", wantBloc: "BC03", ok: true},
		{code: "C3.4"},
		{code: ""},
		{code: "C1.4.2", wantParent: "C1.4", ok: true},
		{code: "C3.3.4", wantParent: "C3.3", ok: true},
		{code: "C1.5.4"},
	}
	for _, tt := range tests {
		if strings.Count(tt.code, ".") == 2 {
			c, k, ok := r.Critere(tt.code)
			if ok != tt.ok || (ok && (c.Code != tt.wantParent || k.Code != tt.code)) {
				t.Errorf("Critere(%q) = %v, %v, %v", tt.code, c, k, ok)
			}
			continue
		}
		b, c, ok := r.Competence(tt.code)
		if ok != tt.ok || (ok && (b.Code != tt.wantBloc || c.Code != tt.code)) {
			t.Errorf("Competence(%q) = %v, %v, %v", tt.code, b, c, ok)
		}
	}
	if b, ok := r.Bloc("BC02"); !ok || b.Numero != 2 {
		t.Errorf("Bloc(BC02) = %v, %v", b, ok)
	}
	if _, ok := r.Bloc("BC04"); ok {
		t.Errorf("Bloc(BC04) found")
	}
	var nilRef *referentiel.Referentiel
	if _, _, ok := nilRef.Competence("C1.1"); ok {
		t.Errorf("nil Referentiel found a compétence")
	}
}

func TestLibelles(t *testing.T) {
	modalites := map[referentiel.Modalite]string{
		referentiel.PresentationProjet:  "Présentation d'un projet",
		referentiel.EntretienTechnique:  "Entretien technique",
		referentiel.EvaluationFormation: "Évaluation en cours de formation",
		"autre":                         "autre",
	}
	for m, want := range modalites {
		if got := m.Libelle(); got != want {
			t.Errorf("%q.Libelle() = %q, want %q", m, got, want)
		}
	}
	formes := map[referentiel.Forme]string{
		referentiel.Quiz:           "Quiz",
		referentiel.QuestionsATrou: "Questions à trous",
		referentiel.EtudeDeCas:     "Étude de cas",
		referentiel.TP:             "TP",
		referentiel.Projet:         "Projet",
	}
	for f, want := range formes {
		if got := f.Libelle(); got != want {
			t.Errorf("%q.Libelle() = %q, want %q", f, got, want)
		}
	}
}

func TestEmbedded(t *testing.T) {
	files := referentiel.Embedded()
	if _, ok := files[referentiel.CommunityManagerFile]; !ok {
		t.Fatalf("Embedded() lacks %s: %v", referentiel.CommunityManagerFile, files)
	}
	for name, data := range files {
		if _, err := referentiel.Parse(data); err != nil {
			t.Errorf("shipped %s: %v", name, err)
		}
	}
	for _, name := range []string{"community-manager", "community-manager.yaml"} {
		if _, err := referentiel.EmbeddedFile(name); err != nil {
			t.Errorf("EmbeddedFile(%q): %v", name, err)
		}
	}
	for _, name := range []string{"absent", "../referentiel.go", "data/community-manager.yaml", ""} {
		if _, err := referentiel.EmbeddedFile(name); !errors.Is(err, apperr.NotFound) {
			t.Errorf("EmbeddedFile(%q) = %v, want NotFound", name, err)
		}
	}
}
