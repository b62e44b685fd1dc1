package candidat

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// The internship rules (R13, not VAE): what the staff enter about a stage, and what the
// tutor's fiche d'appréciation must hold. They are pure; store applies them in its
// transactions.
//
// candidat imports account for the e-mail and SIRET rules it shares with the centres; account
// imports only apperr, so the domain stays a tree.

// StageLinkTTL is how long a tutor's one-time link stays valid.
const StageLinkTTL = 14 * 24 * time.Hour

// StageTerms are the fields of an internship the staff edit: the company, the tutor and the
// period.
type StageTerms struct {
	Entreprise      string
	EntrepriseSIRET string // optional
	TuteurNom       string
	TuteurEmail     string
	Debut, Fin      time.Time // calendar dates
}

// Check normalises t (spaces collapsed, SIRET without spaces, e-mail in lower case, dates
// truncated to their calendar day in UTC) and returns a *apperr.Validation on "entreprise",
// "entreprise_siret" (checked only when given), "tuteur_nom", "tuteur_email", "debut" and
// "fin" (not before debut), or nil.
func (t *StageTerms) Check() error {
	v := apperr.NewValidation()
	t.Entreprise = collapse(t.Entreprise)
	t.EntrepriseSIRET = strings.ReplaceAll(strings.TrimSpace(t.EntrepriseSIRET), " ", "")
	t.TuteurNom = collapse(t.TuteurNom)
	t.TuteurEmail = account.NormalizeEmail(t.TuteurEmail)
	switch n := len([]rune(t.Entreprise)); {
	case n == 0:
		v.Add("entreprise", "Le nom de l'entreprise est obligatoire.")
	case n > 200:
		v.Add("entreprise", "Le nom de l'entreprise ne doit pas dépasser 200 caractères.")
	}
	if t.EntrepriseSIRET != "" {
		if msg := account.CheckSIRET(t.EntrepriseSIRET); msg != "" {
			v.Add("entreprise_siret", msg)
		}
	}
	switch n := len([]rune(t.TuteurNom)); {
	case n == 0:
		v.Add("tuteur_nom", "Le nom du tuteur est obligatoire.")
	case n > 100:
		v.Add("tuteur_nom", "Le nom du tuteur ne doit pas dépasser 100 caractères.")
	}
	if t.TuteurEmail == "" {
		v.Add("tuteur_email", "L'adresse e-mail du tuteur est obligatoire.")
	} else if len(t.TuteurEmail) > 254 {
		v.Add("tuteur_email", "L'adresse e-mail ne doit pas dépasser 254 caractères.")
	} else if !account.ValidEmail(t.TuteurEmail) {
		v.Add("tuteur_email", "Cette adresse e-mail n'est pas valide.")
	}
	if t.Debut.IsZero() {
		v.Add("debut", "La date de début est obligatoire.")
	}
	if t.Fin.IsZero() {
		v.Add("fin", "La date de fin est obligatoire.")
	}
	t.Debut, t.Fin = calendarDay(t.Debut), calendarDay(t.Fin)
	if !t.Debut.IsZero() && t.Fin.Before(t.Debut) {
		v.Add("fin", "La date de fin précède la date de début.")
	}
	return v.Err()
}

// calendarDay keeps the date of t at midnight UTC; the zero time stays zero.
func calendarDay(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// FicheStage is the fiche d'appréciation de stage filled by the tutor.
type FicheStage struct {
	Appreciations      map[string]Appreciation `json:"appreciations"` // compétence code → appreciation
	CommentaireGeneral string                  `json:"commentaire_general"`
	Signataire         string                  `json:"signataire"` // who signs for the company
	Fonction           string                  `json:"fonction"`   // the signatory's position
}

// Appreciation is the tutor's appreciation of one compétence.
type Appreciation struct {
	Niveau      string `json:"niveau"` // one of AppreciationNiveaux
	Commentaire string `json:"commentaire"`
}

// AppreciationNiveaux lists the levels of an Appreciation, best first.
var AppreciationNiveaux = []string{"tres_satisfaisant", "satisfaisant", "a_ameliorer", "insuffisant", "non_observe"}

// CheckFiche normalises f (empty appreciations dropped, spaces trimmed) and checks that it is
// complete for a form on compétences codes: at least one appreciation or a general comment,
// every appreciation on a compétence of the form with a known niveau, a signatory. It returns
// the problems found, keyed "appreciations", "appreciations.<code>", "commentaire_general",
// "signataire" and "fonction"; the caller may add its own before calling Err.
func CheckFiche(f *FicheStage, codes []string) *apperr.Validation {
	v := apperr.NewValidation()
	clean := map[string]Appreciation{}
	for code, a := range f.Appreciations {
		a.Niveau = strings.TrimSpace(a.Niveau)
		a.Commentaire = strings.TrimSpace(a.Commentaire)
		if a.Niveau == "" && a.Commentaire == "" {
			continue
		}
		field := "appreciations." + code
		switch {
		case !slices.Contains(codes, code):
			v.Add(field, fmt.Sprintf("Compétence inconnue : %s.", code))
		case !slices.Contains(AppreciationNiveaux, a.Niveau):
			v.Add(field, "Choisissez une appréciation.")
		case len([]rune(a.Commentaire)) > 2000:
			v.Add(field, "Le commentaire ne doit pas dépasser 2 000 caractères.")
		}
		clean[code] = a
	}
	f.Appreciations = clean
	f.CommentaireGeneral = strings.TrimSpace(f.CommentaireGeneral)
	f.Signataire = collapse(f.Signataire)
	f.Fonction = collapse(f.Fonction)
	if len(clean) == 0 && f.CommentaireGeneral == "" {
		v.Add("appreciations", "Renseignez au moins une appréciation ou un commentaire.")
	}
	if len([]rune(f.CommentaireGeneral)) > 4000 {
		v.Add("commentaire_general", "Le commentaire ne doit pas dépasser 4 000 caractères.")
	}
	switch n := len([]rune(f.Signataire)); {
	case n == 0:
		v.Add("signataire", "Indiquez le nom du signataire.")
	case n > 100:
		v.Add("signataire", "Le nom du signataire ne doit pas dépasser 100 caractères.")
	}
	if len([]rune(f.Fonction)) > 100 {
		v.Add("fonction", "La fonction ne doit pas dépasser 100 caractères.")
	}
	return v
}

// StageLinkLive reports whether a tutor's link that expires at expire is usable at now.
func StageLinkLive(expire, now time.Time) bool { return !expire.IsZero() && expire.After(now) }

// StageLinkIssued returns when the link expiring at expire was issued.
func StageLinkIssued(expire time.Time) time.Time { return expire.Add(-StageLinkTTL) }
