package web

import (
	"net/http"
	"strconv"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
)

// MatricePage shows a whole promotion: candidates × compétences, coloured by state.
type MatricePage struct {
	Base
	Promotion string
	CentreID  int64
	Ref       *referentiel.Referentiel
	Rows      []MatriceRow
	// Counts per compétence code: how many candidates acquired it.
	Acquired map[string]int
}

// MatriceRow is one candidate of the matrix.
type MatriceRow struct {
	InscriptionID int64
	Nom           string
	Blocs         []livret.BlocState
}

func (s *Server) matricePage(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	centreID := u.CentreID
	if u.Role == account.RoleAdmin {
		centreID, _ = strconv.ParseInt(r.URL.Query().Get("centre"), 10, 64)
	}
	p := &MatricePage{Base: s.base(r, "matrice.title"), Promotion: r.PathValue("promotion"), CentreID: centreID, Acquired: map[string]int{}}
	if centreID == 0 {
		return errNotFoundPage
	}
	data, err := s.store.PromotionLivrets(r.Context(), actor(r), centreID, p.Promotion)
	if err != nil {
		return err
	}
	refs := map[int64]*referentiel.Referentiel{}
	for i := range data {
		d := &data[i]
		ref := refs[d.VersionID]
		if ref == nil {
			if ref, err = s.store.ReferentielVersion(r.Context(), d.VersionID); err != nil {
				return err
			}
			refs[d.VersionID] = ref
		}
		if p.Ref == nil {
			p.Ref = ref
		}
		// Every bloc is shown, aimed at or not, so that the columns line up.
		row := MatriceRow{InscriptionID: d.InscriptionID, Nom: d.Nom, Blocs: livret.Compute(ref, nil, d.Evaluations, d.Projets)}
		for _, b := range row.Blocs {
			for _, c := range b.Competences {
				if c.Etat == livret.Acquise {
					p.Acquired[c.Code]++
				}
			}
		}
		p.Rows = append(p.Rows, row)
	}
	p.Title = p.T("matrice.title") + " " + p.Promotion
	return s.render(w, http.StatusOK, "matrice", p)
}
