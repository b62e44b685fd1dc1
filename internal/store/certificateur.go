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

// OwnerCertificateur owns the certificateur's logo: readable by anyone signed in (it is
// printed on every document), attached to the certificateur's organisme id.
const OwnerCertificateur = "certificateur"

const certificateurSelect = `SELECT o.id, o.nom, o.siret, o.certificateur, o.habilitation_formation, o.habilitation_evaluation,
	o.active, o.created_at, o.version, COALESCE(p.adresse, ''), COALESCE(p.signataire_nom, ''),
	COALESCE(p.signataire_qualite, ''), COALESCE(p.logo_file_id, 0)
	FROM organismes o LEFT JOIN certificateur_profils p ON p.organisme_id = o.id WHERE o.certificateur = ?`

// Certificateur returns the certificateur with its address, signatory and logo (their names
// are printed on public documents: no actor is needed). apperr.NotFound when none was named
// yet (a fresh install).
func (s *Store) Certificateur(ctx context.Context) (*account.Certificateur, error) {
	return s.certificateur(ctx, nil)
}

func (s *Store) certificateur(ctx context.Context, tx *Tx) (*account.Certificateur, error) {
	var c account.Certificateur
	o := &c.Organisme
	err := s.q(tx).QueryRowContext(ctx, certificateurSelect, true).Scan(&o.ID, &o.Nom, &o.SIRET, &o.Certificateur,
		&o.HabilitationFormation, &o.HabilitationEvaluation, &o.Active, scanTime(&o.CreatedAt), &o.Version,
		&c.Adresse, &c.SignataireNom, &c.SignataireQualite, &c.LogoFileID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("certificateur: %w", apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("certificateur: %w", err)
	}
	return &c, nil
}

// SaveCertificateur names the certificateur: when none exists it is created (an active
// organisme, habilitated to train and evaluate) with c's fields; otherwise the existing one's
// nom, SIRET, address and signatory are replaced (c.ID, c.LogoFileID and the flags are reset
// to the stored values), provided c.Version is the stored version. It is journalled
// ("organisme.create" or "organisme.update", with the names of the fields changed).
//
// Errors: apperr.Forbidden unless actor is an admin; *apperr.Validation from c.Validate, on
// "siret" when another organisme has this SIRET; a *StaleError (apperr.Conflict) when
// c.Version is no longer the stored version. On success c is the stored record (new version).
func (s *Store) SaveCertificateur(ctx context.Context, actor account.Actor, c *account.Certificateur) error {
	return s.SaveCertificateurLogo(ctx, actor, c, 0)
}

// SaveCertificateurLogo is SaveCertificateur that also makes file logoFileID (when not 0: an
// unattached file of owner kind OwnerCertificateur that actor uploaded, see SaveFile) the
// logo, in the same transaction: one save, one version, one journal entry (field "logo" and
// "file_id" among the changes). The previous logo is detached (the sweeper collects it).
//
// Errors: SaveCertificateur's, and a *apperr.Validation on "logo" when the file is not such a file.
func (s *Store) SaveCertificateurLogo(ctx context.Context, actor account.Actor, c *account.Certificateur, logoFileID int64) error {
	if err := access.CanAdminister(actor).Err("save certificateur"); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		old, err := s.certificateur(ctx, tx)
		if errors.Is(err, apperr.NotFound) {
			return s.createCertificateur(ctx, tx, actor, c, logoFileID)
		}
		if err != nil {
			return err
		}
		c.ID, c.LogoFileID, c.CreatedAt = old.ID, old.LogoFileID, old.CreatedAt
		c.Certificateur, c.Active = true, true
		c.HabilitationFormation, c.HabilitationEvaluation = old.HabilitationFormation, old.HabilitationEvaluation
		if taken, err := exists(ctx, tx, `SELECT 1 FROM organismes WHERE siret = ? AND id <> ?`, c.SIRET, c.ID); err != nil {
			return err
		} else if taken {
			return fieldErr("siret", msgSIRETTaken)
		}
		var fields changed
		fields.add("nom", c.Nom != old.Nom)
		fields.add("siret", c.SIRET != old.SIRET)
		fields.add("adresse", c.Adresse != old.Adresse)
		fields.add("signataire_nom", c.SignataireNom != old.SignataireNom)
		fields.add("signataire_qualite", c.SignataireQualite != old.SignataireQualite)
		fields.add("logo", logoFileID != 0)
		if len(fields) == 0 {
			return tx.checkVersion(ctx, "organismes", c.ID, c.Version)
		}
		if err := tx.updateVersioned(ctx, "organismes", c.ID, c.Version, `nom = ?, siret = ?`, c.Nom, c.SIRET); err != nil {
			return err
		}
		c.Version++
		if err := upsertProfil(ctx, tx, c); err != nil {
			return err
		}
		detail := map[string]any{"certificateur": true, "fields": fields}
		if logoFileID != 0 {
			if err := setLogo(ctx, tx, actor, c, logoFileID); err != nil {
				return err
			}
			detail["file_id"] = logoFileID
		}
		return tx.audit(ctx, actor, "organisme.update", "organisme", c.ID, detail)
	})
	if err != nil {
		return fmt.Errorf("save certificateur: %w", err)
	}
	return nil
}

