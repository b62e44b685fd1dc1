package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// French messages of the user form.
const (
	msgEmailTaken     = "Un compte existe déjà avec cette adresse e-mail."
	msgCentreUnknown  = "Ce centre de formation n'existe pas."
	msgCentreCertif   = "Choisissez un centre de formation, pas l'organisme certificateur."
	msgCentreInactive = "Ce centre de formation est désactivé."
	msgSelfDeactivate = "Vous ne pouvez pas désactiver votre propre compte."
	msgSelfRoleChange = "Vous ne pouvez pas changer votre propre rôle."
)

const (
	userColumns = `id, email, nom, prenom, role, centre_id, active, lang, created_at, version`
	userSelect  = `SELECT ` + userColumns + ` FROM users`
)

func scanUser(sc interface{ Scan(...any) error }, extra ...any) (account.User, error) {
	var u account.User
	var centre sql.NullInt64
	dest := append([]any{&u.ID, &u.Email, &u.Nom, &u.Prenom, &u.Role, &centre, &u.Active, &u.Lang, scanTime(&u.CreatedAt), &u.Version}, extra...)
	err := sc.Scan(dest...)
	u.CentreID = centre.Int64
	return u, err
}

// mayManage reports whether actor may create or update an account of role: an admin any, a
// referent formateur and candidat accounts (of their own centre, enforced by the caller).
func mayManage(actor account.Actor, role account.Role) bool {
	return access.CanGiveRole(actor, role)
}

