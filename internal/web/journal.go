package web

import "github.com/certif/certif/internal/store"

// auditVerdict words the result of walking the journal's chain in the page's language: the
// verdict, and for a broken chain what is wrong at the first broken entry and how many are.
func auditVerdict(b *Base, c *store.AuditChain) (status, detail string) {
	switch {
	case c.Entries == 0:
		return b.T("audit.chain.empty"), ""
	case c.Intact():
		return b.T("audit.chain.ok", "Count", int(c.Entries), "N", formatInt(b.Lang, int(c.Entries))), ""
	}
	f := c.First
	var why string
	switch f.Kind {
	case store.AuditAltered:
		why = b.T("audit.chain.altered")
	case store.AuditUnlinked:
		if f.PrevID == 0 {
			why = b.T("audit.chain.cut_start")
		} else {
			why = b.T("audit.chain.unlinked", "Prev", f.PrevID)
		}
	case store.AuditUnreadable:
		why = b.T("audit.chain.unreadable")
	default:
		why = b.T("audit.chain.unsealed")
	}
	return b.T("audit.chain.broken", "ID", f.ID), why + " " +
		b.T("audit.chain.breaks", "Count", int(c.Breaks), "N", formatInt(b.Lang, int(c.Breaks)), "Total", formatInt(b.Lang, int(c.Entries)))
}
