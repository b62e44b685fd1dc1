package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
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

const sessionUserKey = "uid"

// authenticate resolves the user from a Bearer token (API) or the session cookie and puts it
// in the request context. An unknown or inactive account is treated as anonymous.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
			got, err := s.store.User(r.Context(), account.System, id)
			switch {
			case err == nil && got.Active:
				u = got
			case err == nil || errors.Is(err, apperr.NotFound):
				_ = s.sessions.Destroy(r.Context())
			default:
				s.writeError(w, r, err)
				return
			}
		}
		if u != nil {
			r = r.WithContext(context.WithValue(r.Context(), userKey, u))
		}
		next.ServeHTTP(w, r)
	})
}

// require wraps h so that only signed-in users with one of roles reach it (any role when
// roles is empty). Anonymous users are sent to the login page; other roles get 403.
func (s *Server) require(h handlerFunc, roles ...account.Role) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u := currentUser(r)
		if u == nil {
			return apperr.Unauthenticated
		}
		if len(roles) == 0 {
			return h(w, r)
		}
		for _, role := range roles {
			if u.Role == role {
				return h(w, r)
			}
		}
		return fmt.Errorf("role %s: %w", u.Role, apperr.Forbidden)
	}
}

// The role sets of the routes: each route names one of these (or require with its own list).
func (s *Server) admin(fn handlerFunc) handlerFunc    { return s.require(fn, account.RoleAdmin) }
func (s *Server) signedIn(fn handlerFunc) handlerFunc { return s.require(fn) }
func (s *Server) manager(fn handlerFunc) handlerFunc {
	return s.require(fn, account.RoleAdmin, account.RoleReferent)
}
func (s *Server) staff(fn handlerFunc) handlerFunc {
	return s.require(fn, account.RoleAdmin, account.RoleReferent, account.RoleFormateur)
}
func (s *Server) dossierRoles(fn handlerFunc) handlerFunc {
	return s.require(fn, account.RoleAdmin, account.RoleReferent, account.RoleFormateur, account.RoleCandidat)
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
	return s.render(w, http.StatusOK, "login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("login form: %w", apperr.Invalid)
	}
	email := account.NormalizeEmail(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	p := &LoginPage{Base: s.base(r, "login.title"), Email: email, Next: safeNext(r.PostFormValue("next"))}
	if !s.loginLimits.allow(clientIP(r, s.cfg.TrustProxy), email) {
		p.Error = p.T("login.too_many")
		return s.render(w, http.StatusTooManyRequests, "login", p)
	}
	u, hash, err := s.store.Credentials(r.Context(), email)
	switch {
	case errors.Is(err, apperr.NotFound):
		account.VerifyPassword(account.DummyHash, password) // same time as a wrong password
	case err != nil:
		return err
	}
	if u == nil || !account.VerifyPassword(hash, password) || !u.Active {
		s.log.InfoContext(r.Context(), "login failed")
		p.Error = p.T("login.failed")
		return s.render(w, http.StatusUnauthorized, "login", p)
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionUserKey, u.ID)
	if u.Lang != "" {
		setLangCookie(w, u.Lang)
	}
	s.log.InfoContext(r.Context(), "login", slog.Int64("user", u.ID))
	next := p.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
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

// clientIP is the request's remote address, or the first X-Forwarded-For hop when the
// server is configured to trust its proxy.
func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			ip, _, _ := strings.Cut(f, ",")
			return strings.TrimSpace(ip)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginLimiter limits login attempts per address and per account, in memory (per process).
type loginLimiter struct {
	mu      sync.Mutex
	byKey   map[string]*limiterEntry
	perIP   rate.Limit
	ipBurst int
	perAcct rate.Limit
	acBurst int
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{
		byKey:   map[string]*limiterEntry{},
		perIP:   rate.Every(6 * time.Second), // 10 a minute
		ipBurst: 20,
		perAcct: rate.Every(time.Minute), // 5 quick tries, then one a minute
		acBurst: 5,
	}
}

// allow consumes one attempt for both the address and the account; both must allow it.
func (l *loginLimiter) allow(ip, email string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.byKey) > 50_000 {
		for k, e := range l.byKey {
			if now.Sub(e.seen) > 15*time.Minute {
				delete(l.byKey, k)
			}
		}
	}
	a := l.entry("ip:"+ip, l.perIP, l.ipBurst, now)
	b := l.entry("acct:"+email, l.perAcct, l.acBurst, now)
	okA, okB := a.AllowN(now, 1), b.AllowN(now, 1)
	return okA && okB
}

func (l *loginLimiter) entry(key string, lim rate.Limit, burst int, now time.Time) *rate.Limiter {
	e := l.byKey[key]
	if e == nil {
		e = &limiterEntry{lim: rate.NewLimiter(lim, burst)}
		l.byKey[key] = e
	}
	e.seen = now
	return e.lim
}
