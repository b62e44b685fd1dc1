package dossier

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/referentiel"
)

// Facts is what the conformity report is computed from: the dossier as it stands.
type Facts struct {
	VAE    bool   // the candidate's path has no in-training evaluation (no livret, attestation, fiche)
	Stage  bool   // an internship is planned
	Resume string // the summary (item 2), as typed
	// Pieces holds the measure of each kind's current version; an absent kind has no piece.
	Pieces map[Kind]*Measure
	// AnnexesPage is the page where the annexes start in the dossier technique, 0 for none.
	AnnexesPage int
	Projets     []Projet
	// System says which system pieces are available (livret, attestation_formation, fiche_stage).
	System map[Kind]bool
}

// The rules of the report, in its order (the API's "regle").
const (
	RegleResumeMots          = "resume_mots"
	RegleResumeCaracteres    = "resume_caracteres"
	RegleDossierPages        = "dossier_pages"
	RegleDossierCaracteres   = "dossier_caracteres"
	RegleStrategieSections   = "strategie_sections"
	RegleCahierSections      = "cahier_sections"
	RegleVideoDuree          = "video_duree"
	RegleRealisationURL      = "realisation_url"
	RegleBlog                = "blog"
	RegleCouverture          = "couverture"
	RegleLettreEntreprise    = "lettre_entreprise"
	RegleConfidentialite     = "confidentialite"
	ReglePiecesProfessionnel = "pieces_professionnel"
	RegleSupportCanevas      = "support_canevas"
)

// Tolerances of the measured lengths (summary, dossier technique). A value inside the rule's
// range is green (ok). Outside, it is orange (attention) when it misses the range by at most
// Tolerance of the nearest bound — 263 words for 200–250 (≤ 300) —, red (manquant) beyond: a
// clearly off document. An « about N » rule (« environ 1 200 caractères ») is the range
// N ± Approx.
const (
	Tolerance = 0.20
	Approx    = 0.15
)

// rangeStatut grades n against [lo, hi] (see Tolerance).
func rangeStatut(n, lo, hi int) Statut {
	switch {
	case n >= lo && n <= hi:
		return StatutOK
	case float64(n) >= float64(lo)*(1-Tolerance) && float64(n) <= float64(hi)*(1+Tolerance):
		return StatutAttention
	}
	return StatutManquant
}

// about returns the range of an « about n » rule.
func about(n int) (lo, hi int) {
	return int(float64(n)*(1-Approx) + 0.5), int(float64(n)*(1+Approx) + 0.5)
}

// Report computes the conformity report of the dossier described by f against the
// référentiel's rules l: one line per rule, in the order of the Regle constants. A line whose
// value could not be measured says why (non_mesurable) and never guesses.
func Report(l referentiel.Livrables, f Facts) []Check {
	dt := l.DossierTechnique
	out := make([]Check, 0, 14)
	out = append(out, resumeChecks(dt.Resume, f.Resume)...)
	out = append(out, dossierChecks(dt.Longueur, f.Pieces[KindDossierTechnique], f.AnnexesPage)...)
	out = append(out,
		sectionsCheck(RegleStrategieSections, "Stratégie digitale", planSections(dt.Plan, 6), f.Pieces[KindStrategie], false),
		sectionsCheck(RegleCahierSections, "Cahier des spécifications", planSections(dt.Plan, 7), f.Pieces[KindCahierDesCharges], false),
		videoCheck(dt.Video, f.Pieces[KindVideo]),
		presentCheck(RegleRealisationURL, "Réalisation", "un lien vers la réalisation",
			slices.ContainsFunc(f.Projets, func(p Projet) bool { return p.URL != "" })),
		presentCheck(RegleBlog, "Blog", "un site de type blog",
			slices.ContainsFunc(f.Projets, func(p Projet) bool { return p.Blog != "" })),
		coverageCheck(l.Projet.CouvertureObligatoire, f.Projets),
		conditionalCheck(RegleLettreEntreprise, KindLettreEntreprise, "un projet dont le brief vient d’une entreprise",
			slices.ContainsFunc(f.Projets, func(p Projet) bool { return p.Origine == OrigineEntreprise }), f.Pieces),
		conditionalCheck(RegleConfidentialite, KindAutorisationConfidentialite, "un projet confidentiel",
			slices.ContainsFunc(f.Projets, func(p Projet) bool { return p.Confidentiel }), f.Pieces),
		professionnelCheck(l.DossierProfessionnel, f),
		sectionsCheck(RegleSupportCanevas, "Support de présentation", l.SupportPresentation.Etapes, f.Pieces[KindSupportPresentation], true),
	)
	return out
}

// ValeurSansObjet is the valeur of a line that does not apply to the dossier (no company
// brief, no confidential project): its statut stays "ok", pages show it as neutral.
const ValeurSansObjet = "sans objet"

