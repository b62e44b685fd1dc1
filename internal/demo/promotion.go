package demo

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// Promotion is the demo cohort of the Lyon centre.
const Promotion = "CM-2026-A"

type demoCandidat struct {
	nom, prenom string
	sexe        candidat.Sexe
	naissance   string // YYYY-MM-DD
	commune     string
	insee       string
	voie        candidat.Voie
	typeVAE     candidat.TypeVAE
	progress    int // how many compétences have been evaluated, in référentiel order
}

var cohort = []demoCandidat{
	{"Moreau", "Léa", candidat.Femme, "1998-03-12", "Lyon", "69123", candidat.FormationContinue, "", 14},
	{"Dubois", "Hugo", candidat.Homme, "1995-07-02", "Villeurbanne", "69266", candidat.ContratPro, "", 14},
	{"Lambert", "Chloé", candidat.Femme, "2000-11-23", "Grenoble", "38185", candidat.Apprentissage, "", 13},
	{"Fontaine", "Nathan", candidat.Homme, "1993-01-30", "Saint-Étienne", "42218", candidat.FormationContinue, "", 12},
	{"Rousseau", "Manon", candidat.Femme, "1997-05-14", "Annecy", "74010", candidat.ContratPro, "", 11},
	{"Vincent", "Lucas", candidat.Homme, "1999-09-08", "Bourg-en-Bresse", "01053", candidat.Apprentissage, "", 10},
	{"Muller", "Camille", candidat.Femme, "1991-12-19", "Strasbourg", "67482", candidat.FormationContinue, "", 9},
	{"Lefebvre", "Théo", candidat.Homme, "2001-04-27", "Lille", "59350", candidat.ContratPro, "", 8},
	{"Girard", "Inès", candidat.Femme, "1996-08-03", "Valence", "26362", candidat.FormationContinue, "", 7},
	{"Bonnet", "Louis", candidat.Homme, "1994-02-15", "Chambéry", "73065", candidat.Apprentissage, "", 6},
	{"François", "Jade", candidat.Femme, "2002-06-21", "Mâcon", "71270", candidat.FormationContinue, "", 5},
	{"Mercier", "Gabriel", candidat.Homme, "1992-10-10", "Roanne", "42187", candidat.ContratPro, "", 4},
	{"Blanc", "Zoé", candidat.Femme, "1998-12-01", "Vienne", "38544", candidat.FormationContinue, "", 3},
	{"Guerin", "Arthur", candidat.Homme, "1990-03-05", "Clermont-Ferrand", "63113", candidat.Apprentissage, "", 2},
	{"Faure", "Lina", candidat.Femme, "2003-01-17", "Dijon", "21231", candidat.FormationContinue, "", 1},
	{"André", "Jules", candidat.Homme, "1997-07-29", "Besançon", "25056", candidat.ContratPro, "", 0},
	{"Chevalier", "Sarah", candidat.Femme, "1985-04-09", "Marseille", "13055", candidat.VAE, candidat.CongeVAE, 0},
	{"Robin", "Maxime", candidat.Homme, "1982-11-16", "Nantes", "44109", candidat.VAE, candidat.VAEClassique, 0},
	{"Gauthier", "Emma", candidat.Femme, "1988-08-24", "Toulouse", "31555", candidat.VAE, candidat.VAEClassique, 0},
	{"Perrin", "Adam", candidat.Homme, "1979-05-31", "Bordeaux", "33063", candidat.VAE, candidat.CongeVAE, 0},
}

var demoModules = []struct {
	intitule string
	heures   float64
	comps    []string
}{
	{"Veille, diagnostic et benchmark", 35, []string{"C1.1", "C1.5"}},
	{"Stratégie et plan de communication", 35, []string{"C1.2", "C1.3"}},
	{"Référencement naturel et payant", 28, []string{"C1.4"}},
	{"Gestion de crise et e-réputation", 21, []string{"C1.6", "C3.1"}},
	{"Création de comptes et de blog", 42, []string{"C2.1", "C2.2"}},
	{"Animation de communautés et création visuelle", 49, []string{"C2.3", "C2.4", "C2.5"}},
	{"KPI, reporting et optimisation", 28, []string{"C3.2", "C3.3"}},
}

