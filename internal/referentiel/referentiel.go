// Package referentiel models an RNCP certification's référentiel: its activity, competence
// and evaluation parts, and the rules on the deliverables the candidate hands in.
//
// A référentiel is data (see data/*.yaml): nothing specific to one title is hard-coded.
// Values of these types are immutable once loaded; share them freely between goroutines.
package referentiel

// Modalite is one way a compétence is evaluated.
type Modalite string

// The modalités d'évaluation of the seed's table (5-1).
const (
	PresentationProjet  Modalite = "presentation_projet"
	EntretienTechnique  Modalite = "entretien_technique"
	EvaluationFormation Modalite = "evaluation_formation"
)

// Modalites lists every known modalité in display order.
var Modalites = []Modalite{PresentationProjet, EntretienTechnique, EvaluationFormation}

// Forme is the form of an in-training evaluation.
type Forme string

// The forms of évaluation en cours de formation named by the seed.
const (
	Quiz           Forme = "quiz"
	QuestionsATrou Forme = "questions_a_trous"
	EtudeDeCas     Forme = "etude_de_cas"
	TP             Forme = "tp"
	Projet         Forme = "projet"
)

// Formes lists every known form in display order.
var Formes = []Forme{Quiz, QuestionsATrou, EtudeDeCas, TP, Projet}

// Referentiel is one version of a certification's référentiel, as loaded from a file.
type Referentiel struct {
	Certification Certification `json:"certification" yaml:"certification"`
	Blocs         []Bloc        `json:"blocs" yaml:"blocs"`
	Epreuves      []Epreuve     `json:"epreuves" yaml:"epreuves"`
	Livrables     Livrables     `json:"livrables" yaml:"livrables"`
	// Voies lists the access paths and whether their candidates are evaluated in training
	// (R2); versions imported before this field existed have none (see EvaluationEnFormation).
	Voies []VoieAcces `json:"voies_acces,omitempty" yaml:"voies_acces,omitempty"`
}

// VoieAcces is one access path to the certification (formation continue, apprentissage,
// VAE…) and whether the évaluation en cours de formation applies to its candidates: when it
// does not, they have no livret, attestation de formation, fiche de stage or relevé (R2).
type VoieAcces struct {
	Code    string `json:"code" yaml:"code"` // the inscription's voie, e.g. "vae"
	Libelle string `json:"libelle" yaml:"libelle"`
	// EvaluationFormation is true when the candidates of this path are evaluated in training.
	EvaluationFormation bool `json:"evaluation_formation" yaml:"evaluation_formation"`
}

// Certification identifies the title. RNCP and Niveau may be empty when the source does
// not give them; they can be filled in a later version.
type Certification struct {
	Code     string `json:"code" yaml:"code"`
	Intitule string `json:"intitule" yaml:"intitule"`
	RNCP     string `json:"rncp" yaml:"rncp"`
	Niveau   string `json:"niveau" yaml:"niveau"`
	// Intro is the legal preamble of the référentiel (article L6113-1), shown on public pages.
	Intro string `json:"intro,omitempty" yaml:"intro,omitempty"`
	// Jury is what the certification requires of its juries (issue 9); absent, the defaults
	// apply (package jury: 2 members, half of them external).
	Jury *JuryRegles `json:"jury,omitempty" yaml:"jury,omitempty"`
}

// JuryRegles is a certification's rule on the composition of its juries: at least MinMembres
// members (the président included), at least RatioExternes of them external to the
// certificateur and to the centre (0 for the default).
type JuryRegles struct {
	MinMembres    int     `json:"min_membres,omitempty" yaml:"min_membres,omitempty"`
	RatioExternes float64 `json:"ratio_externes,omitempty" yaml:"ratio_externes,omitempty"`
	// SeuilBloc is the share of a bloc's compétences the jury must find acquired for the
	// system to propose the bloc validated (0 for the default: 1, each compétence).
	SeuilBloc float64 `json:"seuil_bloc,omitempty" yaml:"seuil_bloc,omitempty"`
}

// Bloc is a bloc de compétences with its activity description.
type Bloc struct {
	Code     string `json:"code" yaml:"code"`
	Numero   int    `json:"numero" yaml:"numero"`
	Intitule string `json:"intitule" yaml:"intitule"`
	// Activites is the référentiel d'activités text for this bloc (paragraphs separated by blank lines).
	Activites string `json:"activites" yaml:"activites"`
	// ModalitesValidation is the "Modalités de validation du bloc" text (not for VAE candidates).
	ModalitesValidation string `json:"modalites_validation" yaml:"modalites_validation"`
	// ProjetFinDeBloc is the subject of the end-of-bloc project validated by the référent (R4).
	ProjetFinDeBloc string       `json:"projet_fin_de_bloc" yaml:"projet_fin_de_bloc"`
	Competences     []Competence `json:"competences" yaml:"competences"`
}

// Competence is one compétence with its modalités and critères.
type Competence struct {
	Code                string         `json:"code" yaml:"code"`
	Intitule            string         `json:"intitule" yaml:"intitule"`
	Modalites           []Modalite     `json:"modalites" yaml:"modalites"`
	EvaluationFormation *EvalFormation `json:"evaluation_formation,omitempty" yaml:"evaluation_formation,omitempty"`
	Criteres            []Critere      `json:"criteres" yaml:"criteres"`
}

// EvalFormation describes the in-training evaluation of a compétence (never for VAE, R2).
type EvalFormation struct {
	Forme       []Forme `json:"forme" yaml:"forme"`
	Description string  `json:"description" yaml:"description"`
}

