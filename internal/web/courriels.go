package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
)

// courrielPageSize is how many courriels the admin list shows per page.
const courrielPageSize = 100

// CourrielsPage lists the outbox for the admin.
type CourrielsPage struct {
	Base
	Courriels []store.Courriel
	State     string // the filter, "" for all
	States    []string
	Older     int64 // id to continue from, 0 when this is the last page
	Sending   bool  // an SMTP server is configured
}

// CourrielPage shows one courriel in full, links included.
type CourrielPage struct {
	Base
	Courriel *store.Courriel
	Sending  bool
}

// CourrielState is the word of a courriel's state.
func (b *Base) CourrielState(state string) string { return b.T("courriel.state." + state) }

func (s *Server) courrielsPage(w http.ResponseWriter, r *http.Request) error {
	noStoreSecrets(w)
	before, _ := strconv.ParseInt(r.URL.Query().Get("avant"), 10, 64)
	states := []string{store.CourrielEnAttente, store.CourrielEnvoye, store.CourrielEchec}
	state := r.URL.Query().Get("etat")
	if state != "" && !slices.Contains(states, state) {
		state = ""
	}
	list, err := s.store.Courriels(r.Context(), actor(r), store.CourrielFilter{State: state, Before: max(before, 0), Limit: courrielPageSize})
	if err != nil {
		return err
	}
	p := &CourrielsPage{Base: s.base(r, "courriels.title"), Courriels: list, State: state, Sending: s.cfg.MailSending, States: states}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	if len(list) == courrielPageSize {
		p.Older = list[len(list)-1].ID
	}
	return s.render(w, http.StatusOK, "courriels", p)
}

func (s *Server) courrielPage(w http.ResponseWriter, r *http.Request) error {
	noStoreSecrets(w)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.Courriel(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	p := &CourrielPage{Base: s.base(r, "courriels.title"), Courriel: c, Sending: s.cfg.MailSending}
	p.Title = c.Subject
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "courriel", p)
}

func (s *Server) courrielResend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.ResendCourriel(r.Context(), actor(r), id); err != nil {
		return err
	}
	return s.redirectFlash(w, r, s.msg(r, "courriel.resent"), "/admin/courriels/"+strconv.FormatInt(id, 10))
}

// noStoreSecrets marks a response that shows live one-time links: never compressed (BREACH)
// nor cached (noCompress), never referred.
func noStoreSecrets(w http.ResponseWriter) {
	noCompress(w)
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// apiCourriel is a courriel as the API shows it.
type apiCourriel struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	To          string     `json:"to"`
	Subject     string     `json:"subject"`
	State       string     `json:"state"`
	Attempts    int        `json:"attempts"`
	NextAttempt *time.Time `json:"next_attempt"`
	LastAnswer  string     `json:"last_answer"`
	CreatedAt   time.Time  `json:"created_at"`
	SentAt      *time.Time `json:"sent_at"`
	MessageID   string     `json:"message_id"`
	Text        string     `json:"text"`
	HTML        string     `json:"html,omitempty"`
}

func toAPICourriel(c store.Courriel, withHTML bool) apiCourriel {
	opt := func(v time.Time) *time.Time {
		if v.IsZero() {
			return nil
		}
		v = v.UTC()
		return &v
	}
	out := apiCourriel{ID: c.ID, Kind: c.Kind, To: c.To, Subject: c.Subject, State: c.State, Attempts: c.Attempts,
		LastAnswer: c.LastAnswer, CreatedAt: c.CreatedAt.UTC(), SentAt: opt(c.SentAt), MessageID: c.MessageID, Text: c.Text}
	if c.State == store.CourrielEnAttente {
		out.NextAttempt = opt(c.NextAttempt)
	}
	if withHTML {
		out.HTML = c.HTML
	}
	return out
}

// The problems of GET /api/v1/courriels's parameters.
const (
	msgCourrielsBefore = "« before » est le numéro d’un courriel : un nombre entier positif."
	msgCourrielsLimit  = "« limit » est un nombre entier de 1 à 500."
)

func (s *Server) apiCourriels(w http.ResponseWriter, r *http.Request) error {
	noCompress(w) // the texts carry live links
	q := r.URL.Query()
	v := apperr.NewValidation()
	var before int64
	var limit int
	if x := q.Get("before"); x != "" {
		var err error
		if before, err = strconv.ParseInt(x, 10, 64); err != nil || before < 1 {
			v.Add("before", msgCourrielsBefore)
		}
	}
	if x := q.Get("limit"); x != "" {
		var err error
		if limit, err = strconv.Atoi(x); err != nil || limit < 1 || limit > 500 {
			v.Add("limit", msgCourrielsLimit)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	list, err := s.store.Courriels(r.Context(), actor(r), store.CourrielFilter{State: q.Get("state"), Before: before, Limit: limit})
	if err != nil {
		return err
	}
	out := make([]apiCourriel, 0, len(list))
	for _, c := range list {
		out = append(out, toAPICourriel(c, false))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCourriel(w http.ResponseWriter, r *http.Request) error {
	noCompress(w)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.Courriel(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPICourriel(*c, true))
	return nil
}

func (s *Server) apiCourrielResend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.ResendCourriel(r.Context(), actor(r), id); err != nil {
		return err
	}
	c, err := s.store.Courriel(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, toAPICourriel(*c, false))
	return nil
}