// CreateUser inserts u (active) with passwordHash (may be empty: no password login until one is
// set), setting u.ID, u.CreatedAt and u.Active; it is audited. An admin may create any account;
// a referent only formateur and candidat accounts, always of their own centre (u.CentreID is
// forced to it). Errors: apperr.Forbidden for anyone else or another role; *apperr.Validation
// from u.Validate, on "email" when the address is taken (case-insensitively), on "centre" when
// the centre does not exist, is inactive or is the certificateur; apperr.Conflict when a
// concurrent write wins the race.
func (s *Store) CreateUser(ctx context.Context, actor account.Actor, u *account.User, passwordHash string) error {
	if !mayManage(actor, u.Role) {
		return fmt.Errorf("create user: %w", apperr.Forbidden)
	}
	if !actor.IsAdmin() {
		u.CentreID = actor.CentreID
	}
	if err := u.Validate(); err != nil {
		return err
	}
	now := s.nowUTC()
	err := s.Transact(ctx, func(tx *Tx) error {
		v := apperr.NewValidation()
		if err := checkEmail(ctx, tx, u.Email, 0, v); err != nil {
			return err
		}
		if err := checkCentre(ctx, tx, u.CentreID, v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx,
			`INSERT INTO users (email, nom, prenom, role, centre_id, active, lang, password_hash, search_key, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Email, u.Nom, u.Prenom, string(u.Role), nullID(u.CentreID), true, u.Lang, passwordHash,
			searchKey(u), s.t(now), s.t(now)).Scan(&id)
		if err != nil {
			return mapErr(err)
		}
		u.ID, u.CreatedAt, u.Active, u.Version = id, now, true, 1
		return tx.audit(ctx, actor, "user.create", "user", id, map[string]any{"role": u.Role, "centre_id": u.CentreID})
	})
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// UpdateUser saves u's e-mail, nom, prénom, role, centre, active flag and language (u.CreatedAt
// is reset to the stored value); it is audited when something changed. An admin may update any
// account but not deactivate themself or change their own role; a referent only formateur and
// candidat accounts of their centre, keeping them formateur or candidat of that centre.
// Errors: apperr.NotFound when u.ID does not exist or the actor may not see it;
// apperr.Forbidden when the actor sees it but may not change it (or give it that role);
// *apperr.Validation as for CreateUser, on "active" / "role" for an admin's own account, on
// "email" when a referent changes an activated account's login (see moveLogin for what follows
// a change);
// a *StaleError (apperr.Conflict) when u.Version is no longer the stored version (on success
// it is the new one). Password, activation and token changes do not move the version: they
// are not edits of the account form.
func (s *Store) UpdateUser(ctx context.Context, actor account.Actor, u *account.User) error {
	if !mayManage(actor, u.Role) {
		return fmt.Errorf("update user %d: %w", u.ID, apperr.Forbidden)
	}
	if !actor.IsAdmin() {
		u.CentreID = actor.CentreID
	}
	if err := u.Validate(); err != nil {
		return err
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		old, err := s.user(ctx, tx, actor, u.ID)
		if err != nil {
			return err
		}
		if err := access.CanEditAccount(actor, access.Account{ID: old.ID, CentreID: old.CentreID, Role: old.Role}).Err(""); err != nil {
			return err
		}
		u.CreatedAt = old.CreatedAt
		v := apperr.NewValidation()
		if u.ID == actor.UserID && !u.Active {
			v.Add("active", msgSelfDeactivate)
		}
		if u.ID == actor.UserID && u.Role != old.Role {
			v.Add("role", msgSelfRoleChange)
		}
		var login candLogin
		if u.Email != old.Email {
			if login, err = loginState(ctx, tx, u.ID); err != nil {
				return err
			}
			// The address is the login: a centre's staff changing it could take the account over.
			if !actor.IsAdmin() {
				owned := true
				if old.Role == account.RoleCandidat {
					if owned, err = candCentreOwnsAccount(ctx, tx, actor.CentreID, old); err != nil {
						return err
					}
				}
				switch {
				case !owned:
					v.Add("email", msgCandEmailMultiCentre)
				case login.activated:
					v.Add("email", msgLoginActivated)
				}
			}
			if err := checkEmail(ctx, tx, u.Email, u.ID, v); err != nil {
				return err
			}
		}
		if u.CentreID != old.CentreID {
			if err := checkCentre(ctx, tx, u.CentreID, v); err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		var fields changed
		fields.add("email", u.Email != old.Email)
		fields.add("nom", u.Nom != old.Nom)
		fields.add("prenom", u.Prenom != old.Prenom)
		fields.add("role", u.Role != old.Role)
		fields.add("centre", u.CentreID != old.CentreID)
		fields.add("active", u.Active != old.Active)
		fields.add("lang", u.Lang != old.Lang)
		if len(fields) == 0 {
			return tx.checkVersion(ctx, "users", u.ID, u.Version)
		}
		if err := tx.updateVersioned(ctx, "users", u.ID, u.Version,
			`email = ?, nom = ?, prenom = ?, role = ?, centre_id = ?, active = ?, lang = ?, search_key = ?, updated_at = ?`,
			u.Email, u.Nom, u.Prenom, string(u.Role), nullID(u.CentreID), u.Active, u.Lang, searchKey(u),
			s.t(s.nowUTC())); err != nil {
			return err
		}
		u.Version++
		if u.Email != old.Email {
			if err := s.moveLogin(ctx, tx, actor, u.ID, login, u.Prenom, u.Email, s.nowUTC()); err != nil {
				return err
			}
		}
		detail := map[string]any{"fields": fields}
		if u.Role != old.Role {
			detail["role"] = u.Role
		}
		if u.CentreID != old.CentreID {
			detail["centre_id"] = u.CentreID
		}
		return tx.audit(ctx, actor, "user.update", "user", u.ID, detail)
	})
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, err)
	}
	return nil
}

// checkEmail adds the "email" problem when another user (not selfID) has this address.
func checkEmail(ctx context.Context, tx *Tx, email string, selfID int64, v *apperr.Validation) error {
	taken, err := exists(ctx, tx, `SELECT 1 FROM users WHERE email = ? AND id <> ?`, email, selfID)
	if taken {
		v.Add("email", msgEmailTaken)
	}
	return err
}

// checkCentre adds the "centre" problem when centreID (if not 0) is unknown, inactive or the
// certificateur.
func checkCentre(ctx context.Context, tx *Tx, centreID int64, v *apperr.Validation) error {
	if centreID == 0 {
		return nil
	}
	var certificateur, active bool
	err := tx.QueryRowContext(ctx, `SELECT certificateur, active FROM organismes WHERE id = ?`, centreID).Scan(&certificateur, &active)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		v.Add("centre", msgCentreUnknown)
	case err != nil:
		return err
	case certificateur:
		v.Add("centre", msgCentreCertif)
	case !active:
		v.Add("centre", msgCentreInactive)
	}
	return nil
}

// SetPassword replaces the password hash of user userID. It also signs the user out
// everywhere: their session epoch goes up (sessions opened before no longer authenticate, see
// SessionUser) and every API token of theirs is revoked. It is audited (without the hash).
// Errors: apperr.Forbidden unless actor is an admin or the user themself; apperr.NotFound when
// the user does not exist.
func (s *Store) SetPassword(ctx context.Context, actor account.Actor, userID int64, hash string) error {
	if err := access.CanActForAccount(actor, userID).Err(fmt.Sprintf("set password of user %d", userID)); err != nil {
		return err
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		now := s.t(s.nowUTC())
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1, updated_at = ? WHERE id = ?`,
			hash, now, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return apperr.NotFound
		}
		res, err = tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, now, userID)
		if err != nil {
			return err
		}
		revoked, err := res.RowsAffected()
		if err != nil {
			return err
		}
		return tx.audit(ctx, actor, "user.password", "user", userID, map[string]any{"tokens_revoked": revoked})
	})
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	return nil
}

