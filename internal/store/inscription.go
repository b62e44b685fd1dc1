package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/referentiel"
)

// candUserInsert inserts candidate accounts: role candidat, no usable password (""), an
// activation token's hash and its expiry. candUserArgs gives the values.
const candUserInsert = `INSERT INTO users (email, nom, prenom, role, centre_id, active, lang, password_hash, search_key,
	created_at, updated_at, activation_hash, activation_expires) VALUES `

const candUserArity = 13

// candUserArgs appends the values of one candUserInsert row for c's account.
func (s *Store) candUserArgs(args []any, c *candidat.Candidat, centreID int64, hash string, now time.Time) []any {
	u := account.User{Email: c.Email}
	u.Nom, u.Prenom = candUserNames(c)
	return append(args, u.Email, u.Nom, u.Prenom, string(account.RoleCandidat), nullID(centreID), true, "fr", "",
		searchKey(&u), s.t(now), s.t(now), hash, s.t(now.Add(ActivationTTL)))
}

// candInsInsert inserts inscriptions; candInsArgs gives the values.
const candInsInsert = `INSERT INTO inscriptions (candidat_id, certification_id, version_id, centre_id, voie, type_vae,
	promotion, date_inscription, blocs_vises, statut, created_at, updated_at) VALUES `

const candInsArity = 12

func (s *Store) candInsArgs(args []any, ins *candidat.Inscription, now time.Time) []any {
	return append(args, ins.CandidatID, ins.CertificationID, ins.VersionID, ins.CentreID, string(ins.Voie),
		string(ins.TypeVAE), ins.Promotion, candDate(ins.Date), candJSON(ins.BlocsVises), string(ins.Statut), s.t(now), s.t(now))
}

// candValues returns "(?, …, ?), …" for rows rows of arity placeholders.
func candValues(rows, arity int) string {
	one := "(" + strings.Repeat("?, ", arity-1) + "?)"
	var b strings.Builder
	b.Grow(rows * (len(one) + 2))
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// candMayEnrol checks that actor may enrol into centreID (Forbidden otherwise).
func candMayEnrol(actor account.Actor, centreID int64) error {
	if access.CanManageCentre(actor, access.Centre{ID: centreID}) == access.Allow {
		return nil
	}
	return apperr.Forbidden
}

// candCentre reads what enrolling into centreID needs: a French problem when the centre
// does not exist, is inactive or is the certificateur, and whether it may train.
func candCentre(ctx context.Context, q querier, centreID int64) (problem string, formation bool, err error) {
	var certificateur, active bool
	err = q.QueryRowContext(ctx, `SELECT certificateur, active, habilitation_formation FROM organismes WHERE id = ?`, centreID).
		Scan(&certificateur, &active, &formation)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return msgCentreUnknown, false, nil
	case err != nil:
		return "", false, err
	case certificateur:
		return msgCentreCertif, false, nil
	case !active:
		return msgCentreInactive, false, nil
	}
	return "", formation, nil
}

// candMerge adds the fields of a *apperr.Validation err to v; any other error is returned.
func candMerge(v *apperr.Validation, err error) error {
	var fv *apperr.Validation
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fv):
		for k, m := range fv.Fields {
			v.Add(k, m)
		}
		return nil
	}
	return err
}

