// Package document renders, in pure Go, the PDF documents a French certifier signs for an
// RNCP certification: the attestation de formation (R13), the livret d'évaluation et de suivi
// (R3, R4) and the relevé des évaluations handed to the jury (R10).
//
// The package takes plain data (the structs below), knows nothing of the store or of the
// référentiel, and embeds its own fonts (Noto Sans, SIL Open Font License 1.1, see
// fonts/OFL.txt). Every renderer checks its input and returns an error wrapping ErrInvalid,
// worded in French, instead of producing a nonsensical document; it never panics. Documents
// are A4 portrait, dates are shown in Europe/Paris, and rendering the same data twice gives
// the same bytes.
package document

import (
	"errors"
	"math"
	"strings"
	"time"
)

// ErrInvalid is wrapped by every error reporting unusable input: test it with errors.Is and
// show the error text (French) to the user.
var ErrInvalid = errors.New("données invalides")

// InvalidError lists, in French, every problem found in a document's input.
// It unwraps to ErrInvalid.
type InvalidError struct {
	Document  string   // the document concerned, e.g. "attestation de formation"
	Problemes []string // each problem, e.g. "nom de naissance manquant"
}

// Error returns « document : problème ; problème ».
func (e *InvalidError) Error() string {
	return e.Document + " : " + strings.Join(e.Problemes, " ; ")
}

// Unwrap returns ErrInvalid.
func (e *InvalidError) Unwrap() error { return ErrInvalid }

// Header identifies who issues the document and for which certification; it opens the
// first page of every document.
type Header struct {
	Certificateur      string // the certifier's legal name (required)
	CertificateurSIRET string // 14 digits, shown grouped; "" hides it
	Centre             string // the training centre (organisme de formation); "" when the certifier trains itself
	CentreSIRET        string // 14 digits; "" hides it
	Certification      string // the title, e.g. "Community Manager" (required)
	RNCP               string // the RNCP number without prefix, e.g. "12345"; "" hides "Titre RNCP n° …"
	Niveau             string // e.g. "5" or "Niveau 5"; "" hides it
	Version            int    // version of the référentiel used; 0 hides it
	// The certificateur's address (lines separated by "\n"), signatory and logo (PNG or
	// JPEG bytes, drawn above its name); "" or nil hides each.
	CertificateurAdresse    string
	CertificateurSignataire string // e.g. "Claire Dubois"
	CertificateurQualite    string // e.g. "Directrice de la certification"
	Logo                    []byte
	// The certification's registration at the RNCP; zero dates and "" hide them.
	DateEnregistrement time.Time
	FinValidite        time.Time
	Mentions           string // the certificateur's mentions, printed under the header
}

// Candidat is the identity of the candidate as printed on every document.
type Candidat struct {
	Civilite      string    // "Madame", "Monsieur" or "" (then « né(e) »)
	Prenoms       string    // first names, as on the identity document (required)
	NomNaissance  string    // birth name (required)
	NomUsage      string    // usage name; when set and different, shown « Léa Martin, née Moreau »
	DateNaissance time.Time // date of birth (required)
	LieuNaissance string    // e.g. "Lyon (69)" or "Casablanca (Maroc)"; "" omits « à … »
	Voie          string    // access path as shown, e.g. "Formation continue"
	// HorsFormation is true for a candidate whose access path has no in-training evaluation
	// (the VAE, R2): the in-training documents (livret, relevé, attestation) refuse them.
	HorsFormation bool
	Promotion     string // cohort label; "" hides it
}

// ModuleLine is one training module of the attestation de formation's planning (R13).
type ModuleLine struct {
	Intitule        string    // module title (required)
	Competences     []string  // compétence codes covered, e.g. "C1.1"
	Debut, Fin      time.Time // first and last day; zero shows "—"; Fin must not precede Debut
	HeuresPrevues   float64   // planned hours, ≥ 0
	HeuresRealisees float64   // hours actually attended, ≥ 0
}

// Attestation is the attestation de formation listing the modules followed, signed by the
// training centre's référent, with what Code du travail L6353-1 asks of it: the centre's
// numéro de déclaration d'activité, the nature, objectives and duration of the action, and the
// results of the evaluation of the acquired skills.
type Attestation struct {
	Header
	Candidat          Candidat
	NDA               string         // the centre's numéro de déclaration d'activité, 11 digits (required)
	Nature            string         // the nature of the action (L6313-1); "" omits the paragraph
	Objectifs         []string       // the objectives, one a line (the blocs aimed at)
	Resultats         []ResultatBloc // the evaluation of the acquired skills, per bloc
	Modules           []ModuleLine   // the modules followed, at least one
	Signataire        string         // the signing référent's name (required)
	SignataireQualite string         // e.g. "Responsable pédagogique"
	Lieu              string         // place of signature (required)
	Date              time.Time      // date of signature (required)
}

// ResultatBloc is the result of the evaluation of the skills acquired in training for one
// bloc (R4), as the attestation de formation states it.
type ResultatBloc struct {
	Code     string // e.g. "BC01"
	Numero   int    // 1, 2, 3…
	Intitule string // the bloc's wording
	Acquises int    // compétences acquired
	Total    int    // compétences of the bloc
	Projet   string // the end-of-bloc project: "validé", "refusé", "en attente" or "non remis"
	Etat     string // e.g. "Validé en formation", "En cours", "Non évalué"
}

