package web

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// The pages of the deliberation and the PV (issue 9): the président decides each passage
// beside the proposal and the jurors' conclusions (the other members read it); the PV with
// its signatures, its amendments and the admin's amendment form; the candidate's published
// results. The store decides who may (404 to whoever may not know the session).

// DeliberationPage is the deliberation of one passage.
type DeliberationPage struct {
	Base
	D    *store.Deliberation
	Form Form // presence, decision-BC01, motif-BC01, reste-BC01…
}

// Checked reports whether the radio name=value is the form's value.
func (p *DeliberationPage) Checked(name, value string) bool { return p.Form.Values[name] == value }

// Presences lists the presences, in the order of the form.
func (p *DeliberationPage) Presences() []string { return []string{"present", "absent", "excuse"} }

// Err is the form's error on field name.
func (p *DeliberationPage) Err(name string) string { return p.Form.Errors[name] }

// PVPage is the procès-verbal of a session.
type PVPage struct {
	Base
	PV      *store.PV
	IsAdmin bool
	MaySign bool // a member who has not signed, the session délibérée
	Form    Form // the amendment: passage_id, bloc, decision, bloc_motif, reste, motif
	Errors  map[string]string
}

// Signature is member userID's signature of the PV, nil when they have not signed.
func (p *PVPage) Signature(userID int64) *store.PVSignature {
	for i := range p.PV.Signatures {
		if p.PV.Signatures[i].UserID == userID {
			return &p.PV.Signatures[i]
		}
	}
	return nil
}

// Decided lists the blocs of passage pp by their decision (valide: the validated ones,
// acquired earlier included).
func (p *PVPage) Decided(pp store.PVPassage, valide bool) string {
	var out []string
	if valide {
		out = append(out, pp.Acquis...)
	}
	for _, d := range pp.Decisions {
		if (d.Decision == jury.Valide) == valide {
			out = append(out, d.Bloc)
		}
	}
	if len(out) == 0 {
		return "—"
	}
	return strings.Join(out, ", ")
}

// Num is i + 1 (the amendments are numbered from 1).
func (p *PVPage) Num(i int) int { return i + 1 }

// PVLinks reports whether the passages link to their deliberation (the admin, a member).
func (p *PVPage) PVLinks() bool { return p.IsAdmin || p.PV.Member }

// Amendables lists the passages an amendment may concern: the present candidates.
func (p *PVPage) Amendables() []store.PVPassage {
	var out []store.PVPassage
	for _, pp := range p.PV.Passages {
		if pp.Presence == jury.Present {
			out = append(out, pp)
		}
	}
	return out
}

// ResultatsPage is a candidate's published results.
type ResultatsPage struct {
	Base
	InscriptionID int64
	Resultats     []store.ResultatPublie
}

func (s *Server) deliberationPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.store.Deliberation(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	p := s.newDeliberationPage(r, d)
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "deliberation", p)
}

// newDeliberationPage fills the form from the current decisions, else the proposal.
func (s *Server) newDeliberationPage(r *http.Request, d *store.Deliberation) *DeliberationPage {
	p := &DeliberationPage{Base: s.base(r, "dlb.title"), D: d, Form: newForm()}
	p.Title = s.msg(r, "dlb.heading", "Candidat", d.Passage.CandidatNom)
	p.Form.Values["presence"] = string(d.Passage.Presence)
	if p.Form.Values["presence"] == "" {
		p.Form.Values["presence"] = string(jury.Present)
	}
	for _, b := range d.Blocs {
		p.Form.Values["decision-"+b.Bloc] = string(b.Proposition.Decision)
		if b.Decision != nil {
			p.Form.Values["decision-"+b.Bloc] = string(b.Decision.Decision)
			p.Form.Values["motif-"+b.Bloc] = b.Decision.Motif
			p.Form.Values["reste-"+b.Bloc] = b.Decision.ResteAEvaluer
		}
	}
	return p
}

