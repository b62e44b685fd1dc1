// Package jury holds the rules of the jury sessions (R5, R17, R18 and the ecosystem's jury
// independence): the session's states and their moves, the composition of a jury, the
// independence of a juror from a candidate, the eligibility of an inscription to be convoked,
// and the vocabulary of a passage's result. It is pure: the store loads, jury decides.
package jury

import (
	"fmt"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/french"
)

// Etat is the state of a session de validation.
type Etat string

// The states, in the order a session goes through them.
const (
	Planifiee            Etat = "planifiee"
	ConvocationsEnvoyees Etat = "convocations_envoyees"
	DossiersClos         Etat = "dossiers_clos" // the R14 deadline has passed
	EnCours              Etat = "en_cours"
	Deliberee            Etat = "deliberee"
	PVSigne              Etat = "pv_signe"
	ResultatsPublies     Etat = "resultats_publies"
)

// Etats lists the states in order.
func Etats() []Etat {
	return []Etat{Planifiee, ConvocationsEnvoyees, DossiersClos, EnCours, Deliberee, PVSigne, ResultatsPublies}
}

// Valid reports whether e is one of the states.
func (e Etat) Valid() bool {
	for _, x := range Etats() {
		if x == e {
			return true
		}
	}
	return false
}

// Libelle is the state as shown to a user.
func (e Etat) Libelle() string {
	switch e {
	case Planifiee:
		return "planifiée"
	case ConvocationsEnvoyees:
		return "convocations envoyées"
	case DossiersClos:
		return "dossiers clos"
	case EnCours:
		return "en cours"
	case Deliberee:
		return "délibérée"
	case PVSigne:
		return "PV signé"
	case ResultatsPublies:
		return "résultats publiés"
	}
	return string(e)
}

// moves is the transition table: each state goes to the next one only. A session is never
// moved back: a correction after the PV is an amendment, not a change of state.
var moves = map[Etat]Etat{
	Planifiee:            ConvocationsEnvoyees,
	ConvocationsEnvoyees: DossiersClos,
	DossiersClos:         EnCours,
	EnCours:              Deliberee,
	Deliberee:            PVSigne,
	PVSigne:              ResultatsPublies,
}

// CanMove reports whether a session may go from one state to another.
func CanMove(from, to Etat) bool {
	next, ok := moves[from]
	return ok && next == to
}

// Next is the state after e ("" for the last one).
func Next(e Etat) Etat { return moves[e] }

// Move checks the move from → to: nil when allowed, else a *apperr.Validation on "etat" with
// the reason in French.
func Move(from, to Etat) error {
	v := apperr.NewValidation()
	switch {
	case !to.Valid():
		v.Add("etat", fmt.Sprintf("État inconnu : « %s ».", to))
	case from == to:
		v.Add("etat", fmt.Sprintf("La session est déjà à l'état « %s ».", to.Libelle()))
	case !CanMove(from, to):
		if next := Next(from); next != "" {
			v.Add("etat", fmt.Sprintf("La session à l'état « %s » ne peut passer qu'à l'état « %s », pas à « %s ».",
				from.Libelle(), next.Libelle(), to.Libelle()))
		} else {
			v.Add("etat", fmt.Sprintf("La session à l'état « %s » ne change plus d'état.", from.Libelle()))
		}
	}
	return v.Err()
}

// CheckDay checks the day of a move (today and the session's day are dates at 00:00 UTC, the
// dossier's last day echeance too): the dossiers close only once their last day has passed
// (R14), and the session goes under way on its day, not before. nil when the day allows it,
// else a *apperr.Validation on "etat" with the day it will be possible.
func CheckDay(to Etat, today, session, echeance time.Time) error {
	v := apperr.NewValidation()
	switch {
	case to == DossiersClos && !today.After(echeance):
		v.Add("etat", fmt.Sprintf("Les dossiers se déposent jusqu’au %s inclus : ils se closent à partir du %s.",
			french.Date(echeance), french.Date(echeance.AddDate(0, 0, 1))))
	case to == EnCours && today.Before(session):
		v.Add("etat", fmt.Sprintf("La session commence le %s : elle passe « en cours » ce jour-là.", french.Date(session)))
	}
	return v.Err()
}