// CritereResult is the result of one critère d'évaluation within an evaluation.
type CritereResult struct {
	Code     string // e.g. "C1.1.2"
	Libelle  string // the critère's wording (any length: it wraps)
	Resultat string // "acquis", "non_acquis" or "" (not evaluated)
}

// EvaluationEntry is one in-training evaluation recorded in the livret (R3).
type EvaluationEntry struct {
	Date        time.Time       // date of the evaluation (required)
	Competences []string        // codes of the compétences it covers
	Forme       string          // French label, e.g. "Étude de cas"
	Evaluateur  string          // the formateur's name
	Criteres    []CritereResult // per-critère results
	Score       *float64        // optional mark
	Bareme      *float64        // optional scale (> 0), e.g. 20
	Seuil       *float64        // optional pass mark
	Commentaire string          // the formateur's comment
	Module      string          // the training module it follows; "" hides it
	MotifForme  string          // the reason for a form outside the référentiel; "" when the form is the référentiel's
	Corrige     bool            // superseded by a later correcting entry: shown struck, « Remplacée par une correction »
	Remplace    string          // "" or a description of the entry this one corrects
}

// CompetenceBlock is one compétence of a bloc in the livret, with its state and evaluations.
type CompetenceBlock struct {
	Code        string            // e.g. "C1.1" (required)
	Intitule    string            // the compétence's wording (required)
	Etat        string            // "acquise", "non acquise", "en cours" or "non évaluée"
	Synthese    string            // e.g. "4/5 critères acquis" (each critère's latest current result); "" hides it
	Evaluations []EvaluationEntry // in chronological order
}

// ProjetBloc is the end-of-bloc project and the référent's decision (R4).
type ProjetBloc struct {
	Sujet       string    // "" when no project was submitted
	Soumis      time.Time // submission date; zero when not submitted
	Decision    string    // "validé", "refusé", "en attente" or "non remis"
	DecisionPar string    // who decided
	DecisionLe  time.Time // when
	Commentaire string    // the référent's comment
}

// BlocSection is one bloc of compétences in the livret.
type BlocSection struct {
	Code        string // e.g. "BC01"
	Numero      int    // 1, 2, 3…
	Intitule    string // the bloc's wording (required)
	Competences []CompetenceBlock
	Projet      ProjetBloc
	Valide      bool   // validated in training (R4)
	Etat        string // e.g. "Validé en formation", "En cours"; "" shows « Validé en formation » or a grey « Non validé » from Valide
}

// Livret is the livret d'évaluation et de suivi of one candidate (R3, R4).
type Livret struct {
	Header
	Candidat Candidat
	Blocs    []BlocSection // at least one
	Edite    time.Time     // edition date, printed in the footer (required)
}

// ReleveLine is one compétence of the relevé des évaluations.
type ReleveLine struct {
	Code     string    // e.g. "C1.1"
	Intitule string    // the compétence's wording, preferably shortened
	Etat     string    // "acquise", "non acquise", "en cours", "non évaluée"
	Derniere time.Time // date of the latest evaluation; zero shows "—"
	Detail   string    // e.g. "4/5 critères acquis · 16/20"
}

// ReleveBloc groups the relevé's lines of one bloc.
type ReleveBloc struct {
	Code     string
	Numero   int
	Intitule string
	Lignes   []ReleveLine
	Projet   string // the end-of-bloc project's decision, e.g. "validé"
	Valide   bool   // bloc validated in training
}

// Releve is the relevé des évaluations en cours de formation handed to the jury (R10): it
// always fits on one page.
type Releve struct {
	Header
	Candidat Candidat
	Blocs    []ReleveBloc // at least one
	Edite    time.Time    // edition date (required)
}

// problems collects the French wording of what is wrong with an input.
type problems []string

func (p *problems) add(format string) { *p = append(*p, format) }

func (p problems) err(document string) error {
	if len(p) == 0 {
		return nil
	}
	return &InvalidError{Document: document, Problemes: p}
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// checkHeader reports the header's missing fields.
func (p *problems) checkHeader(h Header) {
	if blank(h.Certificateur) {
		p.add("nom du certificateur manquant")
	}
	if blank(h.Certification) {
		p.add("intitulé de la certification manquant")
	}
	if h.Version < 0 {
		p.add("version du référentiel négative")
	}
	if len(h.Logo) > 0 {
		if _, _, err := logoSize(h.Logo); err != nil {
			p.add("logo du certificateur illisible (PNG ou JPEG attendu)")
		}
	}
}

// checkCandidat reports the candidate's missing fields; when noVAE is set a candidate
// without in-training evaluation (HorsFormation) is refused, since in-training documents do
// not exist for them (R2).
func (p *problems) checkCandidat(c Candidat, noVAE bool) {
	if blank(c.NomNaissance) {
		p.add("nom de naissance manquant")
	}
	if blank(c.Prenoms) {
		p.add("prénom manquant")
	}
	if c.DateNaissance.IsZero() {
		p.add("date de naissance manquante")
	}
	switch strings.TrimSpace(c.Civilite) {
	case "", "Madame", "Monsieur":
	default:
		p.add("civilité inconnue « " + c.Civilite + " » (Madame, Monsieur ou vide)")
	}
	if noVAE && c.HorsFormation {
		p.add("ne concerne pas les candidats en VAE")
	}
}

// badNumber reports NaN, infinities and negative values.
func badNumber(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) || f < 0 }

// badPtr reports a non-nil pointer to a bad number.
func badPtr(f *float64) bool { return f != nil && badNumber(*f) }
