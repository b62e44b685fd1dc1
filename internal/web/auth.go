package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
)

type ctxKey int

const userKey ctxKey = 1

// currentUser returns the authenticated user of the request, or nil.
func currentUser(r *http.Request) *account.User {
	u, _ := r.Context().Value(userKey).(*account.User)
	return u
}

// actor returns the acting user of the request (the zero Actor when anonymous).
func actor(r *http.Request) account.Actor {
	if u := currentUser(r); u != nil {
		return account.ActorOf(u)
	}
	return account.Actor{}
}

// The session keys of the signed-in user: their id, and the session epoch of their account
// when they signed in (a password change moves the epoch on, which ends the other sessions).
const (
	sessionUserKey  = "uid"
	sessionEpochKey = "uep"
)

// authenticate resolves the user from a Bearer token (API) or the session cookie and puts it
// in the request context. An unknown or inactive account (or the staff of an inactive centre),
// a revoked or expired token, a session opened before the last password change: anonymous.
// It also marks as not cacheable every API response but the public référentiel ones, and every
// response to a signed-in user (handlers of immutable content, e.g. static files, override it).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" { // its own bearer token, not an API token
			next.ServeHTTP(w, r)
			return
		}
		if isAPI(r) && !publicAPI(r.URL.Path) {
			w.Header().Set("Cache-Control", "no-store")
		}
		var u *account.User
		if h := r.Header.Get("Authorization"); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				s.writeError(w, r, fmt.Errorf("authorization scheme: %w", apperr.Unauthenticated))
				return
			}
			var err error
			u, err = s.store.UserByToken(r.Context(), strings.TrimSpace(tok))
			if err != nil {
				s.writeError(w, r, err)
				return
			}
		} else if id := s.sessions.GetInt64(r.Context(), sessionUserKey); id != 0 {
			got, epoch, err := s.store.SessionUser(r.Context(), id)
			switch {
			case err == nil && got.Active && epoch == s.sessions.GetInt64(r.Context(), sessionEpochKey):
				u = got
			case err == nil || errors.Is(err, apperr.NotFound):
				_ = s.sessions.Destroy(r.Context())
			default:
				s.writeError(w, r, err)
				return
			}
		}
		if u != nil {
			if !isAPI(r) { // the API is marked above, by path: the public documents stay cacheable
				w.Header().Set("Cache-Control", "no-store")
			}
			r = r.WithContext(context.WithValue(r.Context(), userKey, u))
		}
		next.ServeHTTP(w, r)
	})
}

// publicAPI reports whether path is one of the public, cacheable API documents (the
// certifications, their référentiels and the OpenAPI document): no personal data.
func publicAPI(path string) bool {
	rest, ok := strings.CutPrefix(path, "/api/v1/")
	if !ok {
		return false
	}
	if rest == "openapi.json" || rest == "certifications" {
		return true
	}
	id, ok := strings.CutPrefix(rest, "certifications/")
	id, ok2 := strings.CutSuffix(id, "/referentiel")
	return ok && ok2 && id != "" && !strings.Contains(id, "/")
}

