package store

import (
	"context"
	"fmt"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
)

// PromotionDossier is one inscription of a promotion, with its candidate and its livret data:
// what the promotion's documents (the relevés des évaluations, R10) are made from.
type PromotionDossier struct {
	InscriptionRow
	Livret LivretData
}

// PromotionDossiers returns, for every inscription of PromotionLivrets (centre centreID and
// promotion, in training, not abandoned, ordered by name), the inscription with its candidate
// and its livret data; an empty slice when there is none. It reads everything in a constant
// number of queries (PromotionLivrets' and one more), whatever the size of the promotion. An
// inscription that leaves the promotion between those reads is left out.
// Errors: as PromotionLivrets.
func (s *Store) PromotionDossiers(ctx context.Context, actor account.Actor, centreID int64, promotion string) ([]PromotionDossier, error) {
	data, err := s.PromotionLivrets(ctx, actor, centreID, promotion)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return []PromotionDossier{}, nil
	}
	rows, err := s.query(ctx, candInsSelect+lvPromotionWhere, centreID, promotion, string(candidat.VAE), string(candidat.Abandon))
	if err != nil {
		return nil, fmt.Errorf("promotion of centre %d: %w", centreID, err)
	}
	defer rows.Close()
	byID := make(map[int64]InscriptionRow, len(data))
	for rows.Next() {
		r, err := candInsScan(rows)
		if err != nil {
			return nil, fmt.Errorf("promotion of centre %d: %w", centreID, err)
		}
		byID[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("promotion of centre %d: %w", centreID, err)
	}
	out := make([]PromotionDossier, 0, len(data))
	for _, d := range data {
		if r, ok := byID[d.InscriptionID]; ok {
			out = append(out, PromotionDossier{InscriptionRow: r, Livret: d})
		}
	}
	return out, nil
}
