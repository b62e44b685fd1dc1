package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/certif/certif/internal/account"
)

// ActivationPage lets a new account choose its password through its one-time link.
type ActivationPage struct {
	Base
	Form    Form
	Account *account.User
	Token   string
}

func (s *Server) activationForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	noCompress(w) // the page carries its one-time link (form action): BREACH, caches
	u, err := s.store.ActivationUser(r.Context(), tok)
	if err != nil {
		return s.activationGone(w, r, err)
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.render(w, http.StatusOK, "activation", &ActivationPage{Base: s.base(r, "activation.title"), Form: newForm(), Account: u, Token: tok})
}

// activationGone renders the French page for an unknown, used or expired link.
func (s *Server) activationGone(w http.ResponseWriter, r *http.Request, err error) error {
	return s.gone(w, r, err, "activation.gone_title", "activation.gone")
}

// gone answers 410 with a French explanation when err says a one-time link is unknown, used
// or expired; other errors are returned as they are.
func (s *Server) gone(w http.ResponseWriter, r *http.Request, err error, titleID, msgID string) error {
	if !isNotFound(err) {
		return err
	}
	return s.message(w, r, http.StatusGone, titleID, msgID)
}

// message renders a one-message page (thanks, link gone) with status.
func (s *Server) message(w http.ResponseWriter, r *http.Request, status int, titleID, msgID string) error {
	p := &ErrorPage{Base: s.base(r, titleID), Status: status}
	p.Heading, p.Message = p.T(titleID), p.T(msgID)
	return s.render(w, status, "error", p)
}

func (s *Server) activate(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	noCompress(w) // the page carries its one-time link (form action): BREACH, caches
	u, err := s.store.ActivationUser(r.Context(), tok)
	if err != nil {
		return s.activationGone(w, r, err)
	}
	p := &ActivationPage{Base: s.base(r, "activation.title"), Account: u, Token: tok}
	hash, err := readNewPassword(r, &p.Base, &p.Form)
	if err != nil {
		return err
	}
	if hash == "" {
		return s.render(w, http.StatusUnprocessableEntity, "activation", p)
	}
	u, err = s.store.Activate(r.Context(), tok, hash)
	if err != nil {
		return s.activationGone(w, r, err)
	}
	if err := s.signIn(r, u.ID); err != nil {
		return err
	}
	return s.redirectFlash(w, r, p.T("activation.done"), "/")
}

// readNewPassword reads a new password and its confirmation (activation, reset) under the
// account rules, every problem at once next to its field: the password's hash, or "" with the
// errors in f (the values typed are never shown again).
func readNewPassword(r *http.Request, b *Base, f *Form) (string, error) {
	var err error
	if *f, err = parseForm(r, "password", "confirm"); err != nil {
		return "", err
	}
	password := r.PostFormValue("password")
	if err := account.CheckPassword(password); err != nil {
		f.absorb(err)
	}
	if password != r.PostFormValue("confirm") {
		f.Errors["confirm"] = b.T("account.mismatch")
	}
	if f.HasErrors() {
		*f = Form{Values: map[string]string{}, Errors: f.Errors}
		return "", nil
	}
	return account.HashPassword(password)
}

// CheckBaseURL validates and normalises the public base URL of the server: an http or https
// URL with a host, without query or fragment, returned without its trailing slash. Empty
// gives "http://localhost". The error says, in French, what is wrong.
func CheckBaseURL(raw string) (string, error) {
	if raw == "" {
		return "http://localhost", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("adresse publique %q invalide : attendu http(s)://hôte[:port][/chemin]", raw)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// activationURL is the absolute link a new account opens to choose its password, built from
// the configured public base URL (never from the request's Host header, which the client
// writes).
func (s *Server) activationURL(token string) string {
	return s.cfg.BaseURL + "/activation/" + url.PathEscape(token)
}

// tutorURL is the absolute one-time link of a tutor's fiche d'appréciation de stage, built
// like activationURL.
func (s *Server) tutorURL(token string) string {
	return s.cfg.BaseURL + "/stage/" + url.PathEscape(token)
}
