package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
)

// French messages of the training plan forms.
const (
	msgLvModuleInconnu = "Module introuvable pour ce centre et cette certification."
	msgLvModuleInactif = "Ce module est désactivé."
)

const (
	lvModuleCols   = `id, centre_id, intitule, heures, competences, active, version`
	lvModuleSelect = `SELECT ` + lvModuleCols + ` FROM modules`
)

func lvScanModule(sc interface{ Scan(...any) error }, extra ...any) (candidat.Module, error) {
	var m candidat.Module
	var comps string
	if err := sc.Scan(append([]any{&m.ID, &m.CentreID, &m.Intitule, &m.Heures, &comps, &m.Active, &m.Version}, extra...)...); err != nil {
		return m, err
	}
	var err error
	if m.Competences, err = lvStrings(comps); err != nil {
		return m, fmt.Errorf("module %d: competences: %w", m.ID, err)
	}
	return m, nil
}

// lvManagesCentre reports whether actor may write the training catalogue of centreID: an admin,
// or the référent of that centre.
func lvManagesCentre(actor account.Actor, centreID int64) bool {
	return access.CanManageCentre(actor, access.Centre{ID: centreID}) == access.Allow
}

// lvStaffOf reports whether actor may read the catalogue of centreID: an admin, or its staff.
func lvStaffOf(actor account.Actor, centreID int64) bool {
	return access.CanReadCentre(actor, access.Centre{ID: centreID}) == access.Allow
}

