package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/livret"
)

// Members, passages, jurors of a passage, confidentiality attestations, and the jury's
// relations to an inscription (access.Jury).

const (
	msgJsMembreRole      = "Seul un compte de rôle « jury » (actif) peut siéger dans un jury."
	msgJsFige            = "La session est à l'état « %s » : son jury et ses passages ne changent plus."
	msgJsHeure           = "Indiquez l'heure du passage (HH:MM)."
	msgJsCertif          = "Cette inscription relève d'une autre certification que la session."
	msgJsAttestationTard = "La session est à l’état « %s » : le PV est signé, l’attestation ne se signe plus."
	msgJsDejaConvoque    = "Ce candidat est déjà convoqué à cette session."
	msgJsIns             = "Inscription introuvable."
	msgJsAutreSession    = "Ce candidat est convoqué à la session du %s, dont le PV n’est pas encore signé : une session à la fois."
	msgJsToutAcquis      = "Tous les blocs visés par ce candidat sont déjà acquis : il n’a plus rien à présenter."
	jsPassageEntity      = "passage"
)

var jsHeureRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// jsOpen refuses changes to the jury and the passages once the session is under way.
func jsOpen(js *JurySession) error {
	switch js.Etat {
	case jury.Planifiee, jury.ConvocationsEnvoyees, jury.DossiersClos:
		return nil
	}
	v := apperr.NewValidation()
	v.Add("etat", fmt.Sprintf(msgJsFige, js.Etat.Libelle()))
	return v
}

// AddMembre puts account userID on the jury of session sessionID (president: as its
// président, the previous one becoming a member); adding a member again updates their role.
// Audited. Who: the admin. Errors: apperr.NotFound, apperr.Forbidden, *apperr.Validation on
// "user_id" (not an active jury account) or "etat" (the session is under way).
func (s *Store) AddMembre(ctx context.Context, actor account.Actor, sessionID, userID int64, president bool) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		js, err := s.jsAdminLoad(ctx, tx, actor, sessionID)
		if err != nil {
			return err
		}
		if err := jsOpen(js); err != nil {
			return err
		}
		var role account.Role
		var active bool
		err = tx.QueryRowContext(ctx, `SELECT role, active FROM users WHERE id = ?`, userID).Scan(&role, &active)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if role != account.RoleJury || !active {
			v := apperr.NewValidation()
			v.Add("user_id", msgJsMembreRole)
			return v
		}
		if president {
			if _, err := tx.ExecContext(ctx, `UPDATE session_membres SET president = ? WHERE session_id = ?`, false, sessionID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE session_membres SET president = ? WHERE session_id = ? AND user_id = ?`, president, sessionID, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO session_membres (session_id, user_id, president) VALUES (?, ?, ?)`,
				sessionID, userID, president); err != nil {
				return mapErr(err)
			}
		}
		return tx.audit(ctx, actor, jsSessionEntity+".membre", jsSessionEntity, sessionID, map[string]any{"user_id": userID, "president": president})
	})
	if err != nil {
		return fmt.Errorf("add jury member: %w", err)
	}
	return nil
}

// jsEligibility gathers what decides whether inscription ins may be convoked (jury.CheckEligible).
func (s *Store) jsEligibility(ctx context.Context, ins *lvIns) (jury.Eligibility, error) {
	ref, err := s.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return jury.Eligibility{}, err
	}
	e := jury.Eligibility{InTraining: !(&dsIns{lvIns: *ins}).vae(ref)}
	if !e.InTraining {
		e.Decisions, err = s.Recevabilites(ctx, account.System, ins.ID)
		return e, err
	}
	evals, err := s.Evaluations(ctx, account.System, ins.ID)
	if err != nil {
		return e, err
	}
	projets, err := s.Projets(ctx, account.System, ins.ID)
	if err != nil {
		return e, err
	}
	for _, b := range livret.Compute(ref, ins.BlocsVises, evals, projets) {
		n := 0
		for _, c := range b.Competences {
			if c.Derniere != nil {
				n++
			}
		}
		e.Blocs = append(e.Blocs, jury.BlocFormation{Code: b.Code, Valide: b.Valide, Evaluations: n})
	}
	return e, nil
}

