package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/document"
	"github.com/certif/certif/internal/edition"
	"github.com/certif/certif/internal/store"
)

// The documents' content is assembled by package edition from the domain's data; this file
// only loads that data, as the user may see it, and serves the PDF.

// documentPDF serves /inscriptions/{id}/documents/{livret|releve|attestation-formation|fiche-stage}.pdf.
func (s *Server) documentPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	name := r.PathValue("doc")
	b, d, err := s.renderDocument(r.Context(), actor(r), currentUser(r), id, name)
	if err != nil {
		if d != nil && errors.Is(err, errAttestation) {
			return s.attestationUnavailable(w, r, d, err)
		}
		return err
	}
	// Every issued document is in the journal (which one, of which inscription; no name).
	if err := s.store.AuditDocument(r.Context(), actor(r), id, strings.TrimSuffix(name, ".pdf")); err != nil {
		return err
	}
	return writePDF(w, fmt.Sprintf("%s-%s", strings.TrimSuffix(name, ".pdf"), slug(d.Ins.Candidat.NomAffiche())), b)
}

// errAttestation marks the reasons an attestation de formation cannot be issued yet.
var errAttestation = errors.New("attestation unavailable")

// renderDocument renders document name (livret.pdf, releve.pdf, attestation-formation.pdf,
// fiche-stage.pdf) of
// inscription id as actor a (u: the signed-in user, nil for the system) may read it, as it
// stands now. The view is returned with the error when the inscription was loaded; the reasons
// an attestation cannot be issued wrap errAttestation.
func (s *Server) renderDocument(ctx context.Context, a account.Actor, u *account.User, id int64, name string) ([]byte, *inscriptionView, error) {
	d, err := s.inscriptionAs(ctx, a, id, true)
	if err != nil {
		return nil, nil, err
	}
	if !d.InTraining {
		return nil, d, fmt.Errorf("document: %w", candidat.ErrVAE)
	}
	ed := &edition.Dossier{Candidat: d.Ins.Candidat, Inscription: d.Ins.Inscription, Certification: d.Ins.Certification,
		Version: d.Ins.Version, Ref: d.Ref, Evals: d.Evals, Projets: d.Projets, Blocs: d.Blocs}
	// Organisations are read as the system: their names are not personal data, and the user
	// has already been allowed to read the inscription.
	orgs, err := s.store.Organismes(ctx, account.System)
	if err != nil {
		return nil, d, err
	}
	is, err := s.issuer(ctx, d.Ins.CertificationID, u == nil || u.Role == account.RoleAdmin)
	if err != nil {
		return nil, d, err
	}
	head := edition.Header(orgs, ed)
	is.Apply(&head)
	var buf bytes.Buffer
	switch name {
	case "livret.pdf":
		err = document.RenderLivret(&buf, edition.Livret(head, ed, s.now()))
	case "releve.pdf":
		err = document.RenderReleve(&buf, edition.Releve(head, ed, s.now()))
	case "fiche-stage.pdf":
		var f document.FicheStage
		if f, err = s.docFiche(ctx, a, head, ed); err != nil {
			return nil, d, err
		}
		err = document.RenderFicheStage(&buf, f)
	case "attestation-formation.pdf":
		var at document.Attestation
		if at, err = s.docAttestation(ctx, a, u, head, ed, orgs); err != nil {
			return nil, d, fmt.Errorf("%w: %w", errAttestation, err)
		}
		err = document.RenderAttestation(&buf, at)
	default:
		return nil, d, errNotFoundPage
	}
	if err != nil {
		if errors.Is(err, document.ErrInvalid) {
			return nil, d, fieldError("document", err.Error())
		}
		return nil, d, err
	}
	return buf.Bytes(), d, nil
}

func writePDF(w http.ResponseWriter, base string, b []byte) error {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.pdf"`, base))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err := w.Write(b)
	return err
}

