package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/input"
	"github.com/certif/certif/internal/mail"
)

// French messages of the deadline's forms.
const (
	msgDsDateSession  = "La date de session ne peut pas être passée."
	msgDsMotif        = "Indiquez le motif de la réouverture."
	msgDsMotifLong    = "Le motif tient en 1 000 caractères au plus."
	msgDsJusquAu      = "La nouvelle date limite ne peut pas être passée."
	msgDsJusquAuAvant = "La nouvelle date limite doit suivre la date limite actuelle (%s)."
	msgDsJusquAuApres = "La réouverture doit finir avant la date de session (%s) : le dernier jour possible est le %s."
	msgDsClos         = "Le dossier est clos : l’administrateur le rouvre avec un motif avant tout changement de date."
	maxDsMotif        = 1000
)

// dsToday is today's date in Paris, as a date (00:00 UTC).
func dsToday(now time.Time) time.Time {
	y, m, d := french.InParis(now).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dsDate is t's calendar day as a date (00:00 UTC).
func dsDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// SetDateSession sets the target session date of inscription inscriptionID (the day of date;
// the zero time clears it), which sets the dossier's deadline, if version is still the
// inscription's version (Dossier.InscriptionVersion). Audited ("inscription.update").
// Who: the référent of the inscription's centre, the admin. Errors: apperr.NotFound when the
// inscription does not exist or the actor may not see it; apperr.Forbidden when they see it
// without managing it (a formateur, the candidate); *StaleError (apperr.Conflict) when the
// inscription changed since version; *apperr.Validation on "date_session" for a past date
// and when the dossier is closed (only the admin's reopening opens it again).
func (s *Store) SetDateSession(ctx context.Context, actor account.Actor, inscriptionID int64, date time.Time, version int64) error {
	var value any
	if !date.IsZero() {
		date = dsDate(date)
		if date.Before(dsToday(s.now())) {
			v := apperr.NewValidation()
			v.Add("date_session", msgDsDateSession)
			return fmt.Errorf("set date session: %w", v)
		}
		value = candDate(date)
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		ins, err := s.dsLoad(ctx, tx, actor, inscriptionID, lvReader)
		if err != nil {
			return err
		}
		if err := access.CanManageInscription(actor, ins.relations()).Err(fmt.Sprintf("inscription %d", inscriptionID)); err != nil {
			return err
		}
		ref, err := s.ReferentielVersion(ctx, ins.VersionID)
		if err != nil {
			return err
		}
		if _, closes := ins.closes(ref.Livrables.DossierTechnique.DelaiJoursAvantSession); dossier.Locked(s.now(), closes) {
			return fieldErr("date_session", msgDsClos) // a new date would reopen it without the admin
		}
		if err := tx.updateVersioned(ctx, "inscriptions", inscriptionID, version, `date_session = ?, updated_at = ?`,
			value, s.t(s.nowUTC())); err != nil {
			return err
		}
		return tx.audit(ctx, actor, "inscription.update", "inscription", inscriptionID, map[string]any{
			"fields": []string{"date_session"}, "version": version + 1})
	})
	if err != nil {
		return fmt.Errorf("set date session: %w", err)
	}
	return nil
}

// ReopenDossier reopens the dossier of inscription inscriptionID until the end of the day of
// until in Paris, for the reason motif; recorded (append-only) and audited. The latest
// reopening replaces the deadline.
// Who: the admin only. Errors: apperr.NotFound when the inscription does not exist or the
// actor may not see it; apperr.Forbidden for anyone else who sees it; *apperr.Validation on
// "motif" (required, at most 1,000 characters) and "jusqu_au" (not before today in Paris, nor
// before the current last day, and before the session date: a reopening never runs into the
// session).
func (s *Store) ReopenDossier(ctx context.Context, actor account.Actor, inscriptionID int64, motif string, until time.Time) error {
	motif = strings.TrimSpace(input.Clean(motif, true))
	until = dsDate(until)
	err := s.Transact(ctx, func(tx *Tx) error {
		ins, err := s.dsLoad(ctx, tx, actor, inscriptionID, lvReader)
		if err != nil {
			return err
		}
		if err := access.CanAdminister(actor).Err(fmt.Sprintf("dossier %d", inscriptionID)); err != nil {
			return err
		}
		ref, err := s.ReferentielVersion(ctx, ins.VersionID)
		if err != nil {
			return err
		}
		v := apperr.NewValidation()
		switch n := utf8.RuneCountInString(motif); {
		case n == 0:
			v.Add("motif", msgDsMotif)
		case n > maxDsMotif:
			v.Add("motif", msgDsMotifLong)
		}
		last := dsLastDay(ins, ref.Livrables.DossierTechnique.DelaiJoursAvantSession)
		switch {
		case until.Before(dsToday(s.now())):
			v.Add("jusqu_au", msgDsJusquAu)
		case !last.IsZero() && until.Before(last):
			v.Add("jusqu_au", fmt.Sprintf(msgDsJusquAuAvant, french.Date(last)))
		case ins.DateSession != nil && !until.Before(*ins.DateSession):
			v.Add("jusqu_au", fmt.Sprintf(msgDsJusquAuApres, french.Date(*ins.DateSession), french.Date(ins.DateSession.AddDate(0, 0, -1))))
		}
		if err := v.Err(); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO dossier_reouvertures (inscription_id, motif, jusqu_au, par, le)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, inscriptionID, motif, candDate(until), actor.UserID, s.t(s.nowUTC())).Scan(&id); err != nil {
			return mapErr(err)
		}
		// The candidate learns it by mail (without the reason), in the same transaction.
		email, prenom, err := dsRecipient(ctx, tx, ins.CandidatID)
		if err != nil {
			return err
		}
		if email != "" {
			if err := tx.enqueue(ctx, mail.KindDossierReopened, email, mail.DossierReopened{Prenom: prenom, JusquAu: until,
				Link: s.link("/inscriptions/", strconv.FormatInt(inscriptionID, 10)) + "/dossier"}); err != nil {
				return err
			}
		}
		return tx.audit(ctx, actor, "dossier.reopen", "inscription", inscriptionID, map[string]any{
			"reouverture_id": id, "jusqu_au": candDate(until)})
	})
	if err != nil {
		return fmt.Errorf("reopen dossier: %w", err)
	}
	return nil
}

