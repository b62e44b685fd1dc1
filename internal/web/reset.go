package web

import (
	"net/http"
	"time"

	"github.com/certif/certif/internal/account"
)

// resetFloor is the least time POST /mot-de-passe-oublie takes, whether or not an account has
// the address: the answer is the same, and so is its time (the work for a known address, a
// token, a message in the outbox, stays well under it).
const resetFloor = 250 * time.Millisecond

// ForgotPage asks for the e-mail of the account whose password is forgotten; Sent is the
// answer, the same for any address.
type ForgotPage struct {
	Base
	Form Form
	Sent bool
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "forgot", &ForgotPage{Base: s.base(r, "forgot.title"), Form: newForm()})
}

// forgot queues a reset link for the account with this address, if there is one, and answers
// the same page in the same time either way. It is rate-limited like the login (every request
// counts): per address and account, per address, per account.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	start := time.Now() // wall time: the floor is about what the client measures
	f, err := parseForm(r, "email")
	if err != nil {
		return err
	}
	email := account.NormalizeEmail(f.Values["email"])
	p := &ForgotPage{Base: s.base(r, "forgot.title"), Form: f}
	if email == "" {
		f.Errors["email"] = p.T("forgot.email_required")
		return s.render(w, http.StatusUnprocessableEntity, "forgot", p)
	}
	if len(email) > account.MaxEmailLen {
		email = "" // no account has it; keep it out of the limiter's keys
	}
	done, allowed := s.resetLimits.attempt(clientIP(r, s.proxyTrust()), email)
	if !allowed {
		f.Errors["email"] = p.T("forgot.too_many")
		return s.render(w, http.StatusTooManyRequests, "forgot", p)
	}
	done(false) // every request spends: a reset request is never "a success"
	if email != "" {
		if err := s.store.RequestReset(r.Context(), email); err != nil {
			return err
		}
	}
	if d := resetFloor - time.Since(start); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
	}
	p.Sent = true
	return s.render(w, http.StatusOK, "forgot", p)
}

// ResetPage sets a new password through a one-time reset link.
type ResetPage struct {
	Base
	Form    Form
	Account *account.User
	Token   string
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	u, err := s.store.ResetUser(r.Context(), tok)
	if err != nil {
		return s.gone(w, r, err, "reset.gone_title", "reset.gone")
	}
	noCompress(w) // the page carries its one-time link (form action): BREACH, caches
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.render(w, http.StatusOK, "reset", &ResetPage{Base: s.base(r, "reset.title"), Form: newForm(), Account: u, Token: tok})
}

// reset sets the new password (the password rules of the account page), which signs the user
// out everywhere, and sends them to the sign-in page.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	u, err := s.store.ResetUser(r.Context(), tok)
	if err != nil {
		return s.gone(w, r, err, "reset.gone_title", "reset.gone")
	}
	noCompress(w)
	w.Header().Set("Referrer-Policy", "no-referrer")
	p := &ResetPage{Base: s.base(r, "reset.title"), Account: u, Token: tok}
	hash, err := readNewPassword(r, &p.Base, &p.Form)
	if err != nil {
		return err
	}
	if hash == "" {
		return s.render(w, http.StatusUnprocessableEntity, "reset", p)
	}
	if _, err := s.store.ResetPassword(r.Context(), tok, hash); err != nil {
		return s.gone(w, r, err, "reset.gone_title", "reset.gone")
	}
	if currentUser(r) != nil { // signed in in this browser: that session ended with the others
		_ = s.sessions.Destroy(r.Context())
	}
	return s.redirectFlash(w, r, p.T("reset.done"), "/connexion")
}
