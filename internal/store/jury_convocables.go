package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/jury"
)

// PassageRefus says, for each of inscriptionIDs, why it cannot be convoked to session
// sessionID, in the words AddPassage would refuse it with; an inscription that may be
// convoked is absent from the map. The checks are AddPassage's (jury.CheckEligible, then
// jsConvocable), so the admin's list of candidates and the refusal never disagree. Who: the
// admin. Errors: apperr.NotFound, apperr.Forbidden.
func (s *Store) PassageRefus(ctx context.Context, actor account.Actor, sessionID int64, inscriptionIDs []int64) (map[int64]string, error) {
	out := map[int64]string{}
	err := s.Transact(ctx, func(tx *Tx) error {
		js, err := s.jsAdminLoad(ctx, tx, actor, sessionID)
		if err != nil {
			return err
		}
		for _, id := range inscriptionIDs {
			ins, err := lvInscription(ctx, tx, id)
			if errors.Is(err, apperr.NotFound) {
				out[id] = msgJsIns
				continue
			} else if err != nil {
				return err
			}
			e, err := s.jsEligibility(ctx, &ins)
			if err != nil {
				return err
			}
			err = jury.CheckEligible(e)
			if err == nil {
				_, err = s.jsConvocable(ctx, tx, actor, js, &ins)
			}
			if fields := apperr.FieldErrors(err); fields["inscription_id"] != "" {
				out[id] = fields["inscription_id"]
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("passage refusals: %w", err)
	}
	return out, nil
}