// slug keeps ASCII letters and digits for file names.
func slug(s string) string {
	var b strings.Builder
	for _, r := range candidat.Fold(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// docAttestation loads the planning and the signatory of the attestation de formation: the
// référent of the inscription's centre (the user, when they are that référent), and the
// centre's numéro de déclaration d'activité (among orgs).
func (s *Server) docAttestation(ctx context.Context, a account.Actor, u *account.User, h document.Header, d *edition.Dossier, orgs []account.Organisme) (document.Attestation, error) {
	rows, err := s.store.Seances(ctx, a, d.Inscription.ID)
	if err != nil {
		return document.Attestation{}, err
	}
	seances := make([]edition.Seance, len(rows))
	for i, se := range rows {
		seances[i] = edition.Seance{Seance: se.Seance, Module: se.Module, Competences: se.Competences}
	}
	var signataire string
	if u != nil && u.Role == account.RoleReferent && u.CentreID == d.Inscription.CentreID {
		signataire = u.DisplayName()
	} else if refs, err := s.store.Users(ctx, account.System, store.UserFilter{CentreID: d.Inscription.CentreID, Role: account.RoleReferent, Limit: 1}); err == nil && len(refs) > 0 {
		signataire = refs[0].DisplayName()
	}
	var nda string
	for _, o := range orgs {
		if o.ID == d.Inscription.CentreID {
			nda = o.NDA
		}
	}
	at, err := edition.Attestation(h, d, seances, signataire, nda, s.now())
	v := apperr.NewValidation()
	if err != nil && !errors.As(err, &v) {
		return at, err
	}
	if signataire == "" {
		v.Add("signataire", "Le centre n'a pas de responsable pédagogique (référent) pour signer l'attestation : l'administrateur en crée un.")
	}
	if nda == "" { // Code du travail L6353-1
		v.Add("nda", "Le numéro de déclaration d'activité du centre n'est pas renseigné : l'attestation de formation doit le porter (article L6353-1 du Code du travail). L'administrateur le saisit sur la fiche du centre.")
	}
	return at, v.Err()
}

// AttestationPage explains why the attestation de formation cannot be issued yet.
type AttestationPage struct {
	Base
	InscriptionID int64
	Raisons       []string
}

// attestationUnavailable shows, in French, why the attestation cannot be issued (nothing
// followed yet, no NDA, no signatory) instead of an error page; other errors pass through.
func (s *Server) attestationUnavailable(w http.ResponseWriter, r *http.Request, d *inscriptionView, err error) error {
	var v *apperr.Validation
	if !errors.As(err, &v) || isAPI(r) { // the API answers 422 with the reasons by field
		return err
	}
	p := &AttestationPage{Base: s.base(r, "attestation.unavailable"), InscriptionID: d.Ins.ID}
	english := map[string]string{"planning": p.T("attestation.reason.planning"), "signataire": p.T("attestation.reason.signataire"),
		"nda": p.T("attestation.reason.nda")}
	for _, k := range []string{"planning", "signataire", "nda"} {
		m := v.Fields[k]
		switch {
		case m == "":
		case p.Lang == "en": // the domain explains in French; the English page says it generally
			p.Raisons = append(p.Raisons, english[k])
		default: // the page states the rule once, under the reasons
			p.Raisons = append(p.Raisons, strings.TrimSuffix(m, edition.AttestationRule))
		}
	}
	return s.render(w, http.StatusConflict, "attestation", p)
}

// relevesPDF renders the relevé of every candidate of a promotion, one page each (R10).
func (s *Server) relevesPDF(w http.ResponseWriter, r *http.Request) error {
	promo := r.PathValue("promotion")
	rs, err := s.promotionReleves(r, promo)
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		return errNotFoundPage
	}
	var buf bytes.Buffer
	if err := document.RenderReleves(&buf, rs); err != nil {
		return err
	}
	return writePDF(w, "releves-"+slug(promo), buf.Bytes())
}

// promotionReleves assembles the relevés of promotion promo of the user's centre (an admin
// names it with ?centre=) in a constant number of queries: the promotion's dossiers in bulk,
// the organisations once, the référentiel versions from the store's cache.
func (s *Server) promotionReleves(r *http.Request, promo string) ([]document.Releve, error) {
	u := currentUser(r)
	centreID := u.CentreID
	if u.Role == account.RoleAdmin {
		fmt.Sscan(r.URL.Query().Get("centre"), &centreID)
	}
	data, err := s.store.PromotionDossiers(r.Context(), actor(r), centreID, promo)
	if err != nil || len(data) == 0 {
		return nil, err
	}
	orgs, err := s.store.Organismes(r.Context(), account.System)
	if err != nil {
		return nil, err
	}
	now := s.now() // one edition date for the whole promotion
	var is edition.Issuer
	isFor := int64(-1) // the certification is loaded for
	rs := make([]document.Releve, 0, len(data))
	for i := range data {
		pd := &data[i]
		ref, err := s.store.ReferentielVersion(r.Context(), pd.VersionID)
		if err != nil {
			return nil, err
		}
		if !pd.Inscription.InTraining(ref) { // no relevé without in-training evaluation (R2)
			continue
		}
		d := &edition.Dossier{Candidat: pd.Candidat, Inscription: pd.Inscription, Certification: pd.Certification, Version: pd.Version,
			Ref: ref, Evals: pd.Livret.Evaluations, Projets: pd.Livret.Projets}
		if isFor != pd.Inscription.CertificationID {
			if is, err = s.issuer(r.Context(), pd.Inscription.CertificationID, u.Role == account.RoleAdmin); err != nil {
				return nil, err
			}
			isFor = pd.Inscription.CertificationID
		}
		h := edition.Header(orgs, d)
		is.Apply(&h)
		rs = append(rs, edition.Releve(h, d, now))
	}
	return rs, nil
}
