package edition

import (
	"fmt"
	"strings"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/document"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/livret"
)

// Seance is one module of the candidate's planning, as the attestation lists it.
type Seance struct {
	candidat.Seance
	Module      string   // the module's intitulé
	Competences []string // the compétences it trains
}

// Followed reports whether the séance was actually followed at instant now: ended (its last
// day is today or before, in Paris) with hours done. The attestation lists only these.
func (se Seance) Followed(now time.Time) bool {
	return !se.Fin.IsZero() && se.HeuresRealisees > 0 && day(se.Fin) <= french.Today(now)
}

// day is the calendar day of a stored date (dates are kept as midnight UTC).
func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Attestation is the attestation de formation of d (R13, Code du travail L6353-1), signed by
// signataire, the responsable pédagogique of the centre whose numéro de déclaration
// d'activité is nda, at instant now: the nature of the action (L6313-1), its objectives (the
// blocs aimed at), the modules actually followed (ended, with hours done) with their real dates
// and hours, its duration, and the results of the evaluation of the acquired skills per bloc
// (the livret). It is dated no earlier than the last module followed, signed at the centre's
// town.
//
// Errors: *apperr.Validation on "planning", in French, saying why it cannot be issued yet:
// nothing planned, nothing started, modules under way, or ended modules without hours done.
func Attestation(h document.Header, d *Dossier, seances []Seance, signataire, nda string, now time.Time) (document.Attestation, error) {
	a := document.Attestation{Header: h, Candidat: Candidat(d.Candidat, d.Inscription, d.Ref), SignataireQualite: "Responsable pédagogique",
		Signataire: signataire, Date: now, Lieu: lieuOf(h.Centre), NDA: nda}
	for _, se := range seances {
		if !se.Followed(now) {
			continue
		}
		a.Modules = append(a.Modules, document.ModuleLine{Intitule: se.Module, Competences: se.Competences, Debut: se.Debut, Fin: se.Fin,
			HeuresPrevues: se.HeuresPrevues, HeuresRealisees: se.HeuresRealisees})
		if se.Fin.After(a.Date) { // never dated before what it attests
			a.Date = se.Fin
		}
	}
	if len(a.Modules) == 0 {
		v := apperr.NewValidation()
		v.Add("planning", whyNothingFollowed(seances, now))
		return a, v
	}
	a.Nature = nature(d)
	for _, b := range d.blocs() {
		a.Objectifs = append(a.Objectifs, fmt.Sprintf("bloc %d « %s »", b.Numero, b.Intitule))
		a.Resultats = append(a.Resultats, resultat(b))
	}
	return a, nil
}

// nature names the action under Code du travail L6313-1: an apprenticeship (4°) or a training
// action (1°), preparing the certification.
func nature(d *Dossier) string {
	kind := "Action de formation (article L6313-1, 1° du Code du travail)"
	if d.Inscription.Voie == candidat.Apprentissage {
		kind = "Action de formation par apprentissage (article L6313-1, 4° du Code du travail)"
	}
	return kind + " préparant à la certification professionnelle « " + strings.TrimSpace(d.Certification) + " »"
}

// resultat is the evaluation of the acquired skills of bloc b in training (R4): its state, the
// compétences acquired and the end-of-bloc project's decision.
func resultat(b livret.BlocState) document.ResultatBloc {
	r := document.ResultatBloc{Code: b.Code, Numero: b.Numero, Intitule: b.Intitule, Acquises: b.Acquises(), Total: len(b.Competences),
		Projet: projet(b).Decision}
	switch {
	case b.Valide:
		r.Etat = "Validé en formation"
	case r.Acquises == 0 && b.Projet == nil:
		r.Etat = "Non évalué"
	default:
		r.Etat = "En cours"
	}
	return r
}

// AttestationRule ends each reason whyNothingFollowed gives (a page that states the rule
// itself trims it).
const AttestationRule = " L'attestation de formation atteste ce qui a été fait : elle ne liste que les modules terminés dont les heures réalisées sont saisies."

// whyNothingFollowed says, in French, why no module can be attested yet.
func whyNothingFollowed(seances []Seance, now time.Time) string {
	const rule = AttestationRule
	if len(seances) == 0 {
		return "Aucun module n'est planifié pour ce candidat : l'attestation de formation ne peut pas être établie." + rule
	}
	today := french.Today(now)
	var first *Seance
	ended, underway := 0, 0
	for i := range seances {
		se := &seances[i]
		switch {
		case day(se.Fin) <= today:
			ended++
		case day(se.Debut) <= today:
			underway++
		case first == nil || se.Debut.Before(first.Debut):
			first = se
		}
	}
	switch {
	case ended > 0:
		return french.Plural(ended, "Le module terminé n'a", "Les modules terminés n'ont") +
			" aucune heure réalisée saisie : renseignez les heures réalisées dans le planning pour établir l'attestation." + rule
	case underway > 0:
		return "Aucun module n'est encore terminé : l'attestation de formation pourra être établie à la fin du premier module suivi." + rule
	}
	return fmt.Sprintf("La formation n'a pas commencé : le premier module, « %s », débute le %s.", first.Module, french.Date(first.Debut)) + rule
}

// lieuOf guesses the place of signature from the centre's name ("Campus Numérique Lyon" →
// "Lyon"); centres will get an address later.
func lieuOf(centre string) string {
	f := strings.Fields(centre)
	if len(f) == 0 {
		return "—"
	}
	return f[len(f)-1]
}
