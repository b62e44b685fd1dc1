package referentiel

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
