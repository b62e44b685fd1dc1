package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// inscriptionView is what every page of a candidate's file loads: the inscription, its référentiel
// version, and (not VAE) the livret state.
type inscriptionView struct {
	Ins     *store.InscriptionRow
	Ref     *referentiel.Referentiel
	Evals   []livret.Evaluation
	Projets []livret.Projet
	Blocs   []livret.BlocState
	// InTraining is false for an inscription without in-training evaluation (VAE, R2): no
	// livret, planning, stage or in-training documents.
	InTraining bool
}

// loadInscription loads inscription {id} as the request's user may see it (NotFound otherwise).
func (s *Server) loadInscription(r *http.Request, withLivret bool) (*inscriptionView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.inscriptionAs(r.Context(), actor(r), id, withLivret)
}

// inscriptionAs is loadInscription of inscription id as actor a, without a request (the
// freezing of the dossier's system pieces runs as the system).
func (s *Server) inscriptionAs(ctx context.Context, a account.Actor, id int64, withLivret bool) (*inscriptionView, error) {
	ins, err := s.store.Inscription(ctx, a, id)
	if err != nil {
		return nil, err
	}
	ref, err := s.store.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return nil, err
	}
	d := &inscriptionView{Ins: ins, Ref: ref, InTraining: ins.InTraining(ref)}
	if withLivret && d.InTraining {
		if d.Evals, err = s.store.Evaluations(ctx, a, id); err != nil {
			return nil, err
		}
		if d.Projets, err = s.store.Projets(ctx, a, id); err != nil {
			return nil, err
		}
		d.Blocs = livret.Compute(ref, ins.BlocsVises, d.Evals, d.Projets)
	}
	return d, nil
}

// requireTraining refuses, with candidat.ErrVAE, a write of the livret to inscription {id} when
// its référentiel's data say its voie has no in-training evaluation (R2): the store's own
// check has no référentiel at hand and applies the default rule only.
func (s *Server) requireTraining(r *http.Request) error {
	d, err := s.loadInscription(r, false)
	if err != nil {
		return err
	}
	if !d.InTraining {
		return fmt.Errorf("inscription %d: %w", d.Ins.ID, candidat.ErrVAE)
	}
	return nil
}

// InscriptionPage is a candidate's file: identity, inscription, the livret's summary.
type InscriptionPage struct {
	Base
	inscriptionView
	CanManage   bool // referent of the centre or admin: status
	CanDecide   bool // the centre's référent alone: end-of-bloc projects' decisions (seed 5-1)
	CanEvaluate bool // staff of the centre or admin
	IsSelf      bool // the candidate themself
	// Files are the evidence files by evaluation id (the livret page only).
	Files map[int64][]store.File
	// StatutError is the refusal of a status change, shown next to the status form.
	StatutError string
	// Jury is the jury's part (recevabilité, convocations); the inscription's page only.
	Jury *InscriptionJury
}

// Statuts lists the statuses the status form offers: the current one and those the centre
// may move it to (candidat.Statut.Suivants); the jury's result statuses are never offered.
func (p *InscriptionPage) Statuts() []candidat.Statut {
	return append([]candidat.Statut{p.Ins.Statut}, p.Ins.Statut.Suivants(candidat.ParCentre, !p.InTraining)...)
}

func (s *Server) pageFor(r *http.Request, titleID string, d *inscriptionView) *InscriptionPage {
	u := currentUser(r)
	p := &InscriptionPage{Base: s.base(r, titleID), inscriptionView: *d}
	rel := access.Inscription{CentreID: d.Ins.CentreID, CandidatUserID: d.Ins.Candidat.UserID}
	p.CanManage = access.CanManageInscription(actor(r), rel) == access.Allow
	p.CanDecide = access.CanDecideProjet(actor(r), rel) == access.Allow
	p.CanEvaluate = access.CanTrain(actor(r), rel) == access.Allow
	p.IsSelf = u.Role == account.RoleCandidat
	p.Title = d.Ins.Candidat.NomAffiche() + " — " + p.Title
	return p
}

func (s *Server) inscriptionPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadInscription(r, true)
	if err != nil {
		return err
	}
	p := s.pageFor(r, "inscription.title", d)
	if p.Jury, err = s.inscriptionJury(r, d); err != nil {
		return err
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "inscription", p)
}

func (s *Server) inscriptionStatut(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r, "statut")
	if err != nil {
		return err
	}
	st := candidat.Statut(f.Values["statut"])
	err = s.store.SetStatut(r.Context(), actor(r), id, st)
	if msg := apperr.FieldErrors(err)["statut"]; msg != "" {
		d, derr := s.loadInscription(r, true)
		if derr != nil {
			return derr
		}
		p := s.pageFor(r, "inscription.title", d)
		if p.Jury, err = s.inscriptionJury(r, d); err != nil {
			return err
		}
		p.StatutError = msg
		return s.render(w, http.StatusUnprocessableEntity, "inscription", p)
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, s.msg(r, "inscription.statut_changed", "Statut", s.tr.T(requestLang(r), "statut."+string(st))), fmt.Sprintf("/inscriptions/%d", id))
}

// myFile sends a candidate to their (latest) inscription.
func (s *Server) myFile(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.store.Inscriptions(r.Context(), actor(r), store.InscriptionFilter{Limit: 50})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("no inscription: %w", apperr.NotFound)
	}
	http.Redirect(w, r, fmt.Sprintf("/inscriptions/%d", rows[len(rows)-1].ID), http.StatusSeeOther)
	return nil
}
