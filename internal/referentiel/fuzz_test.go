package referentiel_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

// FuzzParse checks that Parse never panics, that it fails only with errors wrapping
// apperr.Invalid, and that whatever it accepts survives a YAML and a JSON round trip.
func FuzzParse(f *testing.F) {
	shipped := referentiel.Embedded()[referentiel.CommunityManagerFile]
	f.Add(shipped)
	if r, err := referentiel.Parse(shipped); err == nil {
		if data, err := r.Marshal("json"); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		minimalYAML,
		`{"certification":{"code":"t","intitule":"T"},"blocs":[{"code":"BC01","numero":1,"intitule":"B","competences":[{"code":"C1.1","intitule":"C","modalites":["evaluation_formation"],"evaluation_formation":{"forme":["quiz"],"description":"D"},"criteres":[{"code":"C1.1.1","libelle":"L"}]}]}]}`,
		"",
		"{",
		"[]",
		"- a\n- b\n",
		"certification: {code: X}\n",
		"blocs: [\n",
		"a: &a [*a, *a]\nb: *a\n",
		"certification:\n  intitule: \"\\xff\\x01\"\n",
		"{\"blocs\": 1}",
		"{}\n{}",
		"---\n---\n",
		"certification: {code: t, intitule: T}\nblocs: []\nlivrables: {dossier_technique: {plan: [{numero: 2}]}}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := referentiel.Parse(data)
		if err != nil {
			if r != nil {
				t.Fatalf("Parse returned both a référentiel and %v", err)
			}
			if !errors.Is(err, apperr.Invalid) {
				t.Fatalf("Parse error does not wrap Invalid: %v", err)
			}
			return
		}
		for _, format := range []string{"yaml", "json"} {
			out, err := r.Marshal(format)
			if err != nil {
				t.Fatalf("Marshal(%s): %v", format, err)
			}
			back, err := referentiel.Parse(out)
			if err != nil {
				t.Fatalf("Parse(Marshal(%s)): %v\n%s", format, err, out)
			}
			if !reflect.DeepEqual(r, back) {
				t.Fatalf("round trip through %s changed the référentiel:\n%#v\n%#v", format, r, back)
			}
		}
	})
}
