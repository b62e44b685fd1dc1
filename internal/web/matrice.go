package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"slices"
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
	Vises         []string // the blocs aimed at (the parcours); empty: all
	// Cells is the row's cells, pre-rendered: a promotion of 500 has 8,500 of them, and
	// building them here is several times faster than ranging over them in the template.
	Cells template.HTML
}

// cellsHTML renders the cells of one row, escaping the name once. A cell says its state by
// colour and by a letter (A, E, N, –) with the whole state in its link's label (WCAG 1.4.1);
// the compétences of a bloc the candidate does not aim at are « hors parcours ».
func (p *MatricePage) cellsHTML(row *MatriceRow) template.HTML {
	var b strings.Builder
	b.Grow(len(row.Blocs) * 900)
	nom := html.EscapeString(row.Nom)
	valide := html.EscapeString(p.T("livret.bloc_valide"))
	hors, horsLettre := html.EscapeString(p.T("matrice.hors_parcours")), html.EscapeString(p.T("matrice.lettre.hors_parcours"))
	libelle, lettre := map[livret.Etat]string{}, map[livret.Etat]string{}
	for _, e := range []livret.Etat{livret.Acquise, livret.EnCours, livret.NonAcquise, livret.NonEvaluee} {
		libelle[e], lettre[e] = html.EscapeString(p.T("etat."+string(e))), html.EscapeString(p.T("matrice.lettre."+string(e)))
	}
	for _, bl := range row.Blocs {
		if len(row.Vises) > 0 && !slices.Contains(row.Vises, bl.Code) {
			for _, c := range bl.Competences {
				fmt.Fprintf(&b, `<td class="cell hors-parcours"><span aria-hidden="true">%s</span><span class="visually-hidden">%s — %s : %s</span></td>`,
					horsLettre, nom, c.Code, hors)
			}
			fmt.Fprintf(&b, `<td class="cell bloc-cell hors-parcours"><span aria-hidden="true">%s</span><span class="visually-hidden">%s — %s : %s</span></td>`,
				horsLettre, nom, bl.Code, hors)
			continue
		}
		for _, c := range bl.Competences {
			fmt.Fprintf(&b, `<td class="cell etat-%s"><a href="/inscriptions/%d/livret#%s" title="%s — %s : %s" aria-label="%s — %s : %s">%s</a></td>`,
				c.Etat, row.InscriptionID, c.Code, nom, c.Code, libelle[c.Etat], nom, c.Code, libelle[c.Etat], lettre[c.Etat])
		}
		if bl.Valide {
			fmt.Fprintf(&b, `<td class="cell bloc-cell"><span title="%s" aria-hidden="true">✓</span><span class="visually-hidden">%s</span></td>`, valide, valide)
		} else {
			b.WriteString(`<td class="cell bloc-cell"></td>`)
		}
	}
	return template.HTML(b.String())
}

// Etats lists the states of the legend, in the order a candidate goes through them.
func (p *MatricePage) Etats() []livret.Etat {
	return []livret.Etat{livret.NonEvaluee, livret.EnCours, livret.NonAcquise, livret.Acquise}
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
		row := MatriceRow{InscriptionID: d.InscriptionID, Nom: d.Nom, Vises: d.BlocsVises, Blocs: livret.Compute(ref, nil, d.Evaluations, d.Projets)}
		for _, b := range row.Blocs {
			for _, c := range b.Competences {
				if c.Etat == livret.Acquise && (len(row.Vises) == 0 || slices.Contains(row.Vises, b.Code)) {
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
