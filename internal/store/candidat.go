package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
)

// French messages of the candidate and inscription forms.
const (
	msgCandIdentityTaken = "Un autre candidat a déjà cette identité (nom de naissance, prénom, date de naissance)."
	msgCandEmailNotCand  = "Cette adresse e-mail appartient à un compte qui n'est pas un compte candidat."
	msgCandEmailOther    = "Cette adresse e-mail est déjà celle d'un autre candidat. S'il s'agit de la même personne, inscrite dans un autre centre, indiquez une autre adresse et demandez au certificateur de fusionner les deux dossiers."
	msgCandDuplicate     = "Ce candidat est déjà inscrit dans cette promotion."
	msgCandCertUnknown   = "Choisissez la certification."
)

// candColumns are the columns of candidats read by candScan, on alias c.
const candColumns = `c.id, c.nom_naissance, c.nom_usage, c.prenoms, c.sexe, c.date_naissance,
	c.commune_naissance_code, c.commune_naissance, c.pays_naissance, c.email, c.telephone, c.adresse,
	c.user_id, c.created_at, c.version`

// candInsertColumns is the column list of an INSERT INTO candidats; candArgs gives the values.
const candInsertColumns = `(nom_naissance, nom_usage, prenoms, sexe, date_naissance, commune_naissance_code,
	commune_naissance, pays_naissance, email, telephone, adresse, identity_key, identite, search_key, user_id,
	created_at, updated_at)`

const candInsertArity = 17

// candScan reads the candColumns of one row.
func candScan(sc interface{ Scan(...any) error }, extra ...any) (candidat.Candidat, error) {
	var c candidat.Candidat
	var prenoms, naissance, adresse string
	var user sql.NullInt64
	dest := append([]any{&c.ID, &c.NomNaissance, &c.NomUsage, &prenoms, &c.Sexe, &naissance,
		&c.CommuneNaissanceCode, &c.CommuneNaissance, &c.PaysNaissance, &c.Email, &c.Telephone, &adresse,
		&user, scanTime(&c.CreatedAt), &c.Version}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return c, err
	}
	c.UserID = user.Int64
	if err := json.Unmarshal([]byte(prenoms), &c.Prenoms); err != nil {
		return c, fmt.Errorf("candidat %d: stored prénoms: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(adresse), &c.Adresse); err != nil {
		return c, fmt.Errorf("candidat %d: stored adresse: %w", c.ID, err)
	}
	var err error
	if c.DateNaissance, err = candParseDate(naissance); err != nil {
		return c, fmt.Errorf("candidat %d: %w", c.ID, err)
	}
	return c, nil
}

// candArgs appends the values of candInsertColumns for c (already validated), created by an
// enrolment into centreID, to args.
func (s *Store) candArgs(args []any, c *candidat.Candidat, centreID, userID int64, now time.Time) []any {
	id := candIdentityKey(c.Identity())
	return append(args, c.NomNaissance, c.NomUsage, candJSON(c.Prenoms), string(c.Sexe), candDate(c.DateNaissance),
		c.CommuneNaissanceCode, c.CommuneNaissance, c.PaysNaissance, c.Email, c.Telephone, candJSON(c.Adresse),
		candScopedKey(centreID, id), id, candSearchKey(c), nullID(userID), s.t(now), s.t(now))
}

// candIdentityKey is the bare identity (column identite): "nom|prénom|YYYY-MM-DD", already
// folded. Several candidates may share it: one record per centre (see candMatchQuery).
func candIdentityKey(id candidat.Identity) string {
	return id.NomNaissance + "|" + id.Prenom + "|" + id.Naissance
}

// candScopedKey is the unique identity_key of a candidate record created by an enrolment into
// centreID: "<centre id>|<identite>". Its uniqueness stops two concurrent enrolments of one
// new person into one centre from creating two records (the loser retries and matches).
func candScopedKey(centreID int64, identite string) string {
	return strconv.FormatInt(centreID, 10) + "|" + identite
}

// candMatchInCentre is the condition (on alias c, args: scoped key, centre id) that candidate
// c belongs to the centre enrolled into: it has an inscription there, or was created by an
// enrolment there.
const candMatchInCentre = `(c.identity_key = ?
	OR EXISTS (SELECT 1 FROM inscriptions mi WHERE mi.candidat_id = c.id AND mi.centre_id = ?))`

// candMatchQuery returns the query (args: identite, scoped key, centre id) finding the
// candidate an enrolment into a centre attaches to, by identity. Whoever enrols — a référent
// or the certificateur — it looks only among the candidates of that centre: identity matching
// never attaches, returns or reveals another centre's candidate (issue 6, defect 1), so one
// person enrolled in two centres has two records until the certificateur merges them
// (MergeCandidats, audited). Matching across centres here would be an unaudited merge, and
// would let a link issued by one centre open an account holding another centre's inscriptions.
func candMatchQuery() string {
	return `SELECT ` + candColumns + ` FROM candidats c WHERE c.identite = ? AND ` + candMatchInCentre + ` ORDER BY c.id LIMIT 1`
}

// candSearchKey is what InscriptionFilter.Query is matched against.
func candSearchKey(c *candidat.Candidat) string {
	var b strings.Builder
	b.WriteString(c.NomNaissance)
	b.WriteByte(' ')
	if c.NomUsage != "" {
		b.WriteString(c.NomUsage)
		b.WriteByte(' ')
	}
	for _, p := range c.Prenoms {
		b.WriteString(p)
		b.WriteByte(' ')
	}
	b.WriteString(c.Email)
	return candidat.Fold(b.String())
}

// candDate encodes a date as stored: YYYY-MM-DD text on both engines.
func candDate(t time.Time) string { return t.Format(time.DateOnly) }

func candParseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: bad stored date %q: %w", s, err)
	}
	return t, nil
}