// Inscrire enrols a candidate and returns, when an account was created for them, its
// one-time activation token in plain text ("" otherwise; it cannot be read again).
//
// It finds the candidate by identity (candidat.Identity: folded birth name, first prénom and
// birth date) among the candidates of the centre enrolled into (those with an inscription
// there, or created by an enrolment there; for an admin among all, that centre's first: see
// candMatchQuery) or creates it from c; an existing candidate keeps its stored details and *c is
// replaced by them (change them with UpdateCandidat). When the candidate has no account yet:
// if no user has its e-mail, one is created (role candidat, centre ins.CentreID, nom = usage
// or birth name, prénom = first prénom, no usable password, an activation token valid
// ActivationTTL of which only the SHA-256 is stored); if a candidat account has it, the
// candidate is linked to it. The inscription is created on the active référentiel version of
// ins.CertificationID (ins.VersionID, ins.ID, ins.CandidatID and ins.CreatedAt are set; the
// inscription stays on that version). Everything happens in one transaction, audited without
// personal data.
//
// Who: an admin into any centre; a referent into their own centre (ins.CentreID 0 means
// theirs). Errors: apperr.Forbidden for anyone else or another centre; *apperr.Validation
// from c.Validate and ins.Validate, on "certification" when it does not exist, on "centre"
// when the centre does not exist, is inactive, is the certificateur, or may not train and
// ins.Voie is not VAE, on "email" when the address belongs to a non-candidat account or to
// another candidate's account, on "promotion" when the candidate is already enrolled in this
// certification, centre and promotion; apperr.Conflict when concurrent writes keep winning
// the race.
func (s *Store) Inscrire(ctx context.Context, actor account.Actor, c *candidat.Candidat, ins *candidat.Inscription) (activation string, err error) {
	if actor.Role == account.RoleReferent && ins.CentreID == 0 {
		ins.CentreID = actor.CentreID
	}
	if err := candMayEnrol(actor, ins.CentreID); err != nil {
		return "", fmt.Errorf("inscrire: %w", err)
	}
	v := apperr.NewValidation()
	info, ref, err := s.ActiveReferentiel(ctx, ins.CertificationID)
	switch {
	case errors.Is(err, apperr.NotFound):
		v.Add("certification", msgCandCertUnknown)
	case err != nil:
		return "", fmt.Errorf("inscrire: %w", err)
	}
	if err := candMerge(v, c.Validate(s.now())); err != nil {
		return "", err
	}
	if ref != nil {
		if err := candMerge(v, ins.Validate(ref)); err != nil {
			return "", err
		}
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	ins.CertificationID, ins.VersionID = info.ID, info.VersionID
	given := *c
	// Two enrolments of one new person at once: the loser gets a uniqueness conflict, and
	// its retry finds the winner's candidate.
	for attempt := 0; ; attempt++ {
		*c = given
		err = s.Transact(ctx, func(tx *Tx) error {
			var e error
			activation, e = s.inscrireTx(ctx, tx, actor, c, ins, ref)
			return e
		})
		if err == nil || !errors.Is(err, apperr.Conflict) || attempt == 2 {
			break
		}
	}
	if err != nil {
		return "", fmt.Errorf("inscrire: %w", err)
	}
	return activation, nil
}

func (s *Store) inscrireTx(ctx context.Context, tx *Tx, actor account.Actor, c *candidat.Candidat, ins *candidat.Inscription, ref *referentiel.Referentiel) (string, error) {
	v := apperr.NewValidation()
	problem, formation, err := candCentre(ctx, tx, ins.CentreID)
	switch {
	case err != nil:
		return "", err
	case problem != "":
		v.Add("centre", problem)
	default:
		if err := candMerge(v, ins.ValidateCentre(ref, formation)); err != nil {
			return "", err
		}
	}
	ident := candIdentityKey(c.Identity())
	stored, err := candScan(tx.QueryRowContext(ctx, candMatchQuery(), ident, candScopedKey(ins.CentreID, ident), ins.CentreID))
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	if found {
		*c = stored
		dup, err := exists(ctx, tx,
			`SELECT 1 FROM inscriptions WHERE candidat_id = ? AND certification_id = ? AND centre_id = ? AND promotion = ?`,
			c.ID, ins.CertificationID, ins.CentreID, ins.Promotion)
		if err != nil {
			return "", err
		}
		if dup {
			v.Add("promotion", msgCandDuplicate)
		}
	}
	// The account: none yet, or one to link.
	var userID int64
	var role string
	var userCentre sql.NullInt64
	if c.UserID == 0 {
		err := tx.QueryRowContext(ctx, `SELECT id, role, centre_id FROM users WHERE email = ?`, c.Email).Scan(&userID, &role, &userCentre)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return "", err
		case role != string(account.RoleCandidat):
			v.Add("email", msgCandEmailNotCand)
		case userCentre.Valid && userCentre.Int64 != ins.CentreID:
			// An account made for another centre is never linked by this one.
			v.Add("email", msgCandEmailOther)
		default:
			// c.ID is 0 for a new candidate: any candidate on this account is another one.
			if other, err := exists(ctx, tx, `SELECT 1 FROM candidats WHERE user_id = ? AND id <> ?`, userID, c.ID); err != nil {
				return "", err
			} else if other {
				v.Add("email", msgCandEmailOther)
			}
		}
	}
	if err := v.Err(); err != nil {
		return "", err
	}

	now := s.nowUTC()
	var activation string
	if c.UserID == 0 && userID == 0 {
		token, hash, err := candNewActivation()
		if err != nil {
			return "", err
		}
		if err := tx.QueryRowContext(ctx, candUserInsert+candValues(1, candUserArity)+` RETURNING id`,
			s.candUserArgs(nil, c, ins.CentreID, hash, now)...).Scan(&userID); err != nil {
			return "", mapErr(err)
		}
		activation = token
		_, prenom := candUserNames(c)
		if err := tx.mailActivation(ctx, c.Email, prenom, token, now.Add(ActivationTTL)); err != nil {
			return "", err
		}
		if err := tx.audit(ctx, actor, "user.create", "user", userID, map[string]any{
			"role": account.RoleCandidat, "centre_id": ins.CentreID, "activation": true}); err != nil {
			return "", err
		}
	}
	switch {
	case !found:
		if err := tx.QueryRowContext(ctx, `INSERT INTO candidats `+candInsertColumns+` VALUES `+candValues(1, candInsertArity)+` RETURNING id`,
			s.candArgs(nil, c, ins.CentreID, userID, now)...).Scan(&c.ID); err != nil {
			return "", mapErr(err)
		}
		c.UserID, c.CreatedAt, c.Version = userID, now, 1
		if err := tx.audit(ctx, actor, "candidat.create", "candidat", c.ID, map[string]any{"user_id": userID}); err != nil {
			return "", err
		}
	case c.UserID == 0:
		if _, err := tx.ExecContext(ctx, `UPDATE candidats SET user_id = ?, updated_at = ?, version = version + 1 WHERE id = ?`, userID, s.t(now), c.ID); err != nil {
			return "", err
		}
		c.UserID = userID
		c.Version++
		if err := tx.audit(ctx, actor, "candidat.update", "candidat", c.ID, map[string]any{"fields": []string{"user_id"}}); err != nil {
			return "", err
		}
	}
	ins.CandidatID = c.ID
	if err := tx.QueryRowContext(ctx, candInsInsert+candValues(1, candInsArity)+` RETURNING id`,
		s.candInsArgs(nil, ins, now)...).Scan(&ins.ID); err != nil {
		return "", mapErr(err)
	}
	ins.CreatedAt = now
	return activation, tx.audit(ctx, actor, "inscription.create", "inscription", ins.ID, map[string]any{
		"candidat_id": c.ID, "certification_id": ins.CertificationID, "version_id": ins.VersionID,
		"centre_id": ins.CentreID, "voie": ins.Voie})
}

