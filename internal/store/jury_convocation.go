package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/mail"
)

// The convocations (issue 9, R14): when a session moves to « convocations envoyées », each of
// its passages is convoked in the same transaction — a message in the outbox to the candidate
// with the link to their PDF convocation, and passages.convoque_le set; a passage added after
// that is convoked at once. Two days before the session, the periodic job reminds each
// convoked candidate once (passages.rappel_le).
//
// The message carries the authenticated link to the PDF, and the PDF itself as an attachment
// made when the message leaves (Courriel.Ref "passage:<id>", the web server's attacher): the
// outbox stores text only, and the convocation attached is the one of that moment.

// jsConvoked reports whether a session in state e has sent its convocations.
func jsConvoked(e jury.Etat) bool {
	return e != jury.Planifiee && e.Valid()
}

// jsStamp is how convoque_le and rappel_le are stored on both engines (TEXT columns).
func jsStamp(t time.Time) string { return t.UTC().Format(sqliteTime) }

// jsParseStamp reads a convoque_le or rappel_le ("" is the zero time).
func jsParseStamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: bad stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// ConvocationRef is the Courriel.Ref of the messages carrying passage id's convocation.
func ConvocationRef(passageID int64) string { return "passage:" + strconv.FormatInt(passageID, 10) }

// ConvocationOf returns the passage a Courriel.Ref names (ok false for another ref).
func ConvocationOf(ref string) (passageID int64, ok bool) {
	rest, found := strings.CutPrefix(ref, "passage:")
	if !found {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// jsConvocationData assembles the convocation of passage p (of session js) for its
// candidate: their address ("" when they have none) and the message's data.
func (s *Store) jsConvocationData(ctx context.Context, q querier, js *JurySession, p *Passage) (string, mail.JuryConvocation, error) {
	var d mail.JuryConvocation
	ins, err := s.dsLoad(ctx, q, account.System, p.InscriptionID, lvReader)
	if err != nil {
		return "", d, err
	}
	ref, err := s.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return "", d, err
	}
	email, prenom, err := dsRecipient(ctx, q, ins.CandidatID)
	if err != nil {
		return "", d, err
	}
	if err := q.QueryRowContext(ctx, `SELECT intitule FROM certifications WHERE id = ?`, js.CertificationID).Scan(&d.Certification); err != nil {
		return "", d, err
	}
	var sexe string
	if err := q.QueryRowContext(ctx, `SELECT sexe FROM candidats WHERE id = ?`, ins.CandidatID).Scan(&sexe); err != nil {
		return "", d, err
	}
	switch candidat.Sexe(sexe) {
	case candidat.Femme:
		d.Accord = "e"
	case candidat.Homme:
	default:
		d.Accord = "(e)"
	}
	d.Prenom, d.Date, d.Heure, d.Lieu, d.Distanciel = prenom, js.Date, p.Heure, js.Lieu, js.Distanciel
	d.Echeance = dsLastDay(ins, ref.Livrables.DossierTechnique.DelaiJoursAvantSession)
	d.Link = s.link("/passages/", strconv.FormatInt(p.ID, 10)) + "/convocation.pdf"
	d.Page = s.link("/inscriptions/", strconv.FormatInt(p.InscriptionID, 10))
	return email, d, nil
}

// jsConvoke convokes the passages of session js not convoked yet (all of them, or only
// passageID when not 0), in tx: the message to the candidate, convoque_le, the journal. It
// returns how many were convoked.
func (s *Store) jsConvoke(ctx context.Context, tx *Tx, actor account.Actor, js *JurySession, passageID int64) (int, error) {
	where, args := `p.session_id = ? AND p.convoque_le = ''`, []any{js.ID}
	if passageID != 0 {
		where, args = where+` AND p.id = ?`, append(args, passageID)
	}
	ps, err := jsPassages(ctx, tx, where, args...)
	if err != nil {
		return 0, err
	}
	now := s.nowUTC()
	for i := range ps {
		p := &ps[i]
		email, d, err := s.jsConvocationData(ctx, tx, js, p)
		if err != nil {
			return 0, fmt.Errorf("passage %d: convocation: %w", p.ID, err)
		}
		if email != "" { // without an address, the convocation is on the candidate's page only
			if err := tx.enqueueRef(ctx, mail.KindJuryConvocation, email, ConvocationRef(p.ID), d); err != nil {
				return 0, err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE passages SET convoque_le = ? WHERE id = ?`, jsStamp(now), p.ID); err != nil {
			return 0, err
		}
		if err := tx.audit(ctx, actor, jsPassageEntity+".convocation", jsPassageEntity, p.ID, map[string]any{
			"session_id": js.ID, "courriel": email != ""}); err != nil {
			return 0, err
		}
	}
	return len(ps), nil
}

// Convocation is what a candidate's convocation is made of: the passage, its session, and
// the dossier's last day.
type Convocation struct {
	Passage  Passage
	Session  JurySession
	Echeance time.Time // the dossier technique's last day (R14); zero when unknown
}

// Convocation returns the convocation of passage passageID. Who: the admin (at any time, to
// check it before sending); once the passage is convoked, whoever may read its inscription
// but the jury — the candidate, their centre's staff. Errors: apperr.NotFound for everyone
// else, a juror included, and before the convocation for all but the admin.
func (s *Store) Convocation(ctx context.Context, actor account.Actor, passageID int64) (*Convocation, error) {
	q := s.q(nil)
	notFound := fmt.Errorf("passage %d: convocation: %w", passageID, apperr.NotFound)
	if actor.Role == account.RoleJury || (actor.UserID == 0 && actor.Role == "") {
		return nil, notFound
	}
	ps, err := jsPassages(ctx, q, `p.id = ?`, passageID)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, notFound
	}
	p := ps[0]
	if !actor.IsAdmin() {
		if p.ConvoqueLe.IsZero() {
			return nil, notFound
		}
		if _, err := lvLoad(ctx, q, actor, p.InscriptionID, lvReader, false); err != nil {
			if errors.Is(err, apperr.Forbidden) {
				return nil, notFound
			}
			return nil, err
		}
	}
	js, err := scanJurySession(q.QueryRowContext(ctx, `SELECT `+jsCols+` FROM jury_sessions s WHERE s.id = ?`, p.SessionID))
	if err != nil {
		return nil, fmt.Errorf("passage %d: session: %w", passageID, err)
	}
	ins, err := s.dsLoad(ctx, q, account.System, p.InscriptionID, lvReader)
	if err != nil {
		return nil, err
	}
	ref, err := s.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return nil, err
	}
	return &Convocation{Passage: p, Session: *js, Echeance: dsLastDay(ins, ref.Livrables.DossierTechnique.DelaiJoursAvantSession)}, nil
}

// Convocations returns the convocations of inscription inscriptionID that were sent, by
// session date. Who: whoever may read the inscription but the jury (an empty list for a
// juror); apperr.NotFound for whoever may not.
func (s *Store) Convocations(ctx context.Context, actor account.Actor, inscriptionID int64) ([]Convocation, error) {
	q := s.q(nil)
	if _, err := lvLoad(ctx, q, actor, inscriptionID, lvReader, false); err != nil {
		return nil, fmt.Errorf("convocations: %w", err)
	}
	out := []Convocation{}
	if actor.Role == account.RoleJury {
		return out, nil
	}
	ps, err := jsPassages(ctx, q, `p.inscription_id = ? AND p.convoque_le <> ''`, inscriptionID)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		c, err := s.Convocation(ctx, account.System, p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, nil
}

// jsReminderDays is how many days before the session the reminder goes (J-2).
const jsReminderDays = 2

// SendJuryReminders queues, through the outbox, the reminder of each convoked candidate whose
// session is at most two days away (Paris days, the session's day included) and not yet under
// way, once per passage (passages.rappel_le: idempotent, run it as often as you like). It
// returns how many were queued. It is the server's periodic job's; audited by the system.
func (s *Store) SendJuryReminders(ctx context.Context) (int, error) {
	today := dsToday(s.now())
	rows, err := s.query(ctx, `SELECT p.id FROM passages p JOIN jury_sessions s ON s.id = p.session_id
		WHERE p.convoque_le <> '' AND p.rappel_le = '' AND p.presence = '' AND s.date_session >= ? AND s.date_session <= ?
		AND s.etat IN (?, ?) ORDER BY p.id`,
		candDate(today), candDate(today.AddDate(0, 0, jsReminderDays)), string(jury.ConvocationsEnvoyees), string(jury.DossiersClos))
	if err != nil {
		return 0, fmt.Errorf("jury reminders: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("jury reminders: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("jury reminders: %w", err)
	}
	sent := 0
	for _, id := range ids {
		queued := false
		err := s.Transact(ctx, func(tx *Tx) error {
			queued = false
			res, err := tx.ExecContext(ctx, `UPDATE passages SET rappel_le = ? WHERE id = ? AND rappel_le = ''`, jsStamp(s.nowUTC()), id)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // reminded meanwhile by another server
			}
			ps, err := jsPassages(ctx, tx, `p.id = ?`, id)
			if err != nil || len(ps) == 0 {
				return err
			}
			js, err := scanJurySession(tx.QueryRowContext(ctx, `SELECT `+jsCols+` FROM jury_sessions s WHERE s.id = ?`, ps[0].SessionID))
			if err != nil {
				return err
			}
			email, d, err := s.jsConvocationData(ctx, tx, js, &ps[0])
			if err != nil {
				return err
			}
			if email != "" {
				if err := tx.enqueueRef(ctx, mail.KindJuryReminder, email, ConvocationRef(ps[0].ID), d); err != nil {
					return err
				}
				queued = true
			}
			return tx.audit(ctx, account.System, jsPassageEntity+".rappel", jsPassageEntity, id, map[string]any{"courriel": email != ""})
		})
		if err != nil {
			return sent, fmt.Errorf("jury reminders: passage %d: %w", id, err)
		}
		if queued {
			sent++
		}
	}
	return sent, nil
}

// SendReminders runs the periodic reminders: the dossiers' (SendDossierReminders) and the
// convoked candidates' (SendJuryReminders); it returns how many messages were queued.
func (s *Store) SendReminders(ctx context.Context) (int, error) {
	n, err := s.SendDossierReminders(ctx)
	if err != nil {
		return n, err
	}
	m, err := s.SendJuryReminders(ctx)
	return n + m, err
}

// SendRemindersEvery runs SendReminders now and then every interval until ctx ends (`certif
// serve` starts it, hourly), logging failures and what was queued.
func (s *Store) SendRemindersEvery(ctx context.Context, interval time.Duration, log *slog.Logger) {
	every(ctx, interval, log, "reminders", "courriels queued", s.SendReminders)
}
