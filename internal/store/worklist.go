package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
)

// WorkRow is one thing waiting for someone on a work list: the inscription it is about, the
// candidate's display name, and what it is (a bloc code, a date).
type WorkRow struct {
	InscriptionID int64
	Nom           string // the candidate's display name (candidat.NomAffiche)
	Detail        string // a bloc code (projects)
	At            time.Time
}

// CentreWork is what waits for a centre's référent: each list in full (ordered oldest first),
// so that its length is the count.
type CentreWork struct {
	// ProjetsEnAttente are the end-of-bloc projects submitted and not decided (At: submitted).
	ProjetsEnAttente []WorkRow
	// SansEvaluation are the inscriptions in training (not VAE, en formation) with no
	// evaluation since the cutoff (At: the latest evaluation's day, zero when none), enrolled
	// before the cutoff.
	SansEvaluation []WorkRow
	// ActivationsEnAttente are the candidates whose account was never activated (no password
	// set: the activation link was never used; At: the account's creation).
	ActivationsEnAttente []WorkRow
	// FichesAttendues are the internships whose tutor has not filled the fiche
	// d'appréciation (At: the internship's end).
	FichesAttendues []WorkRow
	// ProjetsPersonnels are the personal projects of the dossiers awaiting the référent's
	// approval (R6; Detail: the project's title, At: its creation).
	ProjetsPersonnels []WorkRow
}

// workLimit bounds each list of a work list: the home shows the first ones and the count.
const workLimit = 500

// CentreWork reads the work list of centre centreID: projects awaiting a decision,
// candidates in training without an evaluation since cutoff, activation links never used,
// tutors' fiches still awaited, personal projects awaiting approval. Abandoned inscriptions are left out; each list holds at most
// 500 rows.
// Errors: apperr.NotFound unless actor is an admin or staff of the centre (access.CanReadCentre).
func (s *Store) CentreWork(ctx context.Context, actor account.Actor, centreID int64, cutoff time.Time) (*CentreWork, error) {
	if !lvStaffOf(actor, centreID) {
		return nil, fmt.Errorf("work of centre %d: %w", centreID, apperr.NotFound)
	}
	const who = `SELECT i.id, c.nom_naissance, c.nom_usage, c.prenoms, `
	const from = ` FROM inscriptions i JOIN candidats c ON c.id = i.candidat_id `
	live := ` i.centre_id = ? AND i.statut <> '` + string(candidat.Abandon) + `' `
	w := &CentreWork{}
	var err error
	if w.ProjetsEnAttente, err = s.workRows(ctx, who+`p.bloc, p.soumis_le`+from+
		`JOIN projets p ON p.inscription_id = i.id WHERE`+live+`AND p.decision = '' ORDER BY p.soumis_le, p.id`, centreID); err != nil {
		return nil, err
	}
	cut := s.t(cutoff)
	day := cutoff.UTC().Format("2006-01-02")
	if w.SansEvaluation, err = s.workRows(ctx, who+`'', (SELECT MAX(e.date_evaluation) FROM evaluations e WHERE e.inscription_id = i.id)`+from+
		`WHERE`+live+`AND i.statut = ? AND i.voie <> ? AND i.date_inscription < ?
		AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.inscription_id = i.id AND (e.created_at >= ? OR e.date_evaluation >= ?))
		ORDER BY i.id`, centreID, string(candidat.EnFormation), string(candidat.VAE), day, cut, day); err != nil {
		return nil, err
	}
	if w.ActivationsEnAttente, err = s.workRows(ctx, who+`'', u.created_at`+from+
		`JOIN users u ON u.id = c.user_id WHERE`+live+`AND u.password_hash = '' AND u.role = 'candidat' ORDER BY u.created_at, i.id`, centreID); err != nil {
		return nil, err
	}
	if w.FichesAttendues, err = s.workRows(ctx, who+`'', st.fin`+from+
		`JOIN stages st ON st.inscription_id = i.id WHERE`+live+`AND st.fiche IS NULL ORDER BY st.fin, st.id`, centreID); err != nil {
		return nil, err
	}
	if w.ProjetsPersonnels, err = s.workRows(ctx, who+`dp.titre, dp.created_at`+from+
		`JOIN dossier_projets dp ON dp.inscription_id = i.id WHERE`+live+`AND dp.origine = ? AND dp.approuve_par IS NULL ORDER BY dp.created_at, dp.id`,
		centreID, "personnel"); err != nil {
		return nil, err
	}
	return w, nil
}

// workRows runs q (columns: inscription id, birth name, usage name, prénoms JSON, detail,
// time or date) and returns at most workLimit rows.
func (s *Store) workRows(ctx context.Context, q string, args ...any) ([]WorkRow, error) {
	rows, err := s.query(ctx, q+fmt.Sprintf(` LIMIT %d`, workLimit), args...)
	if err != nil {
		return nil, fmt.Errorf("work list: %w", err)
	}
	defer rows.Close()
	out := []WorkRow{}
	for rows.Next() {
		var (
			r                     WorkRow
			naissance, usage, pre string
			at                    any
		)
		if err := rows.Scan(&r.InscriptionID, &naissance, &usage, &pre, &r.Detail, &at); err != nil {
			return nil, fmt.Errorf("work list: %w", err)
		}
		c := candidat.Candidat{NomNaissance: naissance, NomUsage: usage}
		_ = json.Unmarshal([]byte(pre), &c.Prenoms)
		r.Nom = c.NomAffiche()
		switch v := at.(type) {
		case time.Time:
			r.At = v.UTC()
		case string:
			r.At = parseWorkTime(v)
		case []byte:
			r.At = parseWorkTime(string(v))
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("work list: %w", err)
	}
	return out, nil
}

// parseWorkTime reads a stored time (RFC 3339, with or without fraction) or day (YYYY-MM-DD);
// the zero time when empty or unreadable.
func parseWorkTime(v string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// FailedLogins counts the failed sign-ins journalled since since (the admin's home alert).
// Errors: apperr.Forbidden unless actor is an admin.
func (s *Store) FailedLogins(ctx context.Context, actor account.Actor, since time.Time) (int, error) {
	if err := access.CanAdminister(actor).Err("audit log"); err != nil {
		return 0, err
	}
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed' AND at >= ?`, s.t(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("failed logins: %w", err)
	}
	return n, nil
}