// deliberationPost records the président's decision (form: presence, decision-BC01,
// motif-BC01, reste-BC01 per bloc presented); refused decisions show the form again with
// the messages next to their fields.
func (s *Server) deliberationPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r, "presence")
	if err != nil {
		return err
	}
	d, err := s.store.Deliberation(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	presence := jury.Presence(f.Values["presence"])
	blocs := map[string]jury.BlocDecision{}
	if presence == jury.Present {
		for _, b := range d.Blocs {
			blocs[b.Bloc] = jury.BlocDecision{Decision: jury.Decision(r.PostFormValue("decision-" + b.Bloc)),
				Motif: r.PostFormValue("motif-" + b.Bloc), ResteAEvaluer: r.PostFormValue("reste-" + b.Bloc)}
		}
	}
	got, err := s.store.Decide(r.Context(), actor(r), id, presence, blocs)
	if err == nil {
		return s.redirectFlash(w, r, s.msg(r, "dlb.decided", "Resultat", s.msg(r, "resultat."+string(got.Passage.Resultat))),
			fmt.Sprintf("/passages/%d/deliberation", id))
	}
	fields := apperr.FieldErrors(err)
	var pverr *store.PVError
	if fields == nil && !errors.As(err, &pverr) {
		return err
	}
	p := s.newDeliberationPage(r, d)
	p.Form.Values["presence"] = string(presence)
	for _, b := range d.Blocs {
		bd := blocs[b.Bloc]
		p.Form.Values["decision-"+b.Bloc], p.Form.Values["motif-"+b.Bloc], p.Form.Values["reste-"+b.Bloc] = string(bd.Decision), bd.Motif, bd.ResteAEvaluer
	}
	status := http.StatusUnprocessableEntity
	if pverr != nil {
		p.Form.Errors["form"], status = pverr.Message(), http.StatusConflict
	}
	for k, m := range fields {
		if code, what, ok := strings.Cut(strings.TrimPrefix(k, "blocs."), "."); ok && strings.HasPrefix(k, "blocs.") {
			p.Form.Errors[map[string]string{"decision": "decision-", "motif": "motif-", "reste_a_evaluer": "reste-"}[what]+code] = m
		} else {
			p.Form.Errors[k] = m
		}
	}
	return s.render(w, status, "deliberation", p)
}

func (s *Server) pvPageData(r *http.Request, id int64) (*PVPage, error) {
	pv, err := s.store.PV(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	p := &PVPage{Base: s.base(r, "pv.title"), PV: pv, IsAdmin: actor(r).IsAdmin(), Form: newForm(), Errors: map[string]string{}}
	p.Title = s.msg(r, "pv.heading", "Date", french2(r, pv.Session.Date))
	p.MaySign = pv.Member && !pv.Signed && pv.Session.Etat == jury.Deliberee
	p.Form.Values["decision"] = string(jury.Valide)
	return p, nil
}

func (s *Server) pvPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.pvPageData(r, id)
	if err != nil {
		return err
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "pv", p)
}

// pvSign: the calling member signs the PV.
func (s *Server) pvSign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := parseForm(r); err != nil {
		return err
	}
	g, created, err := s.store.SignPV(r.Context(), actor(r), id, clientIP(r, s.proxyTrust()))
	if err != nil {
		fields := apperr.FieldErrors(err)
		if fields == nil {
			return err
		}
		p, perr := s.pvPageData(r, id)
		if perr != nil {
			return perr
		}
		p.Errors["signature"] = joinFields(fields)
		return s.render(w, http.StatusUnprocessableEntity, "pv", p)
	}
	flash := s.msg(r, "pv.signed", "At", formatDateTime(requestLang(r), g.SigneLe))
	if !created {
		flash = s.msg(r, "pv.already", "At", formatDateTime(requestLang(r), g.SigneLe))
	}
	return s.redirectFlash(w, r, flash, fmt.Sprintf("/sessions/%d/pv", id))
}

// pvAmend: the admin's amendment of one bloc of one passage (form: passage_id, bloc,
// decision, bloc_motif, reste, motif).
func (s *Server) pvAmend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r, "passage_id", "bloc", "decision", "bloc_motif", "reste", "motif")
	if err != nil {
		return err
	}
	pid, _ := strconv.ParseInt(f.Values["passage_id"], 10, 64)
	blocs := map[string]jury.BlocDecision{}
	if f.Values["bloc"] != "" {
		blocs[f.Values["bloc"]] = jury.BlocDecision{Decision: jury.Decision(f.Values["decision"]), Motif: f.Values["bloc_motif"], ResteAEvaluer: f.Values["reste"]}
	}
	a, err := s.store.Amend(r.Context(), actor(r), id, pid, blocs, f.Values["motif"])
	if err == nil {
		return s.redirectFlash(w, r, s.msg(r, "pv.amended", "Candidat", a.Candidat, "Resultat", s.msg(r, "resultat."+string(a.Resultat))),
			fmt.Sprintf("/sessions/%d/pv#avenants", id))
	}
	fields := apperr.FieldErrors(err)
	if fields == nil {
		return err
	}
	p, perr := s.pvPageData(r, id)
	if perr != nil {
		return perr
	}
	p.Form = f
	for k, m := range fields {
		switch {
		case strings.HasSuffix(k, ".motif"):
			p.Form.Errors["bloc_motif"] = m
		case strings.HasSuffix(k, ".reste_a_evaluer"):
			p.Form.Errors["reste"] = m
		case strings.HasPrefix(k, "blocs"):
			p.Form.Errors["bloc"] = m
		default:
			p.Form.Errors[k] = m
		}
	}
	return s.render(w, http.StatusUnprocessableEntity, "pv", p)
}

// resultatsPage: the published results of an inscription (nothing before publication).
func (s *Server) resultatsPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rs, err := s.store.Resultats(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	p := &ResultatsPage{Base: s.base(r, "resultats.title"), InscriptionID: id, Resultats: rs}
	return s.render(w, http.StatusOK, "resultats", p)
}

// joinFields joins the messages of fields in the order of their names.
func joinFields(fields map[string]string) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		out = append(out, fields[k])
	}
	return strings.Join(out, " ")
}
