package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/input"
	"github.com/certif/certif/internal/jury"
)

// The PV de jury: every passage's decisions per bloc and result, signed by each member (date,
// time, IP); when the last member signs, the session moves to « PV signé » by itself, the
// decisions are locked and the inscriptions' statuses follow the results (through the
// transition table, as candidat.ParJury). A later correction is the admin's amendment: an
// append-only row with its reason, and new decision rows naming it.

// PVPassage is one passage as the PV shows it.
type PVPassage struct {
	Passage
	Vises     []string       // the blocs aimed at, référentiel order
	Acquis    []string       // acquired at an earlier session
	Decisions []DecisionBloc // the current decision of each bloc presented, référentiel order
}

// PVSignature is a member's sign-off of the PV.
type PVSignature struct {
	UserID  int64
	Nom     string
	SigneLe time.Time
	IP      string
}

// PVAmendement is an admin's correction of a signed PV.
type PVAmendement struct {
	ID, PassageID int64
	Candidat      string
	Motif         string
	ParNom        string
	Le            time.Time
	Decisions     []DecisionBloc // the decisions it recorded
	Resultat      jury.Resultat  // the passage's result after it
}

// PV is the procès-verbal of a session's jury.
type PV struct {
	Session       *JurySession // with its members (président first)
	Certification CertificationInfo
	Centre        string
	Intitules     map[string]string // bloc titles by code
	Passages      []PVPassage
	Signatures    []PVSignature // in signing order
	Amendements   []PVAmendement
	Signe         bool // every member signed: the decisions are locked
	// Member: the actor sits on the jury; Signed: they signed the PV.
	Member, Signed bool
}

const (
	msgPVEtatSigne  = "Le PV se signe quand la session est délibérée (elle est à l'état « %s »)."
	msgPVAmdEtat    = "Un avenant corrige un PV signé : la session est à l'état « %s »."
	msgPVAmdMotif   = "Indiquez le motif de l'avenant."
	msgPVAmdPassage = "Ce passage n'appartient pas à cette session."
	msgPVAmdBlocs   = "Indiquez au moins un bloc dont la décision change."
	msgPVAmdAbsent  = "Le candidat était %s : aucune décision par bloc ne peut être modifiée."
	msgPVStatut     = "L'inscription de %s est au statut « %s » : le résultat du jury ne peut pas y être reporté (reprenez d'abord l'inscription)."
	msgPVAuto       = "La session passe d'elle-même à l'état « PV signé » quand chaque membre du jury a signé le PV."
	msgPVIndecis    = "Tous les passages doivent être décidés avant la fin de la délibération ; reste à décider : %s."
	pvMaxMotif      = 2000
	pvSignatureKind = jsSessionEntity + ".pv_signature"
)

// fillResultats sets the Resultat of the passages ps of session sessionID.
func fillResultats(ctx context.Context, q querier, sessionID int64, ps []Passage) error {
	rows, err := q.QueryContext(ctx, `SELECT id, resultat FROM passages WHERE session_id = ?`, sessionID)
	if err != nil {
		return fmt.Errorf("jury session %d results: %w", sessionID, err)
	}
	defer rows.Close()
	res := map[int64]jury.Resultat{}
	for rows.Next() {
		var id int64
		var r jury.Resultat
		if err := rows.Scan(&id, &r); err != nil {
			return err
		}
		res[id] = r
	}
	for i := range ps {
		ps[i].Resultat = res[ps[i].ID]
	}
	return rows.Err()
}

