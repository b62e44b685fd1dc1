package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
)

// Correction is one correction of a candidate's identity: the changed fields' values before
// and after (personal data, kept out of the journal, whose "candidat.update" row names it).
type Correction struct {
	ID         int64
	CandidatID int64
	ActorID    int64
	At         time.Time
	Avant      map[string]any // by field name (the names UpdateCandidat journals)
	Apres      map[string]any
}

// candFieldValues are the fields of c by the names UpdateCandidat reports as changed.
func candFieldValues(c *candidat.Candidat) map[string]any {
	return map[string]any{
		"nom_naissance": c.NomNaissance, "nom_usage": c.NomUsage, "prenoms": c.Prenoms, "sexe": string(c.Sexe),
		"date_naissance": candDate(c.DateNaissance), "commune_naissance_code": c.CommuneNaissanceCode,
		"commune_naissance": c.CommuneNaissance, "pays_naissance": c.PaysNaissance, "email": c.Email,
		"telephone": c.Telephone, "adresse": c.Adresse,
	}
}

// insertCorrection records the values of fields before (old) and after (c), and returns its id.
func insertCorrection(ctx context.Context, tx *Tx, s *Store, actor account.Actor, id int64, old, c *candidat.Candidat, fields changed, now time.Time) (int64, error) {
	before, after := candFieldValues(old), candFieldValues(c)
	was, is := map[string]any{}, map[string]any{}
	for _, f := range fields {
		was[f], is[f] = before[f], after[f]
	}
	a, err := json.Marshal(was)
	if err != nil {
		return 0, err
	}
	b, err := json.Marshal(is)
	if err != nil {
		return 0, err
	}
	var corr int64
	err = tx.QueryRowContext(ctx, `INSERT INTO candidat_corrections (candidat_id, actor_id, at, avant, apres) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		id, actor.UserID, s.t(now), string(a), string(b)).Scan(&corr)
	return corr, mapErr(err)
}

// Corrections lists the corrections of candidate id's identity, oldest first.
// Who: an admin (the journal's reader). apperr.Forbidden for anyone else.
func (s *Store) Corrections(ctx context.Context, actor account.Actor, id int64) ([]Correction, error) {
	if err := access.CanAdminister(actor).Err("candidat corrections"); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT id, candidat_id, actor_id, at, avant, apres FROM candidat_corrections WHERE candidat_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("candidat %d corrections: %w", id, err)
	}
	defer rows.Close()
	out := []Correction{}
	for rows.Next() {
		var c Correction
		var a, b string
		if err := rows.Scan(&c.ID, &c.CandidatID, &c.ActorID, scanTime(&c.At), &a, &b); err != nil {
			return nil, fmt.Errorf("candidat %d corrections: %w", id, err)
		}
		if err := json.Unmarshal([]byte(a), &c.Avant); err != nil {
			return nil, fmt.Errorf("candidat %d corrections: %w", id, err)
		}
		if err := json.Unmarshal([]byte(b), &c.Apres); err != nil {
			return nil, fmt.Errorf("candidat %d corrections: %w", id, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
