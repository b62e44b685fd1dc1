package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/input"
	"github.com/certif/certif/internal/jury"
)

// The deliberation of a passage (R18): the system proposes a decision per bloc from the
// assigned jurors' grids; the président decides, with the reasons; the decisions are rows
// appended to passage_decisions (the current one of a bloc is its latest row), locked once
// every member has signed the PV, corrected afterwards only by the admin's amendment.

// DecisionBloc is a recorded decision on a bloc (one row of passage_decisions).
type DecisionBloc struct {
	Bloc          string
	Decision      jury.Decision
	Propose       jury.Decision // what the system proposed when it was recorded
	Motif         string
	ResteAEvaluer string
	AmendementID  int64 // the amendment that recorded it, 0 for the jury's own
	Par           int64
	Le            time.Time
}

// CompetenceAvis is one compétence of a bloc presented: the jury's consolidation and each
// assigned juror's conclusion, in the order of Deliberation.Jures.
type CompetenceAvis struct {
	Code, Intitule string
	Acquise        bool   // the consolidation (jury.Acquises)
	Egalite        bool   // not acquired for want of a majority: exactly half the jurors acquire it (1–1)
	Jures          []bool // each assigned juror acquires it
}

// BlocDeliberation is a bloc presented at the passage: the proposal, what it rests on, and
// the current decision (nil until decided).
type BlocDeliberation struct {
	jury.Proposition
	Intitule    string
	Competences []CompetenceAvis
	Decision    *DecisionBloc
}

// Deliberation is what the président decides a passage from.
type Deliberation struct {
	Session  *JurySession
	Passage  *Passage
	Jures    []SessionMembre    // the assigned jurors, by id
	Blocs    []BlocDeliberation // the blocs presented, référentiel order
	Vises    []string           // the blocs aimed at
	Acquis   []string           // the blocs acquired at an earlier session (R18), référentiel order
	Remplies []bool             // each assigned juror (order of Jures) has saved their grid; nil with Jures when hidden
	Intitule map[string]string  // the title of every bloc of the référentiel, by code
	// President: the actor is the session's président; MayDecide: and the session's state
	// lets them decide now (en cours or délibérée, before the first signature of the PV).
	President, MayDecide bool
	Signe                bool // the PV is signed by every member: decisions are locked
}

const (
	msgPVSigne           = "Le PV est signé : seules des modifications par avenant sont possibles."
	msgPVSansAttestation = "Signez d’abord l’attestation de confidentialité de la session : sans elle, vous n’avez pas siégé."
	msgDlbAbsentBlocs    = "Un candidat absent ou excusé n’a pas de décision par bloc : retirez-les, ou indiquez qu’il est présent."
	msgPVEnSigne         = "La signature du PV a commencé : les décisions ne changent plus."
	msgDlbEtat           = "La session est à l'état « %s » : le jury délibère quand elle est en cours ou délibérée."
	msgDlbPresence       = "Indiquez la présence du candidat : présent, absent ou excusé."
	msgDlbTropBlocs      = "Trop de blocs pour ce passage."
	maxDlbBlocs          = 50 // far above any référentiel's blocs
)

// PVError is a refusal that comes from the PV's state (409), with its French message.
type PVError struct{ Msg string }

func (e *PVError) Error() string { return e.Msg }

// Is makes errors.Is(e, apperr.Conflict) true.
func (e *PVError) Is(target error) bool { return target == apperr.Conflict }

// Message is the refusal as shown to the user.
func (e *PVError) Message() string { return e.Msg }

