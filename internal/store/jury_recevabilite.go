package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/input"
	"github.com/certif/certif/internal/jury"
)

// The recevabilité of VAE inscriptions and the jurors' profiles (issue 9).

const (
	msgJrPasVAE        = "La recevabilité ne se prononce que sur une inscription en VAE."
	msgJrProfession    = "La profession tient en 200 caractères au plus."
	msgJrCollege       = "Choisissez le collège : employeur, salarie ou independant."
	msgJrPasJury       = "Le profil de juré ne se renseigne que pour un compte de rôle « jury »."
	maxJrProfession    = 200
	jrRecevabiliteKind = "recevabilite"
)

// RecordRecevabilite records the certificateur's decision on VAE inscription inscriptionID
// (recevable or non recevable with its reasons), dated today; the history is append-only and
// the latest decision counts (jury.CheckEligible). Audited. Who: the admin. Errors:
// apperr.NotFound; apperr.Forbidden for anyone else who sees the inscription;
// *apperr.Validation on "decision", "motif" or "inscription_id" (not a VAE inscription).
func (s *Store) RecordRecevabilite(ctx context.Context, actor account.Actor, inscriptionID int64, d jury.Recevabilite, motif string) (*jury.DecisionRecevabilite, error) {
	motif = strings.TrimSpace(input.Clean(motif, true))
	out := &jury.DecisionRecevabilite{InscriptionID: inscriptionID, Decision: d, Motif: motif, Par: actor.UserID}
	err := s.Transact(ctx, func(tx *Tx) error {
		ins, err := s.dsLoad(ctx, tx, actor, inscriptionID, lvReader)
		if err != nil {
			return err
		}
		if err := access.CanAdminister(actor).Err(fmt.Sprintf("inscription %d", inscriptionID)); err != nil {
			return err
		}
		ref, err := s.ReferentielVersion(ctx, ins.VersionID)
		if err != nil {
			return err
		}
		if !ins.vae(ref) {
			v := apperr.NewValidation()
			v.Add("inscription_id", msgJrPasVAE)
			return v
		}
		if err := jury.CheckRecevabilite(d, motif); err != nil {
			return err
		}
		out.Le = s.nowUTC()
		out.Date = dsToday(out.Le)
		if err := tx.QueryRowContext(ctx, `INSERT INTO recevabilites (inscription_id, decision, motif, date_decision, par, le)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, inscriptionID, string(d), motif, candDate(out.Date), actor.UserID, s.t(out.Le)).
			Scan(&out.ID); err != nil {
			return mapErr(err)
		}
		return tx.audit(ctx, actor, jrRecevabiliteKind+".create", jrRecevabiliteKind, out.ID, map[string]any{
			"inscription_id": inscriptionID, "decision": d})
	})
	if err != nil {
		return nil, fmt.Errorf("record recevabilité: %w", err)
	}
	return out, nil
}

// Recevabilites returns the recevabilité decisions on inscription inscriptionID, oldest
// first. Who: whoever may read the inscription (apperr.NotFound otherwise).
func (s *Store) Recevabilites(ctx context.Context, actor account.Actor, inscriptionID int64) ([]jury.DecisionRecevabilite, error) {
	q := s.q(nil)
	if _, err := lvLoad(ctx, q, actor, inscriptionID, lvReader, false); err != nil {
		return nil, fmt.Errorf("recevabilités: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.decision, r.motif, r.date_decision, r.par, r.le, u.prenom, u.nom, u.email
		FROM recevabilites r LEFT JOIN users u ON u.id = r.par WHERE r.inscription_id = ? ORDER BY r.id`, inscriptionID)
	if err != nil {
		return nil, fmt.Errorf("recevabilités of inscription %d: %w", inscriptionID, err)
	}
	defer rows.Close()
	out := []jury.DecisionRecevabilite{}
	for rows.Next() {
		d := jury.DecisionRecevabilite{InscriptionID: inscriptionID}
		var date string
		var prenom, nom, email sql.NullString
		if err := rows.Scan(&d.ID, &d.Decision, &d.Motif, &date, &d.Par, scanTime(&d.Le), &prenom, &nom, &email); err != nil {
			return nil, fmt.Errorf("recevabilités of inscription %d: %w", inscriptionID, err)
		}
		if d.Date, err = lvParseDate(date); err != nil {
			return nil, err
		}
		if email.Valid {
			d.ParNom = lvDisplayName(prenom.String, nom.String, email.String)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ProfilJury is a juror's profile: their profession, their college and whether they are
// external to the certificateur and to the centre.
type ProfilJury struct {
	Profession string
	College    jury.College
	Externe    bool
}

// ProfilJuryOf returns the jury profile of account userID. Who: whoever may read the account
// (apperr.NotFound otherwise).
func (s *Store) ProfilJuryOf(ctx context.Context, actor account.Actor, userID int64) (ProfilJury, error) {
	if _, err := s.user(ctx, nil, actor, userID); err != nil {
		return ProfilJury{}, err
	}
	var p ProfilJury
	err := s.queryRow(ctx, `SELECT profession, college, externe FROM users WHERE id = ?`, userID).Scan(&p.Profession, &p.College, &p.Externe)
	return p, err
}

// SetProfilJury sets the jury profile of account userID (of role jury), if version is still
// the account's (0: the current one); the account's version is bumped. Audited
// ("user.update"). Who: the admin. Errors: apperr.NotFound, apperr.Forbidden,
// *apperr.Validation on "profession", "college" or "role", *StaleError.
func (s *Store) SetProfilJury(ctx context.Context, actor account.Actor, userID int64, p ProfilJury, version int64) error {
	p.Profession = strings.TrimSpace(input.Clean(p.Profession, false))
	err := s.Transact(ctx, func(tx *Tx) error {
		u, err := s.user(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		if err := access.CanAdminister(actor).Err(fmt.Sprintf("user %d", userID)); err != nil {
			return err
		}
		v := apperr.NewValidation()
		if u.Role != account.RoleJury {
			v.Add("role", msgJrPasJury)
		}
		if utf8.RuneCountInString(p.Profession) > maxJrProfession {
			v.Add("profession", msgJrProfession)
		}
		if p.College != jury.CollegeAucun && !p.College.Valid() {
			v.Add("college", msgJrCollege)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if version == 0 {
			version = u.Version
		}
		if err := tx.updateVersioned(ctx, "users", userID, version, `profession = ?, college = ?, externe = ?, updated_at = ?`,
			p.Profession, string(p.College), p.Externe, s.t(s.nowUTC())); err != nil {
			return err
		}
		return tx.audit(ctx, actor, "user.update", "user", userID, map[string]any{
			"fields": []string{"profession", "college", "externe"}, "version": version + 1})
	})
	if err != nil && !errors.Is(err, apperr.Invalid) {
		return fmt.Errorf("set jury profile: %w", err)
	}
	return err
}