// SansObjet reports whether c does not apply to the dossier (ValeurSansObjet).
func (c Check) SansObjet() bool { return c.Statut == StatutOK && c.Valeur == ValeurSansObjet }

// Missing returns the red lines of checks (manquant): what a reminder lists.
func Missing(checks []Check) []Check {
	out := []Check{}
	for _, c := range checks {
		if c.Statut == StatutManquant {
			out = append(out, c)
		}
	}
	return out
}

// Complete reports whether checks has no red line.
func Complete(checks []Check) bool { return len(Missing(checks)) == 0 }

func check(regle string, st Statut, valeur, attendu, message string) Check {
	return Check{Regle: regle, Statut: st, Valeur: valeur, Attendu: attendu, Message: message}
}

func resumeChecks(r referentiel.ResumeRules, texte string) []Check {
	wantMots := fmt.Sprintf("%s à %s mots", french.Int(r.MotsMin), french.Int(r.MotsMax))
	lo, hi := about(r.CaracteresSansEspaces)
	wantCars := "environ " + french.Count(r.CaracteresSansEspaces, "caractère", "caractères") + " hors espaces"
	if strings.TrimSpace(texte) == "" {
		return []Check{
			check(RegleResumeMots, StatutManquant, "aucun résumé", wantMots, "Résumé : absent — "+wantMots+" attendus"),
			check(RegleResumeCaracteres, StatutManquant, "aucun résumé", wantCars, "Résumé : absent — "+wantCars+" attendus"),
		}
	}
	mots, cars := CountWords(texte), CharsWithoutSpaces(texte)
	vm, vc := french.Count(mots, "mot", "mots"), french.Count(cars, "caractère", "caractères")
	return []Check{
		check(RegleResumeMots, rangeStatut(mots, r.MotsMin, r.MotsMax), vm, wantMots,
			fmt.Sprintf("Résumé : %s — %s à %s attendus", vm, french.Int(r.MotsMin), french.Int(r.MotsMax))),
		check(RegleResumeCaracteres, rangeStatut(cars, lo, hi), vc, wantCars,
			fmt.Sprintf("Résumé : %s hors espaces — environ %s attendus", vc, french.Int(r.CaracteresSansEspaces))),
	}
}

// dossierChecks grades the dossier technique's pages and characters, annexes excluded.
func dossierChecks(lg referentiel.Longueur, m *Measure, annexes int) []Check {
	wantPages := fmt.Sprintf("%s à %s pages hors annexes", french.Int(lg.PagesMin), french.Int(lg.PagesMax))
	wantCars := "environ " + french.Count(lg.CaracteresSansEspaces, "caractère", "caractères") + " hors espaces et annexes"
	if m == nil {
		return []Check{
			check(RegleDossierPages, StatutManquant, "aucun document", wantPages, "Dossier technique : absent — "+wantPages+" attendues"),
			check(RegleDossierCaracteres, StatutManquant, "aucun document", wantCars, "Dossier technique : absent — "+wantCars+" attendus"),
		}
	}
	if !m.Measured {
		why, c := reason(m), cause(m)
		return []Check{
			check(RegleDossierPages, StatutNonMesurable, why, wantPages, "Dossier technique : pages non mesurables — "+c),
			check(RegleDossierCaracteres, StatutNonMesurable, why, wantCars, "Dossier technique : caractères non mesurables — "+c),
		}
	}
	// « hors annexes » only when the annexes' page was given.
	horsAnnexes, horsEspaces := "", " hors espaces"
	if annexes > 1 {
		horsAnnexes, horsEspaces = " hors annexes", " hors espaces et annexes"
	}
	out := make([]Check, 0, 2)
	pages := m.Pages
	if annexes > 1 && (pages == 0 || annexes-1 < pages) {
		pages = annexes - 1
	}
	if pages == 0 {
		out = append(out, check(RegleDossierPages, StatutNonMesurable, "nombre de pages inconnu", wantPages,
			"Dossier technique : nombre de pages non mesurable — "+pdfAdvice))
	} else {
		v := french.Count(pages, "page", "pages")
		out = append(out, check(RegleDossierPages, rangeStatut(pages, lg.PagesMin, lg.PagesMax), v, wantPages,
			fmt.Sprintf("Dossier technique : %s%s — %s à %s attendues", v, horsAnnexes, french.Int(lg.PagesMin), french.Int(lg.PagesMax))))
	}
	cars, known := m.Chars, m.Chars > 0
	if annexes > 1 {
		cars, known = 0, len(m.PageChars) > 0
		for i := 0; i < annexes-1 && i < len(m.PageChars); i++ {
			cars += m.PageChars[i]
		}
	}
	if !known {
		out = append(out, check(RegleDossierCaracteres, StatutNonMesurable, "caractères non comptés", wantCars,
			"Dossier technique : caractères"+horsAnnexes+" non mesurables — "+pdfAdvice))
		return out
	}
	lo, hi := about(lg.CaracteresSansEspaces)
	v := french.Count(cars, "caractère", "caractères")
	return append(out, check(RegleDossierCaracteres, rangeStatut(cars, lo, hi), v, wantCars,
		fmt.Sprintf("Dossier technique : %s%s — environ %s attendus", v, horsEspaces, french.Int(lg.CaracteresSansEspaces))))
}

