package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/document"
	"github.com/certif/certif/internal/edition"
	"github.com/certif/certif/internal/mail"
	"github.com/certif/certif/internal/store"
)

// convocationPDF serves /passages/{id}/convocation.pdf and its API twin: the candidate's
// convocation to the session (issue 9). The store decides who reads it: the admin, the
// candidate, their centre's staff once it is sent; 404 to anyone else, a juror included.
func (s *Server) convocationPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actor(r)
	c, err := s.store.Convocation(r.Context(), a, id)
	if err != nil {
		return err
	}
	b, nom, err := s.renderConvocation(r.Context(), c, a.IsAdmin())
	if err != nil {
		return err
	}
	if err := s.store.AuditDocument(r.Context(), a, c.Passage.InscriptionID, "convocation"); err != nil {
		return err
	}
	return writePDF(w, "convocation-"+slug(nom), b)
}

// renderConvocation renders convocation c (already allowed to its reader); the data that
// make it are read as the system: the organisations' names, the candidate's identity and
// address, the centre's référent as the contact. It returns the PDF and the candidate's name.
func (s *Server) renderConvocation(ctx context.Context, c *store.Convocation, admin bool) ([]byte, string, error) {
	ins, err := s.store.Inscription(ctx, account.System, c.Passage.InscriptionID)
	if err != nil {
		return nil, "", err
	}
	ref, err := s.store.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return nil, "", err
	}
	orgs, err := s.store.Organismes(ctx, account.System)
	if err != nil {
		return nil, "", err
	}
	is, err := s.issuer(ctx, ins.CertificationID, admin)
	if err != nil {
		return nil, "", err
	}
	ed := &edition.Dossier{Candidat: ins.Candidat, Inscription: ins.Inscription, Certification: ins.Certification, Version: ins.Version, Ref: ref}
	head := edition.Header(orgs, ed)
	is.Apply(&head)
	js := c.Session
	for _, o := range orgs { // the organising centre is the session's
		if o.ID == js.CentreID {
			head.Centre, head.CentreSIRET = o.Nom, o.SIRET
		}
	}
	doc := document.Convocation{Header: head, Candidat: edition.Candidat(ins.Candidat, ins.Inscription, ref),
		Adresse: adresseLignes(ins.Candidat.Adresse), Date: js.Date, Heure: c.Passage.Heure, Lieu: js.Lieu, Distanciel: js.Distanciel,
		DureePresentation: js.DureePresentation, DureeEntretienTechnique: js.DureeEntretienTechnique, DureeEntretienFinal: js.DureeEntretienFinal,
		Echeance: c.Echeance, Confidentiel: c.Passage.Confidentiel, Emise: c.Passage.ConvoqueLe}
	if doc.Emise.IsZero() { // the admin's preview before the convocations go out
		doc.Emise = s.now()
	}
	if refs, err := s.store.Users(ctx, account.System, store.UserFilter{CentreID: js.CentreID, Role: account.RoleReferent, Limit: 1}); err == nil && len(refs) > 0 {
		doc.Contact = refs[0].DisplayName() + ", " + head.Centre + " (" + refs[0].Email + ")"
	}
	var buf bytes.Buffer
	if err := document.RenderConvocation(&buf, doc); err != nil {
		if errors.Is(err, document.ErrInvalid) {
			return nil, "", fieldError("document", err.Error())
		}
		return nil, "", fmt.Errorf("convocation: %w", err)
	}
	return buf.Bytes(), ins.Candidat.NomAffiche(), nil
}

// adresseLignes is a postal address as the lines of a letter ("" when it has none).
func adresseLignes(a candidat.Adresse) string {
	var out []string
	for _, l := range []string{a.Ligne1, a.Ligne2, strings.TrimSpace(a.CodePostal + " " + a.Ville), a.Pays} {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// attachConvocation is the store's attacher (store.SetAttacher): the PDF convocation of the
// passage a courriel names, as it stands when the courriel leaves. Other courriels carry
// nothing.
func (s *Server) attachConvocation(ctx context.Context, c store.Courriel) ([]mail.Attachment, error) {
	id, ok := store.ConvocationOf(c.Ref)
	if !ok {
		return nil, nil
	}
	conv, err := s.store.Convocation(ctx, account.System, id)
	if err != nil {
		return nil, err
	}
	b, nom, err := s.renderConvocation(ctx, conv, true)
	if err != nil {
		return nil, err
	}
	return []mail.Attachment{{Name: "convocation-" + slug(nom) + ".pdf", Type: "application/pdf", Data: b}}, nil
}
