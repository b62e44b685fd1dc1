package referentiel_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *referentiel.Referentiel)
		want   map[string]string // a subset of the reported fields
	}{
		{
			name:   "empty criteres",
			mutate: func(r *referentiel.Referentiel) { r.Blocs[1].Competences[3].Criteres = nil },
			want:   map[string]string{"blocs[1].competences[3].criteres": "vide"},
		},
		{
			name: "voies d'accès",
			mutate: func(r *referentiel.Referentiel) {
				r.Voies[1].Code = r.Voies[0].Code
				r.Voies[2].Libelle = " "
			},
			want: map[string]string{"voies_acces[1].code": "code en double : formation_continue", "voies_acces[2].libelle": "obligatoire"},
		},
		{
			name:   "duplicate competence code",
			mutate: func(r *referentiel.Referentiel) { r.Blocs[0].Competences[2].Code = "C1.2" },
			want:   map[string]string{"blocs[0].competences[2].code": "code en double : C1.2"},
		},
		{
			name:   "competence out of order",
			mutate: func(r *referentiel.Referentiel) { r.Blocs[0].Competences[2].Code = "C1.9" },
			want:   map[string]string{"blocs[0].competences[2].code": "code attendu C1.3"},
		},
		{
			name:   "duplicate critere code",
			mutate: func(r *referentiel.Referentiel) { r.Blocs[2].Competences[0].Criteres[5].Code = "C3.1.1" },
			want:   map[string]string{"blocs[2].competences[0].criteres[5].code": "code en double : C3.1.1"},
		},
		{
			name: "unknown modalite",
			mutate: func(r *referentiel.Referentiel) {
				c := &r.Blocs[0].Competences[0]
				c.Modalites = append(c.Modalites, "xyz")
			},
			want: map[string]string{"blocs[0].competences[0].modalites[3]": "modalité inconnue : xyz"},
		},
		{
			name: "duplicate modalite",
			mutate: func(r *referentiel.Referentiel) {
				c := &r.Blocs[0].Competences[1]
				c.Modalites = append(c.Modalites, referentiel.EntretienTechnique)
			},
			want: map[string]string{"blocs[0].competences[1].modalites[3]": "modalité en double : entretien_technique"},
		},
		{
			name:   "no modalite",
			mutate: func(r *referentiel.Referentiel) { r.Blocs[0].Competences[1].Modalites = nil },
			want: map[string]string{
				"blocs[0].competences[1].modalites":            "vide",
				"blocs[0].competences[1].evaluation_formation": "inattendu : la modalité evaluation_formation n'est pas listée",
			},
		},
		{
			name:   "unknown and empty forme",
			mutate: func(r *referentiel.Referentiel) { r.Blocs[0].Competences[5].EvaluationFormation.Forme[1] = "oral" },
			want:   map[string]string{"blocs[0].competences[5].evaluation_formation.forme[1]": "forme inconnue : oral"},
		},
		{
			name:   "evaluation_formation missing",
			mutate: func(r *referentiel.Referentiel) { r.Blocs[1].Competences[0].EvaluationFormation = nil },
			want: map[string]string{
				"blocs[1].competences[0].evaluation_formation": "obligatoire quand la modalité evaluation_formation est listée",
			},
		},
		{
			name: "evaluation_formation empty",
			mutate: func(r *referentiel.Referentiel) {
				r.Blocs[1].Competences[0].EvaluationFormation = &referentiel.EvalFormation{}
			},
			want: map[string]string{
				"blocs[1].competences[0].evaluation_formation.forme":       "vide",
				"blocs[1].competences[0].evaluation_formation.description": "obligatoire",
			},
		},
		{
			name: "bloc numero and code",
			mutate: func(r *referentiel.Referentiel) {
				r.Blocs[1].Numero = 5
				r.Blocs[2].Code = "BC3"
			},
			want: map[string]string{
				"blocs[1].numero": "numéro attendu 2",
				"blocs[2].code":   "code attendu BC03",
			},
		},
		{
			name:   "no bloc",
			mutate: func(r *referentiel.Referentiel) { r.Blocs = nil },
			want: map[string]string{
				"blocs": "vide",
				// The coverage then names compétences that no longer exist.
				"livrables.projet.couverture_obligatoire[0]": "compétence inconnue : C1.1",
			},
		},
		{
			name: "certification",
			mutate: func(r *referentiel.Referentiel) {
				r.Certification.Code = "Community Manager"
				r.Certification.Intitule = "  "
			},
			want: map[string]string{
				"certification.code":     "format attendu : minuscules, chiffres et tirets (ex. community-manager)",
				"certification.intitule": "obligatoire",
			},
		},
		{
			name: "empty texts",
			mutate: func(r *referentiel.Referentiel) {
				r.Blocs[0].Intitule = ""
				r.Blocs[0].Competences[0].Intitule = ""
				r.Blocs[0].Competences[0].Criteres[0].Libelle = "\n"
				r.Blocs[0].Competences[0].Criteres[1].Code = ""
			},
			want: map[string]string{
				"blocs[0].intitule":                           "obligatoire",
				"blocs[0].competences[0].intitule":            "obligatoire",
				"blocs[0].competences[0].criteres[0].libelle": "obligatoire",
				"blocs[0].competences[0].criteres[1].code":    "obligatoire",
			},
		},
		{
			name: "livrables numbers",
			mutate: func(r *referentiel.Referentiel) {
				dt := &r.Livrables.DossierTechnique
				dt.DelaiJoursAvantSession = -1
				dt.Resume.MotsMin = 300
				dt.Longueur.PagesMax = -35
				dt.Plan[2].Numero = 4
			},
			want: map[string]string{
				"livrables.dossier_technique.delai_jours_avant_session": "doit être positif (0 : pas de règle)",
				"livrables.dossier_technique.resume.mots_min":           "supérieur au maximum (250)",
				"livrables.dossier_technique.longueur.pages_max":        "doit être positif (0 : pas de règle)",
				"livrables.dossier_technique.plan[2].numero":            "numéro attendu 3",
			},
		},
		{
			name: "coded lists",
			mutate: func(r *referentiel.Referentiel) {
				l := &r.Livrables
				l.Projet.CouvertureObligatoire = append(l.Projet.CouvertureObligatoire, "C9.9", "C1.1")
				l.DossierProfessionnel.Pieces[1].Code = "cv"
				l.DossierTechnique.Plan[5].Sections[0].Code = "Diagnostic"
				l.PresentationOrale.Etapes[2].Libelle = ""
				l.DossierTechnique.Plan[7].Condition = "brief entreprise"
				r.Epreuves[0].Code = ""
			},
			want: map[string]string{
				"livrables.projet.couverture_obligatoire[14]":          "compétence inconnue : C9.9",
				"livrables.projet.couverture_obligatoire[15]":          "code en double : C1.1",
				"livrables.dossier_professionnel.pieces[1].code":       "code en double : cv",
				"livrables.dossier_technique.plan[5].sections[0].code": "format attendu : minuscules, chiffres et soulignés (ex. dossier_technique)",
				"livrables.presentation_orale.etapes[2].libelle":       "obligatoire",
				"livrables.dossier_technique.plan[7].condition":        "format attendu : minuscules, chiffres et soulignés (ex. brief_entreprise)",
				"epreuves[0].code": "obligatoire",
			},
		},
		{
			name: "bad text",
			mutate: func(r *referentiel.Referentiel) {
				r.Blocs[0].Activites = "a\xffb"
				r.Livrables.Confidentialite = "bip\x07"
			},
			want: map[string]string{
				"blocs[0].activites":        "texte UTF-8 invalide",
				"livrables.confidentialite": "caractère de contrôle interdit : U+0007",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := load(t)
			tt.mutate(r)
			err := r.Validate()
			if !errors.Is(err, apperr.Invalid) {
				t.Fatalf("Validate() = %v, want a validation error", err)
			}
			got := apperr.FieldErrors(err)
			for field, msg := range tt.want {
				if got[field] != msg {
					t.Errorf("field %s = %q, want %q\nall problems:\n%v", field, got[field], msg, err)
				}
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	r := load(t)
	r.Blocs[0].Competences[0].Criteres = nil
	r.Blocs[1].Competences[1].Code = "C2.9"
	r.Blocs[2].Competences[2].Modalites[0] = "oral"
	r.Certification.Code = ""
	got := apperr.FieldErrors(r.Validate())
	want := map[string]string{
		"blocs[0].competences[0].criteres":           "vide",
		"blocs[1].competences[1].code":               "code attendu C2.2",
		"blocs[2].competences[2].modalites[0]":       "modalité inconnue : oral",
		"certification.code":                         "obligatoire",
		"livrables.projet.couverture_obligatoire[7]": "compétence inconnue : C2.2",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems = %v, want %v", got, want)
	}
}

func TestValidateMinimal(t *testing.T) {
	// The smallest valid référentiel: no épreuves, no deliverable rules.
	r, err := referentiel.Parse([]byte(minimalYAML))
	if err != nil {
		t.Fatalf("Parse(minimal) = %v", err)
	}
	if b, c, k := r.Counts(); b != 1 || c != 1 || k != 1 {
		t.Errorf("Counts() = %d, %d, %d", b, c, k)
	}
}

const minimalYAML = `certification: {code: test, intitule: Test}
blocs:
  - code: BC01
    numero: 1
    intitule: Bloc
    competences:
      - code: C1.1
        intitule: Compétence
        modalites: [presentation_projet]
        criteres:
          - {code: C1.1.1, libelle: Critère}
`
