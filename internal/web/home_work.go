package web

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// WorkItem is one entry of a home's work list: what waits for this person, how many, and where
// to deal with it. A role's home starts with its items; more can be appended by any feature
// (the admin's « left to set up », for instance) without touching the template.
type WorkItem struct {
	// ID is stable (the element's id: "work-projets"); tests and anchors use it.
	ID string
	// Label is the translated sentence with its count (« 3 projets attendent votre décision »).
	Label string
	Count int
	// Href is where to deal with all of them, "" when each line carries its own link.
	Href string
	// Alert marks a problem rather than routine work (shown first, in the error colour).
	Alert bool
	// Lines are the first few, each with its link; More how many are not shown.
	Lines []WorkLine
	More  int
}

// WorkLine is one thing on a WorkItem: a candidate, what about them, where to act.
type WorkLine struct {
	Label, Detail, Href string
}

// workShown is how many lines of an item a home shows.
const workShown = 5

// noEvaluationFor is how long a candidate in training may go without an evaluation before the
// référent's home lists them (four weeks).
const noEvaluationFor = 28 * 24 * time.Hour

// workItem builds an item from rows, the first workShown as lines.
func workItem(id, label string, rows []store.WorkRow, line func(store.WorkRow) WorkLine) WorkItem {
	it := WorkItem{ID: "work-" + id, Label: label, Count: len(rows)}
	for i, r := range rows {
		if i == workShown {
			it.More = len(rows) - workShown
			break
		}
		it.Lines = append(it.Lines, line(r))
	}
	return it
}

// centreWork is the work list of a centre's staff: for the référent, projects awaiting a
// decision, candidates without an evaluation for four weeks, activation links never used,
// tutors' fiches awaited; for the formateur, the compétences of the centre's candidates still
// to evaluate and the candidates without an evaluation for four weeks.
func (s *Server) centreWork(ctx context.Context, b *Base, act account.Actor, centreID int64, promotions []string) ([]WorkItem, error) {
	w, err := s.store.CentreWork(ctx, act, centreID, s.now().Add(-noEvaluationFor))
	if err != nil {
		return nil, err
	}
	var items []WorkItem
	if b.User.Role == account.RoleFormateur {
		it, err := s.competencesToEvaluate(ctx, b, act, centreID, promotions)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	} else {
		items = append(items, workItem("projets", b.T("work.projets", "Count", len(w.ProjetsEnAttente)), w.ProjetsEnAttente, func(r store.WorkRow) WorkLine {
			return WorkLine{Label: r.Nom, Detail: b.T("work.projets.line", "Bloc", r.Detail, "Date", b.Date(r.At)),
				Href: fmt.Sprintf("/inscriptions/%d/livret#projet-%s", r.InscriptionID, r.Detail)}
		}))
	}
	items = append(items, workItem("sans-evaluation", b.T("work.sans_evaluation", "Count", len(w.SansEvaluation)), w.SansEvaluation, func(r store.WorkRow) WorkLine {
		d := b.T("work.sans_evaluation.none")
		if !r.At.IsZero() {
			d = b.T("work.sans_evaluation.line", "Date", b.Date(r.At))
		}
		return WorkLine{Label: r.Nom, Detail: d, Href: fmt.Sprintf("/inscriptions/%d/livret", r.InscriptionID)}
	}))
	if b.User.Role == account.RoleFormateur {
		return items, nil
	}
	act2 := workItem("activations", b.T("work.activations", "Count", len(w.ActivationsEnAttente)), w.ActivationsEnAttente, func(r store.WorkRow) WorkLine {
		return WorkLine{Label: r.Nom, Detail: b.T("work.activations.line", "Date", b.Date(r.At)), Href: fmt.Sprintf("/inscriptions/%d", r.InscriptionID)}
	})
	if act2.Count > 0 {
		act2.Href = "/candidats"
	}
	items = append(items, act2, workItem("fiches", b.T("work.fiches", "Count", len(w.FichesAttendues)), w.FichesAttendues, func(r store.WorkRow) WorkLine {
		return WorkLine{Label: r.Nom, Detail: b.T("work.fiches.line", "Date", b.Date(r.At)), Href: fmt.Sprintf("/inscriptions/%d/stage", r.InscriptionID)}
	}), workItem("projets-personnels", b.T("work.projets_personnels", "Count", len(w.ProjetsPersonnels)), w.ProjetsPersonnels, func(r store.WorkRow) WorkLine {
		return WorkLine{Label: r.Nom, Detail: r.Detail, Href: fmt.Sprintf("/inscriptions/%d/dossier#projets", r.InscriptionID)}
	}))
	return items, nil
}

// competencesToEvaluate counts, over the centre's promotions, the compétences of the
// candidates in training not acquired yet (never evaluated, en cours or non acquise), with the
// candidates who have the most first.
func (s *Server) competencesToEvaluate(ctx context.Context, b *Base, act account.Actor, centreID int64, promotions []string) (WorkItem, error) {
	type cand struct {
		id   int64
		nom  string
		left int
	}
	var list []cand
	total := 0
	refs := map[int64]*referentiel.Referentiel{}
	for _, promo := range promotions {
		data, err := s.store.PromotionLivrets(ctx, act, centreID, promo)
		if err != nil {
			return WorkItem{}, err
		}
		for _, d := range data {
			ref, ok := refs[d.VersionID]
			if !ok {
				if ref, err = s.store.ReferentielVersion(ctx, d.VersionID); err != nil {
					return WorkItem{}, err
				}
				refs[d.VersionID] = ref
			}
			left := 0
			for _, bl := range livret.Compute(ref, d.BlocsVises, d.Evaluations, d.Projets) {
				left += len(bl.Competences) - bl.Acquises()
			}
			if left > 0 {
				list = append(list, cand{d.InscriptionID, d.Nom, left})
				total += left
			}
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].left > list[j].left })
	it := WorkItem{ID: "work-competences", Label: b.T("work.competences", "Count", total)}
	it.Count = total
	for i, c := range list {
		if i == workShown {
			it.More = len(list) - workShown
			break
		}
		it.Lines = append(it.Lines, WorkLine{Label: c.nom, Detail: b.T("work.competences.line", "Count", c.left),
			Href: fmt.Sprintf("/inscriptions/%d/livret", c.id)})
	}
	return it, nil
}