// seedPromotion enrols the demo cohort with its modules, plannings, evaluations, projects and
// one internship, unless the promotion already exists.
func seedPromotion(ctx context.Context, st *store.Store, blobs *blob.Dir, centreID int64, staff map[account.Role]*account.User, now time.Time) error {
	existing, err := st.Inscriptions(ctx, account.System, store.InscriptionFilter{CentreID: centreID, Promotion: Promotion, Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	certs, err := st.Certifications(ctx)
	if err != nil || len(certs) == 0 {
		return fmt.Errorf("demo: no certification: %w", err)
	}
	_, ref, err := st.ActiveReferentiel(ctx, certs[0].ID)
	if err != nil {
		return err
	}
	referent, formateur := account.ActorOf(staff[account.RoleReferent]), account.ActorOf(staff[account.RoleFormateur])
	var modules []candidat.Module
	for _, m := range demoModules {
		mod := candidat.Module{CentreID: centreID, Intitule: m.intitule, Heures: m.heures, Competences: m.comps, Active: true}
		if err := st.CreateModule(ctx, referent, certs[0].ID, &mod); err != nil {
			return fmt.Errorf("demo module: %w", err)
		}
		modules = append(modules, mod)
	}
	start := now.AddDate(0, -5, 0).Truncate(24 * time.Hour)
	for i, dc := range cohort {
		c := &candidat.Candidat{NomNaissance: dc.nom, Prenoms: []string{dc.prenom}, Sexe: dc.sexe, CommuneNaissance: dc.commune,
			CommuneNaissanceCode: dc.insee, Email: fmt.Sprintf("%s.%s@exemple.fr", candidat.Fold(dc.prenom), candidat.Fold(dc.nom)),
			Telephone: fmt.Sprintf("06 12 34 56 %02d", i), Adresse: candidat.Adresse{Ligne1: fmt.Sprintf("%d rue de la République", 10+i), CodePostal: "69002", Ville: "Lyon"}}
		if i == 0 {
			c.Email = "candidat@certif.demo" // the demo candidate account sees this file
		}
		c.DateNaissance, _ = time.Parse(time.DateOnly, dc.naissance)
		ins := &candidat.Inscription{CertificationID: certs[0].ID, CentreID: centreID, Voie: dc.voie, TypeVAE: dc.typeVAE, Promotion: Promotion, Date: start}
		if dc.nom == "André" { // a partial parcours: bloc 1 is « hors parcours » in the matrix
			ins.BlocsVises = []string{"BC02", "BC03"}
		}
		if _, err := st.Inscrire(ctx, account.System, c, ins); err != nil {
			return fmt.Errorf("demo inscription %d: %w", i, err)
		}
		if !ins.InTraining(ref) {
			continue
		}
		if err := seedPlanning(ctx, st, formateur, ins.ID, modules, start, dc.progress); err != nil {
			return err
		}
		if err := seedLivret(ctx, st, blobs, formateur, referent, ref, modules, ins.ID, i, dc.progress, start); err != nil {
			return err
		}
		if i < 3 {
			if err := seedStage(ctx, st, blobs, referent, ins.ID, i, now); err != nil {
				return err
			}
		}
	}
	return nil
}

func seedPlanning(ctx context.Context, st *store.Store, act account.Actor, insID int64, modules []candidat.Module, start time.Time, progress int) error {
	day := start
	for k, m := range modules {
		done := m.Heures
		if k*2 >= progress { // modules not reached yet are planned, not done
			done = 0
		}
		se := &candidat.Seance{InscriptionID: insID, ModuleID: m.ID, Debut: day, Fin: day.AddDate(0, 0, 11), HeuresPrevues: m.Heures, HeuresRealisees: done}
		if err := st.AddSeance(ctx, act, se); err != nil {
			return fmt.Errorf("demo séance: %w", err)
		}
		day = day.AddDate(0, 0, 14)
	}
	return nil
}

func seedLivret(ctx context.Context, st *store.Store, blobs *blob.Dir, formateur, referent account.Actor, ref *referentiel.Referentiel, modules []candidat.Module,
	insID int64, who, progress int, start time.Time) error {
	moduleOf := map[string]int64{} // each evaluation follows the module that trains the compétence
	for _, m := range modules {
		for _, c := range m.Competences {
			moduleOf[c] = m.ID
		}
	}
	n := 0
	for _, b := range ref.Blocs {
		allDone := true
		for ci, c := range b.Competences {
			if n >= progress {
				allDone = false
				continue
			}
			e := &livret.Evaluation{InscriptionID: insID, Competences: []string{c.Code}, Date: start.AddDate(0, 0, 7*n+5), Criteres: map[string]livret.Resultat{},
				ModuleID: moduleOf[c.Code]}
			last := n == progress-1 && progress < 14
			// The compétence is acquired once every critère is (R4): the last compétence reached
			// is only half evaluated for some (en cours), failed for others (non acquise); for
			// others again a first entry covers some critères and a second one the rest.
			half, failed, split := last && progress%2 == 1 && who%5 != 2, last && who%5 == 2, !last && ci == 0 && who%4 == 1
			var rest []string
			for k, cr := range c.Criteres {
				res := livret.Acquis
				switch {
				case failed:
					res = livret.NonAcquis
				case (half || split) && 2*k >= len(c.Criteres):
					rest = append(rest, cr.Code)
					continue
				case (who+ci+k)%9 == 4: // now and then a critère is not acquired the first time
					res = livret.NonAcquis
				}
				e.Criteres[cr.Code] = res
			}
			if c.EvaluationFormation != nil && len(c.EvaluationFormation.Forme) > 0 && c.EvaluationFormation.Forme[0] == referentiel.Quiz {
				score, bareme, seuil := float64(12+(who+ci)%8), 20.0, 10.0
				e.Score, e.Bareme, e.Seuil = &score, &bareme, &seuil
			}
			e.Commentaire = "Travail sérieux ; les attendus du référentiel sont bien compris."
			if err := st.AddEvaluation(ctx, formateur, e, nil); err != nil {
				return fmt.Errorf("demo évaluation %s: %w", c.Code, err)
			}
			if hasNonAcquis(e) && who%2 == 0 { // a later catch-up evaluation corrects it
				fix := &livret.Evaluation{InscriptionID: insID, Competences: e.Competences, Forme: e.Forme, ModuleID: e.ModuleID, Date: e.Date.AddDate(0, 0, 10),
					Criteres: map[string]livret.Resultat{}, Score: e.Score, Bareme: e.Bareme, Seuil: e.Seuil, Remplace: e.ID,
					Commentaire: "Rattrapage : les critères manquants sont désormais acquis."}
				for code := range e.Criteres {
					fix.Criteres[code] = livret.Acquis
				}
				if err := st.AddEvaluation(ctx, formateur, fix, nil); err != nil {
					return fmt.Errorf("demo correction %s: %w", c.Code, err)
				}
			}
			if split && len(rest) > 0 {
				// Absent on the day, the candidate hands in a TP instead: a form outside the
				// référentiel, with its reason (shown on the livret).
				more := &livret.Evaluation{InscriptionID: insID, Competences: e.Competences, Date: e.Date.AddDate(0, 0, 3), Criteres: map[string]livret.Resultat{},
					ModuleID: e.ModuleID, Forme: referentiel.TP, MotifForme: "Absent le jour de l’évaluation prévue, le candidat a rendu un TP de rattrapage portant sur les critères restants.",
					Commentaire: "Seconde évaluation : les critères restants de la compétence."}
				for _, code := range rest {
					more.Criteres[code] = livret.Acquis
				}
				if err := st.AddEvaluation(ctx, formateur, more, nil); err != nil {
					return fmt.Errorf("demo évaluation %s: %w", c.Code, err)
				}
			}
			n++
		}
		if allDone {
			p := &livret.Projet{InscriptionID: insID, Bloc: b.Code, Titre: projetTitre(b.ProjetFinDeBloc),
				Description: "Projet réalisé pour une PME lyonnaise de l’économie sociale et solidaire.", URL: "https://exemple.fr/projet"}
			// Léa's pending project comes with a deliverable, so that the demo shows the files.
			var files []int64
			if who == 0 && b.Code == "BC03" {
				id, err := saveLivrable(ctx, st, blobs, referent, "Tableau de bord e-réputation.pdf")
				if err != nil {
					return err
				}
				files = append(files, id)
			}
			if err := st.SubmitProjetFiles(ctx, referent, p, files); err != nil {
				return fmt.Errorf("demo projet %s: %w", b.Code, err)
			}
			// Léa's last project awaits the référent's decision, so the demo shows both sides.
			if who%3 != 2 && (who != 0 || b.Code != "BC03") {
				if err := st.DecideProjet(ctx, referent, insID, b.Code, livret.Valide, "Projet complet et bien argumenté."); err != nil {
					return fmt.Errorf("demo décision %s: %w", b.Code, err)
				}
			}
		}
	}
	return nil
}

func hasNonAcquis(e *livret.Evaluation) bool {
	for _, r := range e.Criteres {
		if r == livret.NonAcquis {
			return true
		}
	}
	return false
}

func seedStage(ctx context.Context, st *store.Store, blobs *blob.Dir, act account.Actor, insID int64, who int, now time.Time) error {
	s := &store.Stage{InscriptionID: insID, Entreprise: []string{"Agence Lumière", "Coopérative Rhône Bio", "Studio Presqu’île"}[who],
		TuteurNom: []string{"Isabelle Caron", "Karim Benali", "Pauline Roche"}[who], TuteurEmail: fmt.Sprintf("tuteur%d@exemple.fr", who+1),
		Debut: now.AddDate(0, -2, 0).Truncate(24 * time.Hour), Fin: now.AddDate(0, 1, 0).Truncate(24 * time.Hour)}
	if err := st.CreateStage(ctx, act, s); err != nil {
		return fmt.Errorf("demo stage: %w", err)
	}
	if who != 0 {
		return nil
	}
	tok, err := st.StageLink(ctx, act, s.InscriptionID, s.ID)
	if err != nil {
		return err
	}
	fiche := store.FicheStage{Appreciations: map[string]store.Appreciation{
		"C2.1": {Niveau: "tres_satisfaisant", Commentaire: "Comptes créés et sécurisés avec soin."},
		"C2.3": {Niveau: "satisfaisant", Commentaire: "Animation régulière, ton juste."},
		"C3.1": {Niveau: "a_ameliorer", Commentaire: "Réponses aux avis négatifs encore un peu lentes."},
	}, CommentaireGeneral: "Stagiaire autonome et force de proposition.", Signataire: "Isabelle Caron", Fonction: "Directrice de la communication"}
	cachet, err := saveCachet(ctx, st, blobs, tok, s.Entreprise)
	if err != nil {
		return err
	}
	return st.SubmitFiche(ctx, tok, fiche, cachet)
}

// projetTitre is a demo project's title drawn from the référentiel's subject of the bloc
// (« Projet de mise en place d'une veille… »): without the heading's « Projet de », which the
// livret already prints, capitalised, with the typographic apostrophe.
func projetTitre(sujet string) string {
	t := sujet
	for _, p := range []string{"Projet de ", "Mini-projet de ", "Projet "} {
		if rest, ok := strings.CutPrefix(t, p); ok && rest != "" {
			t = rest
			break
		}
	}
	if r, n := utf8.DecodeRuneInString(t); n > 0 {
		t = string(unicode.ToUpper(r)) + t[n:]
	}
	return french.Typographic(t)
}