// CreateModule adds training module m of centre m.CentreID for certification certID (active),
// setting m.ID and m.Active; it is audited. A référent always creates in their own centre
// (m.CentreID is forced to it); an admin names the centre.
//
// Errors: apperr.Forbidden unless actor is an admin or a référent; apperr.NotFound when the
// certification does not exist; *apperr.Validation from m.Validate (against the active
// référentiel of certID), and on "centre" when the centre is unknown, inactive or the
// certificateur.
func (s *Store) CreateModule(ctx context.Context, actor account.Actor, certID int64, m *candidat.Module) error {
	if !access.MayHold(access.KindCentre, actor, access.Manage) {
		return fmt.Errorf("create module: %w", apperr.Forbidden)
	}
	if !actor.IsAdmin() {
		m.CentreID = actor.CentreID
	}
	_, ref, err := s.ActiveReferentiel(ctx, certID)
	if err != nil {
		return fmt.Errorf("create module: %w", err)
	}
	v := apperr.NewValidation()
	if err := m.Validate(ref); err != nil && !errors.As(err, &v) {
		return fmt.Errorf("create module: %w", err)
	}
	now := s.nowUTC()
	err = s.Transact(ctx, func(tx *Tx) error {
		if m.CentreID == 0 {
			v.Add("centre", "Choisissez le centre.")
		} else if err := checkCentre(ctx, tx, m.CentreID, v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx,
			`INSERT INTO modules (centre_id, certification_id, intitule, heures, competences, active, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.CentreID, certID, m.Intitule, m.Heures, lvJSON(m.Competences), true, s.t(now), s.t(now)).Scan(&id)
		if err != nil {
			return mapErr(err)
		}
		m.ID, m.Active, m.Version = id, true, 1
		return tx.audit(ctx, actor, "module.create", "module", id, map[string]any{
			"centre_id": m.CentreID, "certification_id": certID, "competences": m.Competences,
		})
	})
	if err != nil {
		return fmt.Errorf("create module: %w", err)
	}
	return nil
}

// UpdateModule saves m's intitulé, hours, compétences and active flag (a module never changes
// centre or certification: m.CentreID is reset to the stored value), m.Version being the
// version read; it is audited when something changed, and m.Version is then the new version.
//
// Errors: apperr.NotFound when the module does not exist or belongs to another centre than
// the actor's; apperr.Forbidden for a formateur of its centre or any other role;
// *apperr.Validation from m.Validate against the active référentiel of its certification; a
// *StaleError (apperr.Conflict) when m.Version is no longer the stored version.
func (s *Store) UpdateModule(ctx context.Context, actor account.Actor, m *candidat.Module) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		var certID int64
		old, err := lvScanModule(tx.QueryRowContext(ctx, `SELECT `+lvModuleCols+`, certification_id FROM modules WHERE id = ?`, m.ID), &certID)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && !lvStaffOf(actor, old.CentreID)):
			return apperr.NotFound
		case err != nil:
			return err
		case !lvManagesCentre(actor, old.CentreID):
			return apperr.Forbidden
		}
		m.CentreID = old.CentreID
		_, ref, err := s.ActiveReferentiel(ctx, certID)
		if err != nil {
			return err
		}
		if err := m.Validate(ref); err != nil {
			return err
		}
		var fields changed
		fields.add("intitule", m.Intitule != old.Intitule)
		fields.add("heures", m.Heures != old.Heures)
		fields.add("competences", !slices.Equal(m.Competences, old.Competences))
		fields.add("active", m.Active != old.Active)
		if len(fields) == 0 {
			return tx.checkVersion(ctx, "modules", m.ID, m.Version)
		}
		if err := tx.updateVersioned(ctx, "modules", m.ID, m.Version,
			`intitule = ?, heures = ?, competences = ?, active = ?, updated_at = ?`,
			m.Intitule, m.Heures, lvJSON(m.Competences), m.Active, s.t(s.nowUTC())); err != nil {
			return err
		}
		m.Version++
		return tx.audit(ctx, actor, "module.update", "module", m.ID, map[string]any{"fields": fields})
	})
	if err != nil {
		return fmt.Errorf("update module %d: %w", m.ID, err)
	}
	return nil
}

// Modules lists the training modules of centre centreID, active or not, by intitulé; an empty
// slice when there is none.
// Errors: apperr.NotFound unless actor is an admin or staff (référent, formateur) of that centre.
func (s *Store) Modules(ctx context.Context, actor account.Actor, centreID int64) ([]candidat.Module, error) {
	if !lvStaffOf(actor, centreID) {
		return nil, fmt.Errorf("modules of centre %d: %w", centreID, apperr.NotFound)
	}
	rows, err := s.query(ctx, lvModuleSelect+` WHERE centre_id = ? ORDER BY intitule, id`, centreID)
	if err != nil {
		return nil, fmt.Errorf("modules of centre %d: %w", centreID, err)
	}
	defer rows.Close()
	out := []candidat.Module{}
	for rows.Next() {
		m, err := lvScanModule(rows)
		if err != nil {
			return nil, fmt.Errorf("modules of centre %d: %w", centreID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("modules of centre %d: %w", centreID, err)
	}
	return out, nil
}

// SeanceRow is a séance of a candidate's planning with its module's intitulé and compétences.
type SeanceRow struct {
	candidat.Seance
	Module      string
	Competences []string
}

// AddSeance adds séance se to the planning of inscription se.InscriptionID, setting se.ID; it
// is audited.
//
// Who: a formateur or the référent of the inscription's centre, or an admin.
// Errors: apperr.NotFound when the inscription does not exist or the actor may not see it;
// apperr.Forbidden for the candidate; an error wrapping candidat.ErrVAE for a VAE inscription;
// *apperr.Validation from se.Validate, and on "module" when the module is not an active module
// of the inscription's centre and certification.
func (s *Store) AddSeance(ctx context.Context, actor account.Actor, se *candidat.Seance) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		ins, err := lvLoad(ctx, tx, actor, se.InscriptionID, lvStaff, true)
		if err != nil {
			return err
		}
		if err := lvCheckSeance(ctx, tx, &ins, se, 0); err != nil {
			return err
		}
		now := s.nowUTC()
		var id int64
		err = tx.QueryRowContext(ctx,
			`INSERT INTO seances (inscription_id, module_id, debut, fin, heures_prevues, heures_realisees, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ins.ID, se.ModuleID, se.Debut.Format(time.DateOnly), se.Fin.Format(time.DateOnly),
			se.HeuresPrevues, se.HeuresRealisees, s.t(now), s.t(now)).Scan(&id)
		if err != nil {
			return mapErr(err)
		}
		se.ID, se.Version = id, 1
		return tx.audit(ctx, actor, "seance.add", "seance", id, map[string]any{"inscription_id": ins.ID, "module_id": se.ModuleID})
	})
	if err != nil {
		return fmt.Errorf("add seance: %w", err)
	}
	return nil
}

// lvCheckSeance validates se for ins; a module that is inactive is accepted only when it is
// keptModule (the séance's current module).
func lvCheckSeance(ctx context.Context, tx *Tx, ins *lvIns, se *candidat.Seance, keptModule int64) error {
	// A promotion planning of the same centre reads the plannings it checks after this lock.
	if err := tx.planLock(ctx, ins.CentreID); err != nil {
		return err
	}
	v := apperr.NewValidation()
	if err := se.Validate(); err != nil && !errors.As(err, &v) {
		return err
	}
	se.Debut, se.Fin = lvDay(se.Debut), lvDay(se.Fin)
	if se.ModuleID != 0 {
		var active bool
		err := tx.QueryRowContext(ctx, `SELECT active FROM modules WHERE id = ? AND centre_id = ? AND certification_id = ?`,
			se.ModuleID, ins.CentreID, ins.CertificationID).Scan(&active)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v.Add("module", msgLvModuleInconnu)
		case err != nil:
			return err
		case !active && se.ModuleID != keptModule:
			v.Add("module", msgLvModuleInactif)
		}
	}
	return v.Err()
}