// AddPassage convokes inscription p.InscriptionID to session p.SessionID at p.Heure (HH:MM),
// setting p.ID; the inscription's dossier deadline follows the session's date (R14: its
// date_session is set and its version bumped). Audited. Who: the admin. Errors:
// apperr.NotFound, apperr.Forbidden; *apperr.Validation on "heure", "etat" (session under
// way) or "inscription_id" with the reason (unknown, another certification, already convoked,
// not eligible: jury.CheckEligible; a dossier closed for another date).
func (s *Store) AddPassage(ctx context.Context, actor account.Actor, p *Passage) error {
	if _, err := s.jsAdminLoad(ctx, s.q(nil), actor, p.SessionID); err != nil {
		return fmt.Errorf("add passage: %w", err) // an unknown session before the body's problems
	}
	v := apperr.NewValidation()
	if !jsHeureRE.MatchString(p.Heure) {
		v.Add("heure", msgJsHeure)
	}
	ins, err := lvInscription(ctx, s.q(nil), p.InscriptionID)
	switch {
	case errors.Is(err, apperr.NotFound):
		v.Add("inscription_id", msgJsIns)
	case err != nil:
		return fmt.Errorf("add passage: %w", err)
	default:
		e, err := s.jsEligibility(ctx, &ins)
		if err != nil {
			return fmt.Errorf("add passage: %w", err)
		}
		if err := jury.CheckEligible(e); err != nil {
			return fmt.Errorf("add passage: %w", err)
		}
	}
	if err := v.Err(); err != nil {
		return fmt.Errorf("add passage: %w", err)
	}
	err = s.Transact(ctx, func(tx *Tx) error {
		js, err := s.jsAdminLoad(ctx, tx, actor, p.SessionID)
		if err != nil {
			return err
		}
		if err := jsOpen(js); err != nil {
			return err
		}
		sameDate, err := s.jsConvocable(ctx, tx, actor, js, &ins)
		if err != nil {
			return err
		}
		now := s.nowUTC()
		if err := tx.QueryRowContext(ctx, `INSERT INTO passages (session_id, inscription_id, heure, presence, version, created_at)
			VALUES (?, ?, ?, '', 1, ?) RETURNING id`, p.SessionID, p.InscriptionID, p.Heure, s.t(now)).Scan(&p.ID); err != nil {
			return mapErr(err)
		}
		p.Version, p.Presence = 1, ""
		if jsConvoked(js.Etat) { // the convocations are out: this one goes at once
			if _, err := s.jsConvoke(ctx, tx, actor, js, p.ID); err != nil {
				return err
			}
		}
		if !sameDate {
			if _, err := tx.ExecContext(ctx, `UPDATE inscriptions SET date_session = ?, version = version + 1, updated_at = ? WHERE id = ?`,
				candDate(js.Date), s.t(now), p.InscriptionID); err != nil {
				return err
			}
			if err := tx.audit(ctx, actor, "inscription.update", "inscription", p.InscriptionID, map[string]any{
				"fields": []string{"date_session"}, "session_id": p.SessionID}); err != nil {
				return err
			}
		}
		return tx.audit(ctx, actor, jsPassageEntity+".create", jsPassageEntity, p.ID, map[string]any{
			"session_id": p.SessionID, "inscription_id": p.InscriptionID, "heure": p.Heure})
	})
	if err != nil {
		return fmt.Errorf("add passage: %w", err)
	}
	return nil
}