// user reads user id as seen by actor (see User).
func (s *Store) user(ctx context.Context, tx *Tx, actor account.Actor, id int64) (*account.User, error) {
	where, args := scopeUsers(actor)
	u, err := scanUser(s.q(tx).QueryRowContext(ctx, userSelect+` WHERE id = ? AND `+where, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return &u, nil
}

// User returns user id as seen by actor: an admin sees anyone, everyone sees themself, a
// referent or formateur sees the users of their centre. apperr.NotFound when the user does not
// exist or the actor may not see them.
func (s *Store) User(ctx context.Context, actor account.Actor, id int64) (*account.User, error) {
	return s.user(ctx, nil, actor, id)
}

// UserFilter narrows Users. Zero fields do not filter.
type UserFilter struct {
	Role     account.Role
	CentreID int64
	// Query matches a part of the e-mail, nom or prénom, ignoring case and French accents.
	Query string
	// Limit ≤ 0 means no limit.
	Limit, Offset int
}

// Users lists the users actor may see (as for User) matching f, ordered by nom, prénom, e-mail.
// It returns an empty slice, not an error, when none match.
func (s *Store) Users(ctx context.Context, actor account.Actor, f UserFilter) ([]account.User, error) {
	where, args := scopeUsers(actor)
	q := userSelect + ` WHERE ` + where
	if f.Role != "" {
		q += ` AND role = ?`
		args = append(args, string(f.Role))
	}
	if f.CentreID != 0 {
		q += ` AND centre_id = ?`
		args = append(args, f.CentreID)
	}
	if t := strings.TrimSpace(f.Query); t != "" {
		q += ` AND search_key LIKE ? ESCAPE '!'`
		args = append(args, "%"+likeEscaper.Replace(fold(t))+"%")
	}
	q += ` ORDER BY nom, prenom, email, id`
	q, args = paginate(q, args, f.Limit, f.Offset)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	out := []account.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	return out, nil
}

// Credentials returns the user with this e-mail (compared case-insensitively) and its password
// hash, for login only. The user's Active is false when the account is inactive and also when
// it belongs to the staff (referent, formateur) of an inactive centre: the login must refuse
// both. The hash is empty for an account never activated. apperr.NotFound when no user has
// this address.
func (s *Store) Credentials(ctx context.Context, email string) (*account.User, string, error) {
	var hash string
	u, err := scanUser(s.queryRow(ctx, `SELECT `+authUserColumns+`, u.password_hash
		FROM users u LEFT JOIN organismes o ON o.id = u.centre_id WHERE u.email = ?`,
		account.NormalizeEmail(email)), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("credentials: %w", apperr.NotFound)
	}
	if err != nil {
		return nil, "", fmt.Errorf("credentials: %w", err)
	}
	return &u, hash, nil
}

// CountUsers returns the number of users, active or not (0 on a fresh database).
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// searchKey is what UserFilter.Query is matched against.
func searchKey(u *account.User) string {
	return fold(u.Email + " " + u.Nom + " " + u.Prenom)
}

// fold lower-cases s and strips French accents, so that "emilie" finds "Émilie" on both engines
// (SQLite's lower() and LIKE only fold ASCII).
func fold(s string) string { return accentFolder.Replace(strings.ToLower(s)) }

var accentFolder = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "á", "a", "ã", "a", "å", "a",
	"ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ì", "i", "ñ", "n",
	"ô", "o", "ö", "o", "ó", "o", "ò", "o", "õ", "o",
	"ù", "u", "û", "u", "ü", "u", "ú", "u", "ÿ", "y",
	"œ", "oe", "æ", "ae",
)

// likeEscaper escapes LIKE's wildcards with '!' (the ESCAPE character of Users' query).
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