// dsLastDay is the dossier's last day: the latest reopening's (at the latest the session's
// eve), else the deadline (zero when there is neither).
func dsLastDay(ins *dsIns, delai int) time.Time {
	if n := len(ins.Reouvertures); n > 0 {
		last := ins.Reouvertures[n-1].JusquAu
		if ins.DateSession != nil && !last.Before(*ins.DateSession) { // never past the session's eve
			last = ins.DateSession.AddDate(0, 0, -1)
		}
		return last
	}
	echeance, _ := ins.closes(delai)
	return echeance
}

// The reminders of an incomplete dossier (issue 8): 7 days before its last day (sent from
// J-7 to J-3, when the server first runs in that window) and 2 days before (from J-2 to the
// last day itself), Paris days; each once per dossier and last day (dossier_rappels' unique
// key), so that a reopening's new date has its own reminders.
const (
	dsRappel7 = 7
	dsRappel2 = 2
)

// dsRappelDue returns which reminder is due days before the last day (0: none).
func dsRappelDue(days int) int {
	switch {
	case days > dsRappel2 && days <= dsRappel7:
		return dsRappel7
	case days >= 0 && days <= dsRappel2:
		return dsRappel2
	}
	return 0
}

// SendDossierReminders queues, through the outbox, the reminder due today (see dsRappelDue)
// to each candidate whose dossier is still open and incomplete (a red line in its conformity
// report), with the list of what is missing and the link to the dossier; each reminder goes
// once (idempotent: run it as often as you like). It returns how many were queued. It is the
// server's periodic job's; audited by the system.
func (s *Store) SendDossierReminders(ctx context.Context) (int, error) {
	ids, err := s.dsDated(ctx)
	if err != nil {
		return 0, fmt.Errorf("dossier reminders: %w", err)
	}
	sent := 0
	for _, id := range ids {
		ok, err := s.dsRemind(ctx, id)
		if err != nil {
			return sent, fmt.Errorf("dossier reminders: inscription %d: %w", id, err)
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// dsRemind sends inscription id's due reminder, if any; ok tells whether one was queued.
func (s *Store) dsRemind(ctx context.Context, id int64) (ok bool, err error) {
	q := s.q(nil)
	now := s.now()
	ins, err := s.dsLoad(ctx, q, account.System, id, lvReader)
	if err != nil {
		return false, err
	}
	ref, err := s.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return false, err
	}
	last := dsLastDay(ins, ref.Livrables.DossierTechnique.DelaiJoursAvantSession)
	jours := dsRappelDue(int(last.Sub(dsToday(now)).Hours() / 24))
	if jours == 0 {
		return false, nil
	}
	d, err := s.dsRead(ctx, q, ins)
	if err != nil || d.Verrouille {
		return false, err
	}
	missing := dossier.Missing(d.Conformite)
	if len(missing) == 0 {
		return false, nil
	}
	email, prenom, err := dsRecipient(ctx, q, ins.CandidatID)
	if err != nil || email == "" {
		return false, err
	}
	manque := make([]string, len(missing))
	for i, c := range missing {
		manque[i] = c.Message
	}
	err = s.Transact(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO dossier_rappels (inscription_id, echeance, jours, envoye_le) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, id, candDate(last), jours, s.t(s.nowUTC()))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // already sent
		}
		ok = true
		if err := tx.enqueue(ctx, mail.KindDossierReminder, email, mail.DossierReminder{Prenom: prenom, Echeance: last,
			Manque: manque, Link: s.link("/inscriptions/", strconv.FormatInt(id, 10)) + "/dossier"}); err != nil {
			return err
		}
		return tx.audit(ctx, account.System, "dossier.reminder", "inscription", id, map[string]any{
			"jours": jours, "echeance": candDate(last), "manquants": len(missing)})
	})
	return ok, err
}

// dsRecipient is the address and first prénom the dossier's mails go to: the candidate's
// e-mail ("" when they have none: no mail is written).
func dsRecipient(ctx context.Context, q querier, candidatID int64) (email, prenom string, err error) {
	var prenoms string
	if err := q.QueryRowContext(ctx, `SELECT email, prenoms FROM candidats WHERE id = ?`, candidatID).Scan(&email, &prenoms); err != nil {
		return "", "", err
	}
	if ps, err := lvStrings(prenoms); err == nil && len(ps) > 0 {
		prenom = ps[0]
	}
	return email, prenom, nil
}
