package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certif/certif/internal/apperr"
)

// Optimistic concurrency for the records several people edit together (candidate identity,
// stages, modules, séances, centres, users; the jury's grids next): each row carries a
// version, every edit says which version it started from, and an edit of a version that is
// no longer current is refused with a *StaleError instead of silently overwriting the other
// person's change.

// StaleError is the error of an edit made on a version of a record that someone else has
// changed since. errors.Is(err, apperr.Conflict) is true. It says who made the latest
// change and when (from the journal), so that the form can be shown again with « Modifié
// entre-temps par … » beside the user's own input.
type StaleError struct {
	Entity  string    // the journal's entity name: "candidat", "stage", "module", …
	ID      int64     // the record's id
	Version int64     // the record's current version
	By      string    // display name of the author of the latest change, "" when unknown
	At      time.Time // when that change was journalled (UTC); zero when unknown
}

// Error says which record is stale, without personal data.
func (e *StaleError) Error() string {
	return fmt.Sprintf("%s %d: modified concurrently (now version %d)", e.Entity, e.ID, e.Version)
}

// Is makes errors.Is(err, apperr.Conflict) true.
func (e *StaleError) Is(target error) bool { return target == apperr.Conflict }

// versionedEntity is the journal's entity name of a versioned table (it panics on any
// other table: a programming error).
func versionedEntity(table string) string {
	switch table {
	case "candidats":
		return "candidat"
	case "stages":
		return "stage"
	case "modules":
		return "module"
	case "seances":
		return "seance"
	case "organismes":
		return "organisme"
	case "users":
		return "user"
	case "certifications":
		return "certification"
	case "inscriptions":
		return "inscription"
	case "dossier_projets":
		return "dossier_projet"
	case "jury_sessions":
		return "jury_session"
	case "passages":
		return "passage"
	}
	panic("store: " + table + " is not a versioned table")
}

// updateVersioned runs `UPDATE table SET set, version = version + 1 WHERE id = ? AND
// version = ?` with args (the values of set), then id and version. It returns nil when the
// row was updated; an error wrapping apperr.NotFound when no row has this id; a *StaleError
// when the row exists at another version (someone else changed it since version was read).
// The caller checks access first and journals the change after.
func (tx *Tx) updateVersioned(ctx context.Context, table string, id, version int64, set string, args ...any) error {
	entity := versionedEntity(table)
	res, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+set+`, version = version + 1 WHERE id = ? AND version = ?`,
		append(args, id, version)...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	return tx.stale(ctx, table, entity, id)
}

// checkVersion returns nil when version is the stored version of row id of table, else what
// updateVersioned would: for edits that write nothing because nothing changed.
func (tx *Tx) checkVersion(ctx context.Context, table string, id, version int64) error {
	var current int64
	err := tx.QueryRowContext(ctx, `SELECT version FROM `+table+` WHERE id = ?`, id).Scan(&current)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s %d: %w", versionedEntity(table), id, apperr.NotFound)
	case err != nil:
		return err
	case current == version:
		return nil
	}
	return tx.stale(ctx, table, versionedEntity(table), id)
}

// stale builds the *StaleError of row id (NotFound when it does not exist): its current
// version, and the author and time of the latest edit of it in the journal ("<entity>.update";
// a sign-in, a link issued or a download about the same record is no edit).
func (tx *Tx) stale(ctx context.Context, table, entity string, id int64) error {
	e := &StaleError{Entity: entity, ID: id}
	err := tx.QueryRowContext(ctx, `SELECT version FROM `+table+` WHERE id = ?`, id).Scan(&e.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %d: %w", entity, id, apperr.NotFound)
	}
	if err != nil {
		return err
	}
	var actorID int64
	var prenom, nom, email sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT a.actor_id, a.at, u.prenom, u.nom, u.email FROM audit_log a
		LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.entity = ? AND a.entity_id = ? AND a.action = ? ORDER BY a.id DESC LIMIT 1`, entity, id, entity+".update").
		Scan(&actorID, scanTime(&e.At), &prenom, &nom, &email)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case email.Valid:
		e.By = lvDisplayName(prenom.String, nom.String, email.String)
	}
	return e
}
