package referentiel_test

import (
	"errors"
	"testing"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

// TestJuryRules: the certification's optional jury section is checked (issue 9).
func TestJuryRules(t *testing.T) {
	for _, c := range []struct {
		j     referentiel.JuryRegles
		field string
	}{
		{referentiel.JuryRegles{MinMembres: 3, RatioExternes: 0.6}, ""},
		{referentiel.JuryRegles{}, ""},
		{referentiel.JuryRegles{MinMembres: -1}, "certification.jury.min_membres"},
		{referentiel.JuryRegles{RatioExternes: 1.5}, "certification.jury.ratio_externes"},
	} {
		ref, err := referentiel.CommunityManager()
		if err != nil {
			t.Fatal(err)
		}
		cp := *ref
		j := c.j
		cp.Certification.Jury = &j
		err = cp.Validate()
		var v *apperr.Validation
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%+v refused: %v", c.j, err)
		case c.field != "" && (!errors.As(err, &v) || v.Fields[c.field] == ""):
			t.Errorf("%+v: %v, want a problem on %s", c.j, err, c.field)
		}
	}
}
