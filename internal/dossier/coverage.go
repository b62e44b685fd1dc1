package dossier

import "slices"

// Counts reports whether p counts towards the coverage of the compétences (R6, R11): any
// project but a personal one not yet approved by the référent pédagogique.
func (p *Projet) Counts() bool { return p.Origine != OriginePersonnel || p.ApprouvePar != 0 }

// Coverage returns, for each required compétence code covered by a counted project (Counts),
// the ids of those projects in the order given, and the required codes no counted project
// covers, in the order of required: those are left to the entretien technique (R8). A personal
// project waiting for its approval covers nothing yet (its compétences are shown as « en
// attente d'approbation »). Codes a project lists outside required are ignored.
func Coverage(required []string, projets []Projet) (covered map[string][]int64, missing []string) {
	covered = map[string][]int64{}
	for i := range projets {
		p := &projets[i]
		if !p.Counts() {
			continue
		}
		for _, c := range p.Competences {
			if slices.Contains(required, c) && !slices.Contains(covered[c], p.ID) {
				covered[c] = append(covered[c], p.ID)
			}
		}
	}
	missing = []string{}
	for _, c := range required {
		if len(covered[c]) == 0 {
			missing = append(missing, c)
		}
	}
	return covered, missing
}