// lvSeance reads the module of séance id of inscription insID (the parent named by the route:
// a séance of another inscription is NotFound) and checks the actor's access to it.
func lvSeance(ctx context.Context, tx *Tx, actor account.Actor, insID, id int64) (lvIns, int64, error) {
	var moduleID int64
	err := tx.QueryRowContext(ctx, `SELECT module_id FROM seances WHERE id = ? AND inscription_id = ?`, id, insID).Scan(&moduleID)
	if errors.Is(err, sql.ErrNoRows) {
		return lvIns{}, 0, fmt.Errorf("seance %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return lvIns{}, 0, err
	}
	ins, err := lvLoad(ctx, tx, actor, insID, lvStaff, true)
	if errors.Is(err, apperr.NotFound) {
		err = fmt.Errorf("seance %d: %w", id, apperr.NotFound)
	}
	return ins, moduleID, err
}

// UpdateSeance saves se's module, dates and hours, se.ID being a séance of inscription
// se.InscriptionID (a séance never changes inscription) and se.Version the version read; it
// is audited when something changed, and se.Version is then the new version.
//
// Who and errors: as AddSeance, with apperr.NotFound when the séance does not exist, is not
// one of se.InscriptionID or the actor may not see it; a *StaleError (apperr.Conflict) when
// se.Version is no longer the stored version; a module that has since been deactivated may
// be kept.
func (s *Store) UpdateSeance(ctx context.Context, actor account.Actor, se *candidat.Seance) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		ins, moduleID, err := lvSeance(ctx, tx, actor, se.InscriptionID, se.ID)
		if err != nil {
			return err
		}
		se.InscriptionID = ins.ID
		var old candidat.Seance
		var debut, fin string
		if err := tx.QueryRowContext(ctx, `SELECT debut, fin, heures_prevues, heures_realisees FROM seances WHERE id = ?`, se.ID).
			Scan(&debut, &fin, &old.HeuresPrevues, &old.HeuresRealisees); err != nil {
			return err
		}
		if err := lvCheckSeance(ctx, tx, &ins, se, moduleID); err != nil {
			return err
		}
		var fields changed
		fields.add("module", se.ModuleID != moduleID)
		fields.add("debut", se.Debut.Format(time.DateOnly) != debut)
		fields.add("fin", se.Fin.Format(time.DateOnly) != fin)
		fields.add("heures_prevues", se.HeuresPrevues != old.HeuresPrevues)
		fields.add("heures_realisees", se.HeuresRealisees != old.HeuresRealisees)
		if len(fields) == 0 {
			return tx.checkVersion(ctx, "seances", se.ID, se.Version)
		}
		if err := tx.updateVersioned(ctx, "seances", se.ID, se.Version,
			`module_id = ?, debut = ?, fin = ?, heures_prevues = ?, heures_realisees = ?, updated_at = ?`,
			se.ModuleID, se.Debut.Format(time.DateOnly), se.Fin.Format(time.DateOnly), se.HeuresPrevues, se.HeuresRealisees,
			s.t(s.nowUTC())); err != nil {
			return err
		}
		se.Version++
		return tx.audit(ctx, actor, "seance.update", "seance", se.ID, map[string]any{
			"inscription_id": ins.ID, "module_id": se.ModuleID, "fields": fields,
		})
	})
	if err != nil {
		return fmt.Errorf("update seance %d: %w", se.ID, err)
	}
	return nil
}