// pvPassages reads the PV's view of the passages of session sessionID (only passage
// passageID when it is not 0).
func (s *Store) pvPassages(ctx context.Context, q querier, sessionID, passageID int64) ([]PVPassage, map[string]string, error) {
	where, args := `p.session_id = ?`, []any{sessionID}
	if passageID != 0 {
		where, args = where+` AND p.id = ?`, append(args, passageID)
	}
	ps, err := jsPassages(ctx, q, where, args...)
	if err != nil {
		return nil, nil, err
	}
	if err := fillResultats(ctx, q, sessionID, ps); err != nil {
		return nil, nil, err
	}
	intitules := map[string]string{}
	out := make([]PVPassage, 0, len(ps))
	for _, p := range ps {
		ins, err := lvInscription(ctx, q, p.InscriptionID)
		if err != nil {
			return nil, nil, err
		}
		ref, err := s.ReferentielVersion(ctx, ins.VersionID)
		if err != nil {
			return nil, nil, err
		}
		acquis, err := blocsAcquis(ctx, q, p.InscriptionID, sessionID)
		if err != nil {
			return nil, nil, err
		}
		dec, err := currentDecisions(ctx, q, p.ID)
		if err != nil {
			return nil, nil, err
		}
		pp := PVPassage{Passage: p}
		for _, b := range ref.Blocs {
			intitules[b.Code] = b.Intitule
			if !ins.vise(b.Code) {
				continue
			}
			pp.Vises = append(pp.Vises, b.Code)
			if acquis[b.Code] {
				pp.Acquis = append(pp.Acquis, b.Code)
			} else if d := dec[b.Code]; d != nil && p.Presence == jury.Present { // an absent candidate's earlier rows are void
				pp.Decisions = append(pp.Decisions, *d)
			}
		}
		out = append(out, pp)
	}
	return out, intitules, nil
}