// InscriptionRow is an inscription with what lists show: its candidate, the centre's name,
// the certification's intitulé and the référentiel version number it is on.
type InscriptionRow struct {
	candidat.Inscription
	Candidat      candidat.Candidat
	Centre        string // the centre's name
	Certification string // the intitulé of the inscription's référentiel version
	Version       int    // the number of the inscription's référentiel version
}

// InscriptionFilter narrows Inscriptions. Zero fields do not filter.
type InscriptionFilter struct {
	CentreID   int64
	Promotion  string
	Statut     candidat.Statut
	CandidatID int64
	// Query matches a part of the candidate's names or e-mail, ignoring case, accents and
	// hyphens.
	Query string
	// Limit ≤ 0 means no limit.
	Limit, Offset int
}

const candInsSelect = `SELECT ` + candColumns + `, i.id, i.certification_id, i.version_id, i.centre_id, i.voie,
	i.type_vae, i.promotion, i.date_inscription, i.blocs_vises, i.statut, i.created_at, o.nom, v.intitule, v.version
	FROM inscriptions i
	JOIN candidats c ON c.id = i.candidat_id
	JOIN organismes o ON o.id = i.centre_id
	JOIN referentiel_versions v ON v.id = i.version_id`

func candInsScan(sc interface{ Scan(...any) error }) (InscriptionRow, error) {
	var r InscriptionRow
	var date, blocs string
	in := &r.Inscription
	c, err := candScan(sc, &in.ID, &in.CertificationID, &in.VersionID, &in.CentreID, &in.Voie, &in.TypeVAE,
		&in.Promotion, &date, &blocs, &in.Statut, scanTime(&in.CreatedAt), &r.Centre, &r.Certification, &r.Version)
	if err != nil {
		return r, err
	}
	r.Candidat, in.CandidatID = c, c.ID
	if in.Date, err = candParseDate(date); err != nil {
		return r, fmt.Errorf("inscription %d: %w", in.ID, err)
	}
	if err := json.Unmarshal([]byte(blocs), &in.BlocsVises); err != nil {
		return r, fmt.Errorf("inscription %d: stored blocs: %w", in.ID, err)
	}
	return r, nil
}

