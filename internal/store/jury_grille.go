package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/jury"
)

// The juror's grid of a passage (R8, R9): each juror assigned to the passage fills their own,
// saved incrementally; every save is a new row of grille_saisies (append-only) whose version
// is the previous one plus one, so that UNIQUE (passage, juror, version) refuses the second of
// two saves made from the same version: no save is lost, none overwrites another silently.
//
// Who, precisely:
//   - nobody but the admin and the session's members knows the passage (the session's scope:
//     a juror from the session's day on): apperr.NotFound;
//   - reading and saving one's own grid: a member of the session ASSIGNED to the passage
//     (passage_jures) who signed the session's confidentiality attestation (R17); another
//     member, or the admin (who evaluates nobody), gets apperr.Forbidden;
//   - saving: only while the session is « dossiers clos » or « en cours » (the orals): before,
//     the grids are not open yet; from « délibérée » on, the jury's decisions rest on them and
//     they are locked — both a *GrilleCloseError (apperr.Conflict, 409, with the reason);
//   - every juror's grid and the consolidated one (Grilles): the admin, and the président who
//     signed the attestation; every member who signed once the session is délibérée (the PV
//     shows what the grids led to).
//
// The journal records a juror's first save of a passage's grid, not each save: grille_saisies
// is append-only and keeps every save with its time — it is the grid's history — while one
// journal row per keystroke pause would swell the hash chain by hundreds of rows per oral and
// put its write on the hot path of a save.

// GrilleStaleError is a save refused because the grid changed since the version it was made
// from (another window of the same juror saved first). Current is the grid as saved now;
// From is the grid at the version the refused save was made from (the blank grid for version
// 0): what differs between From and the refused grid is what the juror changed, the rest they
// did not touch.
type GrilleStaleError struct {
	StaleError
	Current jury.Grille
	From    jury.Grille
}

// Unwrap gives the StaleError (version, time) to errors.As.
func (e *GrilleStaleError) Unwrap() error { return &e.StaleError }

// GrilleCloseError is a save refused because of the session's state: before « dossiers clos »
// the grids are not open, from « délibérée » on they are locked. errors.Is(e, apperr.Conflict).
type GrilleCloseError struct {
	Etat jury.Etat
}

// Error names the state.
func (e *GrilleCloseError) Error() string { return "grid closed: session " + string(e.Etat) }

// Is makes errors.Is(err, apperr.Conflict) true.
func (e *GrilleCloseError) Is(target error) bool { return target == apperr.Conflict }

// Message is the French reason, for the page and the API.
func (e *GrilleCloseError) Message() string {
	if !grDeliberee(e.Etat) {
		return "Les grilles s’ouvrent quand les dossiers sont clos : la session est à l’état « " + e.Etat.Libelle() + " »."
	}
	return "La délibération est close : la session est à l’état « " + e.Etat.Libelle() + " », les grilles ne changent plus."
}

// grOuverte reports whether the grids of a session in state e may be saved.
func grOuverte(e jury.Etat) bool { return e == jury.DossiersClos || e == jury.EnCours }

// grDeliberee reports whether the session in state e has deliberated.
func grDeliberee(e jury.Etat) bool {
	return e == jury.Deliberee || e == jury.PVSigne || e == jury.ResultatsPublies
}

// grPlace is where the actor stands to a passage's grids, read in one query.
type grPlace struct {
	PassageID, SessionID, InscriptionID int64
	Etat                                jury.Etat
	Member, President, Assigned, Signed bool
}

// grKey names a place in the memo: the actor and the passage.
type grKey struct {
	user    int64
	role    account.Role
	passage int64
}

