package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/input"
	"github.com/certif/certif/internal/jury"
)

// The jury sessions (issue 9, first part): a session de validation of a certification, its
// jury (members, président), its passages (candidates convoked to a slot) and their jurors,
// the confidentiality attestations (R17). Package jury holds the rules.
//
// Who sees a session: the admin every one; a juror the sessions they sit on, from the
// session's day on ("during and after"; before it, the session is unknown to them: 404);
// nobody else (decided conservatively: a centre's staff and the candidates see the session
// date on the dossier, not the session, its jury or the other candidates).

// JurySession is a session de validation.
type JurySession struct {
	ID, CertificationID, CentreID int64
	Date                          time.Time // a date (00:00 UTC)
	Lieu                          string    // the address, or the link when Distanciel
	Distanciel                    bool
	DureePresentation             int // minutes
	DureeEntretienTechnique       int
	DureeEntretienFinal           int
	Etat                          jury.Etat
	Version                       int64
	CreatedAt                     time.Time
	NbPassages                    int             // the passages' count, filled by JurySessions and JurySession
	Membres                       []SessionMembre // filled by JurySession (one session)
	Passages                      []Passage       // filled by JurySession
}

// SessionMembre is a member of a session's jury, with their profile and attestation.
type SessionMembre struct {
	jury.Membre
	Profession string
	College    jury.College
	SigneLe    time.Time // when they signed the confidentiality attestation, zero until then
}

// Passage is a candidate convoked to a slot of a session.
type Passage struct {
	ID, SessionID, InscriptionID int64
	CandidatNom                  string
	Heure                        string // HH:MM
	Presence                     jury.Presence
	Resultat                     jury.Resultat // "" until the jury decided
	Jures                        []int64       // the members who evaluate this passage
	Version                      int64
	// Confidentiel: a project of the dossier is confidential — the company may forbid its
	// demonstration (R17), shown on the passage.
	Confidentiel bool
	// ConvoqueLe is when the convocation was queued (zero until the session's convocations
	// go out); RappelLe when the reminder was (zero until then).
	ConvoqueLe, RappelLe time.Time
}

const (
	msgJsLieu       = "Indiquez le lieu de la session (ou le lien, à distance)."
	msgJsLieuLong   = "Le lieu tient en 500 caractères au plus."
	msgJsDate       = "La date de la session ne peut pas être passée."
	msgJsDuree      = "Indiquez une durée en minutes, entre 1 et 600."
	msgJsCentre     = "Centre organisateur introuvable."
	msgJsCert       = "Certification introuvable."
	maxJsLieu       = 500
	maxJsDureeMin   = 600
	jsSessionEntity = "jury_session"
)

const jsCols = `s.id, s.certification_id, s.centre_id, s.date_session, s.lieu, s.distanciel, s.duree_presentation_min,
	s.duree_entretien_technique_min, s.duree_entretien_final_min, s.etat, s.version, s.created_at`

func scanJurySession(sc interface{ Scan(...any) error }) (*JurySession, error) {
	js := new(JurySession)
	var date string
	if err := sc.Scan(&js.ID, &js.CertificationID, &js.CentreID, &date, &js.Lieu, &js.Distanciel, &js.DureePresentation,
		&js.DureeEntretienTechnique, &js.DureeEntretienFinal, &js.Etat, &js.Version, scanTime(&js.CreatedAt)); err != nil {
		return nil, err
	}
	var err error
	js.Date, err = lvParseDate(date)
	return js, err
}

// scopeJurySessions is the condition (on alias s) restricting sessions to those actor may see.
func (s *Store) scopeJurySessions(actor account.Actor) (string, []any) {
	switch {
	case actor.IsAdmin():
		return `1 = 1`, nil
	case actor.Role == account.RoleJury && actor.UserID != 0:
		return `s.date_session <= ? AND EXISTS (SELECT 1 FROM session_membres m WHERE m.session_id = s.id AND m.user_id = ?)`,
			[]any{candDate(dsToday(s.now())), actor.UserID}
	}
	return `1 = 0`, nil
}