// jsConvocable checks, inside the transaction, what refuses convoking inscription ins to
// session js beyond its eligibility (jury.CheckEligible): another certification, already
// convoked, convoked to a session not yet concluded, nothing left to present, a dossier closed
// for another date. It reports whether the dossier's date is already the session's.
func (s *Store) jsConvocable(ctx context.Context, tx *Tx, actor account.Actor, js *JurySession, ins *lvIns) (bool, error) {
	v := apperr.NewValidation()
	if js.CertificationID != ins.CertificationID {
		v.Add("inscription_id", msgJsCertif)
		return false, v
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM passages WHERE session_id = ? AND inscription_id = ?`, js.ID, ins.ID).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		v.Add("inscription_id", msgJsDejaConvoque)
		return false, v
	}
	// One session at a time: a candidate convoked to a session not yet concluded (its PV
	// unsigned) waits for its results before another.
	var other string
	err := tx.QueryRowContext(ctx, `SELECT s.date_session FROM passages p JOIN jury_sessions s ON s.id = p.session_id
		WHERE p.inscription_id = ? AND p.session_id <> ? AND s.etat NOT IN (?, ?) ORDER BY s.date_session LIMIT 1`,
		ins.ID, js.ID, string(jury.PVSigne), string(jury.ResultatsPublies)).Scan(&other)
	switch {
	case err == nil:
		day, _ := time.Parse(time.DateOnly, other)
		v.Add("inscription_id", fmt.Sprintf(msgJsAutreSession, french.Date(day)))
		return false, v
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}
	// Something left to present: a bloc aimed at not acquired at an earlier session.
	acquis, err := blocsAcquis(ctx, tx, ins.ID, js.ID)
	if err != nil {
		return false, err
	}
	if !slices.ContainsFunc(ins.BlocsVises, func(b string) bool { return !acquis[b] }) {
		v.Add("inscription_id", msgJsToutAcquis)
		return false, v
	}
	// R14: the dossier's deadline follows the session the candidate is convoked to — unless
	// the dossier is closed for another date: only the admin's reopening opens it again.
	ds, err := s.dsLoad(ctx, tx, actor, ins.ID, lvReader)
	if err != nil {
		return false, err
	}
	sameDate := ds.DateSession != nil && ds.DateSession.Equal(js.Date)
	// A session that has taken place (a day before today) ends the dossier's cycle: the
	// candidate convoked again (a bloc left, absent) starts a new one.
	past := ds.DateSession != nil && ds.DateSession.Before(dsToday(s.now()))
	if !sameDate && !past {
		ref, err := s.ReferentielVersion(ctx, ds.VersionID)
		if err != nil {
			return false, err
		}
		if _, closes := ds.closes(ref.Livrables.DossierTechnique.DelaiJoursAvantSession); dossier.Locked(s.now(), closes) {
			v.Add("inscription_id", msgDsClos)
			return false, v
		}
	}
	return sameDate, nil
}

func jsPassages(ctx context.Context, q querier, where string, args ...any) ([]Passage, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.session_id, p.inscription_id, p.heure, p.presence, p.version, p.convoque_le, p.rappel_le, p.resultat,
		c.nom_naissance, c.nom_usage, c.prenoms,
		(SELECT COUNT(*) FROM dossier_projets dp WHERE dp.inscription_id = p.inscription_id AND dp.confidentiel = ?)
		FROM passages p JOIN inscriptions i ON i.id = p.inscription_id JOIN candidats c ON c.id = i.candidat_id
		WHERE `+where+` ORDER BY p.heure, p.id`, append([]any{true}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("passages: %w", err)
	}
	out := []Passage{}
	for rows.Next() {
		var p Passage
		var naissance, usage, prenoms string
		var confidentiels int
		var convoque, rappel string
		if err := rows.Scan(&p.ID, &p.SessionID, &p.InscriptionID, &p.Heure, &p.Presence, &p.Version, &convoque, &rappel, &p.Resultat,
			&naissance, &usage, &prenoms, &confidentiels); err != nil {
			rows.Close()
			return nil, fmt.Errorf("passages: %w", err)
		}
		if p.ConvoqueLe, err = jsParseStamp(convoque); err == nil {
			p.RappelLe, err = jsParseStamp(rappel)
		}
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("passage %d: %w", p.ID, err)
		}
		ps, err := lvStrings(prenoms)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("passage %d: prénoms: %w", p.ID, err)
		}
		p.CandidatNom = (&candidat.Candidat{NomNaissance: naissance, NomUsage: usage, Prenoms: ps}).NomAffiche()
		p.Confidentiel = confidentiels > 0
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("passages: %w", err)
	}
	for i := range out {
		if out[i].Jures, err = jsJures(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func jsJures(ctx context.Context, q querier, passageID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id FROM passage_jures WHERE passage_id = ? ORDER BY user_id`, passageID)
	if err != nil {
		return nil, fmt.Errorf("passage %d jurors: %w", passageID, err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// jsPassage reads passage id with its session as actor may see it (apperr.NotFound otherwise).
func (s *Store) jsPassage(ctx context.Context, q querier, actor account.Actor, id int64) (*Passage, *JurySession, error) {
	ps, err := jsPassages(ctx, q, `p.id = ?`, id)
	if err != nil {
		return nil, nil, err
	}
	if len(ps) == 0 {
		return nil, nil, fmt.Errorf("passage %d: %w", id, apperr.NotFound)
	}
	js, err := s.jsLoad(ctx, q, actor, ps[0].SessionID)
	if errors.Is(err, apperr.NotFound) {
		return nil, nil, fmt.Errorf("passage %d: %w", id, apperr.NotFound)
	}
	return &ps[0], js, err
}

// Passage returns passage id as actor may see it (its session's rule; apperr.NotFound otherwise).
func (s *Store) Passage(ctx context.Context, actor account.Actor, id int64) (*Passage, error) {
	p, _, err := s.jsPassage(ctx, s.q(nil), actor, id)
	return p, err
}

// SetJures sets the members who evaluate passage passageID (replacing the previous ones).
// Audited. Who: the admin. Errors: apperr.NotFound, apperr.Forbidden, *apperr.Validation on
// "user_ids": a juror who is not a member of the session's jury, or who trained, tutored or
// evaluated the candidate (named; jury.CheckIndependence), or "etat" (session under way).
func (s *Store) SetJures(ctx context.Context, actor account.Actor, passageID int64, userIDs []int64) (*Passage, error) {
	var p *Passage
	err := s.Transact(ctx, func(tx *Tx) error {
		var err error
		var js *JurySession
		if p, js, err = s.jsPassage(ctx, tx, actor, passageID); err != nil {
			return err
		}
		if err := access.CanAdminister(actor).Err(fmt.Sprintf("passage %d", passageID)); err != nil {
			return err
		}
		if err := jsOpen(js); err != nil {
			return err
		}
		ids := slices.Compact(slices.Sorted(slices.Values(userIDs)))
		membres, err := jsMembres(ctx, tx, js.ID)
		if err != nil {
			return err
		}
		ms, noms := make([]jury.Membre, len(membres)), map[int64]string{}
		for i, m := range membres {
			ms[i], noms[m.UserID] = m.Membre, m.Nom
		}
		if err := jury.CheckJurors(ids, ms); err != nil {
			return err
		}
		liens, err := jsLiens(ctx, tx, p.InscriptionID)
		if err != nil {
			return err
		}
		if err := jury.CheckIndependence(ids, liens, noms); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM passage_jures WHERE passage_id = ?`, passageID); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO passage_jures (passage_id, user_id) VALUES (?, ?)`, passageID, id); err != nil {
				return mapErr(err)
			}
		}
		p.Jures = ids
		return tx.audit(ctx, actor, jsPassageEntity+".jures", jsPassageEntity, passageID, map[string]any{"user_ids": ids})
	})
	if err != nil {
		return nil, fmt.Errorf("set jurors: %w", err)
	}
	return p, nil
}

// jsLiens returns the accounts that trained, tutored or evaluated the candidate of inscription
// insID: who recorded or is named evaluator of a livret entry, who decided an end-of-bloc
// project or approved a dossier project (évalué), the tutor of a stage by e-mail (tutoré).
// Séances name no formateur: who taught them is known by the entries they recorded.
func jsLiens(ctx context.Context, q querier, insID int64) (map[int64]jury.Lien, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT evaluateur_id, 'e' FROM evaluations WHERE inscription_id = ?
		UNION SELECT created_by, 'e' FROM evaluations WHERE inscription_id = ?
		UNION SELECT decision_par, 'e' FROM projets WHERE inscription_id = ? AND decision_par IS NOT NULL
		UNION SELECT approuve_par, 'e' FROM dossier_projets WHERE inscription_id = ? AND approuve_par IS NOT NULL
		UNION SELECT u.id, 't' FROM stages st JOIN users u ON u.email = LOWER(st.tuteur_email) WHERE st.inscription_id = ?`,
		insID, insID, insID, insID, insID)
	if err != nil {
		return nil, fmt.Errorf("inscription %d trainers: %w", insID, err)
	}
	defer rows.Close()
	out := map[int64]jury.Lien{}
	for rows.Next() {
		var id int64
		var k string
		if err := rows.Scan(&id, &k); err != nil {
			return nil, err
		}
		if k == "t" {
			out[id] = jury.ATutore
		} else if out[id] == jury.AucunLien {
			out[id] = jury.AEvalue
		}
	}
	return out, rows.Err()
}

