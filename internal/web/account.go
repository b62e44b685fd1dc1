package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
)

// AccountPage shows the signed-in user's account, the password form and their API tokens.
type AccountPage struct {
	Base
	Form   Form
	Centre string
	// Tokens are the user's API tokens, newest first; TokenForm is the new-token form.
	Tokens    []TokenRow
	TokenForm Form
	// NewToken is the secret of the token just created, shown this once.
	NewToken string
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	p := &AccountPage{Base: s.base(r, "account.title"), Form: newForm(), TokenForm: newForm()}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	if p.NewToken = s.sessions.PopString(r.Context(), newTokenKey); p.NewToken != "" {
		noCompress(w) // the secret stays out of every cache
	}
	return s.renderAccount(w, r, http.StatusOK, p)
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, p *AccountPage) error {
	if err := s.loadTokens(r, p); err != nil {
		return err
	}
	if p.User.CentreID != 0 {
		o, err := s.store.Organisme(r.Context(), actor(r), p.User.CentreID)
		if err != nil && !isNotFound(err) {
			return err
		}
		if o != nil {
			p.Centre = o.Nom
		}
	}
	return s.render(w, status, "account", p)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r, "current", "password", "confirm")
	if err != nil {
		return err
	}
	u := currentUser(r)
	p := &AccountPage{Base: s.base(r, "account.title"), Form: f, TokenForm: newForm()}
	_, hash, err := s.store.Credentials(r.Context(), u.Email)
	if err != nil {
		return err
	}
	// The current password is guessed no faster here than at the login form: same limits,
	// spent only by a wrong answer.
	ip := clientIP(r, s.proxyTrust())
	done, allowed := s.loginLimits.attempt(ip, u.Email)
	if !allowed {
		p.Form = Form{Values: map[string]string{}, Errors: map[string]string{"current": p.T("login.too_many")}}
		return s.renderAccount(w, r, http.StatusTooManyRequests, p)
	}
	current, password := r.PostFormValue("current"), r.PostFormValue("password") // untrimmed, as typed at login
	currentOK := s.verifyPassword(hash, current)
	done(currentOK)
	if !currentOK {
		f.Errors["current"] = p.T("account.wrong_current")
	}
	// Every problem at once, each next to its field: a short password does not hide a
	// confirmation that differs (it used to, being checked only once the password was long
	// enough).
	if err := account.CheckPassword(password); err != nil {
		f.absorb(err)
	} else if currentOK && password == current {
		f.Errors["password"] = p.T("account.same_password")
	}
	if password != r.PostFormValue("confirm") {
		f.Errors["confirm"] = p.T("account.mismatch")
	}
	if f.HasErrors() {
		p.Form = Form{Values: map[string]string{}, Errors: f.Errors}
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, p)
	}
	newHash, err := account.HashPassword(r.PostFormValue("password"))
	if err != nil {
		return err
	}
	// The store signs the user out everywhere (sessions and API tokens); this session goes on
	// under a new token, bound to the new session epoch.
	if err := s.store.SetPassword(r.Context(), actor(r), u.ID, newHash); err != nil {
		return err
	}
	if err := s.signIn(r, u.ID); err != nil {
		return err
	}
	return s.redirectFlash(w, r, p.T("account.password_changed"), "/compte")
}

// AuditPage lists the latest audit entries (admin), under the verdict on the journal's chain.
type AuditPage struct {
	Base
	Entries []store.AuditEntry
	Chain   store.AuditChain
	// ChainStatus is the verdict (« Chaîne intègre : 1 234 entrées vérifiées »), ChainDetail
	// what is wrong at the first broken entry; both in the page's language.
	ChainStatus, ChainDetail string
	// Authors are the display names of the entries' actors, by user id.
	Authors map[int64]string
	// Older is the id to page back from (the « entrées plus anciennes » link), 0 on the last page.
	Older int64
	auditRefs
	// Filter is the operation, author and « sans les connexions » the page is narrowed by;
	// Actions the operations offered, AuthorChoices the accounts offered (staff, by name).
	Filter        AuditFilterForm
	Actions       []string
	AuthorChoices []account.User
}

// auditPageSize is how many journal entries one page shows.
const auditPageSize = 200

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("avant"), 10, 64)
	filter, sf := parseAuditFilter(r.URL.Query())
	sf.Before = max(before, 0)
	entries, err := s.store.AuditLogFiltered(r.Context(), actor(r), sf, auditPageSize)
	if err != nil {
		return err
	}
	chain, err := s.store.VerifyAudit(r.Context(), actor(r))
	if err != nil {
		return err
	}
	p := &AuditPage{Base: s.base(r, "audit.title"), Entries: entries, Chain: chain, Authors: map[int64]string{},
		Filter: filter, Actions: auditActions}
	for _, role := range []account.Role{account.RoleAdmin, account.RoleReferent, account.RoleFormateur, account.RoleJury} {
		us, err := s.store.Users(r.Context(), actor(r), store.UserFilter{Role: role, Limit: 200})
		if err != nil {
			return err
		}
		p.AuthorChoices = append(p.AuthorChoices, us...)
	}
	if filter.Author != 0 && !slices.ContainsFunc(p.AuthorChoices, func(u account.User) bool { return u.ID == filter.Author }) {
		if u, err := s.store.User(r.Context(), actor(r), filter.Author); err == nil {
			p.AuthorChoices = append(p.AuthorChoices, *u)
		}
	}
	for _, e := range entries {
		if _, done := p.Authors[e.ActorID]; done || e.ActorID == 0 {
			continue
		}
		u, err := s.store.User(r.Context(), actor(r), e.ActorID)
		switch {
		case err == nil:
			p.Authors[e.ActorID] = u.DisplayName()
		case errors.Is(err, apperr.NotFound):
			p.Authors[e.ActorID] = fmt.Sprintf("#%d", e.ActorID)
		default:
			return err
		}
	}
	if p.Refs, err = s.store.AuditRefs(r.Context(), actor(r), entries); err != nil {
		return err
	}
	if len(entries) == auditPageSize {
		p.Older = entries[len(entries)-1].ID
	}
	p.ChainStatus, p.ChainDetail = auditVerdict(&p.Base, &chain)
	return s.render(w, http.StatusOK, "audit", p)
}