// Critere is one critère d'évaluation, verbatim.
type Critere struct {
	Code    string `json:"code" yaml:"code"`
	Libelle string `json:"libelle" yaml:"libelle"`
}

// Epreuve describes one element the jury uses (5-2): project presentation, entretien
// technique, entretien final, relevé des évaluations.
type Epreuve struct {
	Code        string `json:"code" yaml:"code"`
	Intitule    string `json:"intitule" yaml:"intitule"`
	Description string `json:"description" yaml:"description"`
	// HorsVAE is true when the épreuve does not concern VAE candidates.
	HorsVAE bool `json:"hors_vae" yaml:"hors_vae"`
}

// Livrables holds the deliverable rules of 5-2 and 5-3 (R6, R7, R11–R17).
type Livrables struct {
	// Projet states the project rules (brief, blog + video, several projects allowed).
	Projet               ProjetRules          `json:"projet" yaml:"projet"`
	DossierProfessionnel DossierProfessionnel `json:"dossier_professionnel" yaml:"dossier_professionnel"`
	DossierTechnique     DossierTechnique     `json:"dossier_technique" yaml:"dossier_technique"`
	SupportPresentation  Canevas              `json:"support_presentation" yaml:"support_presentation"`
	PresentationOrale    Canevas              `json:"presentation_orale" yaml:"presentation_orale"`
	// Confidentialite is the rule on confidential elements and the jury's attestation (R17).
	Confidentialite string `json:"confidentialite" yaml:"confidentialite"`
}

// ProjetRules are the rules on the project presented to the jury.
type ProjetRules struct {
	Description string `json:"description" yaml:"description"`
	// Exigences are the mandatory realisations, e.g. {code: blog, libelle: …}.
	Exigences []Item `json:"exigences" yaml:"exigences"`
	// PlusieursProjets is true when coverage may be counted across several projects (R11).
	PlusieursProjets bool `json:"plusieurs_projets" yaml:"plusieurs_projets"`
	// CouvertureObligatoire lists the compétence codes the project(s) must cover.
	CouvertureObligatoire []string `json:"couverture_obligatoire" yaml:"couverture_obligatoire"`
}

// DossierProfessionnel lists the pieces of the dossier professionnel (R13).
type DossierProfessionnel struct {
	Pieces []Piece `json:"pieces" yaml:"pieces"`
}

// Piece is one piece of a dossier.
type Piece struct {
	Code    string `json:"code" yaml:"code"`
	Libelle string `json:"libelle" yaml:"libelle"`
	// Obligatoire is false for optional supporting documents.
	Obligatoire bool `json:"obligatoire" yaml:"obligatoire"`
	// HorsVAE is true when the piece is not asked of VAE candidates.
	HorsVAE bool `json:"hors_vae" yaml:"hors_vae"`
	// Condition, when set, says when the piece applies (e.g. "stage").
	Condition string `json:"condition,omitempty" yaml:"condition,omitempty"`
}

// DossierTechnique holds the plan and the measurable rules of the dossier technique (R14, R15).
type DossierTechnique struct {
	DelaiJoursAvantSession int         `json:"delai_jours_avant_session" yaml:"delai_jours_avant_session"`
	Plan                   []PlanItem  `json:"plan" yaml:"plan"`
	Resume                 ResumeRules `json:"resume" yaml:"resume"`
	Longueur               Longueur    `json:"longueur" yaml:"longueur"`
	Video                  VideoRules  `json:"video" yaml:"video"`
	// Veille is the extra instruction on how the veille is described.
	Veille string `json:"veille" yaml:"veille"`
}

// PlanItem is one numbered item of the dossier technique's plan.
type PlanItem struct {
	Numero   int    `json:"numero" yaml:"numero"`
	Code     string `json:"code" yaml:"code"`
	Libelle  string `json:"libelle" yaml:"libelle"`
	Sections []Item `json:"sections,omitempty" yaml:"sections,omitempty"`
	// Condition, when set, says when the item applies (e.g. "brief_entreprise").
	Condition string `json:"condition,omitempty" yaml:"condition,omitempty"`
}

// Item is a coded line of a list (a section, a canvas step, a requirement).
type Item struct {
	Code    string `json:"code" yaml:"code"`
	Libelle string `json:"libelle" yaml:"libelle"`
}

// ResumeRules bound the project summary (item 2 of the plan).
type ResumeRules struct {
	Lignes                int `json:"lignes" yaml:"lignes"`
	MotsMin               int `json:"mots_min" yaml:"mots_min"`
	MotsMax               int `json:"mots_max" yaml:"mots_max"`
	CaracteresSansEspaces int `json:"caracteres_sans_espaces" yaml:"caracteres_sans_espaces"`
}

// Longueur bounds the dossier technique without annexes.
type Longueur struct {
	PagesMin              int `json:"pages_min" yaml:"pages_min"`
	PagesMax              int `json:"pages_max" yaml:"pages_max"`
	CaracteresSansEspaces int `json:"caracteres_sans_espaces" yaml:"caracteres_sans_espaces"`
}

// VideoRules bound the project video(s).
type VideoRules struct {
	Minimum          int `json:"minimum" yaml:"minimum"`
	DureeMaxSecondes int `json:"duree_max_secondes" yaml:"duree_max_secondes"`
}

// Canevas is an ordered outline (presentation support 5-3-3 c, oral 5-3-4).
type Canevas struct {
	Etapes []Item `json:"etapes" yaml:"etapes"`
}