func (s *Store) createCertificateur(ctx context.Context, tx *Tx, actor account.Actor, c *account.Certificateur, logoFileID int64) error {
	if taken, err := exists(ctx, tx, `SELECT 1 FROM organismes WHERE siret = ?`, c.SIRET); err != nil {
		return err
	} else if taken {
		return fieldErr("siret", msgSIRETTaken)
	}
	now := s.nowUTC()
	err := tx.QueryRowContext(ctx,
		`INSERT INTO organismes (nom, siret, certificateur, habilitation_formation, habilitation_evaluation, active, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Nom, c.SIRET, true, true, true, true, s.t(now)).Scan(&c.ID)
	if err != nil {
		return mapErr(err)
	}
	c.CreatedAt, c.Version, c.LogoFileID = now, 1, 0
	c.Certificateur, c.Active, c.HabilitationFormation, c.HabilitationEvaluation = true, true, true, true
	if err := upsertProfil(ctx, tx, c); err != nil {
		return err
	}
	detail := map[string]any{"certificateur": true}
	if logoFileID != 0 {
		if err := setLogo(ctx, tx, actor, c, logoFileID); err != nil {
			return err
		}
		detail["file_id"] = logoFileID
	}
	return tx.audit(ctx, actor, "organisme.create", "organisme", c.ID, detail)
}

// setLogo makes file fileID (an unattached file of owner kind OwnerCertificateur that actor
// uploaded) the logo of certificateur c, whose profile row exists; c.LogoFileID, the previous
// logo, is detached. The caller moves the version and journals.
func setLogo(ctx context.Context, tx *Tx, actor account.Actor, c *account.Certificateur, fileID int64) error {
	if free, err := fileFree(ctx, tx, fileID, pendingFile{kind: OwnerCertificateur, uploader: actor.UserID}); err != nil {
		return err
	} else if !free {
		return fieldErr("logo", "Ce fichier ne peut pas servir de logo.")
	}
	if err := attachFile(ctx, tx, fileID, OwnerCertificateur, c.ID); err != nil {
		return err
	}
	if c.LogoFileID != 0 && c.LogoFileID != fileID {
		if _, err := tx.ExecContext(ctx, `UPDATE files SET attached = ? WHERE id = ? AND owner_kind = ?`,
			false, c.LogoFileID, OwnerCertificateur); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE certificateur_profils SET logo_file_id = ? WHERE organisme_id = ?`, fileID, c.ID); err != nil {
		return err
	}
	c.LogoFileID = fileID
	return nil
}

