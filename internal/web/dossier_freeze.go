package web

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/store"
)

// The pieces Certif produces for a formation-continue candidate (R13: the livret, the
// attestation de formation, the fiche d'appréciation de stage) are attached to the dossier as
// they stand on the day it closes, frozen, so that the jury sees what was handed in. Until
// then the page links to today's version.

// frozenDocuments are the system pieces rendered as PDF at the close, with their document's name.
var frozenDocuments = map[dossier.Kind]string{dossier.KindLivret: "livret.pdf", dossier.KindAttestationFormation: "attestation-formation.pdf"}

// FreezeDossiers attaches the missing system pieces of every closed dossier that still lacks
// them (store.DossiersToFreeze, store.SystemPiecesToFreeze), as the system; it returns how
// many pieces were frozen. A piece that cannot be produced yet (an attestation without the
// centre's numéro de déclaration) is logged and tried again at the next run; the other
// dossiers go on.
func (s *Server) FreezeDossiers(ctx context.Context) (int, error) {
	ids, err := s.store.DossiersToFreeze(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		kinds, err := s.store.SystemPiecesToFreeze(ctx, id)
		if err != nil {
			s.log.Warn("freeze dossier", "inscription", id, "err", err)
			continue
		}
		for _, k := range kinds {
			if err := s.freezePiece(ctx, id, k); err != nil {
				if ctx.Err() != nil {
					return n, ctx.Err()
				}
				s.log.Warn("freeze dossier piece", "inscription", id, "kind", k, "err", err)
				continue
			}
			n++
		}
	}
	return n, nil
}

// freezePiece produces system piece kind of inscription id as it stands now — the livret and
// the attestation rendered as PDF, the fiche de stage as the tutor handed it in (the stamped
// fiche or stamp uploaded through their link) — and stores it; the bytes are removed again
// when the store refuses them.
func (s *Server) freezePiece(ctx context.Context, id int64, kind dossier.Kind) error {
	var (
		body io.Reader
		size int64
		nom  string
		mime = mimePDF
	)
	if doc, ok := frozenDocuments[kind]; ok {
		b, v, err := s.renderDocument(ctx, account.System, nil, id, doc)
		if err != nil {
			return err
		}
		body, size, nom = bytes.NewReader(b), int64(len(b)), fmt.Sprintf("%s-%s.pdf", kind, slug(v.Ins.Candidat.NomAffiche()))
	} else {
		f, rc, err := s.ficheStageFile(ctx, id)
		if err != nil {
			return err
		}
		defer rc.Close()
		body, size, nom, mime = rc, f.Taille, "fiche-stage-"+f.Nom, f.MIME
	}
	key, n, sum, err := s.cfg.Blobs.Put(ctx, body, size+1)
	if err != nil {
		return err
	}
	f := &store.File{Nom: nom, MIME: mime, Taille: n, SHA256: sum}
	if err := s.store.FreezeSystemPiece(ctx, id, kind, f, key); err != nil {
		_ = s.cfg.Blobs.Delete(key)
		return err
	}
	return nil
}

// ficheStageFile opens the file the tutor handed in with the fiche d'appréciation of
// inscription id's internship (the company's stamp or the signed, stamped fiche).
func (s *Server) ficheStageFile(ctx context.Context, id int64) (*store.File, io.ReadCloser, error) {
	stages, err := s.store.Stages(ctx, account.System, id)
	if err != nil {
		return nil, nil, err
	}
	for _, st := range stages {
		if st.Fiche == nil || st.CachetFileID == 0 {
			continue
		}
		f, key, err := s.store.FileByID(ctx, account.System, st.CachetFileID)
		if err != nil {
			return nil, nil, err
		}
		rc, err := s.cfg.Blobs.Open(key)
		if err != nil {
			return nil, nil, err
		}
		return f, rc, nil
	}
	return nil, nil, fmt.Errorf("fiche de stage of inscription %d: %w", id, apperr.NotFound)
}
