package candidat

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

// Module is a training module of a centre, covering some compétences.
type Module struct {
	ID          int64
	CentreID    int64
	Intitule    string
	Heures      float64 // planned duration
	Competences []string
	Active      bool
	Version     int64 // the stored version read; an update gives it back
}

// Validate checks the module against the référentiel whose compétences it lists.
func (m *Module) Validate(ref *referentiel.Referentiel) error {
	v := apperr.NewValidation()
	m.Intitule = collapse(m.Intitule)
	if m.Intitule == "" {
		v.Add("intitule", "L'intitulé est obligatoire.")
	} else if len([]rune(m.Intitule)) > 200 {
		v.Add("intitule", "L'intitulé ne doit pas dépasser 200 caractères.")
	}
	if m.Heures <= 0 || m.Heures > 2000 || math.IsNaN(m.Heures) {
		v.Add("heures", "Indiquez une durée en heures, entre 0,5 et 2 000.")
	}
	m.Heures = math.Round(m.Heures*10) / 10
	m.Competences = referentiel.UniqueCodes(m.Competences)
	codes := m.Competences
	switch n := ref.NbCompetences(); {
	case len(m.Competences) == 0:
		v.Add("competences", "Choisissez au moins une compétence.")
	case len(m.Competences) > n:
		v.Add("competences", fmt.Sprintf("Un module couvre %d compétences au plus.", n))
		codes = nil
	}
	for _, c := range codes {
		if _, _, ok := ref.Competence(c); !ok {
			v.Add("competences", fmt.Sprintf("Compétence inconnue : %s.", c))
		}
	}
	return v.Err()
}

// Seance is one module in a candidate's individual planning: when and how many hours.
type Seance struct {
	ID              int64
	InscriptionID   int64
	ModuleID        int64
	Debut, Fin      time.Time // dates
	HeuresPrevues   float64
	HeuresRealisees float64
	Version         int64 // the stored version read; an update gives it back
}

// Validate checks the dates and hours of the séance.
func (s *Seance) Validate() error {
	v := apperr.NewValidation()
	if s.ModuleID == 0 {
		v.Add("module", "Choisissez le module.")
	}
	if s.Debut.IsZero() {
		v.Add("debut", "La date de début est obligatoire.")
	}
	if s.Fin.IsZero() {
		v.Add("fin", "La date de fin est obligatoire.")
	} else if s.Fin.Before(s.Debut) {
		v.Add("fin", "La date de fin précède la date de début.")
	}
	if s.HeuresPrevues <= 0 || s.HeuresPrevues > 2000 {
		v.Add("heures_prevues", "Indiquez les heures prévues, entre 0,5 et 2 000.")
	}
	if s.HeuresRealisees < 0 || s.HeuresRealisees > s.HeuresPrevues*2 {
		v.Add("heures_realisees", "Les heures réalisées doivent être positives et cohérentes avec les heures prévues.")
	}
	return v.Err()
}

// ParseHeures reads "3,5", "3.5", "3 h 30" or "35h" as hours.
func ParseHeures(s string) (float64, error) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if h, m, ok := strings.Cut(s, "h"); ok && m != "" {
		var hh, mm int
		if _, err := fmt.Sscanf(h+" "+m, "%d %d", &hh, &mm); err == nil && mm < 60 {
			return float64(hh) + float64(mm)/60, nil
		}
	}
	s = strings.TrimSuffix(s, "h")
	var f float64
	if _, err := fmt.Sscanf(strings.Replace(s, ",", ".", 1), "%g", &f); err != nil || s == "" {
		return 0, fmt.Errorf("durée %q illisible : attendu un nombre d'heures (ex. 3,5)", s)
	}
	return f, nil
}
