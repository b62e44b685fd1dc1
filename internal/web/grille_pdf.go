package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/document"
	"github.com/certif/certif/internal/edition"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// grillePDF serves GET /passages/{id}/grille.pdf and /api/v1/passages/{id}/grille.pdf: the
// calling juror's filled grid; ?vierge=1 the blank printable grid (whoever may open the grid
// page); ?consolidee=1 the jury's consolidated grid (the président, the admin; every member
// who signed once the session is délibérée). Each issue is journalled (document.download).
func (s *Server) grillePDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actor(r)
	v, err := s.store.GrilleVue(r.Context(), a, id)
	if err != nil {
		return grilleError(err)
	}
	q := r.URL.Query()
	var g jury.Grille
	doc := document.Grille{Session: v.Session.Date, Heure: v.Passage.Heure, Lieu: v.Session.Lieu, Confidentiel: v.Passage.Confidentiel, Edite: s.now()}
	name := "grille"
	switch {
	case q.Get("vierge") == "1":
		g, name = v.Base.Vierge, "grille-vierge"
	case q.Get("consolidee") == "1":
		if v.Toutes == nil {
			return fmt.Errorf("passage %d: consolidated grid: %w", id, apperr.Forbidden)
		}
		g, name = v.Toutes.Consolidee, "grille-jury"
		doc.Jure, doc.Consolidee, doc.NbJures = "Jury", true, len(v.Toutes.Jures)
	default:
		if v.Own == nil {
			return fmt.Errorf("passage %d: own grid: %w", id, apperr.Forbidden)
		}
		g = *v.Own
		doc.Jure, doc.Le = currentUser(r).DisplayName(), v.OwnLe
	}
	if len(g.Competences) == 0 { // every bloc aimed at acquired meanwhile (an amendment)
		return fmt.Errorf("passage %d: grid: %w", id, apperr.NotFound)
	}
	if err := s.grilleDocument(r, a, v, g, &doc); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := document.RenderGrille(&buf, doc); err != nil {
		return err
	}
	if err := s.store.AuditDocument(r.Context(), a, v.Passage.InscriptionID, name); err != nil {
		return err
	}
	return writePDF(w, fmt.Sprintf("%s-%s", name, slug(v.Passage.CandidatNom)), buf.Bytes())
}

// grilleDocument fills doc's header, candidate and compétences from the passage's inscription
// (read as a may read it) and the grid g over the référentiel's texts.
func (s *Server) grilleDocument(r *http.Request, a account.Actor, v *store.GrilleVue, g jury.Grille, doc *document.Grille) error {
	ctx := r.Context()
	d, err := s.inscriptionAs(ctx, a, v.Passage.InscriptionID, false)
	if err != nil {
		return err
	}
	orgs, err := s.store.Organismes(ctx, account.System) // names of organisations: not personal data
	if err != nil {
		return err
	}
	is, err := s.issuer(ctx, d.Ins.CertificationID, a.IsAdmin())
	if err != nil {
		return err
	}
	ed := &edition.Dossier{Candidat: d.Ins.Candidat, Inscription: d.Ins.Inscription, Certification: d.Ins.Certification, Version: d.Ins.Version, Ref: d.Ref}
	doc.Header = edition.Header(orgs, ed)
	is.Apply(&doc.Header)
	doc.Candidat = edition.Candidat(d.Ins.Candidat, d.Ins.Inscription, d.Ref)
	intitules, libelles, blocs := map[string]string{}, map[string]string{}, map[string]string{}
	for _, b := range v.Base.Blocs {
		blocs[b.Code] = b.Code + " — " + b.Intitule
		for _, c := range b.Competences {
			intitules[c.Code] = c.Intitule
			for _, k := range c.Criteres {
				libelles[c.Code+"/"+k.Code] = k.Libelle
			}
		}
	}
	for _, c := range g.Competences {
		dc := document.GrilleCompetence{Code: c.Code, Intitule: typo(intitules[c.Code]), Bloc: typo(blocs[c.Bloc]), Couverte: c.Couverte, Questions: c.Questions}
		for _, k := range c.Criteres {
			dc.Criteres = append(dc.Criteres, document.GrilleCritere{Code: k.Code, Libelle: typo(libelles[c.Code+"/"+k.Code]),
				Presentation: string(k.Presentation), Entretien: string(k.Entretien), Remarque: k.Remarque})
		}
		doc.Competences = append(doc.Competences, dc)
	}
	doc.Entretien = g.OrdreEntretien()
	f := g.EntretienFinal
	doc.Final = document.GrilleFinal{Comprehension: string(f.Comprehension), Vision: string(f.Vision), Culture: string(f.Culture), Remarque: f.Remarque}
	return nil
}
