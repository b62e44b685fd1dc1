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

// relSQL gives, for one kind of resource and its query's aliases, the SQL condition of each
// relation of the access policy. A relation absent from it (the jury's, until the jury
// tables exist) holds for no row.
type relSQL map[access.Relation]func(a account.Actor) (string, []any)

// scope turns the relations through which actor may see resources of kind (access.Scope) into
// one SQL condition: the OR of their conditions, "1 = 0" when there is none.
func scope(kind access.Kind, actor account.Actor, sqls relSQL) (string, []any) {
	var parts []string
	var args []any
	for _, r := range access.Scope(kind, actor) {
		f, ok := sqls[r]
		if !ok {
			continue
		}
		q, a := f(actor)
		parts = append(parts, q)
		args = append(args, a...)
	}
	switch len(parts) {
	case 0:
		return `1 = 0`, nil
	case 1:
		return parts[0], args
	}
	return `(` + strings.Join(parts, ` OR `) + `)`, args
}

func sqlAll(account.Actor) (string, []any) { return `1 = 1`, nil }

// scopeInscriptions is the condition (on aliases i and c, the inscription and its candidate)
// restricting inscriptions to those actor may read (access.CanReadInscription).
func (s *Store) scopeInscriptions(actor account.Actor) (string, []any) {
	return scope(access.KindInscription, actor, relSQL{
		access.Any:        sqlAll,
		access.SameCentre: func(a account.Actor) (string, []any) { return `i.centre_id = ?`, []any{a.CentreID} },
		access.OwnFile:    func(a account.Actor) (string, []any) { return `c.user_id = ?`, []any{a.UserID} },
		// A member of a session the inscription is convoked to, whose day has come, who signed
		// its attestation and did not train, tutor or evaluate the candidate (jsLiens).
		access.NotTrainerOf: func(a account.Actor) (string, []any) {
			u := a.UserID
			return `(EXISTS (SELECT 1 FROM passages jp JOIN jury_sessions js ON js.id = jp.session_id
				JOIN session_membres jm ON jm.session_id = js.id AND jm.user_id = ?
				JOIN jury_attestations ja ON ja.session_id = js.id AND ja.user_id = ?
				WHERE jp.inscription_id = i.id AND js.date_session <= ?)
				AND NOT EXISTS (SELECT 1 FROM evaluations je WHERE je.inscription_id = i.id AND (je.evaluateur_id = ? OR je.created_by = ?))
				AND NOT EXISTS (SELECT 1 FROM projets jq WHERE jq.inscription_id = i.id AND jq.decision_par = ?)
				AND NOT EXISTS (SELECT 1 FROM dossier_projets jd WHERE jd.inscription_id = i.id AND jd.approuve_par = ?)
				AND NOT EXISTS (SELECT 1 FROM stages jt JOIN users ju ON ju.email = LOWER(jt.tuteur_email) WHERE jt.inscription_id = i.id AND ju.id = ?))`,
				[]any{u, u, candDate(dsToday(s.now())), u, u, u, u, u}
		},
	})
}

// scopeCandidats is the condition (on alias c) restricting candidates to those actor may read
// (access.CanReadCandidat).
func scopeCandidats(actor account.Actor) (string, []any) {
	return scope(access.KindCandidat, actor, relSQL{
		access.Any: sqlAll,
		access.SameCentre: func(a account.Actor) (string, []any) {
			return `EXISTS (SELECT 1 FROM inscriptions si WHERE si.candidat_id = c.id AND si.centre_id = ?)`, []any{a.CentreID}
		},
		access.OwnFile: func(a account.Actor) (string, []any) { return `c.user_id = ?`, []any{a.UserID} },
	})
}

// scopeUsers is the condition (on the users table, without alias) restricting accounts to
// those actor may read (access.CanReadAccount).
func scopeUsers(actor account.Actor) (string, []any) {
	return scope(access.KindUser, actor, relSQL{
		access.Any:        sqlAll,
		access.SameCentre: func(a account.Actor) (string, []any) { return `centre_id = ?`, []any{a.CentreID} },
		access.Self:       func(a account.Actor) (string, []any) { return `id = ?`, []any{a.UserID} },
	})
}

// scopeCentres is the condition (on the organismes table, without alias) restricting
// organismes to those actor may read (access.CanReadCentre).
func scopeCentres(actor account.Actor) (string, []any) {
	return scope(access.KindCentre, actor, relSQL{
		access.Any:        sqlAll,
		access.SameCentre: func(a account.Actor) (string, []any) { return `id = ?`, []any{a.CentreID} },
	})
}

// candRelations reads what the access policy needs of candidate id: its account and the
// centres where it has an inscription. apperr.NotFound when it does not exist.
func candRelations(ctx context.Context, q querier, id int64) (access.Candidat, error) {
	var user sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT user_id FROM candidats WHERE id = ?`, id).Scan(&user)
	if errors.Is(err, sql.ErrNoRows) {
		return access.Candidat{}, fmt.Errorf("candidat %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return access.Candidat{}, fmt.Errorf("candidat %d: %w", id, err)
	}
	rel := access.Candidat{UserID: user.Int64}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT centre_id FROM inscriptions WHERE candidat_id = ?`, id)
	if err != nil {
		return access.Candidat{}, fmt.Errorf("candidat %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			return access.Candidat{}, fmt.Errorf("candidat %d: %w", id, err)
		}
		rel.CentreIDs = append(rel.CentreIDs, c)
	}
	return rel, rows.Err()
}

// relations is what the access policy needs of inscription i.
func (i *lvIns) relations() access.Inscription {
	return access.Inscription{CentreID: i.CentreID, CandidatUserID: i.UserID, Jury: i.Jury}
}

// InscriptionRelations returns the relations of inscription id that the access policy decides
// on for actor (its centre, its candidate's account; for a juror, its jury sessions). It
// reveals nothing but existence, and is meant for the web layer's route guard, which applies
// the route's policy to it before the handler runs. apperr.NotFound when it does not exist.
func (s *Store) InscriptionRelations(ctx context.Context, actor account.Actor, id int64) (access.Inscription, error) {
	rel, err := s.inscriptionRelations(ctx, id)
	if err != nil || actor.Role != account.RoleJury {
		return rel, err
	}
	// Not memoized: a session's day coming opens it to its jury without any write.
	rel.Jury, err = s.juryRelations(ctx, s.q(nil), id)
	return rel, err
}

func (s *Store) inscriptionRelations(ctx context.Context, id int64) (access.Inscription, error) {
	// Kept under the change mark: the relations change only by journaled writes.
	return memoized(ctx, s, &s.inscRelations, id, func() (access.Inscription, error) {
		i, err := lvInscription(ctx, s.q(nil), id)
		if err != nil {
			return access.Inscription{}, err
		}
		return i.relations(), nil
	})
}

// CandidatRelations returns the relations of candidate id that the access policy decides on
// (its account, the centres where it has an inscription), for the web layer's route guard as
// InscriptionRelations. apperr.NotFound when it does not exist.
func (s *Store) CandidatRelations(ctx context.Context, id int64) (access.Candidat, error) {
	return candRelations(ctx, s.q(nil), id)
}
