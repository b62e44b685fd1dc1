package referentiel

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/certif/certif/internal/apperr"
)

// Validate checks r against the structural rules every référentiel obeys and returns a
// *apperr.Validation listing every problem, or nil.
//
// Fields are keyed by path with the YAML field names and 0-based indexes, e.g.
// "blocs[1].competences[3].criteres" → "vide". Checked: the certification code (lowercase
// slug) and intitulé; at least one bloc; bloc codes BC01, BC02… matching their numéro in
// order; compétence codes C{bloc}.{n} and critère codes C{bloc}.{n}.{k} in order and
// unique; non-empty intitulés and libellés; modalités known, non-empty and without
// duplicates; an evaluation_formation block exactly when that modalité is listed, with
// known forms; coded lists (épreuves, exigences, pièces, plan, sections, étapes) with
// snake_case codes unique in their list; the plan numbered 1..n; numeric deliverable
// rules never negative (0 means "no rule") with min ≤ max; the compulsory coverage naming
// existing compétences; voies d'accès with snake_case codes unique in their list and a
// libellé; the jury rules (min_membres 0..50, ratio_externes 0..1, seuil_bloc 0..1); text valid UTF-8
// without control characters.
func (r *Referentiel) Validate() error {
	v := apperr.NewValidation()
	checkText(reflect.ValueOf(r).Elem(), "", v.Add)

	c := r.Certification
	switch {
	case c.Code == "":
		v.Add("certification.code", "obligatoire")
	case !isSlug(c.Code):
		v.Add("certification.code", "format attendu : minuscules, chiffres et tirets (ex. community-manager)")
	}
	requireText(v, "certification.intitule", c.Intitule)
	if j := c.Jury; j != nil {
		if j.MinMembres < 0 || j.MinMembres > 50 {
			v.Add("certification.jury.min_membres", "entre 0 (défaut : 2) et 50")
		}
		if j.RatioExternes < 0 || j.RatioExternes > 1 {
			v.Add("certification.jury.ratio_externes", "entre 0 (défaut : 0,5) et 1")
		}
		if j.SeuilBloc < 0 || j.SeuilBloc > 1 {
			v.Add("certification.jury.seuil_bloc", "entre 0 (défaut : 1, chaque compétence) et 1")
		}
	}

	r.validateBlocs(v)

	seen := map[string]bool{}
	for i, e := range r.Epreuves {
		p := fmt.Sprintf("epreuves[%d]", i)
		checkCode(v, p+".code", e.Code, seen)
		requireText(v, p+".intitule", e.Intitule)
	}
	seen = map[string]bool{}
	for i, x := range r.Voies {
		p := fmt.Sprintf("voies_acces[%d]", i)
		checkCode(v, p+".code", x.Code, seen)
		requireText(v, p+".libelle", x.Libelle)
	}
	r.validateLivrables(v)
	return v.Err()
}

// validateBlocs checks the blocs, their compétences and their critères.
func (r *Referentiel) validateBlocs(v *apperr.Validation) {
	if len(r.Blocs) == 0 {
		v.Add("blocs", "vide")
		return
	}
	seen := map[string]bool{}
	for i, b := range r.Blocs {
		p := fmt.Sprintf("blocs[%d]", i)
		n := i + 1
		if b.Numero != n {
			v.Add(p+".numero", fmt.Sprintf("numéro attendu %d", n))
		}
		checkOrderedCode(v, p+".code", b.Code, fmt.Sprintf("BC%02d", n), seen)
		requireText(v, p+".intitule", b.Intitule)
		if len(b.Competences) == 0 {
			v.Add(p+".competences", "vide")
		}
		for j, c := range b.Competences {
			cp := fmt.Sprintf("%s.competences[%d]", p, j)
			want := fmt.Sprintf("C%d.%d", n, j+1)
			checkOrderedCode(v, cp+".code", c.Code, want, seen)
			requireText(v, cp+".intitule", c.Intitule)
			validateModalites(v, cp, c)
			if len(c.Criteres) == 0 {
				v.Add(cp+".criteres", "vide")
			}
			for k, cr := range c.Criteres {
				kp := fmt.Sprintf("%s.criteres[%d]", cp, k)
				checkOrderedCode(v, kp+".code", cr.Code, fmt.Sprintf("%s.%d", want, k+1), seen)
				requireText(v, kp+".libelle", cr.Libelle)
			}
		}
	}
}