// grLoad reads where actor stands to passage passageID: apperr.NotFound when the actor may
// not know it (the session's scope). Memoized under the change mark (a juror taps every few
// seconds): memberships, assignments, attestations and states are journaled when they change.
func (s *Store) grLoad(ctx context.Context, actor account.Actor, passageID int64) (*grPlace, error) {
	g, err := memoized(ctx, s, &s.grPlaces, grKey{actor.UserID, actor.Role, passageID}, func() (grPlace, error) {
		return s.grLoadDB(ctx, actor, passageID)
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

func (s *Store) grLoadDB(ctx context.Context, actor account.Actor, passageID int64) (grPlace, error) {
	where, args := s.scopeJurySessions(actor)
	g := grPlace{PassageID: passageID}
	var president sql.NullBool
	var member, assigned, signed sql.NullInt64
	err := s.queryRow(ctx, `SELECT p.session_id, p.inscription_id, s.etat, m.user_id, m.president, j.user_id, a.user_id
		FROM passages p JOIN jury_sessions s ON s.id = p.session_id
		LEFT JOIN session_membres m ON m.session_id = s.id AND m.user_id = ?
		LEFT JOIN passage_jures j ON j.passage_id = p.id AND j.user_id = ?
		LEFT JOIN jury_attestations a ON a.session_id = s.id AND a.user_id = ?
		WHERE p.id = ? AND `+where, append([]any{actor.UserID, actor.UserID, actor.UserID, passageID}, args...)...).
		Scan(&g.SessionID, &g.InscriptionID, &g.Etat, &member, &president, &assigned, &signed)
	if errors.Is(err, sql.ErrNoRows) {
		return g, fmt.Errorf("passage %d: %w", passageID, apperr.NotFound)
	}
	if err != nil {
		return g, fmt.Errorf("passage %d: %w", passageID, mapBusy(err))
	}
	isJury := actor.Role == account.RoleJury
	g.Member, g.President = isJury && member.Valid, isJury && member.Valid && president.Bool
	g.Assigned, g.Signed = g.Member && assigned.Valid, g.Member && signed.Valid
	return g, nil
}

// own refuses whoever may not fill a grid of the passage (apperr.Forbidden).
func (g *grPlace) own() error {
	if !g.Assigned {
		return fmt.Errorf("passage %d: grid: not an assigned juror: %w", g.PassageID, apperr.Forbidden)
	}
	if !g.Signed {
		return &AttestationError{SessionID: g.SessionID}
	}
	return nil
}

// AttestationError is a refusal to a member of the session who has not signed its
// confidentiality attestation yet (R17): errors.Is(err, apperr.Forbidden).
type AttestationError struct {
	SessionID int64
}

// Error names the session.
func (e *AttestationError) Error() string {
	return fmt.Sprintf("jury session %d: attestation not signed", e.SessionID)
}

// Is makes errors.Is(err, apperr.Forbidden) true.
func (e *AttestationError) Is(target error) bool { return target == apperr.Forbidden }

// all refuses whoever may not read every juror's grid of the passage (apperr.Forbidden): a
// member who trained, tutored or evaluated the candidate never does, président or not (the
// dossier is refused them too).
func (s *Store) grAll(ctx context.Context, q querier, actor account.Actor, g *grPlace) error {
	if actor.IsAdmin() {
		return nil
	}
	if !g.Signed || !(g.President || grDeliberee(g.Etat)) {
		return fmt.Errorf("passage %d: grids: %w", g.PassageID, apperr.Forbidden)
	}
	liens, err := jsLiens(ctx, q, g.InscriptionID)
	if err != nil {
		return err
	}
	if _, lie := liens[actor.UserID]; lie {
		return fmt.Errorf("passage %d: grids: trained the candidate: %w", g.PassageID, apperr.Forbidden)
	}
	return nil
}

// grBase is the ground of the passage g names.
// grBase is the ground of the passage g names, memoized under the change mark: the
// inscription, the dossier's projects and the other sessions' decisions are journaled when
// they change. Callers do not modify it.
func (s *Store) grBase(ctx context.Context, g *grPlace) (*PassageBase, error) {
	return memoized(ctx, s, &s.grBases, g.PassageID, func() (*PassageBase, error) {
		return s.passageBase(ctx, s.q(nil), &Passage{ID: g.PassageID, SessionID: g.SessionID, InscriptionID: g.InscriptionID})
	})
}

// grSaved reads juror userID's grid of passage passageID at its highest version, merged onto
// the blank grid, with the time of that save (the blank grid, version 0, when never saved).
func grSaved(ctx context.Context, q querier, base *PassageBase, passageID, userID int64) (jury.Grille, time.Time, error) {
	var version int64
	var data string
	var le time.Time
	err := q.QueryRowContext(ctx, `SELECT version, data, le FROM grille_saisies WHERE passage_id = ? AND user_id = ?
		ORDER BY version DESC LIMIT 1`, passageID, userID).Scan(&version, &data, scanTime(&le))
	if errors.Is(err, sql.ErrNoRows) {
		return base.Vierge, time.Time{}, nil
	}
	if err != nil {
		return jury.Grille{}, time.Time{}, fmt.Errorf("passage %d grid: %w", passageID, err)
	}
	var saved jury.Grille
	if err := json.Unmarshal([]byte(data), &saved); err != nil {
		return jury.Grille{}, time.Time{}, fmt.Errorf("passage %d grid v%d: %w", passageID, version, err)
	}
	m, err := base.Vierge.Merge(saved)
	if err != nil { // saved against another shape of the référentiel: what still fits is lost
		m = base.Vierge
	}
	m.Version = version
	return m, le, nil
}

// grVersion reads juror userID's grid of passage passageID at version (grille_saisies is
// append-only: every version stays), merged onto the blank grid; the blank grid for version 0
// or a version never saved (a client's invented number).
func grVersion(ctx context.Context, q querier, base *PassageBase, passageID, userID, version int64) (jury.Grille, error) {
	if version <= 0 {
		return base.Vierge, nil
	}
	var data string
	err := q.QueryRowContext(ctx, `SELECT data FROM grille_saisies WHERE passage_id = ? AND user_id = ? AND version = ?`,
		passageID, userID, version).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return base.Vierge, nil
	}
	if err != nil {
		return jury.Grille{}, fmt.Errorf("passage %d grid v%d: %w", passageID, version, err)
	}
	var saved jury.Grille
	if err := json.Unmarshal([]byte(data), &saved); err != nil {
		return jury.Grille{}, fmt.Errorf("passage %d grid v%d: %w", passageID, version, err)
	}
	m, err := base.Vierge.Merge(saved)
	if err != nil { // saved against another shape of the référentiel
		m = base.Vierge
	}
	m.Version = version
	return m, nil
}

// Grille returns the calling juror's current grid of passage passageID merged on the blank
// one (version 0 when never saved), with the time of its latest save (zero when never).
// Who and errors: see the comment at the top of this file.
func (s *Store) Grille(ctx context.Context, actor account.Actor, passageID int64) (jury.Grille, time.Time, error) {
	g, err := s.grLoad(ctx, actor, passageID)
	if err != nil {
		return jury.Grille{}, time.Time{}, fmt.Errorf("grid: %w", err)
	}
	if err := g.own(); err != nil {
		return jury.Grille{}, time.Time{}, err
	}
	base, err := s.grBase(ctx, g)
	if err != nil {
		return jury.Grille{}, time.Time{}, fmt.Errorf("grid: %w", err)
	}
	return grSaved(ctx, s.q(nil), base, passageID, actor.UserID)
}

// SaveGrille saves the calling juror's grid of passage passageID made from version in.Version:
// merged on the blank grid (*apperr.Validation naming the place of an unknown code, rating or a
// text too long), written as version in.Version+1 in one short transaction, and returned with
// the time of the save. A stale version (another save landed since) is a *GrilleStaleError
// carrying the current grid — nothing is overwritten; a session whose grids are not open is a
// *GrilleCloseError. Who: see the comment at the top of this file.
func (s *Store) SaveGrille(ctx context.Context, actor account.Actor, passageID int64, in jury.Grille) (jury.Grille, time.Time, error) {
	g, err := s.grLoad(ctx, actor, passageID)
	if err != nil {
		return jury.Grille{}, time.Time{}, fmt.Errorf("save grid: %w", err)
	}
	if err := g.own(); err != nil {
		return jury.Grille{}, time.Time{}, err
	}
	base, err := s.grBase(ctx, g)
	if err != nil {
		return jury.Grille{}, time.Time{}, fmt.Errorf("save grid: %w", err)
	}
	merged, err := base.Vierge.Merge(in)
	if err != nil {
		return jury.Grille{}, time.Time{}, fmt.Errorf("save grid: %w", err)
	}
	merged.Version = in.Version + 1
	data, err := json.Marshal(merged)
	if err != nil {
		return jury.Grille{}, time.Time{}, fmt.Errorf("save grid: %w", err)
	}
	now := s.nowUTC()
	stale := false
	err = s.Transact(ctx, func(tx *Tx) error {
		// The state and the version as they stand now (on PostgreSQL the session's row is
		// shared-locked: a move to « délibérée » waits for this save, or this save for it).
		// Both statements are prepared once: a save is the request of every tap.
		lock := ""
		if s.dialect == DialectPostgres {
			lock = ` FOR SHARE OF s`
		}
		check, err := s.grCheck.get(ctx, s, `SELECT s.etat, COALESCE((SELECT MAX(v.version) FROM grille_saisies v WHERE v.passage_id = p.id AND v.user_id = ?), 0)
			FROM passages p JOIN jury_sessions s ON s.id = p.session_id WHERE p.id = ?`+lock)
		if err != nil {
			return err
		}
		var etat jury.Etat
		var version int64
		if err := tx.tx.StmtContext(ctx, check).QueryRowContext(ctx, actor.UserID, passageID).Scan(&etat, &version); err != nil {
			return mapBusy(err)
		}
		if !grOuverte(etat) {
			return &GrilleCloseError{Etat: etat}
		}
		if version != in.Version {
			stale = true
			return apperr.Conflict
		}
		insert, err := s.grInsert.get(ctx, s, `INSERT INTO grille_saisies (passage_id, user_id, version, data, le) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		if _, err := tx.tx.StmtContext(ctx, insert).ExecContext(ctx, passageID, actor.UserID, merged.Version, string(data), s.t(now)); err != nil {
			if constraintOf(err) == uniqueConstraint { // a concurrent save of the same version landed first
				stale = true
			}
			return mapErr(err)
		}
		if merged.Version == 1 {
			return tx.audit(ctx, actor, "passage.grille", jsPassageEntity, passageID, nil)
		}
		return nil
	})
	if stale {
		cur, le, rerr := grSaved(ctx, s.q(nil), base, passageID, actor.UserID)
		if rerr != nil {
			return jury.Grille{}, time.Time{}, fmt.Errorf("save grid: %w", rerr)
		}
		from, rerr := grVersion(ctx, s.q(nil), base, passageID, actor.UserID, in.Version)
		if rerr != nil {
			return jury.Grille{}, time.Time{}, fmt.Errorf("save grid: %w", rerr)
		}
		return jury.Grille{}, time.Time{}, &GrilleStaleError{StaleError: StaleError{Entity: "grille", ID: passageID,
			Version: cur.Version, At: le}, Current: cur, From: from}
	}
	if err != nil {
		return jury.Grille{}, time.Time{}, fmt.Errorf("save grid: %w", err)
	}
	return merged, now, nil
}

// GrilleJure is one assigned juror's grid of a passage.
type GrilleJure struct {
	UserID    int64
	Nom       string
	Grille    jury.Grille // merged on the blank grid; the blank one, version 0, when never saved
	SaveLe    time.Time   // the latest save, zero when never saved
	President bool        // the juror is the session's président
}

// GrillesPassage is every assigned juror's grid of a passage and the jury's consolidated one.
type GrillesPassage struct {
	Base       *PassageBase
	Jures      []GrilleJure // in juror id order (jurorsGrilles' order)
	Consolidee jury.Grille  // jury.Consolidee of the jurors' grids (a juror who never saved counts blank)
}

// Grilles returns every assigned juror's grid of passage passageID and the consolidated grid.
// Who: the admin; the président who signed the attestation; every member who signed once the
// session is délibérée. Errors: apperr.NotFound (the session's scope), apperr.Forbidden.
func (s *Store) Grilles(ctx context.Context, actor account.Actor, passageID int64) (*GrillesPassage, error) {
	q := s.q(nil)
	g, err := s.grLoad(ctx, actor, passageID)
	if err != nil {
		return nil, fmt.Errorf("grids: %w", err)
	}
	if err := s.grAll(ctx, q, actor, g); err != nil {
		return nil, err
	}
	base, err := s.grBase(ctx, g)
	if err != nil {
		return nil, fmt.Errorf("grids: %w", err)
	}
	jures, err := jsJures(ctx, q, passageID)
	if err != nil {
		return nil, err
	}
	saved, err := grillesOf(ctx, q, passageID)
	if err != nil {
		return nil, err
	}
	membres, err := jsMembres(ctx, q, g.SessionID)
	if err != nil {
		return nil, err
	}
	out := &GrillesPassage{Base: base}
	grilles := jurorsGrilles(base, jures, saved)
	for i, id := range slices.Sorted(slices.Values(jures)) {
		j := GrilleJure{UserID: id, Grille: grilles[i]}
		for _, m := range membres {
			if m.UserID == id {
				j.Nom, j.President = m.Nom, m.President
			}
		}
		if sg, ok := saved[id]; ok {
			j.Grille.Version = sg.Version
			err := q.QueryRowContext(ctx, `SELECT le FROM grille_saisies WHERE passage_id = ? AND user_id = ? AND version = ?`,
				passageID, id, sg.Version).Scan(scanTime(&j.SaveLe))
			if err != nil {
				return nil, fmt.Errorf("grids: %w", err)
			}
		}
		out.Jures = append(out.Jures, j)
	}
	noms := make([]string, len(out.Jures))
	for i, j := range out.Jures {
		noms[i] = j.Nom
	}
	out.Consolidee = jury.Consolidee(base.Vierge, grilles, noms)
	return out, nil
}

// GrilleVierge returns the blank grid of passage passageID, for whoever may fill or read the
// passage's grids (an assigned juror who signed, the président, the admin).
func (s *Store) GrilleVierge(ctx context.Context, actor account.Actor, passageID int64) (jury.Grille, error) {
	g, err := s.grLoad(ctx, actor, passageID)
	if err != nil {
		return jury.Grille{}, fmt.Errorf("blank grid: %w", err)
	}
	if g.own() != nil && s.grAll(ctx, s.q(nil), actor, g) != nil {
		return jury.Grille{}, fmt.Errorf("passage %d: blank grid: %w", passageID, apperr.Forbidden)
	}
	base, err := s.grBase(ctx, g)
	if err != nil {
		return jury.Grille{}, fmt.Errorf("blank grid: %w", err)
	}
	return base.Vierge, nil
}

// GrilleVue is what the grid's page shows: the passage and its session, the ground of the
// grid (référentiel, blocs presented), the caller's own grid when they fill one, every
// juror's grid when they may read them, and the dossier when they may read it.
type GrilleVue struct {
	Passage *Passage
	Session *JurySession
	Base    *PassageBase
	Own     *jury.Grille    // the caller's grid (assigned juror who signed), nil otherwise
	OwnLe   time.Time       // its latest save, zero when never saved
	Ouverte bool            // the grids may be saved now (dossiers clos, en cours)
	Toutes  *GrillesPassage // every juror's grid (président, admin; members once délibérée), nil otherwise
	Dossier *Dossier        // the candidate's dossier as the caller may read it, nil when they may not
}

// GrilleVue reads the grid page of passage passageID for actor: apperr.NotFound as the
// session's scope says; apperr.Forbidden for whoever neither fills a grid of the passage
// nor may read its grids (another member, not assigned).
func (s *Store) GrilleVue(ctx context.Context, actor account.Actor, passageID int64) (*GrilleVue, error) {
	q := s.q(nil)
	g, err := s.grLoad(ctx, actor, passageID)
	if err != nil {
		return nil, fmt.Errorf("grid page: %w", err)
	}
	ownErr, allErr := g.own(), s.grAll(ctx, q, actor, g)
	if ownErr != nil && allErr != nil {
		return nil, ownErr
	}
	v := &GrilleVue{Ouverte: grOuverte(g.Etat)}
	if v.Passage, v.Session, err = s.jsPassage(ctx, q, actor, passageID); err != nil {
		return nil, err
	}
	if v.Base, err = s.grBase(ctx, g); err != nil {
		return nil, fmt.Errorf("grid page: %w", err)
	}
	if ownErr == nil {
		own, le, err := grSaved(ctx, q, v.Base, passageID, actor.UserID)
		if err != nil {
			return nil, err
		}
		v.Own, v.OwnLe = &own, le
	}
	if allErr == nil {
		if v.Toutes, err = s.Grilles(ctx, actor, passageID); err != nil {
			return nil, err
		}
	}
	switch d, err := s.PassageDossier(ctx, actor, passageID); {
	case err == nil:
		v.Dossier = d
	case !errors.Is(err, apperr.Forbidden) && !errors.Is(err, apperr.NotFound):
		return nil, err
	}
	return v, nil
}
