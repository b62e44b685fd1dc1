package store

import (
	"context"
	"fmt"

	"github.com/certif/certif/internal/account"
)

// AuditDownload journals that actor downloaded file f (read with FileByID): the file's id, its
// owner kind and owner id, never its name. The web layer calls it for the dossier's pieces,
// every download of which is in the journal (issue 8).
func (s *Store) AuditDownload(ctx context.Context, actor account.Actor, f *File) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		return tx.audit(ctx, actor, "file.download", "file", f.ID, map[string]any{"owner_kind": f.OwnerKind, "owner_id": f.OwnerID})
	})
	if err != nil {
		return fmt.Errorf("audit download of file %d: %w", f.ID, err)
	}
	return nil
}

// AuditDocument journals that actor downloaded the document doc (« livret », « releve »,
// « attestation-formation », « fiche-stage ») of inscription inscriptionID, which they were
// allowed to read: the inscription's id and the document's name, no personal data.
func (s *Store) AuditDocument(ctx context.Context, actor account.Actor, inscriptionID int64, doc string) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		return tx.audit(ctx, actor, "document.download", "inscription", inscriptionID, map[string]any{"document": doc})
	})
	if err != nil {
		return fmt.Errorf("audit download of document %s of inscription %d: %w", doc, inscriptionID, err)
	}
	return nil
}