func pvSignatureList(ctx context.Context, q querier, sessionID int64) ([]PVSignature, error) {
	rows, err := q.QueryContext(ctx, `SELECT g.user_id, u.prenom, u.nom, u.email, g.signe_le, g.ip FROM pv_signatures g
		JOIN users u ON u.id = g.user_id WHERE g.session_id = ? ORDER BY g.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("jury session %d PV signatures: %w", sessionID, err)
	}
	defer rows.Close()
	out := []PVSignature{}
	for rows.Next() {
		var g PVSignature
		var prenom, nom, email string
		if err := rows.Scan(&g.UserID, &prenom, &nom, &email, scanTime(&g.SigneLe), &g.IP); err != nil {
			return nil, err
		}
		g.Nom = lvDisplayName(prenom, nom, email)
		out = append(out, g)
	}
	return out, rows.Err()
}

func pvAmendementList(ctx context.Context, q querier, sessionID int64, ps []PVPassage) ([]PVAmendement, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.passage_id, a.motif, u.prenom, u.nom, u.email, a.le FROM pv_amendements a
		JOIN users u ON u.id = a.par WHERE a.session_id = ? ORDER BY a.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("jury session %d amendments: %w", sessionID, err)
	}
	out := []PVAmendement{}
	for rows.Next() {
		var a PVAmendement
		var prenom, nom, email string
		if err := rows.Scan(&a.ID, &a.PassageID, &a.Motif, &prenom, &nom, &email, scanTime(&a.Le)); err != nil {
			rows.Close()
			return nil, err
		}
		a.ParNom = lvDisplayName(prenom, nom, email)
		if i := slices.IndexFunc(ps, func(p PVPassage) bool { return p.ID == a.PassageID }); i >= 0 {
			a.Candidat = ps[i].CandidatNom
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		drows, err := q.QueryContext(ctx, `SELECT bloc_code, decision, propose, motif, reste_a_evaluer, par, le FROM passage_decisions
			WHERE amendement_id = ? ORDER BY id`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for drows.Next() {
			d := DecisionBloc{AmendementID: out[i].ID}
			if err := drows.Scan(&d.Bloc, &d.Decision, &d.Propose, &d.Motif, &d.ResteAEvaluer, &d.Par, scanTime(&d.Le)); err != nil {
				drows.Close()
				return nil, err
			}
			out[i].Decisions = append(out[i].Decisions, d)
		}
		drows.Close()
		if err := drows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PV returns the procès-verbal of session sessionID: members, every passage's decisions and
// result, the signatures and the amendments. Who: the admin; the session's members (from its
// day on). Errors: apperr.NotFound for anyone else.
func (s *Store) PV(ctx context.Context, actor account.Actor, sessionID int64) (*PV, error) {
	js, err := s.JurySession(ctx, actor, sessionID)
	if err != nil {
		return nil, fmt.Errorf("PV: %w", err)
	}
	q := s.q(nil)
	pv := &PV{Session: js, Signe: js.Etat == jury.PVSigne || js.Etat == jury.ResultatsPublies}
	if pv.Certification, err = s.Certification(ctx, js.CertificationID); err != nil {
		return nil, fmt.Errorf("PV: %w", err)
	}
	if err := q.QueryRowContext(ctx, `SELECT nom FROM organismes WHERE id = ?`, js.CentreID).Scan(&pv.Centre); err != nil {
		return nil, fmt.Errorf("PV: centre: %w", err)
	}
	if pv.Passages, pv.Intitules, err = s.pvPassages(ctx, q, sessionID, 0); err != nil {
		return nil, fmt.Errorf("PV: %w", err)
	}
	if pv.Signatures, err = pvSignatureList(ctx, q, sessionID); err != nil {
		return nil, fmt.Errorf("PV: %w", err)
	}
	if pv.Amendements, err = pvAmendementList(ctx, q, sessionID, pv.Passages); err != nil {
		return nil, fmt.Errorf("PV: %w", err)
	}
	pv.Member = actor.Role == account.RoleJury && slices.ContainsFunc(js.Membres, func(m SessionMembre) bool { return m.UserID == actor.UserID })
	pv.Signed = slices.ContainsFunc(pv.Signatures, func(g PVSignature) bool { return g.UserID == actor.UserID })
	return pv, nil
}

// SignPV records the calling member's sign-off of session sessionID's PV (date, time, IP;
// append-only, audited); signing again returns the first signature (created false). When
// the last member signs, in the same transaction, the session moves to « PV signé » (its
// decisions are then locked) and each inscription's status follows its result
// (pvStatut). Who: a member of the session. When: the session délibérée. Errors:
// apperr.NotFound for whoever may not see the session; apperr.Forbidden for the admin;
// *apperr.Validation on "etat" (not délibérée) or "statut" (an inscription whose status
// cannot take the result).
func (s *Store) SignPV(ctx context.Context, actor account.Actor, sessionID int64, ip string) (g *PVSignature, created bool, err error) {
	ip = input.Clean(ip, false)
	err = s.Transact(ctx, func(tx *Tx) error {
		js, membres, i, err := s.jsSitting(ctx, tx, actor, sessionID)
		if err != nil {
			return err
		}
		// Two members signing last at the same time must not each count the other's signature
		// as missing (PostgreSQL, read committed): the session's row is locked first, so the
		// signatures of one session are counted one after the other; its state is read again.
		if _, err := tx.ExecContext(ctx, `UPDATE jury_sessions SET updated_at = updated_at WHERE id = ?`, sessionID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT etat, version FROM jury_sessions WHERE id = ?`, sessionID).Scan(&js.Etat, &js.Version); err != nil {
			return err
		}
		g = &PVSignature{UserID: actor.UserID, Nom: membres[i].Nom}
		err = tx.QueryRowContext(ctx, `SELECT signe_le, ip FROM pv_signatures WHERE session_id = ? AND user_id = ?`,
			sessionID, actor.UserID).Scan(scanTime(&g.SigneLe), &g.IP)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if js.Etat != jury.Deliberee {
			v := apperr.NewValidation()
			v.Add("etat", fmt.Sprintf(msgPVEtatSigne, js.Etat.Libelle()))
			return v
		}
		// A member who never signed the confidentiality attestation took no part in the oral.
		if signed, err := attested(ctx, tx, sessionID, actor.UserID); err != nil {
			return err
		} else if !signed {
			v := apperr.NewValidation()
			v.Add("attestation", msgPVSansAttestation)
			return v
		}
		g.SigneLe, g.IP, created = s.nowUTC(), ip, true
		if _, err := tx.ExecContext(ctx, `INSERT INTO pv_signatures (session_id, user_id, signe_le, ip) VALUES (?, ?, ?, ?)`,
			sessionID, actor.UserID, s.t(g.SigneLe), ip); err != nil {
			return mapErr(err)
		}
		if err := tx.audit(ctx, actor, pvSignatureKind, jsSessionEntity, sessionID, nil); err != nil {
			return err
		}
		n, err := pvSignatures(ctx, tx, sessionID)
		if err != nil || n < len(membres) {
			return err
		}
		// The last signature: the PV is signed; the session moves by itself.
		if err := tx.updateVersioned(ctx, "jury_sessions", sessionID, js.Version, `etat = ?, updated_at = ?`,
			string(jury.PVSigne), s.t(s.nowUTC())); err != nil {
			return err
		}
		if err := tx.audit(ctx, actor, jsSessionEntity+".update", jsSessionEntity, sessionID, map[string]any{
			"fields": []string{"etat"}, "de": js.Etat, "vers": jury.PVSigne, "version": js.Version + 1}); err != nil {
			return err
		}
		return nil // the inscriptions' statuses follow at the publication (jsPublish)
	})
	if err != nil {
		return nil, false, fmt.Errorf("sign PV: %w", err)
	}
	return g, created, nil
}

