package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// French messages of the organisme form.
const (
	msgSIRETTaken         = "Un organisme avec ce SIRET existe déjà."
	msgCertificateurTaken = "Un organisme certificateur existe déjà."
	msgCertificateurOff   = "L'organisme certificateur ne peut pas être désactivé."
)

const organismeSelect = `SELECT id, nom, siret, certificateur, habilitation_formation, habilitation_evaluation, active, created_at, version, nda FROM organismes`

func scanOrganisme(sc interface{ Scan(...any) error }) (account.Organisme, error) {
	var o account.Organisme
	err := sc.Scan(&o.ID, &o.Nom, &o.SIRET, &o.Certificateur, &o.HabilitationFormation,
		&o.HabilitationEvaluation, &o.Active, scanTime(&o.CreatedAt), &o.Version, &o.NDA)
	return o, err
}

// CreateOrganisme inserts o (active), setting o.ID, o.CreatedAt and o.Active; it is audited.
// Errors: apperr.Forbidden unless actor is an admin (or the system); *apperr.Validation from
// o.Validate, on "siret" when another organisme has this SIRET, on "certificateur" when o is a
// certificateur and one exists already; apperr.Conflict when a concurrent write wins the race.
func (s *Store) CreateOrganisme(ctx context.Context, actor account.Actor, o *account.Organisme) error {
	if err := access.CanAdminister(actor).Err("create organisme"); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	now := s.nowUTC()
	err := s.Transact(ctx, func(tx *Tx) error {
		v := apperr.NewValidation()
		if taken, err := exists(ctx, tx, `SELECT 1 FROM organismes WHERE siret = ?`, o.SIRET); err != nil {
			return err
		} else if taken {
			v.Add("siret", msgSIRETTaken)
		}
		if o.Certificateur {
			if taken, err := exists(ctx, tx, `SELECT 1 FROM organismes WHERE certificateur = ?`, true); err != nil {
				return err
			} else if taken {
				v.Add("certificateur", msgCertificateurTaken)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx,
			`INSERT INTO organismes (nom, siret, certificateur, habilitation_formation, habilitation_evaluation, active, created_at, nda)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			o.Nom, o.SIRET, o.Certificateur, o.HabilitationFormation, o.HabilitationEvaluation, true, s.t(now), o.NDA).Scan(&id)
		if err != nil {
			return mapErr(err)
		}
		o.ID, o.CreatedAt, o.Active, o.Version = id, now, true, 1
		return tx.audit(ctx, actor, "organisme.create", "organisme", id, map[string]any{
			"certificateur":           o.Certificateur,
			"habilitation_formation":  o.HabilitationFormation,
			"habilitation_evaluation": o.HabilitationEvaluation,
		})
	})
	if err != nil {
		return fmt.Errorf("create organisme: %w", err)
	}
	return nil
}

// UpdateOrganisme saves o's nom, SIRET, NDA, habilitations and active flag (Certificateur cannot
// change: o.Certificateur and o.CreatedAt are reset to the stored values); it is audited when
// something changed. Errors: apperr.Forbidden unless actor is an admin; apperr.NotFound when
// o.ID does not exist; *apperr.Validation from o.Validate, on "siret" when another organisme
// has this SIRET, on "active" when deactivating the certificateur; a *StaleError
// (apperr.Conflict) when o.Version is no longer the stored version (on success it is the new
// one).
func (s *Store) UpdateOrganisme(ctx context.Context, actor account.Actor, o *account.Organisme) error {
	if err := access.CanAdminister(actor).Err(fmt.Sprintf("update organisme %d", o.ID)); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		old, err := scanOrganisme(tx.QueryRowContext(ctx, organismeSelect+` WHERE id = ?`, o.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound
		}
		if err != nil {
			return err
		}
		o.Certificateur, o.CreatedAt = old.Certificateur, old.CreatedAt
		v := apperr.NewValidation()
		if taken, err := exists(ctx, tx, `SELECT 1 FROM organismes WHERE siret = ? AND id <> ?`, o.SIRET, o.ID); err != nil {
			return err
		} else if taken {
			v.Add("siret", msgSIRETTaken)
		}
		if o.Certificateur && !o.Active {
			v.Add("active", msgCertificateurOff)
		}
		if err := v.Err(); err != nil {
			return err
		}
		var fields changed
		fields.add("nom", o.Nom != old.Nom)
		fields.add("siret", o.SIRET != old.SIRET)
		fields.add("habilitation_formation", o.HabilitationFormation != old.HabilitationFormation)
		fields.add("habilitation_evaluation", o.HabilitationEvaluation != old.HabilitationEvaluation)
		fields.add("active", o.Active != old.Active)
		fields.add("nda", o.NDA != old.NDA)
		if len(fields) == 0 {
			return tx.checkVersion(ctx, "organismes", o.ID, o.Version)
		}
		if err := tx.updateVersioned(ctx, "organismes", o.ID, o.Version,
			`nom = ?, siret = ?, habilitation_formation = ?, habilitation_evaluation = ?, active = ?, nda = ?`,
			o.Nom, o.SIRET, o.HabilitationFormation, o.HabilitationEvaluation, o.Active, o.NDA); err != nil {
			return err
		}
		o.Version++
		return tx.audit(ctx, actor, "organisme.update", "organisme", o.ID, map[string]any{"fields": fields})
	})
	if err != nil {
		return fmt.Errorf("update organisme %d: %w", o.ID, err)
	}
	return nil
}

// Organisme returns organisme id. An admin sees any; a referent or formateur sees only their
// own centre; anyone else sees none. apperr.NotFound when it does not exist or the actor may
// not see it (its existence is never revealed).
func (s *Store) Organisme(ctx context.Context, actor account.Actor, id int64) (*account.Organisme, error) {
	if err := access.CanReadCentre(actor, access.Centre{ID: id}).Err(fmt.Sprintf("organisme %d", id)); err != nil {
		return nil, err
	}
	o, err := scanOrganisme(s.queryRow(ctx, organismeSelect+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("organisme %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("organisme %d: %w", id, err)
	}
	return &o, nil
}

// Organismes lists the organismes the actor may see: all for an admin (the certificateur
// first, then by nom), their own centre for a referent or formateur, none for anyone else
// (an empty slice, not an error).
func (s *Store) Organismes(ctx context.Context, actor account.Actor) ([]account.Organisme, error) {
	where, args := scopeCentres(actor)
	rows, err := s.query(ctx, organismeSelect+` WHERE `+where+` ORDER BY certificateur DESC, nom, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("organismes: %w", err)
	}
	defer rows.Close()
	out := []account.Organisme{}
	for rows.Next() {
		o, err := scanOrganisme(rows)
		if err != nil {
			return nil, fmt.Errorf("organismes: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("organismes: %w", err)
	}
	return out, nil
}

// exists reports whether query (a SELECT 1 …) returns a row.
func exists(ctx context.Context, q querier, query string, args ...any) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, query+` LIMIT 1`, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