// checkJurySession validates js's fields (the date against today in Paris).
func (s *Store) checkJurySession(ctx context.Context, q querier, js *JurySession) error {
	js.Lieu = strings.TrimSpace(input.Clean(js.Lieu, false))
	js.Date = dsDate(js.Date)
	v := apperr.NewValidation()
	switch n := utf8.RuneCountInString(js.Lieu); {
	case n == 0:
		v.Add("lieu", msgJsLieu)
	case n > maxJsLieu:
		v.Add("lieu", msgJsLieuLong)
	}
	if js.Date.IsZero() {
		v.Add("date", "Indiquez la date de la session (AAAA-MM-JJ).")
	} else if js.Date.Before(dsToday(s.now())) {
		v.Add("date", msgJsDate)
	}
	for field, d := range map[string]int{"duree_presentation_min": js.DureePresentation,
		"duree_entretien_technique_min": js.DureeEntretienTechnique, "duree_entretien_final_min": js.DureeEntretienFinal} {
		if d < 1 || d > maxJsDureeMin {
			v.Add(field, msgJsDuree)
		}
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM organismes WHERE id = ? AND certificateur = ?`, js.CentreID, false).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		v.Add("centre_id", msgJsCentre)
	}
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM certifications WHERE id = ?`, js.CertificationID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		v.Add("certification_id", msgJsCert)
	}
	return v.Err()
}