// upsertProfil writes the address and signatory of c (its logo is SetCertificateurLogo's).
func upsertProfil(ctx context.Context, tx *Tx, c *account.Certificateur) error {
	res, err := tx.ExecContext(ctx, `UPDATE certificateur_profils SET adresse = ?, signataire_nom = ?, signataire_qualite = ? WHERE organisme_id = ?`,
		c.Adresse, c.SignataireNom, c.SignataireQualite, c.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO certificateur_profils (organisme_id, adresse, signataire_nom, signataire_qualite) VALUES (?, ?, ?, ?)`,
		c.ID, c.Adresse, c.SignataireNom, c.SignataireQualite)
	return mapErr(err)
}

// SetCertificateurLogo makes file fileID (an unattached file of owner kind OwnerCertificateur
// that actor uploaded, see SaveFile) the certificateur's logo; the previous logo is detached
// (the sweeper collects it). version is the certificateur's version read; it moves on. It is
// journalled ("organisme.update", field "logo").
//
// Errors: apperr.Forbidden unless actor is an admin; *apperr.Validation on "logo" when no
// certificateur was named yet or the file is not such a file; a *StaleError when version is
// no longer the stored version. It returns the new version.
func (s *Store) SetCertificateurLogo(ctx context.Context, actor account.Actor, fileID, version int64) (int64, error) {
	if err := access.CanAdminister(actor).Err("set certificateur logo"); err != nil {
		return 0, err
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		c, err := s.certificateur(ctx, tx)
		if errors.Is(err, apperr.NotFound) {
			return fieldErr("logo", "Enregistrez d'abord le nom et le SIRET du certificateur.")
		}
		if err != nil {
			return err
		}
		if free, err := fileFree(ctx, tx, fileID, pendingFile{kind: OwnerCertificateur, uploader: actor.UserID}); err != nil {
			return err
		} else if !free {
			return fieldErr("logo", "Ce fichier ne peut pas servir de logo.")
		}
		if err := tx.updateVersioned(ctx, "organismes", c.ID, version, `nom = nom`); err != nil {
			return err
		}
		if err := upsertProfil(ctx, tx, c); err != nil {
			return err
		}
		if err := setLogo(ctx, tx, actor, c, fileID); err != nil {
			return err
		}
		version++
		return tx.audit(ctx, actor, "organisme.update", "organisme", c.ID, map[string]any{"certificateur": true, "fields": []string{"logo"}, "file_id": fileID})
	})
	if err != nil {
		return 0, fmt.Errorf("set certificateur logo: %w", err)
	}
	return version, nil
}

// certificateurLogoReadable is the read rule of OwnerCertificateur files: the logo of the
// certificateur organisme id, readable by anyone signed in.
func certificateurLogoReadable(ctx context.Context, q querier, actor account.Actor, id int64) error {
	if actor.UserID == 0 && actor.Role == "" {
		return apperr.NotFound
	}
	var one int
	return q.QueryRowContext(ctx, `SELECT 1 FROM organismes WHERE id = ? AND certificateur = ?`, id, true).Scan(&one)
}

// CertificateurLogo returns the metadata and storage key of the certificateur's logo, for the
// documents (read as the system). apperr.NotFound when there is no logo.
func (s *Store) CertificateurLogo(ctx context.Context) (*File, string, error) {
	c, err := s.certificateur(ctx, nil)
	if err != nil {
		return nil, "", err
	}
	if c.LogoFileID == 0 {
		return nil, "", fmt.Errorf("certificateur logo: %w", apperr.NotFound)
	}
	f, key, err := lvScanFile(s.queryRow(ctx, lvFileSelect+` WHERE f.id = ? AND f.attached = ?`, c.LogoFileID, true))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("certificateur logo: %w", apperr.NotFound)
	}
	if err != nil {
		return nil, "", fmt.Errorf("certificateur logo: %w", err)
	}
	return &f, key, nil
}

// fieldErr is a *apperr.Validation with one problem.
func fieldErr(field, msg string) error {
	v := apperr.NewValidation()
	v.Add(field, msg)
	return v
}
