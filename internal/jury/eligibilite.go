package jury

import (
	"fmt"
	"strings"
	"time"

	"github.com/certif/certif/internal/apperr"
)

// Recevabilite is the certificateur's decision on a VAE inscription (livret 1).
type Recevabilite string

// The decisions.
const (
	Recevable    Recevabilite = "recevable"
	NonRecevable Recevabilite = "non_recevable"
)

// Valid reports whether d is a decision.
func (d Recevabilite) Valid() bool { return d == Recevable || d == NonRecevable }

// DecisionRecevabilite is one decision of the history kept for a VAE inscription.
type DecisionRecevabilite struct {
	ID            int64
	InscriptionID int64
	Decision      Recevabilite
	Motif         string
	Date          time.Time // the day of the decision
	Par           int64
	ParNom        string
	Le            time.Time // when it was recorded
}

// CheckRecevabilite validates a decision: a known decision; a reason for a non recevable one.
func CheckRecevabilite(d Recevabilite, motif string) error {
	v := apperr.NewValidation()
	switch {
	case !d.Valid():
		v.Add("decision", "Choisissez « recevable » ou « non_recevable ».")
	case d == NonRecevable && strings.TrimSpace(motif) == "":
		v.Add("motif", "Indiquez les motifs de la non-recevabilité.")
	}
	if len([]rune(motif)) > 2000 {
		v.Add("motif", "Le motif ne peut dépasser 2 000 caractères.")
	}
	return v.Err()
}

// BlocFormation is what the eligibility needs of a bloc aimed at, from the livret (R4, R10).
type BlocFormation struct {
	Code        string
	Valide      bool // validated in training: every compétence acquired and the project validated
	Evaluations int  // evaluations recorded on its compétences: its relevé des évaluations has content
}

// Eligibility is what decides whether an inscription may be convoked to a session.
type Eligibility struct {
	InTraining bool                   // formation continue, contrat pro, apprentissage (not the VAE)
	Blocs      []BlocFormation        // the blocs aimed at, for an inscription in training
	Decisions  []DecisionRecevabilite // the recevabilité history, oldest first, for a VAE inscription
}

// CheckEligible decides whether the inscription may be convoked; nil when it may, else a
// *apperr.Validation on "inscription_id" with the reason in French.
//
// The rule (issue 9, decided here): in training, every bloc aimed at is either validated in
// training (livret) or has a relevé des évaluations with at least one evaluation, which the
// jury receives beside the grid (R10) — a bloc that was never evaluated cannot be presented;
// in VAE, the latest recevabilité decision is « recevable ».
func CheckEligible(e Eligibility) error {
	v := apperr.NewValidation()
	if e.InTraining {
		var missing []string
		for _, b := range e.Blocs {
			if !b.Valide && b.Evaluations == 0 {
				missing = append(missing, b.Code)
			}
		}
		switch {
		case len(e.Blocs) == 0:
			v.Add("inscription_id", "L'inscription ne vise aucun bloc : le candidat ne peut être convoqué.")
		case len(missing) > 0:
			v.Add("inscription_id", fmt.Sprintf("Le candidat ne peut être convoqué : bloc(s) %s ni validé(s) en formation ni évalué(s) (aucun relevé des évaluations).",
				strings.Join(missing, ", ")))
		}
		return v.Err()
	}
	switch {
	case len(e.Decisions) == 0:
		v.Add("inscription_id", "Le candidat en VAE ne peut être convoqué : sa recevabilité n'a pas été prononcée.")
	case e.Decisions[len(e.Decisions)-1].Decision != Recevable:
		v.Add("inscription_id", "Le candidat en VAE ne peut être convoqué : sa demande a été déclarée non recevable.")
	}
	return v.Err()
}

// Presence is whether a convoked candidate came.
type Presence string

// The presences ("" until the session).
const (
	Present Presence = "present"
	Absent  Presence = "absent"
	Excuse  Presence = "excuse"
)

// Valid reports whether p is a presence.
func (p Presence) Valid() bool { return p == Present || p == Absent || p == Excuse }

// Resultat is the result of a passage (R18).
type Resultat string

// The results.
const (
	ReussiteTotale    Resultat = "reussite_totale"
	ReussitePartielle Resultat = "reussite_partielle"
	Echec             Resultat = "echec"
	ResultatAbsent    Resultat = "absent"
	ResultatExcuse    Resultat = "excuse"
)

// Resultats lists the results.
func Resultats() []Resultat {
	return []Resultat{ReussiteTotale, ReussitePartielle, Echec, ResultatAbsent, ResultatExcuse}
}

// Libelle is the result as shown to a user.
func (r Resultat) Libelle() string {
	switch r {
	case ReussiteTotale:
		return "réussite totale"
	case ReussitePartielle:
		return "réussite partielle"
	case Echec:
		return "échec"
	case ResultatAbsent:
		return "absent"
	case ResultatExcuse:
		return "excusé"
	}
	return string(r)
}

// ResultatOf is the result of a passage: absent or excused when the candidate did not come;
// else, over the blocs aimed at, réussite totale when each is validated now or was acquired
// at an earlier session (acquis), réussite partielle when at least one was validated at this
// session, échec otherwise.
func ResultatOf(p Presence, vises []string, validesSession, acquis map[string]bool) Resultat {
	switch p {
	case Absent:
		return ResultatAbsent
	case Excuse:
		return ResultatExcuse
	}
	all, some := len(vises) > 0, false
	for _, b := range vises {
		if validesSession[b] {
			some = true
		} else if !acquis[b] {
			all = false
		}
	}
	switch {
	case all:
		return ReussiteTotale
	case some:
		return ReussitePartielle
	}
	return Echec
}
