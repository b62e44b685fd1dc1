package web

import (
	"context"
	"fmt"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/jury"
)

// The work lists of the jury sessions on the homes: a juror's sessions and the attestations
// they have to sign; the admin's sessions whose convocations are still to send.

// juryWork is a juror's work list: the confidentiality attestations to sign, then the
// sessions they sit on (from the session's day, as the store shows them) whose results are
// not yet published.
func (s *Server) juryWork(ctx context.Context, b *Base, act account.Actor) ([]WorkItem, error) {
	list, err := s.store.JurySessions(ctx, act)
	if err != nil {
		return nil, err
	}
	var sign, current []WorkLine
	for _, js := range list {
		if js.Etat == jury.ResultatsPublies {
			continue
		}
		full, err := s.store.JurySession(ctx, act, js.ID)
		if err != nil {
			return nil, err
		}
		label := b.T("session.heading", "Date", b.Date(js.Date))
		for _, m := range full.Membres {
			if m.UserID == act.UserID && m.SigneLe.IsZero() {
				sign = append(sign, WorkLine{Label: label, Detail: b.T("work.jury.attestation_line"), Href: fmt.Sprintf("/sessions/%d/attestation", js.ID)})
			}
		}
		current = append(current, WorkLine{Label: label, Detail: b.T("jury_etat." + string(js.Etat)), Href: fmt.Sprintf("/sessions/%d", js.ID)})
	}
	var items []WorkItem
	if len(sign) > 0 {
		items = append(items, linesItem("work-attestations", b.T("work.jury.attestations", "Count", len(sign)), "", sign))
	}
	return append(items, linesItem("work-sessions", b.T("work.jury.sessions", "Count", len(current)), "/sessions", current)), nil
}

// sessionsWork is the admin's item of the sessions still planned: their convocations are to
// send (the move to « convocations envoyées »).
func (s *Server) sessionsWork(ctx context.Context, b *Base, act account.Actor) ([]WorkItem, error) {
	list, err := s.store.JurySessions(ctx, act)
	if err != nil {
		return nil, err
	}
	var lines []WorkLine
	for _, js := range list {
		if js.Etat == jury.Planifiee {
			lines = append(lines, WorkLine{Label: b.T("session.heading", "Date", b.Date(js.Date)),
				Detail: b.T("session.n_passages", "Count", js.NbPassages), Href: fmt.Sprintf("/sessions/%d", js.ID)})
		}
	}
	if len(lines) == 0 {
		return nil, nil
	}
	return []WorkItem{linesItem("work-sessions-planifiees", b.T("work.jury.planifiees", "Count", len(lines)), "/sessions", lines)}, nil
}

// linesItem is an item of lines, the first workShown of them shown (workItem's, for lines
// that are not the store's work rows).
func linesItem(id, label, href string, lines []WorkLine) WorkItem {
	it := WorkItem{ID: id, Label: label, Count: len(lines), Href: href, Lines: lines}
	if len(lines) > workShown {
		it.Lines, it.More = lines[:workShown], len(lines)-workShown
	}
	return it
}