// pdfAdvice is what to do when a document's pages could not be counted (a Word file keeps
// no reliable page count).
const pdfAdvice = "déposez-le en PDF pour que ses pages soient comptées"

// cause is the reason m could not be measured as a line of the report says it after its
// dash: without the reason's own « : longueur non mesurable » tail (the line says it) and
// with no colon of its own — « PDF sans texte (numérisé ?) ».
func cause(m *Measure) string {
	why := strings.TrimSuffix(reason(m), ".")
	if i := strings.LastIndex(why, " : "); i >= 0 {
		if tail := why[i+3:]; strings.HasPrefix(tail, "longueur non mesurable") || strings.HasPrefix(tail, "non mesur") {
			why = why[:i]
		}
	}
	why = strings.ReplaceAll(why, " : ", ", ")
	if r := []rune(why); len(r) > 1 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1]) {
		r[0] = unicode.ToLower(r[0])
		why = string(r)
	}
	return why
}

// reason is the French reason a piece could not be measured.
func reason(m *Measure) string {
	if m.Reason != "" {
		return m.Reason
	}
	return "fichier illisible"
}

// planSections returns the sections of plan item numero.
func planSections(plan []referentiel.PlanItem, numero int) []referentiel.Item {
	for _, it := range plan {
		if it.Numero == numero {
			return it.Sections
		}
	}
	return nil
}

// sectionsCheck looks for each section (or canvas step) among the headings of piece m. A
// missing section is orange when the document is there and some sections were found, red
// when none was (or the document is absent); canvas (the support de présentation, which
// guides rather than binds) is never red for missing steps, only when the support is absent.
func sectionsCheck(regle, what string, items []referentiel.Item, m *Measure, canvas bool) Check {
	noun := "sections"
	if canvas {
		noun = "étapes"
	}
	want := fmt.Sprintf("les %s %s", french.Int(len(items)), noun)
	switch {
	case m == nil:
		return check(regle, StatutManquant, "aucun document", want, what+" : aucun document déposé")
	case !m.Measured:
		return check(regle, StatutNonMesurable, reason(m), want, what+" : titres non lisibles — "+cause(m))
	}
	labels := make([]string, len(items))
	for i, it := range items {
		labels[i] = it.Libelle
	}
	found := Sections(labels, m.Headings)
	var missing []string
	for i, ok := range found {
		if !ok {
			missing = append(missing, "« "+labels[i]+" »")
		}
	}
	n := len(items) - len(missing)
	v := fmt.Sprintf("%s sur %s", french.Int(n), french.Int(len(items)))
	switch {
	case len(missing) == 0:
		return check(regle, StatutOK, v, want, fmt.Sprintf("%s : %s %s trouvées", what, v, noun))
	case n == 0 && !canvas:
		return check(regle, StatutManquant, v, want, fmt.Sprintf("%s : aucune des %s attendues trouvée", what, noun))
	}
	return check(regle, StatutAttention, v, want,
		fmt.Sprintf("%s : %s %s trouvées — manquent %s", what, v, noun, strings.Join(missing, ", ")))
}

// Duration formats a duration in milliseconds as « 7 min 02 s » (« 45 s » under a minute).
func Duration(ms int64) string {
	s := (ms + 500) / 1000
	if s < 60 {
		return fmt.Sprintf("%d s", s)
	}
	return fmt.Sprintf("%d min %02d s", s/60, s%60)
}

func maxDuration(sec int) string {
	if sec%60 == 0 {
		return fmt.Sprintf("%d min au plus", sec/60)
	}
	return Duration(int64(sec)*1000) + " au plus"
}

func videoCheck(r referentiel.VideoRules, m *Measure) Check {
	want := maxDuration(r.DureeMaxSecondes)
	switch {
	case m == nil:
		return check(RegleVideoDuree, StatutManquant, "aucune vidéo", want, "Vidéo : absente — "+want)
	case !m.Measured:
		return check(RegleVideoDuree, StatutNonMesurable, reason(m), want, "Vidéo : durée non mesurable — "+cause(m))
	case m.Duration <= 0:
		return check(RegleVideoDuree, StatutNonMesurable, "durée illisible", want, "Vidéo : durée non mesurable — la vidéo ne dit pas sa durée")
	}
	v := Duration(m.Duration)
	st := StatutOK
	if m.Duration > int64(r.DureeMaxSecondes)*1000 {
		st = StatutManquant
	}
	return check(RegleVideoDuree, st, v, want, "Vidéo : "+v+" — "+want)
}

