package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/document"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// The PV de jury as a PDF (GET /api/v1/sessions/{id}/pv.pdf and /sessions/{id}/pv.pdf): for
// the admin and the session's members, at any state (each member's line says whether they
// signed at the time of printing).

// pvPDF serves the PV of session {id}.
func (s *Server) pvPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pv, err := s.store.PV(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	u := currentUser(r)
	b, err := s.renderPV(r.Context(), pv, u == nil || u.Role == account.RoleAdmin)
	if err != nil {
		return err
	}
	return writePDF(w, fmt.Sprintf("pv-jury-%s", pv.Session.Date.Format("2006-01-02")), b)
}

// renderPV renders pv as a PDF (admin: whether the reader is the admin, for the message of
// a certificateur not configured yet).
func (s *Server) renderPV(ctx context.Context, pv *store.PV, admin bool) ([]byte, error) {
	d, err := s.docPV(ctx, pv, admin)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := document.RenderPV(&buf, d); err != nil {
		if errors.Is(err, document.ErrInvalid) {
			return nil, fieldError("document", err.Error())
		}
		return nil, err
	}
	return buf.Bytes(), nil
}

// docPV is the document's data of pv.
func (s *Server) docPV(ctx context.Context, pv *store.PV, admin bool) (document.PV, error) {
	orgs, err := s.store.Organismes(ctx, account.System)
	if err != nil {
		return document.PV{}, err
	}
	is, err := s.issuer(ctx, pv.Session.CertificationID, admin)
	if err != nil {
		return document.PV{}, err
	}
	h := document.Header{Certification: pv.Certification.Intitule, RNCP: pv.Certification.RNCP, Niveau: pv.Certification.Niveau,
		Version: pv.Certification.Version, Centre: pv.Centre}
	for _, o := range orgs {
		if o.Certificateur {
			h.Certificateur, h.CertificateurSIRET = o.Nom, o.SIRET
		}
		if o.ID == pv.Session.CentreID {
			h.CentreSIRET = o.SIRET
		}
	}
	is.Apply(&h)
	d := document.PV{Header: h, Date: pv.Session.Date, Lieu: pv.Session.Lieu, Distanciel: pv.Session.Distanciel,
		Etat: pv.Session.Etat.Libelle(), Edite: s.now()}
	for _, m := range pv.Session.Membres {
		dm := document.PVMembre{Nom: m.Nom, President: m.President, Profession: m.Profession, College: collegeLibelle(m.College), Externe: m.Externe}
		for _, g := range pv.Signatures {
			if g.UserID == m.UserID {
				dm.SigneLe, dm.IP = g.SigneLe, g.IP
			}
		}
		d.Membres = append(d.Membres, dm)
	}
	for _, p := range pv.Passages {
		dp := document.PVPassage{Candidat: p.CandidatNom, Heure: p.Heure}
		if p.Resultat != "" {
			dp.Resultat = p.Resultat.Libelle()
		}
		for _, code := range p.Acquis {
			dp.Blocs = append(dp.Blocs, document.PVBloc{Code: code, Decision: "acquis antérieurement", Valide: true})
		}
		for _, dec := range p.Decisions {
			dp.Blocs = append(dp.Blocs, docBloc(dec))
		}
		d.Passages = append(d.Passages, dp)
	}
	last := map[int64]int{} // the latest amendment of each passage: the result after it is the passage's
	for i, a := range pv.Amendements {
		last[a.PassageID] = i
	}
	for i, a := range pv.Amendements {
		da := document.PVAmendement{Le: a.Le, Par: a.ParNom, Candidat: a.Candidat, Motif: a.Motif}
		for _, p := range pv.Passages {
			if p.ID == a.PassageID && last[a.PassageID] == i && p.Resultat != "" {
				da.Resultat = p.Resultat.Libelle()
			}
		}
		for _, dec := range a.Decisions {
			da.Blocs = append(da.Blocs, docBloc(dec))
		}
		d.Amendements = append(d.Amendements, da)
	}
	return d, nil
}

func docBloc(d store.DecisionBloc) document.PVBloc {
	return document.PVBloc{Code: d.Bloc, Decision: d.Decision.Libelle(), Valide: d.Decision == jury.Valide, Motif: d.Motif, ResteAEvaluer: d.ResteAEvaluer}
}

// collegeLibelle is a member's college as documents print it.
func collegeLibelle(c jury.College) string {
	switch c {
	case jury.Employeur:
		return "employeur"
	case jury.Salarie:
		return "salarié"
	case jury.Independant:
		return "indépendant"
	}
	return ""
}