// validateModalites checks the modalités of the compétence c at path p and its
// in-training evaluation.
func validateModalites(v *apperr.Validation, p string, c Competence) {
	if len(c.Modalites) == 0 {
		v.Add(p+".modalites", "vide")
	}
	listed := map[Modalite]bool{}
	for i, m := range c.Modalites {
		mp := fmt.Sprintf("%s.modalites[%d]", p, i)
		switch {
		case !m.Valid():
			v.Add(mp, "modalité inconnue : "+string(m))
		case listed[m]:
			v.Add(mp, "modalité en double : "+string(m))
		}
		listed[m] = true
	}
	ep := p + ".evaluation_formation"
	e := c.EvaluationFormation
	switch {
	case e == nil && listed[EvaluationFormation]:
		v.Add(ep, "obligatoire quand la modalité evaluation_formation est listée")
		return
	case e == nil:
		return
	case !listed[EvaluationFormation]:
		v.Add(ep, "inattendu : la modalité evaluation_formation n'est pas listée")
	}
	if len(e.Forme) == 0 {
		v.Add(ep+".forme", "vide")
	}
	formes := map[Forme]bool{}
	for i, f := range e.Forme {
		fp := fmt.Sprintf("%s.forme[%d]", ep, i)
		switch {
		case !f.Valid():
			v.Add(fp, "forme inconnue : "+string(f))
		case formes[f]:
			v.Add(fp, "forme en double : "+string(f))
		}
		formes[f] = true
	}
	requireText(v, ep+".description", e.Description)
}

// validateLivrables checks the deliverable rules.
func (r *Referentiel) validateLivrables(v *apperr.Validation) {
	l := r.Livrables
	checkItems(v, "livrables.projet.exigences", l.Projet.Exigences)
	seen := map[string]bool{}
	for i, code := range l.Projet.CouvertureObligatoire {
		p := fmt.Sprintf("livrables.projet.couverture_obligatoire[%d]", i)
		switch {
		case seen[code]:
			v.Add(p, "code en double : "+code)
		case !r.hasCompetence(code):
			v.Add(p, "compétence inconnue : "+code)
		}
		seen[code] = true
	}

	seen = map[string]bool{}
	for i, pc := range l.DossierProfessionnel.Pieces {
		p := fmt.Sprintf("livrables.dossier_professionnel.pieces[%d]", i)
		checkCode(v, p+".code", pc.Code, seen)
		requireText(v, p+".libelle", pc.Libelle)
		checkCondition(v, p+".condition", pc.Condition)
	}

	dt := l.DossierTechnique
	const dp = "livrables.dossier_technique"
	checkCount(v, dp+".delai_jours_avant_session", dt.DelaiJoursAvantSession)
	seen = map[string]bool{}
	for i, it := range dt.Plan {
		p := fmt.Sprintf("%s.plan[%d]", dp, i)
		if it.Numero != i+1 {
			v.Add(p+".numero", fmt.Sprintf("numéro attendu %d", i+1))
		}
		checkCode(v, p+".code", it.Code, seen)
		requireText(v, p+".libelle", it.Libelle)
		checkItems(v, p+".sections", it.Sections)
		checkCondition(v, p+".condition", it.Condition)
	}
	checkCount(v, dp+".resume.lignes", dt.Resume.Lignes)
	checkRange(v, dp+".resume.mots_min", dp+".resume.mots_max", dt.Resume.MotsMin, dt.Resume.MotsMax)
	checkCount(v, dp+".resume.caracteres_sans_espaces", dt.Resume.CaracteresSansEspaces)
	checkRange(v, dp+".longueur.pages_min", dp+".longueur.pages_max", dt.Longueur.PagesMin, dt.Longueur.PagesMax)
	checkCount(v, dp+".longueur.caracteres_sans_espaces", dt.Longueur.CaracteresSansEspaces)
	checkCount(v, dp+".video.minimum", dt.Video.Minimum)
	checkCount(v, dp+".video.duree_max_secondes", dt.Video.DureeMaxSecondes)

	checkItems(v, "livrables.support_presentation.etapes", l.SupportPresentation.Etapes)
	checkItems(v, "livrables.presentation_orale.etapes", l.PresentationOrale.Etapes)
}