// CreateJurySession records session js (state planifiée), setting js.ID, js.Etat,
// js.Version and js.CreatedAt; audited. Who: the admin only (apperr.Forbidden otherwise).
// Errors: *apperr.Validation on date (not past), lieu, the durations (1..600 minutes),
// centre_id (a training centre) and certification_id.
func (s *Store) CreateJurySession(ctx context.Context, actor account.Actor, js *JurySession) error {
	if err := access.CanAdminister(actor).Err("jury session"); err != nil {
		return fmt.Errorf("create jury session: %w", err)
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		if err := s.checkJurySession(ctx, tx, js); err != nil {
			return err
		}
		now := s.nowUTC()
		js.Etat, js.Version, js.CreatedAt = jury.Planifiee, 1, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO jury_sessions (certification_id, date_session, lieu, distanciel, centre_id,
			duree_presentation_min, duree_entretien_technique_min, duree_entretien_final_min, etat, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`, js.CertificationID, candDate(js.Date), js.Lieu, js.Distanciel,
			js.CentreID, js.DureePresentation, js.DureeEntretienTechnique, js.DureeEntretienFinal, string(js.Etat), s.t(now), s.t(now)).
			Scan(&js.ID); err != nil {
			return mapErr(err)
		}
		return tx.audit(ctx, actor, jsSessionEntity+".create", jsSessionEntity, js.ID, map[string]any{
			"certification_id": js.CertificationID, "centre_id": js.CentreID, "date": candDate(js.Date)})
	})
	if err != nil {
		return fmt.Errorf("create jury session: %w", err)
	}
	return nil
}

// JurySessions lists the sessions actor may see (see the package comment above), by date
// then id, without their members and passages.
func (s *Store) JurySessions(ctx context.Context, actor account.Actor) ([]JurySession, error) {
	where, args := s.scopeJurySessions(actor)
	rows, err := s.query(ctx, `SELECT `+jsCols+` FROM jury_sessions s WHERE `+where+` ORDER BY s.date_session, s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("jury sessions: %w", err)
	}
	defer rows.Close()
	out := []JurySession{}
	for rows.Next() {
		js, err := scanJurySession(rows)
		if err != nil {
			return nil, fmt.Errorf("jury sessions: %w", err)
		}
		out = append(out, *js)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("jury sessions: %w", err)
	}
	rows.Close()
	counts, err := s.query(ctx, `SELECT p.session_id, COUNT(*) FROM passages p JOIN jury_sessions s ON s.id = p.session_id
		WHERE `+where+` GROUP BY p.session_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("jury sessions: passages: %w", err)
	}
	defer counts.Close()
	n := map[int64]int{}
	for counts.Next() {
		var id int64
		var c int
		if err := counts.Scan(&id, &c); err != nil {
			return nil, fmt.Errorf("jury sessions: passages: %w", err)
		}
		n[id] = c
	}
	for i := range out {
		out[i].NbPassages = n[out[i].ID]
	}
	return out, counts.Err()
}

// jsLoad reads session id as actor may see it: apperr.NotFound when it does not exist or the
// actor may not see it.
func (s *Store) jsLoad(ctx context.Context, q querier, actor account.Actor, id int64) (*JurySession, error) {
	where, args := s.scopeJurySessions(actor)
	js, err := scanJurySession(q.QueryRowContext(ctx, `SELECT `+jsCols+` FROM jury_sessions s WHERE s.id = ? AND `+where,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("jury session %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("jury session %d: %w", id, err)
	}
	return js, nil
}

// jsAdminLoad reads session id for a write by the admin: apperr.NotFound when it does not
// exist or the actor may not see it, apperr.Forbidden for a juror who sees it.
func (s *Store) jsAdminLoad(ctx context.Context, q querier, actor account.Actor, id int64) (*JurySession, error) {
	js, err := s.jsLoad(ctx, q, actor, id)
	if err != nil {
		return nil, err
	}
	if err := access.CanAdminister(actor).Err(fmt.Sprintf("jury session %d", id)); err != nil {
		return nil, err
	}
	return js, nil
}

// JurySession returns session id with its members and passages. Who: see JurySessions;
// apperr.NotFound otherwise.
func (s *Store) JurySession(ctx context.Context, actor account.Actor, id int64) (*JurySession, error) {
	q := s.q(nil)
	js, err := s.jsLoad(ctx, q, actor, id)
	if err != nil {
		return nil, err
	}
	if js.Membres, err = jsMembres(ctx, q, id); err != nil {
		return nil, err
	}
	if js.Passages, err = jsPassages(ctx, q, `p.session_id = ?`, id); err != nil {
		return nil, err
	}
	js.NbPassages = len(js.Passages)
	return js, nil
}

func jsMembres(ctx context.Context, q querier, sessionID int64) ([]SessionMembre, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.user_id, m.president, u.prenom, u.nom, u.email, u.externe, u.profession, u.college, a.signe_le
		FROM session_membres m JOIN users u ON u.id = m.user_id
		LEFT JOIN jury_attestations a ON a.session_id = m.session_id AND a.user_id = m.user_id
		WHERE m.session_id = ? ORDER BY m.president DESC, u.nom, u.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("jury session %d members: %w", sessionID, err)
	}
	defer rows.Close()
	out := []SessionMembre{}
	for rows.Next() {
		var m SessionMembre
		var prenom, nom, email string
		if err := rows.Scan(&m.UserID, &m.President, &prenom, &nom, &email, &m.Externe, &m.Profession, &m.College, scanTime(&m.SigneLe)); err != nil {
			return nil, fmt.Errorf("jury session %d members: %w", sessionID, err)
		}
		m.Nom = lvDisplayName(prenom, nom, email)
		out = append(out, m)
	}
	return out, rows.Err()
}

// MoveJurySession moves session id to etat along the allowed transitions (jury.Move), if
// version is still the session's (0: the current one); the jury's composition is checked at
// every move (jury.CheckComposition, with the certification's rules). Moving to « convocations
// envoyées » convokes every passage in the same transaction (jsConvoke: the outbox, the
// passages' convoque_le); to « délibérée », every passage must be decided; « PV signé » is
// reached only by the PV's last signature (SignPV); to « résultats publiés », each
// candidate's results mail is queued in the same transaction. Audited. Who: the admin.
// Errors: apperr.NotFound, apperr.Forbidden, *apperr.Validation on "etat" or "membres" with
// the reason, *StaleError.
func (s *Store) MoveJurySession(ctx context.Context, actor account.Actor, id int64, etat jury.Etat, version int64) (*JurySession, error) {
	var js *JurySession
	err := s.Transact(ctx, func(tx *Tx) error {
		var err error
		if js, err = s.jsAdminLoad(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := jury.Move(js.Etat, etat); err != nil {
			return err
		}
		_, ref, err := s.ActiveReferentiel(ctx, js.CertificationID)
		if err != nil {
			return err
		}
		if err := jury.CheckDay(etat, dsToday(s.now()), js.Date,
			dossier.Echeance(js.Date, ref.Livrables.DossierTechnique.DelaiJoursAvantSession)); err != nil {
			return err
		}
		if err := jsMoveCheck(ctx, tx, js, etat); err != nil { // jury_resultats.go
			return err
		}
		membres, err := jsMembres(ctx, tx, id)
		if err != nil {
			return err
		}
		ms := make([]jury.Membre, len(membres))
		for i, m := range membres {
			ms[i] = m.Membre
		}
		if err := jury.CheckComposition(ms, jury.ReglesOf(ref.Certification.Jury)); err != nil {
			return err
		}
		if version == 0 {
			version = js.Version
		}
		if err := tx.updateVersioned(ctx, "jury_sessions", id, version, `etat = ?, updated_at = ?`, string(etat), s.t(s.nowUTC())); err != nil {
			return err
		}
		from := js.Etat
		js.Etat, js.Version = etat, version+1
		if err := tx.audit(ctx, actor, jsSessionEntity+".update", jsSessionEntity, id, map[string]any{
			"fields": []string{"etat"}, "de": from, "vers": etat, "version": js.Version}); err != nil {
			return err
		}
		if etat == jury.ResultatsPublies {
			return s.jsPublish(ctx, tx, actor, js) // jury_resultats.go
		}
		if etat == jury.ConvocationsEnvoyees { // R14: the convocations leave with the move, or not at all
			_, err := s.jsConvoke(ctx, tx, actor, js, 0)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("move jury session: %w", err)
	}
	return js, nil
}