func (s *Store) inscription(ctx context.Context, q querier, actor account.Actor, id int64) (*InscriptionRow, error) {
	where, args := s.scopeInscriptions(actor)
	r, err := candInsScan(q.QueryRowContext(ctx, candInsSelect+` WHERE i.id = ? AND `+where, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("inscription %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("inscription %d: %w", id, err)
	}
	return &r, nil
}

// Inscription returns inscription id with its candidate, as seen by actor: an admin sees
// every inscription, a referent or formateur those of their centre, a candidat their own, a
// jury member none (for now). apperr.NotFound when it does not exist or is out of scope.
func (s *Store) Inscription(ctx context.Context, actor account.Actor, id int64) (*InscriptionRow, error) {
	return s.inscription(ctx, s.q(nil), actor, id)
}

// Inscriptions lists the inscriptions actor may see (as for Inscription) matching f, ordered
// by promotion, candidate's name (usage name, else birth name) and prénoms. It returns an
// empty slice, not an error, when none match.
func (s *Store) Inscriptions(ctx context.Context, actor account.Actor, f InscriptionFilter) ([]InscriptionRow, error) {
	where, args := s.scopeInscriptions(actor)
	q := candInsSelect + ` WHERE ` + where
	if f.CentreID != 0 {
		q += ` AND i.centre_id = ?`
		args = append(args, f.CentreID)
	}
	if f.Promotion != "" {
		q += ` AND i.promotion = ?`
		args = append(args, strings.TrimSpace(f.Promotion))
	}
	if f.Statut != "" {
		q += ` AND i.statut = ?`
		args = append(args, string(f.Statut))
	}
	if f.CandidatID != 0 {
		q += ` AND i.candidat_id = ?`
		args = append(args, f.CandidatID)
	}
	if t := candidat.Fold(f.Query); t != "" {
		q += ` AND c.search_key LIKE ? ESCAPE '!'`
		args = append(args, "%"+likeEscaper.Replace(t)+"%")
	}
	q += ` ORDER BY i.promotion, CASE WHEN c.nom_usage <> '' THEN c.nom_usage ELSE c.nom_naissance END, c.prenoms, i.id`
	q, args = paginate(q, args, f.Limit, f.Offset)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("inscriptions: %w", err)
	}
	defer rows.Close()
	out := []InscriptionRow{}
	for rows.Next() {
		r, err := candInsScan(rows)
		if err != nil {
			return nil, fmt.Errorf("inscriptions: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inscriptions: %w", err)
	}
	return out, nil
}

// SetStatut moves inscription inscriptionID to status st along the transition table of
// candidat.CheckTransition (as candidat.ParCentre: the result statuses are the jury's), the
// current status being read inside the transaction; it is audited (with the old and new
// status) when it changes. Who: an admin, or the referent of the inscription's centre.
// Errors: *apperr.Validation on "statut" for an unknown status or a move the table does not
// allow from the current status; apperr.NotFound when the
// inscription does not exist or is out of the actor's scope; apperr.Forbidden when the actor
// sees it but may not change it.
func (s *Store) SetStatut(ctx context.Context, actor account.Actor, inscriptionID int64, st candidat.Statut) error {
	if st.Libelle() == "" {
		v := apperr.NewValidation()
		v.Add("statut", "Statut inconnu.")
		return v
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		r, err := s.inscription(ctx, tx, actor, inscriptionID)
		if err != nil {
			return err
		}
		if err := access.CanManageInscription(actor, access.Inscription{CentreID: r.CentreID, CandidatUserID: r.Candidat.UserID}).Err(""); err != nil {
			return err
		}
		if r.Statut == st {
			return nil
		}
		if err := candidat.CheckTransition(r.Statut, st, candidat.ParCentre, !r.InTraining(nil)); err != nil {
			return err
		}
		// The status read above is the one moved from: a concurrent move makes this a conflict.
		res, err := tx.ExecContext(ctx, `UPDATE inscriptions SET statut = ?, updated_at = ? WHERE id = ? AND statut = ?`,
			string(st), s.t(s.nowUTC()), inscriptionID, string(r.Statut))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return apperr.Conflict
		}
		return tx.audit(ctx, actor, "inscription.statut", "inscription", inscriptionID,
			map[string]any{"from": r.Statut, "statut": st})
	})
	if err != nil {
		return fmt.Errorf("set statut of inscription %d: %w", inscriptionID, err)
	}
	return nil
}

// Promotions lists the distinct non-empty promotions of centre centreID, sorted. Who: an
// admin for any centre, a referent or formateur for their own. apperr.NotFound for anyone
// else or another centre (its existence is never revealed). It returns an empty slice when
// the centre has no promotion.
func (s *Store) Promotions(ctx context.Context, actor account.Actor, centreID int64) ([]string, error) {
	if err := access.CanReadCentre(actor, access.Centre{ID: centreID}).Err(fmt.Sprintf("promotions of centre %d", centreID)); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx,
		`SELECT DISTINCT promotion FROM inscriptions WHERE centre_id = ? AND promotion <> '' ORDER BY promotion`, centreID)
	if err != nil {
		return nil, fmt.Errorf("promotions of centre %d: %w", centreID, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("promotions of centre %d: %w", centreID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("promotions of centre %d: %w", centreID, err)
	}
	return out, nil
}