// LoginPage is the sign-in form.
type LoginPage struct {
	Base
	Email string
	Next  string
	Error string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if currentUser(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	p := &LoginPage{Base: s.base(r, "login.title"), Next: safeNext(r.URL.Query().Get("next"))}
	p.Flash = s.sessions.PopString(r.Context(), "flash") // « mot de passe changé »
	return s.render(w, http.StatusOK, "login", p)
}

// maxLoginForm caps the sign-in form's body: an e-mail, a password and a return path.
const maxLoginForm = 16 << 10

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	if err := r.ParseForm(); err != nil {
		if tl := bodyTooLarge(err); tl != nil {
			return tl
		}
		return fmt.Errorf("login form: %w", apperr.Invalid)
	}
	cleanForm(r) // a NUL in the e-mail must not reach the database
	email := account.NormalizeEmail(r.PostFormValue("email"))
	if len(email) > account.MaxEmailLen {
		// No account has it; keep it out of the limiter's memory (its keys hold the e-mail)
		// and of the page sent back. The attempt still costs one verification below.
		email = ""
	}
	password := r.PostFormValue("password")
	p := &LoginPage{Base: s.base(r, "login.title"), Email: email, Next: safeNext(r.PostFormValue("next"))}
	ip := clientIP(r, s.proxyTrust())
	// The limits count failures only, so check them without spending: a success spends nothing.
	// A refusal here verifies no password: it depends on the address and the e-mail typed,
	// never on whether an account has it, so it reveals nothing and costs the server nothing.
	done, allowed := s.loginLimits.attempt(ip, email)
	if !allowed {
		p.Error = p.T("login.too_many")
		return s.render(w, http.StatusTooManyRequests, "login", p)
	}
	u, failure, err := s.checkCredentials(r, email, password)
	if err != nil {
		return err
	}
	done(failure == "")
	if failure != "" {
		var id int64
		if u != nil {
			id = u.ID
		}
		if err := s.store.AuditLogin(r.Context(), id, failure); err != nil {
			return err
		}
		s.log.InfoContext(r.Context(), "login failed", slog.String("reason", string(failure)))
		p.Error = p.T("login.failed")
		if failure == store.LoginInactive {
			// Only a right password reaches LoginInactive (checkCredentials): it proves who is
			// asking, so they may learn why they cannot sign in.
			if p.Error, err = s.inactiveMessage(r, u); err != nil {
				return err
			}
		}
		return s.render(w, http.StatusUnauthorized, "login", p)
	}
	if err := s.store.AuditLogin(r.Context(), u.ID, ""); err != nil {
		return err
	}
	if err := s.signIn(r, u.ID); err != nil {
		return err
	}
	if u.Lang != "" {
		s.setLangCookie(w, u.Lang)
	}
	s.log.InfoContext(r.Context(), "login", slog.Int64("user", u.ID))
	next := p.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// checkCredentials checks email and password. Whatever the outcome it verifies one argon2id
// hash, exactly once (against account.DummyHash when there is no usable hash), so that an
// unknown address, an account never activated and a wrong password all take the same time.
// It returns the user found (nil for an unknown address) and why the login fails ("" when it
// succeeds); err is an infrastructure failure.
func (s *Server) checkCredentials(r *http.Request, email, password string) (*account.User, store.LoginFailure, error) {
	u, hash, err := s.store.Credentials(r.Context(), email)
	if err != nil && !errors.Is(err, apperr.NotFound) {
		return nil, "", err
	}
	verifyAgainst := hash
	if u == nil || hash == "" {
		verifyAgainst = account.DummyHash
	}
	ok := s.verifyPassword(verifyAgainst, password)
	switch {
	case u == nil:
		return nil, store.LoginUnknownAccount, nil
	case hash == "":
		return u, store.LoginNotActivated, nil
	case !ok:
		return u, store.LoginWrongPassword, nil
	case !u.Active:
		return u, store.LoginInactive, nil
	}
	return u, "", nil
}

// inactiveMessage says why u, whose password was right, may not sign in: their account is
// deactivated, or (staff) their centre is. It reads the account once more, verifying nothing.
func (s *Server) inactiveMessage(r *http.Request, u *account.User) (string, error) {
	own, err := s.store.User(r.Context(), account.ActorOf(u), u.ID)
	if err != nil {
		return "", err
	}
	if own.Active { // the account itself is active: its centre is not
		return s.msg(r, "login.centre_inactive"), nil
	}
	return s.msg(r, "login.account_inactive"), nil
}

// signIn renews the session token and binds the session to user id at its current session
// epoch (after a login, an activation or a password change).
func (s *Server) signIn(r *http.Request, id int64) error {
	_, epoch, err := s.store.SessionUser(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionUserKey, id)
	s.sessions.Put(r.Context(), sessionEpochKey, epoch)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	// The browser forgets the pages it kept of this session, and its cookies and storage.
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// safeNext keeps only local paths, so that the login form cannot redirect elsewhere.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return ""
	}
	return next
}

// proxyTrust is the server's X-Forwarded-For policy.
func (s *Server) proxyTrust() ProxyTrust {
	return ProxyTrust{Enabled: s.cfg.TrustProxy || len(s.cfg.TrustedProxies) > 0, Proxies: s.cfg.TrustedProxies}
}