// juryRelationsOf is juryRelations with the store q belongs to.
func juryRelationsOf(ctx context.Context, q querier, insID int64) (access.Jury, error) {
	switch x := q.(type) {
	case *Tx:
		return x.s.juryRelations(ctx, q, insID)
	case dbQuerier:
		return x.s.juryRelations(ctx, q, insID)
	}
	return access.Jury{}, fmt.Errorf("inscription %d jury: querier %T without its store", insID, q)
}

// juryRelations is the access policy's view of inscription insID's jury sessions for a
// juror (access.Jury): the members of the sessions where it is convoked whose day has come,
// who of them signed, and who trained the candidate.
func (s *Store) juryRelations(ctx context.Context, q querier, insID int64) (access.Jury, error) {
	var j access.Jury
	// The candidate's current session only (the latest one whose day has come): its members,
	// and those who signed ITS attestation (R17) — an attestation signed for an earlier session
	// does not open the file presented again to a later one.
	rows, err := q.QueryContext(ctx, `SELECT m.user_id, a.id FROM session_membres m
		LEFT JOIN jury_attestations a ON a.session_id = m.session_id AND a.user_id = m.user_id
		WHERE m.session_id = (SELECT s.id FROM passages p JOIN jury_sessions s ON s.id = p.session_id
			WHERE p.inscription_id = ? AND s.date_session <= ? ORDER BY s.date_session DESC, s.id DESC LIMIT 1)`,
		insID, candDate(dsToday(s.now())))
	if err != nil {
		return j, fmt.Errorf("inscription %d jury: %w", insID, err)
	}
	for rows.Next() {
		var user int64
		var signed sql.NullInt64
		if err := rows.Scan(&user, &signed); err != nil {
			rows.Close()
			return j, err
		}
		j.Members = append(j.Members, user)
		if signed.Valid {
			j.Signed = append(j.Signed, user)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(j.Members) == 0 {
		return j, err
	}
	liens, err := jsLiens(ctx, q, insID)
	for id := range liens {
		j.Trainers = append(j.Trainers, id)
	}
	return j, err
}

// AttestationText is the confidentiality attestation a juror signs for session js (R17).
func AttestationText(js *JurySession, nom string) string {
	return "Je soussigné(e) " + nom + ", membre du jury de la session de validation du " + french.Date(js.Date) +
		", m'engage à garder strictement confidentiels les dossiers des candidats et les éléments confidentiels des entreprises " +
		"qui me sont présentés, à ne pas les reproduire ni les communiquer, et à ne les utiliser que pour les délibérations du jury."
}

// Attestation is a signed confidentiality attestation.
type Attestation struct {
	SessionID, UserID int64
	Texte             string
	SigneLe           time.Time
	IP                string
}

// SignAttestation records the calling juror's confidentiality attestation for session
// sessionID (text, time, IP; append-only, audited); signing again returns the first
// signature (created false). Who: a member of the session, from its day on. Errors:
// apperr.NotFound for whoever may not see the session, apperr.Forbidden for one who sees it
// without sitting on it (the admin).
func (s *Store) SignAttestation(ctx context.Context, actor account.Actor, sessionID int64, ip string) (a *Attestation, created bool, err error) {
	err = s.Transact(ctx, func(tx *Tx) error {
		js, membres, i, err := s.jsSitting(ctx, tx, actor, sessionID)
		if err != nil {
			return err
		}
		a = &Attestation{SessionID: sessionID, UserID: actor.UserID}
		err = tx.QueryRowContext(ctx, `SELECT texte, signe_le, ip FROM jury_attestations WHERE session_id = ? AND user_id = ?`,
			sessionID, actor.UserID).Scan(&a.Texte, scanTime(&a.SigneLe), &a.IP)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if js.Etat == jury.PVSigne || js.Etat == jury.ResultatsPublies {
			v := apperr.NewValidation()
			v.Add("etat", fmt.Sprintf(msgJsAttestationTard, js.Etat.Libelle()))
			return v
		}
		a.Texte, a.SigneLe, a.IP, created = AttestationText(js, membres[i].Nom), s.nowUTC(), ip, true
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_attestations (session_id, user_id, texte, signe_le, ip) VALUES (?, ?, ?, ?, ?)`,
			sessionID, actor.UserID, a.Texte, s.t(a.SigneLe), ip); err != nil {
			return mapErr(err)
		}
		return tx.audit(ctx, actor, jsSessionEntity+".attestation", jsSessionEntity, sessionID, nil)
	})
	if err != nil {
		return nil, false, fmt.Errorf("sign attestation: %w", err)
	}
	return a, created, nil
}

// PassageDossier returns the dossier of passage passageID's candidate, read-only. Who: the
// admin; a member of the session (from its day on) who signed its confidentiality attestation
// (R17) and did not train, tutor or evaluate the candidate. Errors: apperr.NotFound for
// whoever may not see the session; apperr.Forbidden for a member who has not signed or is
// not independent of the candidate.
func (s *Store) PassageDossier(ctx context.Context, actor account.Actor, passageID int64) (*Dossier, error) {
	p, _, err := s.jsPassage(ctx, s.q(nil), actor, passageID)
	if err != nil {
		return nil, fmt.Errorf("passage dossier: %w", err)
	}
	if !actor.IsAdmin() {
		// R17 for this passage's own session first (only its members see the passage): its
		// attestation signed by the reader — the refusal says where to sign it.
		signed, err := attested(ctx, s.q(nil), p.SessionID, actor.UserID)
		if err != nil {
			return nil, err
		}
		if !signed {
			return nil, fmt.Errorf("passage %d: dossier: %w", passageID, &AttestationError{SessionID: p.SessionID})
		}
		j, err := s.juryRelations(ctx, s.q(nil), p.InscriptionID)
		if err != nil {
			return nil, err
		}
		if access.CanReadInscription(actor, access.Inscription{Jury: j}) != access.Allow { // independence, the current session
			return nil, fmt.Errorf("passage %d: dossier: %w", passageID, apperr.Forbidden)
		}
	}
	return s.Dossier(ctx, actor, p.InscriptionID)
}

// jsSitting loads session sessionID as actor sees it with its members, and the index among
// them of actor, who must sit on it: apperr.NotFound for whoever may not see the session,
// apperr.Forbidden for one who sees it without sitting on it (the admin).
func (s *Store) jsSitting(ctx context.Context, q querier, actor account.Actor, sessionID int64) (*JurySession, []SessionMembre, int, error) {
	js, err := s.jsLoad(ctx, q, actor, sessionID)
	if err != nil {
		return nil, nil, 0, err
	}
	membres, err := jsMembres(ctx, q, sessionID)
	if err != nil {
		return nil, nil, 0, err
	}
	i := slices.IndexFunc(membres, func(m SessionMembre) bool { return m.UserID == actor.UserID })
	if i < 0 || actor.Role != account.RoleJury {
		return nil, nil, 0, fmt.Errorf("jury session %d: not a member: %w", sessionID, apperr.Forbidden)
	}
	return js, membres, i, nil
}

// attested reports whether user userID signed the confidentiality attestation of session
// sessionID (R17).
func attested(ctx context.Context, q querier, sessionID, userID int64) (bool, error) {
	return exists(ctx, q, `SELECT 1 FROM jury_attestations WHERE session_id = ? AND user_id = ?`, sessionID, userID)
}