// presentCheck is a line that holds or not (a realisation URL, a blog among the projects):
// « Réalisation : lien fourni », « Blog : aucun lien — un site de type blog attendu » (the
// words agree whatever the gender of what).
func presentCheck(regle, what, want string, ok bool) Check {
	if ok {
		return check(regle, StatutOK, "lien fourni", want, what+" : lien fourni")
	}
	return check(regle, StatutManquant, "aucun lien", want, what+" : aucun lien — "+want+" attendu")
}

func coverageCheck(required []string, projets []Projet) Check {
	want := fmt.Sprintf("les %s compétences", french.Int(len(required)))
	_, missing := Coverage(required, projets)
	n := len(required) - len(missing)
	v := fmt.Sprintf("%s sur %s", french.Int(n), french.Int(len(required)))
	wait := awaiting(projets)
	switch {
	case len(missing) == 0:
		return check(RegleCouverture, StatutOK, v, want, "Compétences : "+v+" couvertes par les projets")
	case n == 0 && wait != "":
		return check(RegleCouverture, StatutManquant, v, want, "Compétences : aucune couverte — "+wait)
	case n == 0:
		return check(RegleCouverture, StatutManquant, v, want, "Compétences : aucune couverte par un projet")
	}
	msg := fmt.Sprintf("Compétences : %s couvertes — %s à évaluer en entretien technique (%s)",
		v, french.Int(len(missing)), strings.Join(missing, ", "))
	if wait != "" {
		msg += " ; " + wait
	}
	return check(RegleCouverture, StatutAttention, v, want, msg)
}

// awaiting says which personal projects wait for the référent pédagogique's approval (their
// compétences are not counted until then): « le projet personnel « Blog » attend
// l’approbation du référent pédagogique », "" when none does.
func awaiting(projets []Projet) string {
	var titres []string
	for _, p := range projets {
		if !p.Counts() {
			titres = append(titres, "« "+p.Titre+" »")
		}
	}
	switch len(titres) {
	case 0:
		return ""
	case 1:
		return "le projet personnel " + titres[0] + " attend l’approbation du référent pédagogique"
	}
	return "les projets personnels " + strings.Join(titres, ", ") + " attendent l’approbation du référent pédagogique"
}

// conditionalCheck is a piece required only when cond holds (a company's brief, a
// confidential project): « Autorisation de confidentialité : pièce manquante — requise pour un
// projet confidentiel » (« pièce » agrees, whatever the gender of the kind's name).
func conditionalCheck(regle string, k Kind, when string, cond bool, pieces map[Kind]*Measure) Check {
	want := "pièce requise pour " + when
	switch {
	case !cond:
		return check(regle, StatutOK, ValeurSansObjet, want, k.Libelle()+" : sans objet")
	case pieces[k] == nil:
		return check(regle, StatutManquant, "pièce manquante", want, k.Libelle()+" : pièce manquante — requise pour "+when)
	}
	return check(regle, StatutOK, "pièce déposée", want, k.Libelle()+" : pièce déposée")
}

// professionnelCheck lists the compulsory pieces of the dossier professionnel for the
// candidate's path (R13): from the référentiel's data, without the training pieces for VAE
// and the fiche de stage only with an internship. The CV is deposited; the training pieces
// are the system's.
func professionnelCheck(dp referentiel.DossierProfessionnel, f Facts) Check {
	var want, missing []string
	for _, p := range dp.Pieces {
		if !p.Obligatoire || (p.HorsVAE && f.VAE) || (p.Condition == "stage" && !f.Stage) {
			continue
		}
		k := Kind(p.Code)
		want = append(want, k.Libelle())
		if f.Pieces[k] == nil && !f.System[k] {
			missing = append(missing, k.Libelle())
		}
	}
	attendu := strings.Join(want, ", ")
	n := len(want) - len(missing)
	v := fmt.Sprintf("%s sur %s", french.Int(n), french.Int(len(want)))
	if len(missing) == 0 {
		return check(ReglePiecesProfessionnel, StatutOK, v, attendu, "Dossier professionnel : complet ("+attendu+")")
	}
	return check(ReglePiecesProfessionnel, StatutManquant, v, attendu,
		"Dossier professionnel : "+french.Plural(len(missing), "pièce manquante", "pièces manquantes")+" — "+strings.Join(missing, ", "))
}
