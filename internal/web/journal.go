package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/certif/certif/internal/store"
)

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

// AuditLink is what the journal shows in an entry's « Enregistrement » column: the record's
// name and, when a page shows it, the link to that page.
type AuditLink struct {
	Label, Href string
}

// auditRefs names the records of a page's journal entries (AuditPage, the admin's home).
type auditRefs struct {
	Refs map[int64]store.AuditRef
}

// Op is the locale key of the operation entry e records (« audit.… »): its action's, except
// for the certificateur's own record (« Modification du certificateur », not « d’un
// organisme ») and a candidate's identity correction (« Correction d’identité »).
func (a *auditRefs) Op(e store.AuditEntry) string {
	switch {
	case e.Entity == "organisme" && (e.Action == "organisme.update" || e.Action == "organisme.create") &&
		strings.Contains(e.Detail, `"certificateur":true`):
		return "audit.certificateur." + strings.TrimPrefix(e.Action, "organisme.")
	case e.Action == "candidat.update" && strings.Contains(e.Detail, `"correction_id":`):
		return "audit.candidat.correction"
	}
	return "audit." + e.Action
}

// Ref is the name and link of the record entry e wrote, as the journal shows it: a user's
// account page, a candidate's file, livret, dossier, stage or planning, a centre's page — and for an
// import or a batch of activation links, which are about a centre's candidates, the list of
// that centre's candidates. A record with nothing to name shows « n° id » without a link.
func (a *auditRefs) Ref(e store.AuditEntry) AuditLink {
	if e.EntityID == 0 {
		return AuditLink{Label: "—"}
	}
	if e.Entity == "courriel" { // the outbox keeps its messages: the link is enough
		return AuditLink{Label: fmt.Sprintf("n° %d", e.EntityID), Href: fmt.Sprintf("/admin/courriels/%d", e.EntityID)}
	}
	ref, ok := a.Refs[e.ID]
	if !ok || ref.Name == "" {
		return AuditLink{Label: fmt.Sprintf("n° %d", e.EntityID)}
	}
	l := AuditLink{Label: ref.Name}
	ins := func(suffix string) string {
		if ref.InscriptionID == 0 {
			return ""
		}
		return fmt.Sprintf("/inscriptions/%d%s", ref.InscriptionID, suffix)
	}
	switch e.Entity {
	case "user":
		l.Href = fmt.Sprintf("/admin/utilisateurs/%d", e.EntityID)
	case "organisme":
		if e.Action == "candidat.import" || e.Action == "user.activation" {
			l.Href = fmt.Sprintf("/candidats?centre=%d", e.EntityID)
		} else if strings.Contains(e.Detail, `"certificateur":true`) {
			l.Href = "/admin/certificateur"
		} else {
			l.Href = fmt.Sprintf("/admin/centres/%d", e.EntityID)
		}
	case "certification":
		l.Href = fmt.Sprintf("/certifications/%d/referentiel", e.EntityID)
		if e.Action == "certification.update" { // the registration's page
			l.Href = fmt.Sprintf("/admin/certifications/%d", e.EntityID)
		}
	case "token":
		if ref.UserID != 0 {
			l.Href = fmt.Sprintf("/admin/utilisateurs/%d", ref.UserID)
		}
	case "candidat", "inscription", "projet":
		l.Href = ins("")
	case "dossier_piece", "dossier_resume", "dossier_projet":
		l.Href = ins("/dossier")
	case "evaluation":
		l.Href = ins("/livret")
	case "stage":
		l.Href = ins("/stage")
	case "seance":
		l.Href = ins("/planning")
	}
	return l
}

// auditActions are the operations the journal records, in the order of its « Opération » filter.
var auditActions = []string{"login", "login.failed", "user.create", "user.update", "user.password", "user.activate", "user.activation",
	"user.reset_request", "user.reset", "token.create", "token.revoke", "organisme.create", "organisme.update",
	"referentiel.import", "certification.update", "candidat.create", "candidat.import", "candidat.update", "candidat.merge", "candidat.merged",
	"inscription.create", "inscription.statut", "module.create", "module.update", "evaluation.add", "projet.submit", "projet.decide",
	"seance.add", "seance.update", "seance.delete", "stage.create", "stage.update", "stage.link", "stage.fiche",
	"file.save", "file.discard", "file.sweep", "courriel.resend", "courriel.fail",
	"inscription.update", "dossier_piece.add", "dossier_resume.save", "dossier_projet.create", "dossier_projet.update", "dossier_projet.delete", "dossier_projet.approve", "dossier.reopen", "dossier.reminder", "file.download", "document.download",
	"jury_session.create", "jury_session.update", "jury_session.membre", "jury_session.attestation", "passage.create", "passage.jures", "recevabilite.create",
	"passage.convocation", "passage.rappel",
	"passage.grille", "passage.decision", "jury_session.pv_signature", "jury_session.pv_amendement"}

// signIns are the operations « sans les connexions » leaves out.
var signIns = []string{"login", "login.failed"}

// AuditFilterForm is the journal's filter as the page shows it and its links carry it.
type AuditFilterForm struct {
	Action   string // an operation of auditActions, "" for all
	Author   int64  // an author's user id, 0 for all
	NoLogins bool   // « sans les connexions » (on unless the filter form says otherwise)
}

// parseAuditFilter reads the journal's GET parameters: operation, auteur, and the checkbox
// sans_connexions, which counts only once the filter form was sent (filtre=1): on by default.
func parseAuditFilter(q url.Values) (AuditFilterForm, store.AuditFilter) {
	var f AuditFilterForm
	if a := q.Get("operation"); a != "" {
		for _, known := range auditActions {
			if a == known {
				f.Action = a
			}
		}
	}
	f.Author, _ = strconv.ParseInt(q.Get("auteur"), 10, 64)
	f.Author = max(f.Author, 0)
	f.NoLogins = q.Get("filtre") == "" || q.Get("sans_connexions") == "1"
	sf := store.AuditFilter{Action: f.Action, ActorID: f.Author}
	if f.NoLogins && f.Action == "" {
		sf.Except = signIns
	}
	return f, sf
}

// Query is the filter as GET parameters (without the page), for the links that keep it.
func (f AuditFilterForm) Query() url.Values {
	q := url.Values{"filtre": {"1"}}
	if f.Action != "" {
		q.Set("operation", f.Action)
	}
	if f.Author != 0 {
		q.Set("auteur", strconv.FormatInt(f.Author, 10))
	}
	if f.NoLogins {
		q.Set("sans_connexions", "1")
	}
	return q
}

// AuthorHref is the journal narrowed to author id's entries, the other filters kept.
func (f AuditFilterForm) AuthorHref(id int64) string {
	f.Author = id
	return "/admin/journal?" + f.Query().Encode()
}

// OlderHref is the next page back, the filters kept.
func (f AuditFilterForm) OlderHref(before int64) string {
	q := f.Query()
	q.Set("avant", strconv.FormatInt(before, 10))
	return "/admin/journal?" + q.Encode()
}