// DeleteSeance removes séance id of inscription inscriptionID from its planning; it is
// audited. Who and errors: as UpdateSeance (no version: a deletion wins).
func (s *Store) DeleteSeance(ctx context.Context, actor account.Actor, inscriptionID, id int64) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		ins, moduleID, err := lvSeance(ctx, tx, actor, inscriptionID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM seances WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.audit(ctx, actor, "seance.delete", "seance", id, map[string]any{"inscription_id": ins.ID, "module_id": moduleID})
	})
	if err != nil {
		return fmt.Errorf("delete seance %d: %w", id, err)
	}
	return nil
}

// Seances returns the planning of inscription inscriptionID ordered by start date (then id),
// each séance with its module's intitulé and compétences; an empty slice when there is none.
//
// Who: an admin, the staff of the inscription's centre, the candidate themself.
// Errors: apperr.NotFound when the inscription does not exist or the actor may not see it; an
// error wrapping candidat.ErrVAE for a VAE inscription.
func (s *Store) Seances(ctx context.Context, actor account.Actor, inscriptionID int64) ([]SeanceRow, error) {
	if _, err := lvLoad(ctx, s.q(nil), actor, inscriptionID, lvReader, true); err != nil {
		return nil, fmt.Errorf("seances: %w", err)
	}
	rows, err := s.query(ctx,
		`SELECT se.id, se.inscription_id, se.module_id, se.debut, se.fin, se.heures_prevues, se.heures_realisees, se.version, m.intitule, m.competences
		 FROM seances se JOIN modules m ON m.id = se.module_id WHERE se.inscription_id = ? ORDER BY se.debut, se.id`, inscriptionID)
	if err != nil {
		return nil, fmt.Errorf("seances of inscription %d: %w", inscriptionID, err)
	}
	defer rows.Close()
	out := []SeanceRow{}
	for rows.Next() {
		var r SeanceRow
		var debut, fin, comps string
		if err := rows.Scan(&r.ID, &r.InscriptionID, &r.ModuleID, &debut, &fin, &r.HeuresPrevues, &r.HeuresRealisees, &r.Version, &r.Module, &comps); err != nil {
			return nil, fmt.Errorf("seances of inscription %d: %w", inscriptionID, err)
		}
		if r.Debut, err = lvParseDate(debut); err == nil {
			if r.Fin, err = lvParseDate(fin); err == nil {
				r.Competences, err = lvStrings(comps)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("seances of inscription %d: %w", inscriptionID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("seances of inscription %d: %w", inscriptionID, err)
	}
	return out, nil
}
