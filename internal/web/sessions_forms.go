package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// The admin's forms of a session's page (state, members, passages, jurors of a passage) and
// the juror's confidentiality attestation. A refusal of the store (the composition rules, an
// inscription that is not eligible, a juror who trained the candidate) is shown next to its
// form on the session's page, in the store's French words; success flashes and redirects.

// sessionRefused re-renders session id's page with the refusal err of form (status 422, or
// 409 for a stale state move), or returns err when it is not a field problem.
func (s *Server) sessionRefused(w http.ResponseWriter, r *http.Request, id int64, form string, err error, values map[string]string) error {
	msg, status, ok := s.refusalText(r, err)
	if !ok {
		return err
	}
	p, perr := s.sessionPage(r, id)
	if perr != nil {
		return perr
	}
	p.Errors[form] = msg
	for k := range apperr.FieldErrors(err) { // which fields to mark invalid: "passage:heure"…
		p.Errors[form+":"+k] = "1"
	}
	for k, v := range values {
		p.Values[k] = v
	}
	return s.render(w, status, "session", p)
}

// refusalText is the store's refusal err in the request's language, the known fields first,
// with the status it answers (422, or 409 for a stale version); ok is false when err is not
// a refusal (a field problem or a stale version).
func (s *Server) refusalText(r *http.Request, err error) (string, int, bool) {
	fields := apperr.FieldErrors(err)
	stale := staleOf(err)
	if fields == nil && stale == nil {
		return "", 0, false
	}
	var msgs []string
	for _, k := range []string{"etat", "membres", "user_id", "inscription_id", "heure", "user_ids", "body"} {
		if m := fields[k]; m != "" {
			msgs = append(msgs, m)
		}
	}
	for k, m := range fields { // any other field, after the known ones
		if !strings.Contains(" etat membres user_id inscription_id heure user_ids body ", " "+k+" ") {
			msgs = append(msgs, m)
		}
	}
	status := http.StatusUnprocessableEntity
	if stale != nil {
		msgs, status = append(msgs, s.msg(r, "session.stale")), http.StatusConflict
	}
	lang := requestLang(r)
	for i, m := range msgs { // the domain's French, in the page's language when the catalogue knows it
		msgs[i] = s.tr.validation(lang, m)
	}
	return strings.Join(msgs, " "), status, true
}

// sessionEtatRefus is the session key keeping a refused state move's reason for the page the
// refusal redirects to (shown once, beside the state form).
const sessionEtatRefus = "session_etat_refus"

// sessionEtat moves the session to the next state (form: etat, version).
func (s *Server) sessionEtat(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r, "etat", "version")
	if err != nil {
		return err
	}
	js, err := s.store.MoveJurySession(r.Context(), actor(r), id, jury.Etat(f.Values["etat"]), formVersion(r))
	if err != nil {
		// Post/redirect/get: the page reloaded after a refusal does not post the move again.
		msg, _, ok := s.refusalText(r, err)
		if !ok {
			return err
		}
		s.sessions.Put(r.Context(), sessionEtatRefus, msg)
		http.Redirect(w, r, fmt.Sprintf("/sessions/%d#etat", id), http.StatusSeeOther)
		return nil
	}
	flash := s.msg(r, "session.moved", "Etat", s.msg(r, "jury_etat."+string(js.Etat)))
	if js.Etat == jury.ConvocationsEnvoyees {
		flash = s.msg(r, "session.convoked")
	}
	return s.redirectFlash(w, r, flash, fmt.Sprintf("/sessions/%d", id))
}

// sessionMembre puts a jury account on the session's jury (form: user_id, president).
func (s *Server) sessionMembre(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r, "user_id", "president")
	if err != nil {
		return err
	}
	uid, _ := strconv.ParseInt(f.Values["user_id"], 10, 64)
	if err := s.store.AddMembre(r.Context(), actor(r), id, uid, checked(r, "president")); err != nil {
		return s.sessionRefused(w, r, id, "membre", err, f.Values)
	}
	return s.redirectFlash(w, r, s.msg(r, "session.membre_added"), fmt.Sprintf("/sessions/%d#jury", id))
}