// dlbMember reads passage id and its session for actor: the admin, or a member of the
// session (from its day on) who signed its confidentiality attestation. Errors:
// apperr.NotFound for whoever may not see the session; apperr.Forbidden for a member who has
// not signed the attestation.
func (s *Store) dlbMember(ctx context.Context, q querier, actor account.Actor, id int64) (*Passage, *JurySession, []SessionMembre, error) {
	p, js, err := s.jsPassage(ctx, q, actor, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := q.QueryRowContext(ctx, `SELECT resultat FROM passages WHERE id = ?`, id).Scan(&p.Resultat); err != nil {
		return nil, nil, nil, err
	}
	membres, err := jsMembres(ctx, q, js.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	if actor.IsAdmin() {
		return p, js, membres, nil
	}
	i := slices.IndexFunc(membres, func(m SessionMembre) bool { return m.UserID == actor.UserID })
	if i < 0 || actor.Role != account.RoleJury {
		return nil, nil, nil, fmt.Errorf("passage %d: %w", id, apperr.NotFound)
	}
	if membres[i].SigneLe.IsZero() {
		return nil, nil, nil, fmt.Errorf("passage %d: attestation not signed: %w", id, apperr.Forbidden)
	}
	// As for the grids and the dossier: a member who trained, tutored or evaluated the
	// candidate never takes part in their deliberation, président or not.
	liens, err := jsLiens(ctx, q, p.InscriptionID)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, lie := liens[actor.UserID]; lie {
		return nil, nil, nil, fmt.Errorf("passage %d: trained the candidate: %w", id, apperr.Forbidden)
	}
	return p, js, membres, nil
}

// currentDecisions is the current decision of each bloc of passage passageID (its latest row).
func currentDecisions(ctx context.Context, q querier, passageID int64) (map[string]*DecisionBloc, error) {
	rows, err := q.QueryContext(ctx, `SELECT bloc_code, decision, propose, motif, reste_a_evaluer, amendement_id, par, le
		FROM passage_decisions WHERE passage_id = ? ORDER BY id`, passageID)
	if err != nil {
		return nil, fmt.Errorf("passage %d decisions: %w", passageID, err)
	}
	defer rows.Close()
	out := map[string]*DecisionBloc{}
	for rows.Next() {
		d := new(DecisionBloc)
		var amd *int64
		if err := rows.Scan(&d.Bloc, &d.Decision, &d.Propose, &d.Motif, &d.ResteAEvaluer, &amd, &d.Par, scanTime(&d.Le)); err != nil {
			return nil, fmt.Errorf("passage %d decisions: %w", passageID, err)
		}
		if amd != nil {
			d.AmendementID = *amd
		}
		out[d.Bloc] = d
	}
	return out, rows.Err()
}

// pvSignatures counts the PV signatures of session sessionID.
func pvSignatures(ctx context.Context, q querier, sessionID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM pv_signatures WHERE session_id = ?`, sessionID).Scan(&n)
	return n, err
}

// deliberation builds the deliberation of passage p (no access check).
func (s *Store) deliberation(ctx context.Context, q querier, actor account.Actor, p *Passage, js *JurySession, membres []SessionMembre) (*Deliberation, *PassageBase, error) {
	base, err := s.passageBase(ctx, q, p)
	if err != nil {
		return nil, nil, err
	}
	saved, err := grillesOf(ctx, q, p.ID)
	if err != nil {
		return nil, nil, err
	}
	grilles := jurorsGrilles(base, p.Jures, saved)
	acquises := jury.Acquises(grilles)
	dec, err := currentDecisions(ctx, q, p.ID)
	if err != nil {
		return nil, nil, err
	}
	if p.Presence == jury.Absent || p.Presence == jury.Excuse {
		dec = nil // the rows recorded before the candidate was found absent are void
	}
	d := &Deliberation{Session: js, Passage: p, Vises: base.Vises, Intitule: map[string]string{}}
	for _, b := range base.Ref.Blocs {
		d.Intitule[b.Code] = b.Intitule
		if base.Acquis[b.Code] && slices.Contains(base.Vises, b.Code) {
			d.Acquis = append(d.Acquis, b.Code)
		}
	}
	jures := slices.Sorted(slices.Values(p.Jures)) // jurorsGrilles' order
	for _, id := range jures {
		if i := slices.IndexFunc(membres, func(m SessionMembre) bool { return m.UserID == id }); i >= 0 {
			d.Jures = append(d.Jures, membres[i])
		} else {
			d.Jures = append(d.Jures, SessionMembre{Membre: jury.Membre{UserID: id}})
		}
	}
	for _, id := range jures {
		_, ok := saved[id]
		d.Remplies = append(d.Remplies, ok)
	}
	for i, prop := range jury.Propose(base.Blocs, acquises, base.Regles) {
		b := base.Blocs[i]
		bd := BlocDeliberation{Proposition: prop, Intitule: b.Intitule, Decision: dec[b.Code]}
		for _, c := range b.Competences {
			av := CompetenceAvis{Code: c.Code, Intitule: c.Intitule, Acquise: acquises[c.Code]}
			oui := 0
			for _, g := range grilles {
				a := competenceAcquise(g, c.Code)
				av.Jures = append(av.Jures, a)
				if a {
					oui++
				}
			}
			av.Egalite = !av.Acquise && oui > 0 && 2*oui == len(grilles)
			bd.Competences = append(bd.Competences, av)
		}
		d.Blocs = append(d.Blocs, bd)
	}
	i := slices.IndexFunc(membres, func(m SessionMembre) bool { return m.UserID == actor.UserID && m.President })
	d.President = i >= 0 && actor.Role == account.RoleJury
	// Each juror's conclusions are the grids' (jury_grille.go, grAll): the admin and the
	// président read them, the other members once the session is délibérée; before, a juror
	// sees the proposal and the jury's consolidation only, not the others' judgements.
	if !actor.IsAdmin() && !d.President && !grDeliberee(js.Etat) {
		d.Jures, d.Remplies = nil, nil
		for b := range d.Blocs {
			for c := range d.Blocs[b].Competences {
				d.Blocs[b].Competences[c].Jures = nil
			}
		}
	}
	n, err := pvSignatures(ctx, q, js.ID)
	if err != nil {
		return nil, nil, err
	}
	d.Signe = js.Etat == jury.PVSigne || js.Etat == jury.ResultatsPublies
	d.MayDecide = d.President && n == 0 && (js.Etat == jury.EnCours || js.Etat == jury.Deliberee)
	return d, base, nil
}

func competenceAcquise(g jury.Grille, code string) bool {
	for _, c := range g.Competences {
		if c.Code == code {
			return c.Acquise()
		}
	}
	return false
}

// Deliberation returns the deliberation of passage passageID: per bloc presented, the
// proposal from the assigned jurors' current grids, each juror's conclusion per compétence
// (for the admin and the président; for the other members once the session is délibérée),
// the current decision; the blocs acquired earlier. Who: the admin; a member of the session
// (from its day on) who signed its confidentiality attestation and did not train, tutor or
// evaluate the candidate. Errors: apperr.NotFound for whoever may not see the session;
// apperr.Forbidden for a member who has not signed, or is not independent of the candidate.
func (s *Store) Deliberation(ctx context.Context, actor account.Actor, passageID int64) (*Deliberation, error) {
	q := s.q(nil)
	p, js, membres, err := s.dlbMember(ctx, q, actor, passageID)
	if err != nil {
		return nil, fmt.Errorf("deliberation: %w", err)
	}
	d, _, err := s.deliberation(ctx, q, actor, p, js, membres)
	if err != nil {
		return nil, fmt.Errorf("deliberation: %w", err)
	}
	return d, nil
}

// CleanDecisions bounds the decisions of a request body: at most maxDlbBlocs blocs, codes
// and texts cleaned of control characters (the length rules are jury.CheckDecisions').
func CleanDecisions(in map[string]jury.BlocDecision) (map[string]jury.BlocDecision, error) {
	if len(in) > maxDlbBlocs {
		v := apperr.NewValidation()
		v.Add("blocs", msgDlbTropBlocs)
		return nil, v
	}
	out := make(map[string]jury.BlocDecision, len(in))
	for code, d := range in {
		code = strings.TrimSpace(input.Clean(code, false))
		d.Motif = strings.TrimSpace(input.Clean(d.Motif, true))
		d.ResteAEvaluer = strings.TrimSpace(input.Clean(d.ResteAEvaluer, true))
		out[code] = d
	}
	return out, nil
}

// Decide records the président's decision on passage passageID: the presence and, for a
// present candidate, a decision per bloc presented (jury.CheckDecisions against the
// proposal: a reason always, a written one when departing from the proposal, what remains to
// be evaluated when not validated). The decisions are appended (the proposal stored beside
// them), the passage's presence and result (jury.ResultatOf, counting the blocs acquired
// earlier) set and its version bumped; audited. Deciding again appends new rows: the latest
// wins. Who: the session's président. When: the session en cours or délibérée, before the
// first signature of the PV. Errors: apperr.NotFound for whoever may not see the session;
// apperr.Forbidden for another member or the admin; *PVError (409) once the PV's signature
// has begun or it is signed; *apperr.Validation on "etat", "presence" or "blocs.BC01.motif".
func (s *Store) Decide(ctx context.Context, actor account.Actor, passageID int64, presence jury.Presence, blocs map[string]jury.BlocDecision) (*Deliberation, error) {
	blocs, err := CleanDecisions(blocs)
	if err != nil {
		return nil, fmt.Errorf("decide: %w", err)
	}
	var d *Deliberation
	err = s.Transact(ctx, func(tx *Tx) error {
		p, js, membres, err := s.dlbMember(ctx, tx, actor, passageID)
		if err != nil {
			return err
		}
		// The session's row locked, as SignPV does: a decision and a first signature never
		// cross (PostgreSQL, read committed); the state is read again under the lock.
		if _, err := tx.ExecContext(ctx, `UPDATE jury_sessions SET updated_at = updated_at WHERE id = ?`, js.ID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT etat FROM jury_sessions WHERE id = ?`, js.ID).Scan(&js.Etat); err != nil {
			return err
		}
		var base *PassageBase
		if d, base, err = s.deliberation(ctx, tx, actor, p, js, membres); err != nil {
			return err
		}
		if !d.President {
			return fmt.Errorf("passage %d: not the président: %w", passageID, apperr.Forbidden)
		}
		if d.Signe {
			return &PVError{msgPVSigne}
		}
		if n, err := pvSignatures(ctx, tx, js.ID); err != nil {
			return err
		} else if n > 0 {
			return &PVError{msgPVEnSigne}
		}
		if js.Etat != jury.EnCours && js.Etat != jury.Deliberee {
			v := apperr.NewValidation()
			v.Add("etat", fmt.Sprintf(msgDlbEtat, js.Etat.Libelle()))
			return v
		}
		if !presence.Valid() {
			v := apperr.NewValidation()
			v.Add("presence", msgDlbPresence)
			return v
		}
		if presence != jury.Present && len(blocs) > 0 {
			v := apperr.NewValidation()
			v.Add("blocs", msgDlbAbsentBlocs)
			return v
		}
		props := make([]jury.Proposition, len(d.Blocs))
		for i, b := range d.Blocs {
			props[i] = b.Proposition
		}
		valides := map[string]bool{}
		if presence == jury.Present {
			if err := jury.CheckDecisions(blocs, props); err != nil {
				return err
			}
			now := s.nowUTC()
			for _, pr := range props {
				bd := blocs[pr.Bloc]
				if _, err := tx.ExecContext(ctx, `INSERT INTO passage_decisions (passage_id, bloc_code, decision, propose, motif,
					reste_a_evaluer, par, le) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, passageID, pr.Bloc, string(bd.Decision),
					string(pr.Decision), bd.Motif, bd.ResteAEvaluer, actor.UserID, s.t(now)); err != nil {
					return mapErr(err)
				}
				valides[pr.Bloc] = bd.Decision == jury.Valide
			}
		}
		res := jury.ResultatOf(presence, base.Vises, valides, base.Acquis)
		if _, err := tx.ExecContext(ctx, `UPDATE passages SET presence = ?, resultat = ?, version = version + 1 WHERE id = ?`,
			string(presence), string(res), passageID); err != nil {
			return err
		}
		return tx.audit(ctx, actor, jsPassageEntity+".decision", jsPassageEntity, passageID, map[string]any{
			"presence": presence, "resultat": res, "blocs": valides})
	})
	if err != nil {
		return nil, fmt.Errorf("decide: %w", err)
	}
	return s.Deliberation(ctx, actor, passageID)
}
