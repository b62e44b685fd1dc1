package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/referentiel"
)

// What the grid and the deliberation of a passage rest on, read once for both: the blocs the
// candidate presents, the blank grid with the dossier's coverage, the blocs acquired at an
// earlier session (partial validation carries over, R18), the certification's jury rules, and
// the jurors' current grids.

// PassageBase is the ground of a passage's grid and deliberation.
type PassageBase struct {
	Ref    *referentiel.Referentiel
	Vises  []string           // the blocs aimed at by the inscription, référentiel order
	Acquis map[string]bool    // blocs validated at an earlier session whose PV is signed
	Blocs  []referentiel.Bloc // the blocs presented: aimed at and not acquired
	Vierge jury.Grille        // the blank grid of Blocs, coverage from the dossier's projects
	Regles jury.Regles
}

// passageBase reads the ground of passage p (no access check: callers have loaded p as their
// actor may see it).
func (s *Store) passageBase(ctx context.Context, q querier, p *Passage) (*PassageBase, error) {
	ins, err := lvInscription(ctx, q, p.InscriptionID)
	if err != nil {
		return nil, err
	}
	ref, err := s.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return nil, err
	}
	b := &PassageBase{Ref: ref, Regles: jury.ReglesOf(ref.Certification.Jury)}
	if b.Acquis, err = blocsAcquis(ctx, q, p.InscriptionID, p.SessionID); err != nil {
		return nil, err
	}
	var all []string
	for _, bl := range ref.Blocs {
		if !ins.vise(bl.Code) {
			continue
		}
		b.Vises = append(b.Vises, bl.Code)
		if !b.Acquis[bl.Code] {
			b.Blocs = append(b.Blocs, bl)
			for _, c := range bl.Competences {
				all = append(all, c.Code)
			}
		}
	}
	projets, err := dsProjets(ctx, q, `p.inscription_id = ?`, p.InscriptionID)
	if err != nil {
		return nil, err
	}
	covered, _ := dossier.Coverage(all, projets)
	couvertes := map[string]bool{}
	for code := range covered {
		couvertes[code] = true
	}
	b.Vierge = jury.Vierge(b.Blocs, couvertes)
	return b, nil
}

// blocsAcquis is the set of blocs of inscription insID validated at a session held before
// session sessionID (an earlier day, or the same day created before it) whose PV is signed,
// where the candidate was present: the latest decision (amendments included) of each bloc.
// A later session never counts, so that a signed PV reads the same forever; an absent or
// excused passage's decisions never count, whatever was recorded before the presence.
func blocsAcquis(ctx context.Context, q querier, insID, sessionID int64) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.bloc_code, d.decision FROM passage_decisions d
		JOIN passages p ON p.id = d.passage_id JOIN jury_sessions s ON s.id = p.session_id
		JOIN jury_sessions cur ON cur.id = ?
		WHERE p.inscription_id = ? AND p.session_id <> cur.id AND p.presence = ? AND s.etat IN (?, ?)
		AND (s.date_session < cur.date_session OR (s.date_session = cur.date_session AND s.id < cur.id))
		ORDER BY s.date_session, s.id, d.id`, sessionID, insID, string(jury.Present), string(jury.PVSigne), string(jury.ResultatsPublies))
	if err != nil {
		return nil, fmt.Errorf("blocs acquis of inscription %d: %w", insID, err)
	}
	defer rows.Close()
	last := map[string]string{}
	for rows.Next() {
		var bloc, d string
		if err := rows.Scan(&bloc, &d); err != nil {
			return nil, err
		}
		last[bloc] = d
	}
	out := map[string]bool{}
	for bloc, d := range last {
		if jury.Decision(d) == jury.Valide {
			out[bloc] = true
		}
	}
	return out, rows.Err()
}

// grillesOf returns the current grid (highest version) of each juror who saved one for
// passage passageID, by juror id.
func grillesOf(ctx context.Context, q querier, passageID int64) (map[int64]jury.Grille, error) {
	rows, err := q.QueryContext(ctx, `SELECT g.user_id, g.version, g.data FROM grille_saisies g
		WHERE g.passage_id = ? AND g.version = (SELECT MAX(x.version) FROM grille_saisies x
			WHERE x.passage_id = g.passage_id AND x.user_id = g.user_id)`, passageID)
	if err != nil {
		return nil, fmt.Errorf("passage %d grids: %w", passageID, err)
	}
	defer rows.Close()
	out := map[int64]jury.Grille{}
	for rows.Next() {
		var user, version int64
		var data string
		if err := rows.Scan(&user, &version, &data); err != nil {
			return nil, err
		}
		var g jury.Grille
		if err := json.Unmarshal([]byte(data), &g); err != nil {
			return nil, fmt.Errorf("passage %d grid of %d v%d: %w", passageID, user, version, err)
		}
		g.Version = version
		out[user] = g
	}
	return out, rows.Err()
}

// jurorsGrilles is the grids of the passage's assigned jurors, in juror id order, each merged
// onto the blank grid (a juror who has not saved counts as a blank grid: Acquises then treats
// them as not acquiring).
func jurorsGrilles(base *PassageBase, jures []int64, saved map[int64]jury.Grille) []jury.Grille {
	ids := slices.Clone(jures)
	slices.Sort(ids)
	out := make([]jury.Grille, 0, len(ids))
	for _, id := range ids {
		g, ok := saved[id]
		if !ok {
			out = append(out, base.Vierge)
			continue
		}
		if m, err := base.Vierge.Merge(g); err == nil {
			out = append(out, m)
		} else {
			out = append(out, base.Vierge) // a grid saved against another référentiel shape
		}
	}
	return out
}