// candJSON marshals values that cannot fail to marshal (strings, slices of strings, Adresse).
func candJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: marshal %T: %v", v, err))
	}
	return string(b)
}

// candUserNames are the nom and prénom of a candidate's account.
func candUserNames(c *candidat.Candidat) (nom, prenom string) {
	nom = c.NomUsage
	if nom == "" {
		nom = c.NomNaissance
	}
	if len(c.Prenoms) > 0 {
		prenom = c.Prenoms[0]
	}
	return nom, prenom
}

// candidat reads candidate id as seen by actor.
func (s *Store) candidat(ctx context.Context, tx *Tx, actor account.Actor, id int64) (*candidat.Candidat, error) {
	where, args := scopeCandidats(actor)
	c, err := candScan(s.q(tx).QueryRowContext(ctx,
		`SELECT `+candColumns+` FROM candidats c WHERE c.id = ? AND `+where, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("candidat %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("candidat %d: %w", id, err)
	}
	return &c, nil
}

// Candidat returns candidate id as seen by actor: an admin sees every candidate, a referent
// or formateur those with an inscription in their centre, a candidat only themself, a jury
// member none (for now). apperr.NotFound when the candidate does not exist or is out of the
// actor's scope (its existence is never revealed).
func (s *Store) Candidat(ctx context.Context, actor account.Actor, id int64) (*candidat.Candidat, error) {
	return s.candidat(ctx, nil, actor, id)
}

// CandidatByUser returns the candidate whose account is userID (for the candidate's own
// pages; the caller is that user). apperr.NotFound when the user is not a candidate.
func (s *Store) CandidatByUser(ctx context.Context, userID int64) (*candidat.Candidat, error) {
	if userID == 0 {
		return nil, fmt.Errorf("candidat of user 0: %w", apperr.NotFound)
	}
	c, err := candScan(s.queryRow(ctx,
		`SELECT `+candColumns+` FROM candidats c WHERE c.user_id = ? ORDER BY c.id LIMIT 1`, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("candidat of user %d: %w", userID, apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("candidat of user %d: %w", userID, err)
	}
	return &c, nil
}

// candMayEdit reports whether actor may change candidate id: an admin, or the referent of a
// centre where the candidate has an inscription.
func candMayEdit(ctx context.Context, tx *Tx, actor account.Actor, id int64) (bool, error) {
	rel, err := candRelations(ctx, tx, id)
	if err != nil {
		return false, err
	}
	return access.CanEditCandidat(actor, rel) == access.Allow, nil
}

// UpdateCandidat saves c's fields (c.UserID and c.CreatedAt are reset to the stored values);
// it is audited with the names of the fields changed, and nothing is written when nothing
// changed. The identity key is recomputed; when the candidate has an account, the account's
// e-mail, nom and prénom follow (the account's e-mail is the login: see candCheckEmailChange
// for who may change it, moveLogin for what follows).
//
// Who: an admin, or the referent of a centre where the candidate has an inscription.
// Errors: apperr.NotFound when c.ID does not exist or is out of the actor's scope (see
// Candidat); apperr.Forbidden when the actor sees the candidate but may not change it;
// *apperr.Validation from c.Validate, on "nom_naissance" when another candidate has the new
// identity, on "email" when another account has the new address; a *StaleError (wrapping
// apperr.Conflict) when c.Version is no longer the stored version; apperr.Conflict when a
// concurrent write wins the race. On success c.Version is the new version.
func (s *Store) UpdateCandidat(ctx context.Context, actor account.Actor, c *candidat.Candidat) error {
	if err := c.Validate(s.now()); err != nil {
		return err
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		old, err := s.candidat(ctx, tx, actor, c.ID)
		if err != nil {
			return err
		}
		if ok, err := candMayEdit(ctx, tx, actor, c.ID); err != nil {
			return err
		} else if !ok {
			return apperr.Forbidden
		}
		c.UserID, c.CreatedAt = old.UserID, old.CreatedAt
		v := apperr.NewValidation()
		ident := candIdentityKey(c.Identity())
		var oldKey string
		if err := tx.QueryRowContext(ctx, `SELECT identity_key FROM candidats WHERE id = ?`, c.ID).Scan(&oldKey); err != nil {
			return err
		}
		// The centre prefix of the scoped key stays; the identity part follows the edit.
		prefix, _, _ := strings.Cut(oldKey, "|")
		key := prefix + "|" + ident
		if ident != candIdentityKey(old.Identity()) {
			// Taken: the same scoped key, or a candidate of a centre this one is enrolled in
			// (never a check against centres the actor may not read).
			if taken, err := exists(ctx, tx, `SELECT 1 FROM candidats o WHERE o.id <> ? AND (o.identity_key = ?
				OR (o.identite = ? AND EXISTS (SELECT 1 FROM inscriptions oi JOIN inscriptions mi ON mi.centre_id = oi.centre_id
					WHERE oi.candidat_id = o.id AND mi.candidat_id = ?)))`, c.ID, key, ident, c.ID); err != nil {
				return err
			} else if taken {
				v.Add("nom_naissance", msgCandIdentityTaken)
			}
		}
		var login candLogin
		if c.Email != old.Email {
			if login, err = candCheckEmailChange(ctx, tx, actor, c, v); err != nil {
				return err
			}
			if c.UserID != 0 {
				if err := checkEmail(ctx, tx, c.Email, c.UserID, v); err != nil {
					return err
				}
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		var fields changed
		fields.add("nom_naissance", c.NomNaissance != old.NomNaissance)
		fields.add("nom_usage", c.NomUsage != old.NomUsage)
		fields.add("prenoms", !slices.Equal(c.Prenoms, old.Prenoms))
		fields.add("sexe", c.Sexe != old.Sexe)
		fields.add("date_naissance", !c.DateNaissance.Equal(old.DateNaissance))
		fields.add("commune_naissance_code", c.CommuneNaissanceCode != old.CommuneNaissanceCode)
		fields.add("commune_naissance", c.CommuneNaissance != old.CommuneNaissance)
		fields.add("pays_naissance", c.PaysNaissance != old.PaysNaissance)
		fields.add("email", c.Email != old.Email)
		fields.add("telephone", c.Telephone != old.Telephone)
		fields.add("adresse", c.Adresse != old.Adresse)
		if len(fields) == 0 {
			return tx.checkVersion(ctx, "candidats", c.ID, c.Version)
		}
		now := s.nowUTC()
		if err := tx.updateVersioned(ctx, "candidats", c.ID, c.Version,
			`nom_naissance = ?, nom_usage = ?, prenoms = ?, sexe = ?, date_naissance = ?,
			 commune_naissance_code = ?, commune_naissance = ?, pays_naissance = ?, email = ?, telephone = ?,
			 adresse = ?, identity_key = ?, identite = ?, search_key = ?, updated_at = ?`,
			c.NomNaissance, c.NomUsage, candJSON(c.Prenoms), string(c.Sexe), candDate(c.DateNaissance),
			c.CommuneNaissanceCode, c.CommuneNaissance, c.PaysNaissance, c.Email, c.Telephone,
			candJSON(c.Adresse), key, ident, candSearchKey(c), s.t(now)); err != nil {
			return err
		}
		c.Version++
		if c.UserID != 0 {
			u := account.User{Email: c.Email}
			u.Nom, u.Prenom = candUserNames(c)
			// The account's version moves too: an open edit form of the account is now stale.
			if _, err := tx.ExecContext(ctx,
				`UPDATE users SET email = ?, nom = ?, prenom = ?, search_key = ?, updated_at = ?, version = version + 1 WHERE id = ? AND role = ?`,
				u.Email, u.Nom, u.Prenom, searchKey(&u), s.t(now), c.UserID, string(account.RoleCandidat)); err != nil {
				return err
			}
			if c.Email != old.Email {
				if err := s.moveLogin(ctx, tx, actor, c.UserID, login, u.Prenom, c.Email, now); err != nil {
					return err
				}
			}
		}
		// What the identity was and became (what the parchemin prints) is personal data: it goes
		// to candidat_corrections, and the journal's row names that correction.
		corr, err := insertCorrection(ctx, tx, s, actor, c.ID, old, c, fields, now)
		if err != nil {
			return err
		}
		return tx.audit(ctx, actor, "candidat.update", "candidat", c.ID, map[string]any{"fields": fields, "correction_id": corr})
	})
	if err != nil {
		return fmt.Errorf("update candidat %d: %w", c.ID, err)
	}
	return nil
}
