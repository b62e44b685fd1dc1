// Package dossier holds the candidate's dossier complet (R12–R16) as pure rules: the kinds of
// pieces a candidate deposits, the projects and their coverage of the compétences (R6, R7,
// R11), the deadline of the dossier technique (R14) and the conformity report computed from
// what was measured in the deposited files (Measure) against the référentiel's data.
// It imports the référentiel, french (numbers written the French way) and the standard
// library only; reading files is the inspect package's, storing them the store's.
package dossier

import (
	"time"
)

// Kind is the kind of a piece the candidate (or their référent) deposits; each kind has a
// history of versions, the latest being current.
type Kind string

// The kinds of deposited pieces, as the API names them.
const (
	KindCV                          Kind = "cv"
	KindJustificatif                Kind = "justificatif"
	KindBrief                       Kind = "brief"
	KindDossierTechnique            Kind = "dossier_technique"
	KindStrategie                   Kind = "strategie"
	KindCahierDesCharges            Kind = "cahier_des_charges"
	KindVideo                       Kind = "video"
	KindLettreEntreprise            Kind = "lettre_entreprise"
	KindAutorisationConfidentialite Kind = "autorisation_confidentialite"
	KindSupportPresentation         Kind = "support_presentation"
)

// MaxVersions is the most versions a piece of one kind keeps: the versions are never deleted,
// so an endless stream of re-deposits would fill the storage.
const MaxVersions = 30

// The pieces the system produces for a formation-continue candidate, frozen into the dossier
// as they stand on the day it closes (never deposited by hand).
const (
	KindLivret               Kind = "livret"
	KindAttestationFormation Kind = "attestation_formation"
	KindFicheStage           Kind = "fiche_stage"
)

// Origine is where a project's brief comes from (R6).
type Origine string

// The origins of a brief.
const (
	OrigineEntreprise             Origine = "entreprise"
	OrigineStage                  Origine = "stage"
	OrigineResponsablePedagogique Origine = "responsable_pedagogique"
	OriginePersonnel              Origine = "personnel" // needs the référent's approval first
)

// Projet is one project the candidate presents (R6, R7, R11).
type Projet struct {
	ID            int64
	InscriptionID int64
	Titre         string
	Origine       Origine
	Entreprise    string // the company's name, for OrigineEntreprise
	URL           string // the realisation (item 4)
	Blog          string // the blog-type website (R7)
	Competences   []string
	Confidentiel  bool // the company forbids the demonstration (R17)
	ApprouveLe    time.Time
	ApprouvePar   int64 // the référent who approved a personal project; 0 when not approved
	Version       int64
}

// Measure is what was measured in one deposited file, once, when it was deposited; the
// conformity report is computed from it without reading the file again.
// Measured is false when nothing could be measured, Reason then says why in French
// (« PDF numérisé sans texte », « codec vidéo inconnu »).
type Measure struct {
	Measured  bool     `json:"measured"`
	Reason    string   `json:"reason,omitempty"`
	Pages     int      `json:"pages,omitempty"`      // 0: unknown
	PageChars []int    `json:"page_chars,omitempty"` // characters without spaces, page by page, when known
	Chars     int      `json:"chars,omitempty"`      // characters without spaces, whole document
	Headings  []string `json:"headings,omitempty"`   // heading (or line) texts, capped
	Duration  int64    `json:"duration_ms,omitempty"`
}

// Statut is the state of one line of the conformity report.
type Statut string

// The states of a conformity line: green, orange, red, and « cannot be measured ».
const (
	StatutOK           Statut = "ok"
	StatutAttention    Statut = "attention"
	StatutManquant     Statut = "manquant"
	StatutNonMesurable Statut = "non_mesurable"
)

// Check is one line of the conformity report, as GET …/dossier/conformite gives it.
type Check struct {
	Regle   string `json:"regle"`
	Statut  Statut `json:"statut"`
	Valeur  string `json:"valeur"`
	Attendu string `json:"attendu"`
	Message string `json:"message"`
}