// sessionPassage convokes an inscription to the session (form: inscription_id, heure).
func (s *Server) sessionPassage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r, "inscription_id", "heure")
	if err != nil {
		return err
	}
	insID, _ := strconv.ParseInt(f.Values["inscription_id"], 10, 64)
	p := &store.Passage{SessionID: id, InscriptionID: insID, Heure: f.Values["heure"]}
	if err := s.store.AddPassage(r.Context(), actor(r), p); err != nil {
		return s.sessionRefused(w, r, id, "passage", err, f.Values)
	}
	return s.redirectFlash(w, r, s.msg(r, "session.passage_added"), fmt.Sprintf("/sessions/%d#passage-%d", id, p.ID))
}

// passageJures sets the members who evaluate a passage (form: user_ids, repeated).
func (s *Server) passageJures(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := parseForm(r); err != nil {
		return err
	}
	vals := r.PostForm["user_ids"]
	if len(vals) > 50 {
		return fieldError("user_ids", "Trop de membres pour un passage.")
	}
	ids := make([]int64, 0, len(vals))
	for _, v := range vals {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, n)
		}
	}
	pa, err := s.store.Passage(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	if _, err := s.store.SetJures(r.Context(), actor(r), id, ids); err != nil {
		return s.sessionRefused(w, r, pa.SessionID, fmt.Sprintf("jures-%d", id), err, nil)
	}
	return s.redirectFlash(w, r, s.msg(r, "session.jures_set", "Candidat", pa.CandidatNom), fmt.Sprintf("/sessions/%d#passage-%d", pa.SessionID, id))
}

// AttestationSessionPage is the confidentiality attestation a juror reads and signs (R17).
type AttestationSessionPage struct {
	Base
	Session *store.JurySession
	Texte   string
	SigneLe string // when signed, as shown; "" until then
	IP      string
}

// sessionMember returns the calling juror's seat on session id: apperr.NotFound when they
// may not see the session, apperr.Forbidden for whoever sees it without sitting on it (the
// admin: the attestation is each juror's own).
func (s *Server) sessionMember(r *http.Request, id int64) (*store.JurySession, *store.SessionMembre, error) {
	a := actor(r)
	js, err := s.store.JurySession(r.Context(), a, id)
	if err != nil {
		return nil, nil, err
	}
	for i := range js.Membres {
		if m := &js.Membres[i]; m.UserID == a.UserID && a.Role == account.RoleJury {
			return js, m, nil
		}
	}
	return nil, nil, fmt.Errorf("session %d: not a member: %w", id, apperr.Forbidden)
}

func (s *Server) attestationForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	js, m, err := s.sessionMember(r, id)
	if err != nil {
		return err
	}
	p := &AttestationSessionPage{Base: s.base(r, "attestation_jury.title"), Session: js, Texte: store.AttestationText(js, m.Nom)}
	if !m.SigneLe.IsZero() {
		p.SigneLe = formatDateTime(p.Lang, m.SigneLe)
	}
	return s.render(w, http.StatusOK, "session_attestation", p)
}

func (s *Server) attestationSign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := parseForm(r); err != nil {
		return err
	}
	a, created, err := s.store.SignAttestation(r.Context(), actor(r), id, clientIP(r, s.proxyTrust()))
	if err != nil {
		return err
	}
	flash := s.msg(r, "attestation_jury.signed", "At", formatDateTime(requestLang(r), a.SigneLe))
	if !created {
		flash = s.msg(r, "attestation_jury.already", "At", formatDateTime(requestLang(r), a.SigneLe))
	}
	return s.redirectFlash(w, r, flash, fmt.Sprintf("/sessions/%d", id))
}
