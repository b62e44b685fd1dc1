package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
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
	// Cells is the row's cells, pre-rendered: a promotion of 500 has 8,500 of them, and
	// building them here is several times faster than ranging over them in the template.
	Cells template.HTML
}

// cellsHTML renders the coloured cells of one row, escaping the name once.
func (p *MatricePage) cellsHTML(row *MatriceRow) template.HTML {
	var b strings.Builder
	b.Grow(len(row.Blocs) * 700)
	nom := html.EscapeString(row.Nom)
	valide := html.EscapeString(p.T("livret.bloc_valide"))
	for _, bl := range row.Blocs {
		for _, c := range bl.Competences {
			fmt.Fprintf(&b, `<td class="cell etat-%s"><a href="/inscriptions/%d/livret#%s" title="%s — %s : %s"></a></td>`,
				c.Etat, row.InscriptionID, c.Code, nom, c.Code, html.EscapeString(c.Etat.Libelle()))
		}
		if bl.Valide {
			fmt.Fprintf(&b, `<td class="cell bloc-cell"><span title="%s">✓</span></td>`, valide)
		} else {
			b.WriteString(`<td class="cell bloc-cell"></td>`)
		}
	}
	return template.HTML(b.String())
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
	if len(data) == 0 { // a promotion is its inscriptions: none (or none visible) is an unknown one
		return errNotFoundPage
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
		if !(&candidat.Inscription{Voie: d.Voie}).InTraining(ref) { // the store pre-filters with the default rule (R2)
			continue
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
		row.Cells = p.cellsHTML(&row)
		p.Rows = append(p.Rows, row)
	}
	p.Title = p.T("matrice.title") + " " + p.Promotion
	return s.render(w, http.StatusOK, "matrice", p)
}
