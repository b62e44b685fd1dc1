package edition

import (
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
)

func ref(t *testing.T) *referentiel.Referentiel {
	t.Helper()
	r, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCandidat(t *testing.T) {
	base := candidat.Candidat{NomNaissance: "Moreau", Prenoms: []string{"Léa", "Marie"}, CommuneNaissance: "Lyon"}
	for _, tc := range []struct {
		name                string
		edit                func(*candidat.Candidat)
		civilite, lieu, nom string
	}{
		{"woman born in a French commune", func(c *candidat.Candidat) { c.Sexe, c.CommuneNaissanceCode = candidat.Femme, "69123" }, "Madame", "Lyon (69)", "Léa Marie"},
		{"man born abroad", func(c *candidat.Candidat) {
			c.Sexe, c.CommuneNaissance, c.PaysNaissance = candidat.Homme, "Casablanca", "Maroc"
		}, "Monsieur", "Casablanca (Maroc)", "Léa Marie"},
		{"no sex, no code", func(c *candidat.Candidat) {}, "", "Lyon", "Léa Marie"},
	} {
		c := base
		tc.edit(&c)
		got := Candidat(c, candidat.Inscription{Voie: candidat.ContratPro, Promotion: "CM-2027"}, ref(t))
		if got.Civilite != tc.civilite || got.LieuNaissance != tc.lieu || got.Prenoms != tc.nom ||
			got.Promotion != "CM-2027" || got.Voie != candidat.ContratPro.Libelle() || got.HorsFormation {
			t.Errorf("%s: %+v", tc.name, got)
		}
	}
	if got := Candidat(base, candidat.Inscription{Voie: candidat.VAE}, ref(t)); !got.HorsFormation {
		t.Errorf("a VAE candidate is not marked HorsFormation: %+v", got)
	}
}

func TestHeader(t *testing.T) {
	orgs := []account.Organisme{{ID: 1, Nom: "Certif SAS", SIRET: "1", Certificateur: true}, {ID: 2, Nom: "Campus Lyon", SIRET: "2"}, {ID: 3, Nom: "Autre"}}
	r := *ref(t)
	r.Certification.RNCP, r.Certification.Niveau = "RNCP37204", "5" // the shipped file leaves them empty
	d := &Dossier{Inscription: candidat.Inscription{CentreID: 2}, Certification: "Community Manager", Version: 3, Ref: &r}
	h := Header(orgs, d)
	if h.Certificateur != "Certif SAS" || h.CertificateurSIRET != "1" || h.Centre != "Campus Lyon" || h.CentreSIRET != "2" ||
		h.Certification != "Community Manager" || h.Version != 3 || h.RNCP != d.Ref.Certification.RNCP || h.Niveau != d.Ref.Certification.Niveau {
		t.Errorf("header = %+v", h)
	}
}

func TestDetail(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		e    livret.Evaluation
		want string
	}{
		{livret.Evaluation{Criteres: map[string]livret.Resultat{"a": livret.Acquis}}, "1/1 critère acquis"},
		{livret.Evaluation{Criteres: map[string]livret.Resultat{"a": livret.NonAcquis}}, "0/1 critère acquis"},
		{livret.Evaluation{Criteres: map[string]livret.Resultat{"a": livret.Acquis, "b": livret.NonAcquis, "c": livret.Acquis}}, "2/3 critères acquis"},
		{livret.Evaluation{Criteres: map[string]livret.Resultat{"a": livret.Acquis, "b": livret.Acquis}, Score: f(15.5), Bareme: f(20)}, "2/2 critères acquis · 15,5/20"},
		{livret.Evaluation{Criteres: map[string]livret.Resultat{"a": livret.Acquis, "b": livret.Acquis}, Score: f(15.5)}, "2/2 critères acquis"},
		{livret.Evaluation{Criteres: map[string]livret.Resultat{"a": livret.Acquis, "b": livret.Acquis}, Score: f(8), Bareme: f(20), Seuil: f(10)}, "2/2 critères acquis · 8/20"},
	} {
		c := referentiel.Competence{Code: "X"}
		for code := range tc.e.Criteres {
			c.Criteres = append(c.Criteres, referentiel.Critere{Code: code})
		}
		tc.e.Competences = []string{"X"}
		cs := livret.StateOf(&c, []*livret.Evaluation{&tc.e})
		if got := detail(&cs); got != tc.want {
			t.Errorf("detail = %q, want %q", got, tc.want)
		}
	}
}

func TestReleveAndLivret(t *testing.T) {
	r := ref(t)
	c1 := r.Blocs[0].Competences[0]
	ev := livret.Evaluation{ID: 1, Competences: []string{c1.Code}, Forme: referentiel.Quiz, Date: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC), Criteres: map[string]livret.Resultat{}}
	for _, k := range c1.Criteres {
		ev.Criteres[k.Code] = livret.Acquis
	}
	fix := ev
	fix.ID, fix.Remplace, fix.Date = 2, 1, ev.Date.AddDate(0, 0, 1)
	fix.Criteres = map[string]livret.Resultat{}
	for _, k := range c1.Criteres {
		fix.Criteres[k.Code] = livret.Acquis
	}
	d := &Dossier{Candidat: candidat.Candidat{NomNaissance: "Moreau", Prenoms: []string{"Léa"}}, Ref: r, Evals: []livret.Evaluation{ev, fix}}
	edite := time.Date(2027, 7, 1, 8, 0, 0, 0, time.UTC)
	rl := Releve(Header(nil, d), d, edite)
	if !rl.Edite.Equal(edite) || len(rl.Blocs) != len(r.Blocs) || rl.Blocs[0].Projet != "non remis" {
		t.Fatalf("relevé = %+v", rl)
	}
	line := rl.Blocs[0].Lignes[0]
	if line.Code != c1.Code || line.Etat != "acquise" || !line.Derniere.Equal(fix.Date) {
		t.Errorf("relevé line = %+v", line)
	}
	if rl.Blocs[0].Lignes[1].Etat != "non évaluée" || !rl.Blocs[0].Lignes[1].Derniere.IsZero() {
		t.Errorf("unevaluated line = %+v", rl.Blocs[0].Lignes[1])
	}
	l := Livret(Header(nil, d), d, edite)
	entries := l.Blocs[0].Competences[0].Evaluations
	if len(entries) != 2 || !entries[0].Corrige || entries[1].Remplace != "corrige l'évaluation du 1er\u00a0mars\u00a02027 (quiz)" ||
		len(entries[1].Criteres) != len(c1.Criteres) {
		t.Errorf("livret entries = %+v", entries)
	}
}