// CleanMotif cleans and checks an amendment's reason (required, 2 000 characters at most).
func CleanMotif(motif string) (string, error) {
	motif = strings.TrimSpace(input.Clean(motif, true))
	v := apperr.NewValidation()
	switch n := utf8.RuneCountInString(motif); {
	case n == 0:
		v.Add("motif", msgPVAmdMotif)
	case n > pvMaxMotif:
		v.Add("motif", "Le motif ne peut dépasser 2 000 caractères.")
	}
	return motif, v.Err()
}

// Amend records the admin's amendment of session sessionID's signed PV for passage
// passageID: the reason, and a new decision for each bloc of blocs (a bloc presented at the
// passage; a reason always, what remains to be evaluated when not validated). The passage's
// result is recomputed from its current decisions and the inscription's status follows it
// through the transition table. Nothing is changed in place: the amendment and its decisions
// are rows added. Audited. Who: the admin. When: PV signé or résultats publiés. Errors:
// apperr.NotFound (the session); apperr.Forbidden for a member; *apperr.Validation on
// "etat", "motif", "blocs", "passage_id" (a passage of another session, an absent candidate)
// or "blocs.BC01.motif" and the like.
func (s *Store) Amend(ctx context.Context, actor account.Actor, sessionID, passageID int64, blocs map[string]jury.BlocDecision, motif string) (*PVAmendement, error) {
	if err := access.CanAdminister(actor).Err("PV amendment"); err != nil {
		if _, lerr := s.jsLoad(ctx, s.q(nil), actor, sessionID); lerr != nil {
			return nil, fmt.Errorf("amend PV: %w", lerr)
		}
		return nil, fmt.Errorf("amend PV: %w", err)
	}
	blocs, err := CleanDecisions(blocs)
	if err != nil {
		return nil, fmt.Errorf("amend PV: %w", err)
	}
	a := &PVAmendement{PassageID: passageID}
	err = s.Transact(ctx, func(tx *Tx) error {
		js, err := s.jsAdminLoad(ctx, tx, actor, sessionID)
		if err != nil {
			return err
		}
		v := apperr.NewValidation()
		if js.Etat != jury.PVSigne && js.Etat != jury.ResultatsPublies {
			v.Add("etat", fmt.Sprintf(msgPVAmdEtat, js.Etat.Libelle()))
			return v
		}
		ps, err := jsPassages(ctx, tx, `p.id = ? AND p.session_id = ?`, passageID, sessionID)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			v.Add("passage_id", msgPVAmdPassage)
			return v
		}
		p := ps[0]
		a.Candidat = p.CandidatNom
		if a.Motif, err = CleanMotif(motif); err != nil {
			return err
		}
		if p.Presence != jury.Present {
			v.Add("passage_id", fmt.Sprintf(msgPVAmdAbsent, jury.ResultatOf(p.Presence, nil, nil, nil).Libelle()))
			return v
		}
		if len(blocs) == 0 {
			v.Add("blocs", msgPVAmdBlocs)
			return v
		}
		pps, _, err := s.pvPassages(ctx, tx, sessionID, passageID)
		if err != nil {
			return err
		}
		pp := pps[0]
		var props []jury.Proposition
		proposed := map[string]jury.Decision{}
		for _, d := range pp.Decisions {
			proposed[d.Bloc] = d.Propose
			if _, ok := blocs[d.Bloc]; ok {
				props = append(props, jury.Proposition{Bloc: d.Bloc, Decision: d.Decision})
			}
		}
		if err := jury.CheckDecisions(blocs, props); err != nil {
			return err
		}
		now := s.nowUTC()
		a.Le = now
		if err := tx.QueryRowContext(ctx, `INSERT INTO pv_amendements (session_id, passage_id, motif, par, le) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			sessionID, passageID, a.Motif, actor.UserID, s.t(now)).Scan(&a.ID); err != nil {
			return mapErr(err)
		}
		for _, pr := range props {
			bd := blocs[pr.Bloc]
			if _, err := tx.ExecContext(ctx, `INSERT INTO passage_decisions (passage_id, bloc_code, decision, propose, motif,
				reste_a_evaluer, amendement_id, par, le) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, passageID, pr.Bloc, string(bd.Decision),
				string(proposed[pr.Bloc]), bd.Motif, bd.ResteAEvaluer, a.ID, actor.UserID, s.t(now)); err != nil {
				return mapErr(err)
			}
			a.Decisions = append(a.Decisions, DecisionBloc{Bloc: pr.Bloc, Decision: bd.Decision, Propose: proposed[pr.Bloc],
				Motif: bd.Motif, ResteAEvaluer: bd.ResteAEvaluer, AmendementID: a.ID, Par: actor.UserID, Le: now})
		}
		valides, acquis := map[string]bool{}, map[string]bool{}
		for _, d := range pp.Decisions {
			valides[d.Bloc] = d.Decision == jury.Valide
		}
		for _, d := range a.Decisions {
			valides[d.Bloc] = d.Decision == jury.Valide
		}
		for _, b := range pp.Acquis {
			acquis[b] = true
		}
		res := jury.ResultatOf(p.Presence, pp.Vises, valides, acquis)
		if _, err := tx.ExecContext(ctx, `UPDATE passages SET resultat = ?, version = version + 1 WHERE id = ?`, string(res), passageID); err != nil {
			return err
		}
		pp.Resultat, a.Resultat = res, res
		if js.Etat == jury.ResultatsPublies { // before, the publication sets the status and tells
			if err := s.pvStatut(ctx, tx, actor, &pp); err != nil {
				return err
			}
			// The candidate was told their results: they are told the corrected ones.
			now, intitules, err := s.pvPassages(ctx, tx, sessionID, passageID)
			if err != nil {
				return err
			}
			if err := s.resultatsMail(ctx, tx, js, &now[0], intitules, true); err != nil {
				return err
			}
		}
		return tx.audit(ctx, actor, jsSessionEntity+".pv_amendement", jsSessionEntity, sessionID, map[string]any{
			"passage_id": passageID, "amendement_id": a.ID, "resultat": res, "blocs": valides})
	})
	if err != nil {
		return nil, fmt.Errorf("amend PV: %w", err)
	}
	return a, nil
}