// adminWork is the certificateur's work list: the journal's alerts (a broken chain, failed
// sign-ins over the last day).
func (s *Server) adminWork(ctx context.Context, b *Base, act account.Actor) ([]WorkItem, error) {
	var items []WorkItem
	chain, err := s.store.VerifyAudit(ctx, act)
	if err != nil {
		return nil, err
	}
	if !chain.Intact() {
		status, _ := auditVerdict(b, &chain)
		items = append(items, WorkItem{ID: "work-journal", Label: status, Count: int(chain.Breaks), Href: "/admin/journal", Alert: true})
	}
	n, err := s.store.FailedLogins(ctx, act, s.now().Add(-24*time.Hour))
	if err != nil {
		return nil, err
	}
	if n > 0 {
		items = append(items, WorkItem{ID: "work-connexions", Label: b.T("work.failed_logins", "Count", n), Count: n, Href: "/admin/journal", Alert: n >= failedLoginsAlert})
	}
	return items, nil
}

// failedLoginsAlert is how many failed sign-ins in a day make the admin's home show an alert.
const failedLoginsAlert = 20

// DossierState is where a candidate's inscription in training stands, for their home: the
// compétences and blocs acquired in training and what is expected of them next.
type DossierState struct {
	Acquises, Competences int
	BlocsValides, Blocs   int
	Next                  []WorkLine
}

// dossierState computes the candidate's state of inscription ins from its livret.
func (s *Server) dossierState(ctx context.Context, b *Base, act account.Actor, ins *store.InscriptionRow, ref *referentiel.Referentiel) (*DossierState, error) {
	evals, err := s.store.Evaluations(ctx, act, ins.ID)
	if err != nil {
		return nil, err
	}
	projets, err := s.store.Projets(ctx, act, ins.ID)
	if err != nil {
		return nil, err
	}
	st := &DossierState{}
	livretURL := fmt.Sprintf("/inscriptions/%d/livret", ins.ID)
	for _, bl := range livret.Compute(ref, ins.BlocsVises, evals, projets) {
		st.Blocs++
		st.Competences += len(bl.Competences)
		st.Acquises += bl.Acquises()
		if bl.Valide {
			st.BlocsValides++
			continue
		}
		href := livretURL + "#projet-" + bl.Code
		switch {
		case bl.Projet == nil:
			st.Next = append(st.Next, WorkLine{Label: b.T("work.candidat.projet", "N", bl.Numero), Detail: bl.Sujet, Href: href})
		case bl.Projet.Decision == livret.Refuse:
			st.Next = append(st.Next, WorkLine{Label: b.T("work.candidat.projet_refuse", "N", bl.Numero), Detail: bl.Projet.Commentaire, Href: href})
		case bl.Projet.Decision == livret.Attente:
			st.Next = append(st.Next, WorkLine{Label: b.T("work.candidat.projet_attente", "N", bl.Numero), Href: href})
		}
	}
	if left := st.Competences - st.Acquises; left > 0 {
		st.Next = append(st.Next, WorkLine{Label: b.T("work.candidat.competences", "Count", left), Detail: b.T("work.candidat.competences_detail", "Count", left), Href: livretURL})
	}
	// The dossier de certification, once its deadline is known: what is still missing, first.
	d, err := s.store.Dossier(ctx, act, ins.ID)
	if err != nil {
		return nil, err
	}
	href := fmt.Sprintf("/inscriptions/%d/dossier", ins.ID)
	switch red, orange := countStatut(d.Conformite, dossier.StatutManquant), countStatut(d.Conformite, dossier.StatutAttention); {
	case d.ClosesAt == nil:
	case d.Verrouille: // closed: it is the jury's now
		st.Next = append([]WorkLine{{Label: b.T("work.candidat.dossier_closed", "Date", b.Date(*d.ClosesAt)),
			Detail: b.T("work.candidat.dossier_closed_detail"), Href: href}}, st.Next...)
	case red+orange > 0: // the report's red and orange lines, named as it names them
		var points []string
		if red > 0 {
			points = append(points, b.T("work.candidat.dossier_red", "Count", red))
		}
		if orange > 0 {
			points = append(points, b.T("work.candidat.dossier_orange", "Count", orange))
		}
		st.Next = append([]WorkLine{{Label: b.T("work.candidat.dossier_points", "Points", strings.Join(points, ", ")),
			Detail: b.T("work.candidat.dossier_detail", "Date", b.Date(d.ClosesAt.Add(-time.Second))), Href: href}}, st.Next...)
	}
	return st, nil
}

// countStatut counts the lines of a conformity report in state st.
func countStatut(checks []dossier.Check, st dossier.Statut) int {
	n := 0
	for _, c := range checks {
		if c.Statut == st {
			n++
		}
	}
	return n
}
