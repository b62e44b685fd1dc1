package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

// Enregistrement returns the RNCP registration of certification certID (public data).
// apperr.NotFound when the certification does not exist.
func (s *Store) Enregistrement(ctx context.Context, certID int64) (*referentiel.Enregistrement, error) {
	return s.enregistrement(ctx, nil, certID)
}

func (s *Store) enregistrement(ctx context.Context, tx *Tx, certID int64) (*referentiel.Enregistrement, error) {
	e := &referentiel.Enregistrement{CertificationID: certID}
	var debut, fin string
	err := s.q(tx).QueryRowContext(ctx, `SELECT rncp, niveau, date_enregistrement, date_fin_validite, mentions, version
		FROM certifications WHERE id = ?`, certID).Scan(&e.RNCP, &e.Niveau, &debut, &fin, &e.Mentions, &e.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("certification %d: %w", certID, apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("certification %d: %w", certID, err)
	}
	e.DateEnregistrement, _ = time.Parse(time.DateOnly, debut) // '' reads as zero
	e.FinValidite, _ = time.Parse(time.DateOnly, fin)
	return e, nil
}

// regDate stores an optional date: YYYY-MM-DD, ” for none.
func regDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// UpdateEnregistrement saves e (RNCP number, niveau, dates, mentions) as the registration of
// certification e.CertificationID, provided e.Version is the stored version; it is journalled
// ("certification.update" with the names of the fields changed) and nothing is written when
// nothing changed. A later import of the référentiel keeps these values.
//
// Errors: apperr.Forbidden unless actor is an admin; *apperr.Validation from e.Validate;
// apperr.NotFound when the certification does not exist; a *StaleError (apperr.Conflict)
// when e.Version is no longer the stored version. On success e.Version is the new version.
func (s *Store) UpdateEnregistrement(ctx context.Context, actor account.Actor, e *referentiel.Enregistrement) error {
	if err := access.CanAdminister(actor).Err("update enregistrement"); err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		old, err := s.enregistrement(ctx, tx, e.CertificationID)
		if err != nil {
			return err
		}
		var fields changed
		fields.add("rncp", e.RNCP != old.RNCP)
		fields.add("niveau", e.Niveau != old.Niveau)
		fields.add("date_enregistrement", !e.DateEnregistrement.Equal(old.DateEnregistrement))
		fields.add("date_fin_validite", !e.FinValidite.Equal(old.FinValidite))
		fields.add("mentions", e.Mentions != old.Mentions)
		if len(fields) == 0 {
			return tx.checkVersion(ctx, "certifications", e.CertificationID, e.Version)
		}
		if err := tx.updateVersioned(ctx, "certifications", e.CertificationID, e.Version,
			`rncp = ?, niveau = ?, date_enregistrement = ?, date_fin_validite = ?, mentions = ?`,
			e.RNCP, e.Niveau, regDate(e.DateEnregistrement), regDate(e.FinValidite), e.Mentions); err != nil {
			return err
		}
		e.Version++
		return tx.audit(ctx, actor, "certification.update", "certification", e.CertificationID, map[string]any{"fields": fields})
	})
	if err != nil {
		return fmt.Errorf("update enregistrement %d: %w", e.CertificationID, err)
	}
	s.refs.mu.Lock()
	delete(s.refs.active, e.CertificationID)
	s.refs.list = nil
	s.refs.mu.Unlock()
	return nil
}
