package web

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/store"
)

// The pieces Certif produces for a formation-continue candidate (R13: the livret, the
// attestation de formation, the fiche d'appréciation de stage) are attached to the dossier as
// they stand on the day it closes, frozen, so that the jury sees what was handed in. Until
// then the page links to today's version.

// frozenDocuments are the system pieces, each with the document rendered at the close.
var frozenDocuments = map[dossier.Kind]string{dossier.KindLivret: "livret.pdf",
	dossier.KindAttestationFormation: "attestation-formation.pdf", dossier.KindFicheStage: "fiche-stage.pdf"}

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

// freezePiece renders system piece kind of inscription id as it stands now and stores it;
// the bytes are removed again when the store refuses them.
func (s *Server) freezePiece(ctx context.Context, id int64, kind dossier.Kind) error {
	doc, ok := frozenDocuments[kind]
	if !ok {
		return fmt.Errorf("freeze %s: %w", kind, apperr.NotFound)
	}
	b, v, err := s.renderDocument(ctx, account.System, nil, id, doc)
	if err != nil {
		return err
	}
	key, size, sum, err := s.cfg.Blobs.Put(ctx, bytes.NewReader(b), int64(len(b))+1)
	if err != nil {
		return err
	}
	f := &store.File{Nom: fmt.Sprintf("%s-%s.pdf", strings.TrimSuffix(doc, ".pdf"), slug(v.Ins.Candidat.NomAffiche())), MIME: mimePDF, Taille: size, SHA256: sum}
	if err := s.store.FreezeSystemPiece(ctx, id, kind, f, key); err != nil {
		_ = s.cfg.Blobs.Delete(key)
		return err
	}
	return nil
}
