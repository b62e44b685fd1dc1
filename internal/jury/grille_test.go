package jury_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/referentiel"
)

func blocs(t *testing.T) []referentiel.Bloc {
	t.Helper()
	ref, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	return ref.Blocs[:1]
}

// fill rates every critère of g with n at the entretien.
func fill(g jury.Grille, n jury.Note) jury.Grille {
	for i := range g.Competences {
		for j := range g.Competences[i].Criteres {
			g.Competences[i].Criteres[j].Entretien = n
		}
	}
	return g
}

func TestGrilleMergeAndProposal(t *testing.T) {
	bs := blocs(t)
	first := bs[0].Competences[0].Code
	base := jury.Vierge(bs, map[string]bool{first: true})
	if got := base.OrdreEntretien(); base.Competences[got[len(got)-1]].Code != first {
		t.Errorf("the covered compétence %s is not last in the entretien order", first)
	}
	in := fill(base, jury.Acquis)
	in.Competences[0].Criteres[0].Remarque = "  clair\x00  "
	g, err := base.Merge(in)
	if err != nil {
		t.Fatal(err)
	}
	if r := g.Competences[0].Criteres[0].Remarque; r != "clair" {
		t.Errorf("remark %q, want it cleaned", r)
	}
	// unknown code and rating: refused, naming the place
	bad := in
	bad.Competences = append([]jury.CompetenceNote{{Code: "ZZ"}}, in.Competences...)
	bad.EntretienFinal.Vision = "peut-être"
	_, err = base.Merge(bad)
	var v *apperr.Validation
	if !errors.As(err, &v) || v.Fields["ZZ"] == "" || v.Fields["entretien_final/vision"] == "" {
		t.Fatalf("bad grid: %v", err)
	}
	// a compétence or a critère given twice: refused, naming it
	dup := in
	dup.Competences = append([]jury.CompetenceNote{in.Competences[0]}, in.Competences...)
	if _, err := base.Merge(dup); !errors.As(err, &v) || v.Fields[first] == "" {
		t.Errorf("a compétence twice: %v", err)
	}
	// two of three jurors acquire everything: proposed validated; one of two: not (no majority)
	nope := fill(base, jury.NonAcquis)
	props := jury.Propose(bs, jury.Acquises([]jury.Grille{g, g, nope}), jury.Regles{})
	if props[0].Decision != jury.Valide {
		t.Errorf("2 of 3: %+v, want validé", props[0])
	}
	props = jury.Propose(bs, jury.Acquises([]jury.Grille{g, nope}), jury.Regles{})
	if props[0].Decision != jury.NonValide || len(props[0].NonAcquises) == 0 {
		t.Errorf("1 of 2: %+v, want non validé", props[0])
	}
	// the rule is data: half the compétences are enough when seuil_bloc is 0.5
	half := fill(base, jury.NonAcquis)
	n := len(half.Competences)
	for i := 0; i < (n+1)/2; i++ {
		half.Competences[i] = g.Competences[i]
	}
	if p := jury.Propose(bs, jury.Acquises([]jury.Grille{half}), jury.Regles{SeuilBloc: 0.5}); p[0].Decision != jury.Valide {
		t.Errorf("seuil 0.5: %+v", p[0])
	}
	c := jury.Consolidee(base, []jury.Grille{g, g, nope}, []string{"Marc Lefèvre", "Anne Roux", "Paul Petit"})
	if c.Competences[0].Criteres[0].Entretien != jury.Acquis {
		t.Errorf("consolidated: %+v", c.Competences[0].Criteres[0])
	}
}

// TestConsolideeAuteurs: each remark and question of the consolidated grid says who wrote it,
// one a line; a juror who wrote nothing adds nothing; a grid without a name stays unprefixed.
func TestConsolideeAuteurs(t *testing.T) {
	base := jury.Vierge(blocs(t), nil)
	a, b, silent := base, base, base
	for _, x := range []*jury.Grille{&a, &b, &silent} {
		x.Competences = slices.Clone(base.Competences)
		x.Competences[0].Criteres = slices.Clone(base.Competences[0].Criteres)
	}
	a.Competences[0].Criteres[0].Remarque = "Très clair."
	b.Competences[0].Criteres[0].Remarque = "  Un peu long. "
	a.Competences[0].Questions = "Q : quels outils ?"
	a.EntretienFinal.Remarque, b.EntretienFinal.Remarque = "Bonne vision.", "Culture solide."
	c := jury.Consolidee(base, []jury.Grille{a, silent, b}, []string{"Marc Lefèvre", "Paul Petit", "Anne Roux"})
	if r := c.Competences[0].Criteres[0].Remarque; r != "Marc Lefèvre : Très clair.\nAnne Roux : Un peu long." {
		t.Errorf("remark %q", r)
	}
	if q := c.Competences[0].Questions; q != "Marc Lefèvre : Q : quels outils ?" {
		t.Errorf("questions %q", q)
	}
	if r := c.EntretienFinal.Remarque; r != "Marc Lefèvre : Bonne vision.\nAnne Roux : Culture solide." {
		t.Errorf("final remark %q", r)
	}
	if r := jury.Consolidee(base, []jury.Grille{a}, nil).Competences[0].Criteres[0].Remarque; r != "Très clair." {
		t.Errorf("no name: %q", r)
	}
}

func TestCheckDecisions(t *testing.T) {
	props := []jury.Proposition{{Bloc: "BC01", Decision: jury.Valide}}
	for _, c := range []struct {
		d     map[string]jury.BlocDecision
		field string
	}{
		{map[string]jury.BlocDecision{"BC01": {Decision: jury.Valide, Motif: "Compétences démontrées."}}, ""},
		{map[string]jury.BlocDecision{}, "blocs.BC01.decision"},
		{map[string]jury.BlocDecision{"BC01": {Decision: jury.NonValide}}, "blocs.BC01.motif"},
		{map[string]jury.BlocDecision{"BC01": {Decision: jury.NonValide, Motif: "Veille insuffisante."}}, "blocs.BC01.reste_a_evaluer"},
		{map[string]jury.BlocDecision{"BC01": {Decision: jury.Valide, Motif: "ok"}, "BC09": {Decision: jury.Valide, Motif: "x"}}, "blocs.BC09.decision"},
	} {
		err := jury.CheckDecisions(c.d, props)
		var v *apperr.Validation
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%v refused: %v", c.d, err)
		case c.field != "" && (!errors.As(err, &v) || v.Fields[c.field] == ""):
			t.Errorf("%v: %v, want a problem on %s", c.d, err, c.field)
		}
	}
}
