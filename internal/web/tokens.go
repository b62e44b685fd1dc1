package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/certif/certif/internal/store"
)

// tokenDayChoices are the lifetimes offered by the account page, in days, shortest first;
// tokenDaysDefault is preselected (store.DefaultTokenTTL).
var tokenDayChoices = []int{30, 90, 180, 365}

const tokenDaysDefault = 90

// newTokenKey is the session key carrying a token's secret from its creation (POST) to the
// one page that shows it (GET), which pops it.
const newTokenKey = "new_token"

// tokenTTL turns a lifetime in days into a duration: 1 to 365 days, 0 meaning the default.
func tokenTTL(field string, days int) (time.Duration, error) {
	if days == 0 {
		return store.DefaultTokenTTL, nil
	}
	if days < 1 || days > 365 {
		return 0, fieldError(field, "La durée de validité d’un jeton va de 1 à 365 jours.")
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// TokenRow is one API token of the account page.
type TokenRow struct {
	store.Token
	Valid   bool
	Expired bool
}

// TokenDays lists the lifetimes (days) the token form offers.
func (p *AccountPage) TokenDays() []int { return tokenDayChoices }

// TokenDaysSelected reports whether the token form preselects days: the value typed, else
// the default.
func (p *AccountPage) TokenDaysSelected(days int) bool {
	if v := p.TokenForm.Values["token_days"]; v != "" {
		return v == strconv.Itoa(days)
	}
	return days == tokenDaysDefault
}

// loadTokens fills the page's token list.
func (s *Server) loadTokens(r *http.Request, p *AccountPage) error {
	toks, err := s.store.Tokens(r.Context(), actor(r), p.User.ID)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	p.Tokens = make([]TokenRow, 0, len(toks))
	for _, t := range toks {
		p.Tokens = append(p.Tokens, TokenRow{Token: t, Valid: t.Valid(now), Expired: t.RevokedAt.IsZero() && !t.Valid(now)})
	}
	return nil
}

// tokenCreate creates a personal API token, then redirects (303) to the account page, which
// shows its secret once: the secret rides in the session only until that page pops it, so
// reloading the page neither shows it again nor creates another token.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r, "token_name", "token_days")
	if err != nil {
		return err
	}
	p := &AccountPage{Base: s.base(r, "account.title"), Form: newForm(), TokenForm: f}
	days, _ := strconv.Atoi(f.Values["token_days"])
	ttl, err := tokenTTL("token_days", days)
	var secret string
	if err == nil {
		_, secret, err = s.store.CreateToken(r.Context(), actor(r), p.User.ID, f.Values["token_name"], ttl)
	}
	if err != nil {
		if !f.absorb(err) {
			return err
		}
		if msg, ok := f.Errors["name"]; ok {
			f.Errors["token_name"] = msg
			delete(f.Errors, "name")
		}
		if msg, ok := f.Errors["expires"]; ok {
			f.Errors["token_days"] = msg
			delete(f.Errors, "expires")
		}
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, p)
	}
	s.sessions.Put(r.Context(), newTokenKey, secret)
	return s.redirectFlash(w, r, p.T("account.token_created_flash"), "/compte#jetons")
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// One's own tokens only: an admin ends another user's tokens by changing their password.
	if err := s.store.RevokeToken(r.Context(), actor(r), currentUser(r).ID, id); err != nil {
		return err
	}
	return s.redirectFlash(w, r, s.msg(r, "account.token_revoked"), "/compte")
}

// apiToken is an API token as the API shows it (never its secret, except once at creation).
type apiToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Valid      bool       `json:"valid"`
}

func toAPIToken(t store.Token, now time.Time) apiToken {
	opt := func(v time.Time) *time.Time {
		if v.IsZero() {
			return nil
		}
		v = v.UTC()
		return &v
	}
	return apiToken{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt.UTC(), ExpiresAt: t.ExpiresAt.UTC(),
		LastUsedAt: opt(t.LastUsedAt), RevokedAt: opt(t.RevokedAt), Valid: t.Valid(now)}
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	toks, err := s.store.Tokens(r.Context(), actor(r), currentUser(r).ID)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	out := make([]apiToken, 0, len(toks))
	for _, t := range toks {
		out = append(out, toAPIToken(t, now))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// tokenInput is the body of POST /api/v1/me/tokens.
type tokenInput struct {
	Name          string `json:"name"`
	ExpiresInDays int    `json:"expires_in_days"`
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) error {
	var in tokenInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ttl, err := tokenTTL("expires_in_days", in.ExpiresInDays)
	if err != nil {
		return err
	}
	t, secret, err := s.store.CreateToken(r.Context(), actor(r), currentUser(r).ID, in.Name, ttl)
	if err != nil {
		return err
	}
	noCompress(w) // the answer carries the secret: BREACH, caches
	writeJSON(w, http.StatusCreated, struct {
		apiToken
		Token string `json:"token"`
	}{toAPIToken(t, s.cfg.Now()), secret})
	return nil
}

func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.RevokeToken(r.Context(), actor(r), currentUser(r).ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
