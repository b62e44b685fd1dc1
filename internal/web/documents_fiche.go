package web

import (
	"context"
	"fmt"
	"io"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/document"
	"github.com/certif/certif/internal/edition"
	"github.com/certif/certif/internal/store"
)

// maxStampBytes bounds the company stamp read into the fiche's PDF (uploads are capped far
// lower; a larger one is attached, not drawn).
const maxStampBytes = 8 << 20

// docFiche assembles the fiche d'appréciation de stage of the dossier ed as actor a reads it:
// the latest internship whose tutor filled the fiche, its appreciations in the référentiel's
// order, and the company's stamp when it is an image. apperr.NotFound when no fiche was filled.
func (s *Server) docFiche(ctx context.Context, a account.Actor, h document.Header, ed *edition.Dossier) (document.FicheStage, error) {
	f := document.FicheStage{Header: h, Candidat: edition.Candidat(ed.Candidat, ed.Inscription, ed.Ref)}
	stages, err := s.store.Stages(ctx, a, ed.Inscription.ID)
	if err != nil {
		return f, err
	}
	var st *store.Stage
	for i := range stages {
		if stages[i].Fiche != nil && (st == nil || stages[i].FicheRemplieLe.After(st.FicheRemplieLe)) {
			st = &stages[i]
		}
	}
	if st == nil {
		return f, fmt.Errorf("fiche de stage of inscription %d: %w", ed.Inscription.ID, apperr.NotFound)
	}
	f.Entreprise, f.EntrepriseSIRET, f.Tuteur = st.Entreprise, st.EntrepriseSIRET, st.TuteurNom
	f.Debut, f.Fin, f.RemplieLe = st.Debut, st.Fin, st.FicheRemplieLe
	f.Commentaire, f.Signataire, f.Fonction = st.Fiche.CommentaireGeneral, st.Fiche.Signataire, st.Fiche.Fonction
	for _, b := range ed.Ref.Blocs {
		for _, c := range b.Competences {
			if ap, ok := st.Fiche.Appreciations[c.Code]; ok {
				f.Appreciations = append(f.Appreciations, document.AppreciationLine{Code: c.Code, Intitule: c.Intitule,
					Niveau: s.tr.T("fr", "stage.niveau."+ap.Niveau), Commentaire: ap.Commentaire})
			}
		}
	}
	if st.CachetFileID != 0 {
		if meta, key, err := s.store.FileByID(ctx, a, st.CachetFileID); err == nil && meta.MIME != mimePDF {
			if rc, err := s.cfg.Blobs.Open(key); err == nil {
				f.Cachet, _ = io.ReadAll(io.LimitReader(rc, maxStampBytes))
				rc.Close()
			}
		}
	}
	return f, nil
}
