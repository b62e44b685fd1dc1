package dossier

import (
	"slices"
	"time"

	"github.com/certif/certif/internal/french"
)

// Deadline of the dossier technique (R14): due delai_jours_avant_session days before the
// session; the dossier closes at the end of that last day in Europe/Paris, whatever the
// server's zone and the daylight-saving changes. Dates (a session, a last day, a reopening's
// « jusqu'au ») are calendar days: time.Time values at 00:00 UTC, only their year, month and
// day count.

// Echeance is the last day to submit the dossier: delaiJours calendar days before the session
// day (a date at 00:00 UTC).
func Echeance(session time.Time, delaiJours int) time.Time {
	y, m, d := session.Date()
	return time.Date(y, m, d-delaiJours, 0, 0, 0, 0, time.UTC)
}

// ClosesAt is the instant the dossier closes for the last day echeance: the end of that day
// in Europe/Paris, that is 00:00 of the next day, Paris time, returned in UTC.
func ClosesAt(echeance time.Time) time.Time {
	y, m, d := echeance.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, french.Paris()).UTC()
}

// Locked reports whether a dossier closing at closesAt is locked at now (closesAt zero: no
// deadline yet, never locked).
func Locked(now, closesAt time.Time) bool {
	return !closesAt.IsZero() && !now.Before(closesAt)
}

// SessionStarts is the instant the session day starts: 00:00 of that day in Europe/Paris,
// in UTC.
func SessionStarts(session time.Time) time.Time {
	y, m, d := session.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, french.Paris()).UTC()
}

// Close is when a dossier with last day echeance (zero: none) and session date session (zero:
// none) closes, given the « jusqu'au » dates of its reopenings in the order recorded: the end
// of the latest reopening's day when there is one (an admin's decision replaces the
// deadline), but never after the session day starts; else ClosesAt(echeance); zero when there
// is neither (no deadline yet: never locked).
//
// A reopening whose « jusqu'au » is before the last day belongs to an earlier session's cycle
// (a reopening never ends before the deadline it reopens): once the candidate is convoked to a
// later session, it no longer counts.
func Close(echeance, session time.Time, reopenedUntil ...time.Time) time.Time {
	if !echeance.IsZero() {
		reopenedUntil = slices.DeleteFunc(slices.Clone(reopenedUntil), func(u time.Time) bool { return u.Before(echeance) })
	}
	if n := len(reopenedUntil); n > 0 {
		c := ClosesAt(reopenedUntil[n-1])
		if !session.IsZero() && SessionStarts(session).Before(c) {
			c = SessionStarts(session)
		}
		return c
	}
	if echeance.IsZero() {
		return time.Time{}
	}
	return ClosesAt(echeance)
}
