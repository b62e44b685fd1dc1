package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/document"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/store"
)

// documentPDF serves /inscriptions/{id}/documents/{livret|releve|attestation-formation}.pdf.
func (s *Server) documentPDF(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadDossier(r, true)
	if err != nil {
		return err
	}
	if d.Ins.IsVAE() {
		return fmt.Errorf("document: %w", candidat.ErrVAE)
	}
	head, err := s.docHeader(r, d.Ins)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name := r.PathValue("doc")
	switch name {
	case "livret.pdf":
		err = document.RenderLivret(&buf, docLivret(head, d))
	case "releve.pdf":
		err = document.RenderReleve(&buf, docReleve(head, d))
	case "attestation-formation.pdf":
		var a document.Attestation
		if a, err = s.docAttestation(r, head, d); err == nil {
			err = document.RenderAttestation(&buf, a)
		}
	default:
		return errNotFoundPage
	}
	if err != nil {
		if errors.Is(err, document.ErrInvalid) {
			return fieldError("document", err.Error())
		}
		return err
	}
	return writePDF(w, fmt.Sprintf("%s-%s", strings.TrimSuffix(name, ".pdf"), slug(d.Ins.Candidat.NomAffiche())), buf.Bytes())
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

// docHeader names the certificateur, the centre and the certification on a document.
// Organisations are read as the system: their names are not personal data, and the user has
// already been allowed to read the inscription.
func (s *Server) docHeader(r *http.Request, ins *store.InscriptionRow) (document.Header, error) {
	h := document.Header{Certification: ins.Certification, Version: ins.Version}
	orgs, err := s.store.Organismes(r.Context(), account.System)
	if err != nil {
		return h, err
	}
	for _, o := range orgs {
		if o.Certificateur {
			h.Certificateur, h.CertificateurSIRET = o.Nom, o.SIRET
		}
		if o.ID == ins.CentreID {
			h.Centre, h.CentreSIRET = o.Nom, o.SIRET
		}
	}
	if info, err := s.store.Certification(r.Context(), ins.CertificationID); err == nil {
		h.RNCP, h.Niveau = info.RNCP, info.Niveau
	}
	return h, nil
}

func docCandidat(ins *store.InscriptionRow) document.Candidat {
	c := ins.Candidat
	dc := document.Candidat{Prenoms: strings.Join(c.Prenoms, " "), NomNaissance: c.NomNaissance, NomUsage: c.NomUsage,
		DateNaissance: c.DateNaissance, Voie: ins.Voie.Libelle(), Promotion: ins.Promotion}
	switch c.Sexe {
	case candidat.Femme:
		dc.Civilite = "Madame"
	case candidat.Homme:
		dc.Civilite = "Monsieur"
	}
	switch {
	case c.PaysNaissance != "":
		dc.LieuNaissance = fmt.Sprintf("%s (%s)", c.CommuneNaissance, c.PaysNaissance)
	case len(c.CommuneNaissanceCode) >= 2:
		dc.LieuNaissance = fmt.Sprintf("%s (%s)", c.CommuneNaissance, c.CommuneNaissanceCode[:2])
	default:
		dc.LieuNaissance = c.CommuneNaissance
	}
	return dc
}

var etatDoc = map[livret.Etat]string{livret.Acquise: "acquise", livret.NonAcquise: "non acquise", livret.EnCours: "en cours", livret.NonEvaluee: "non évaluée"}

var decisionDoc = map[livret.Decision]string{livret.Valide: "validé", livret.Refuse: "refusé", livret.Attente: "en attente"}

func docLivret(h document.Header, d *dossier) document.Livret {
	l := document.Livret{Header: h, Candidat: docCandidat(d.Ins), Edite: time.Now()}
	for _, b := range d.Blocs {
		sec := document.BlocSection{Code: b.Code, Numero: b.Numero, Intitule: b.Intitule, Valide: b.Valide}
		for _, c := range b.Competences {
			cb := document.CompetenceBlock{Code: c.Code, Intitule: c.Intitule, Etat: etatDoc[c.Etat]}
			hist := append([]*livret.Evaluation(nil), c.Historique...)
			sort.SliceStable(hist, func(i, j int) bool { return hist[i].Date.Before(hist[j].Date) })
			for _, e := range hist {
				cb.Evaluations = append(cb.Evaluations, docEvaluation(d, e))
			}
			sec.Competences = append(sec.Competences, cb)
		}
		sec.Projet = docProjet(b)
		l.Blocs = append(l.Blocs, sec)
	}
	return l
}

func docProjet(b livret.BlocState) document.ProjetBloc {
	p := document.ProjetBloc{Decision: "non remis"}
	if b.Projet != nil {
		p = document.ProjetBloc{Sujet: b.Projet.Titre, Soumis: b.Projet.SoumisLe, Decision: decisionDoc[b.Projet.Decision],
			DecisionLe: b.Projet.DecisionLe, Commentaire: b.Projet.Commentaire}
	}
	return p
}

func docEvaluation(d *dossier, e *livret.Evaluation) document.EvaluationEntry {
	out := document.EvaluationEntry{Date: e.Date, Competences: e.Competences, Forme: e.Forme.Libelle(), Evaluateur: e.Evaluateur,
		Score: e.Score, Bareme: e.Bareme, Seuil: e.Seuil, Commentaire: e.Commentaire, Corrige: e.RemplaceePar != 0}
	if e.Remplace != 0 {
		out.Remplace = "correction d'une évaluation précédente"
		for i := range d.Evals {
			if old := &d.Evals[i]; old.ID == e.Remplace {
				out.Remplace = fmt.Sprintf("corrige l'évaluation du %s (%s)", formatDate("fr", old.Date), strings.ToLower(old.Forme.Libelle()))
			}
		}
	}
	for _, code := range e.Competences {
		if _, c, ok := d.Ref.Competence(code); ok {
			for _, k := range c.Criteres {
				out.Criteres = append(out.Criteres, document.CritereResult{Code: k.Code, Libelle: k.Libelle, Resultat: string(e.Criteres[k.Code])})
			}
		}
	}
	return out
}

func docReleve(h document.Header, d *dossier) document.Releve {
	rl := document.Releve{Header: h, Candidat: docCandidat(d.Ins), Edite: time.Now()}
	for _, b := range d.Blocs {
		rb := document.ReleveBloc{Code: b.Code, Numero: b.Numero, Intitule: b.Intitule, Valide: b.Valide, Projet: docProjet(b).Decision}
		for _, c := range b.Competences {
			line := document.ReleveLine{Code: c.Code, Intitule: c.Intitule, Etat: etatDoc[c.Etat]}
			if e := c.Derniere; e != nil {
				line.Derniere = e.Date
				acq, tot := 0, 0
				for _, res := range e.Criteres {
					tot++
					if res == livret.Acquis {
						acq++
					}
				}
				line.Detail = fmt.Sprintf("%d/%d critères acquis", acq, tot)
				if e.Score != nil && e.Bareme != nil {
					line.Detail += fmt.Sprintf(" · %s/%s", strings.Replace(fmt.Sprint(*e.Score), ".", ",", 1), strings.Replace(fmt.Sprint(*e.Bareme), ".", ",", 1))
				}
			}
			rb.Lignes = append(rb.Lignes, line)
		}
		rl.Blocs = append(rl.Blocs, rb)
	}
	return rl
}

func (s *Server) docAttestation(r *http.Request, h document.Header, d *dossier) (document.Attestation, error) {
	a := document.Attestation{Header: h, Candidat: docCandidat(d.Ins), SignataireQualite: "Responsable pédagogique", Date: time.Now()}
	seances, err := s.store.Seances(r.Context(), actor(r), d.Ins.ID)
	if err != nil {
		return a, err
	}
	if len(seances) == 0 {
		return a, fieldError("planning", "Aucun module n'est planifié pour ce candidat : l'attestation de formation ne peut pas être établie.")
	}
	for _, se := range seances {
		a.Modules = append(a.Modules, document.ModuleLine{Intitule: se.Module, Competences: se.Competences, Debut: se.Debut, Fin: se.Fin,
			HeuresPrevues: se.HeuresPrevues, HeuresRealisees: se.HeuresRealisees})
	}
	// The référent of the centre signs; when the user is that référent, they do.
	if u := currentUser(r); u.Role == account.RoleReferent && u.CentreID == d.Ins.CentreID {
		a.Signataire = u.DisplayName()
	} else if refs, err := s.store.Users(r.Context(), account.System, store.UserFilter{CentreID: d.Ins.CentreID, Role: account.RoleReferent, Limit: 1}); err == nil && len(refs) > 0 {
		a.Signataire = refs[0].DisplayName()
	}
	if a.Signataire == "" {
		return a, fmt.Errorf("attestation: no référent in centre %d: %w", d.Ins.CentreID, apperr.Conflict)
	}
	a.Lieu = lieuOf(h.Centre)
	return a, nil
}

// lieuOf guesses the place of signature from the centre's name ("Campus Numérique Lyon" →
// "Lyon"); centres will get an address later.
func lieuOf(centre string) string {
	f := strings.Fields(centre)
	if len(f) == 0 {
		return "—"
	}
	return f[len(f)-1]
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
// names it with ?centre=).
func (s *Server) promotionReleves(r *http.Request, promo string) ([]document.Releve, error) {
	u := currentUser(r)
	centreID := u.CentreID
	if u.Role == account.RoleAdmin {
		fmt.Sscan(r.URL.Query().Get("centre"), &centreID)
	}
	data, err := s.store.PromotionLivrets(r.Context(), actor(r), centreID, promo)
	if err != nil {
		return nil, err
	}
	var rs []document.Releve
	for _, ld := range data {
		ins, err := s.store.Inscription(r.Context(), actor(r), ld.InscriptionID)
		if err != nil {
			return nil, err
		}
		ref, err := s.store.ReferentielVersion(r.Context(), ld.VersionID)
		if err != nil {
			return nil, err
		}
		d := &dossier{Ins: ins, Ref: ref, Evals: ld.Evaluations, Projets: ld.Projets}
		d.Blocs = livret.Compute(ref, ins.BlocsVises, d.Evals, d.Projets)
		h, err := s.docHeader(r, ins)
		if err != nil {
			return nil, err
		}
		rs = append(rs, docReleve(h, d))
	}
	return rs, nil
}