// hasCompetence reports whether some bloc of r holds a compétence coded code.
func (r *Referentiel) hasCompetence(code string) bool {
	_, _, ok := r.Competence(code)
	return ok
}

// checkOrderedCode checks a positional code: present, not seen before, equal to want.
func checkOrderedCode(v *apperr.Validation, field, code, want string, seen map[string]bool) {
	switch {
	case code == "":
		v.Add(field, "obligatoire")
	case seen[code]:
		v.Add(field, "code en double : "+code)
	case code != want:
		v.Add(field, "code attendu "+want)
	}
	seen[code] = true
}

// checkCode checks a free snake_case code, unique among seen.
func checkCode(v *apperr.Validation, field, code string, seen map[string]bool) {
	switch {
	case code == "":
		v.Add(field, "obligatoire")
	case !isSnake(code):
		v.Add(field, "format attendu : minuscules, chiffres et soulignés (ex. dossier_technique)")
	case seen[code]:
		v.Add(field, "code en double : "+code)
	}
	seen[code] = true
}

// checkItems checks a coded list: codes snake_case and unique, libellés present.
func checkItems(v *apperr.Validation, field string, items []Item) {
	seen := map[string]bool{}
	for i, it := range items {
		p := fmt.Sprintf("%s[%d]", field, i)
		checkCode(v, p+".code", it.Code, seen)
		requireText(v, p+".libelle", it.Libelle)
	}
}

// checkCondition checks an optional condition key.
func checkCondition(v *apperr.Validation, field, cond string) {
	if cond != "" && !isSnake(cond) {
		v.Add(field, "format attendu : minuscules, chiffres et soulignés (ex. brief_entreprise)")
	}
}

// checkCount refuses a negative rule; 0 means the référentiel sets no such rule.
func checkCount(v *apperr.Validation, field string, n int) {
	if n < 0 {
		v.Add(field, "doit être positif (0 : pas de règle)")
	}
}

// checkRange checks both bounds and, when both are set, that lo ≤ hi.
func checkRange(v *apperr.Validation, loField, hiField string, lo, hi int) {
	checkCount(v, loField, lo)
	checkCount(v, hiField, hi)
	if lo > 0 && hi > 0 && lo > hi {
		v.Add(loField, fmt.Sprintf("supérieur au maximum (%d)", hi))
	}
}

// requireText records "obligatoire" when s is blank.
func requireText(v *apperr.Validation, field, s string) {
	if strings.TrimSpace(s) == "" {
		v.Add(field, "obligatoire")
	}
}

// isSlug reports whether s is lowercase ASCII words joined by single hyphens.
func isSlug(s string) bool { return isWords(s, '-') }

// isSnake reports whether s is lowercase ASCII words joined by single underscores.
func isSnake(s string) bool { return isWords(s, '_') }

// isWords reports whether s is non-empty runs of [a-z0-9] joined by single sep bytes,
// starting with a letter.
func isWords(s string, sep byte) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' || s[len(s)-1] == sep {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == sep && s[i-1] != sep:
		default:
			return false
		}
	}
	return true
}
