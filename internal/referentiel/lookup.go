package referentiel

import "strings"

// Valid reports whether m is one of Modalites.
func (m Modalite) Valid() bool {
	switch m {
	case PresentationProjet, EntretienTechnique, EvaluationFormation:
		return true
	}
	return false
}

// Libelle returns the French label of m as shown to users, or m itself when unknown.
func (m Modalite) Libelle() string {
	switch m {
	case PresentationProjet:
		return "Présentation d'un projet"
	case EntretienTechnique:
		return "Entretien technique"
	case EvaluationFormation:
		return "Évaluation en cours de formation"
	}
	return string(m)
}

// Valid reports whether f is one of Formes.
func (f Forme) Valid() bool {
	switch f {
	case Quiz, QuestionsATrou, EtudeDeCas, TP, Projet:
		return true
	}
	return false
}

// Libelle returns the French label of f as shown to users, or f itself when unknown.
func (f Forme) Libelle() string {
	switch f {
	case Quiz:
		return "Quiz"
	case QuestionsATrou:
		return "Questions à trous"
	case EtudeDeCas:
		return "Étude de cas"
	case TP:
		return "TP"
	case Projet:
		return "Projet"
	}
	return string(f)
}

// Bloc returns the bloc coded code (e.g. "BC02"). The pointer aims into r: read it, do
// not modify it. ok is false when no bloc has that code.
func (r *Referentiel) Bloc(code string) (b *Bloc, ok bool) {
	if r == nil {
		return nil, false
	}
	for i := range r.Blocs {
		if r.Blocs[i].Code == code {
			return &r.Blocs[i], true
		}
	}
	return nil, false
}

// Competence returns the compétence coded code (e.g. "C1.4") and its bloc. The pointers
// aim into r: read them, do not modify them. ok is false when no compétence has that code.
func (r *Referentiel) Competence(code string) (b *Bloc, c *Competence, ok bool) {
	if r == nil || code == "" {
		return nil, nil, false
	}
	for i := range r.Blocs {
		b := &r.Blocs[i]
		for j := range b.Competences {
			if b.Competences[j].Code == code {
				return b, &b.Competences[j], true
			}
		}
	}
	return nil, nil, false
}

// Critere returns the critère coded code (e.g. "C1.4.2") and its compétence. The
// pointers aim into r: read them, do not modify them. ok is false when no critère has
// that code.
func (r *Referentiel) Critere(code string) (c *Competence, k *Critere, ok bool) {
	if r == nil || code == "" {
		return nil, nil, false
	}
	for i := range r.Blocs {
		for j := range r.Blocs[i].Competences {
			c := &r.Blocs[i].Competences[j]
			for k := range c.Criteres {
				if c.Criteres[k].Code == code {
					return c, &c.Criteres[k], true
				}
			}
		}
	}
	return nil, nil, false
}

// Counts returns how many blocs, compétences and critères r holds (3, 14 and 65 for
// the Community Manager title, R1).
func (r *Referentiel) Counts() (blocs, competences, criteres int) {
	if r == nil {
		return 0, 0, 0
	}
	for _, b := range r.Blocs {
		competences += len(b.Competences)
		for _, c := range b.Competences {
			criteres += len(c.Criteres)
		}
	}
	return len(r.Blocs), competences, criteres
}

// voieSansFormation is the access path without in-training evaluation in a référentiel that
// does not declare its voies (versions imported before voies_acces existed): the VAE (R2).
const voieSansFormation = "vae"

// EvaluationEnFormation reports whether the évaluation en cours de formation applies to the
// candidates of access path voie (an inscription's voie code), as r's voies_acces declare;
// an undeclared voie has none. A nil r, or one declaring no voies, applies the seed's rule:
// every path but the VAE.
func (r *Referentiel) EvaluationEnFormation(voie string) bool {
	if r == nil || len(r.Voies) == 0 {
		return voie != voieSansFormation
	}
	for _, v := range r.Voies {
		if v.Code == voie {
			return v.EvaluationFormation
		}
	}
	return false
}

// Voie returns the declared access path coded code; ok is false when r declares voies and
// none has that code. A référentiel that declares no voies accepts any code (ok true, zero
// VoieAcces).
func (r *Referentiel) Voie(code string) (v VoieAcces, ok bool) {
	if r == nil || len(r.Voies) == 0 {
		return VoieAcces{}, true
	}
	for _, x := range r.Voies {
		if x.Code == code {
			return x, true
		}
	}
	return VoieAcces{}, false
}

// UniqueCodes returns codes trimmed, without empty or repeated codes, in their first order: an
// input list of codes (compétences, blocs) is deduplicated before it is checked and capped.
func UniqueCodes(codes []string) []string {
	seen := make(map[string]bool, len(codes))
	out := make([]string, 0, min(len(codes), 64))
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// NbCompetences is the number of compétences of r: no input list of compétences is longer.
func (r *Referentiel) NbCompetences() int {
	n := 0
	for _, b := range r.Blocs {
		n += len(b.Competences)
	}
	return n
}

// NbCriteres is the number of critères of r: no evaluation rates more.
func (r *Referentiel) NbCriteres() int {
	n := 0
	for _, b := range r.Blocs {
		for _, c := range b.Competences {
			n += len(c.Criteres)
		}
	}
	return n
}
