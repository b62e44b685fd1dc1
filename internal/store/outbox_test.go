package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/mail"
	"github.com/certif/certif/internal/mail/mailtest"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// courriels lists the whole outbox, oldest first.
func allCourriels(t *testing.T, s *store.Store, w world) []store.Courriel {
	t.Helper()
	list, err := s.Courriels(ctx, w.actor(w.admin), store.CourrielFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

func TestOutboxActivationAndSchedule(t *testing.T) {
	var now time.Time
	storetest.EachWith(t, store.Options{Now: func() time.Time { return now }}, func(t *testing.T, s *store.Store) {
		now = time.Date(2027, 3, 12, 9, 0, 0, 0, time.UTC)
		s.SetBaseURL("https://certif.example.fr/")
		w := newWorld(t, s)
		before := len(allCourriels(t, s, w))
		token, err := s.NewActivation(ctx, w.actor(w.admin), w.refA.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Refused actions queue nothing.
		if _, err := s.NewActivation(ctx, w.actor(w.refB), w.refA.ID); err == nil {
			t.Fatal("referent B issued a link for referent A")
		}
		list := allCourriels(t, s, w)
		if len(list) != before+1 {
			t.Fatalf("%d courriels, want %d", len(list), before+1)
		}
		c := list[len(list)-1]
		link := "https://certif.example.fr/activation/" + token
		if c.Kind != mail.KindActivation || c.To != "ref.a@example.org" || c.State != store.CourrielEnAttente ||
			!strings.Contains(c.Text, link) || !strings.Contains(c.HTML, link) || c.MessageID == "" {
			t.Fatalf("courriel %+v", c)
		}
		// Non-admins do not read the outbox.
		if _, err := s.Courriels(ctx, w.actor(w.refA), store.CourrielFilter{}); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent lists courriels: %v", err)
		}
		if _, err := s.Courriel(ctx, w.actor(w.refA), c.ID); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent reads a courriel: %v", err)
		}
		if err := s.ResendCourriel(ctx, w.actor(w.refA), c.ID); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent resends: %v", err)
		}
		if _, err := s.Courriel(ctx, w.actor(w.admin), 999999); !errors.Is(err, apperr.NotFound) {
			t.Errorf("unknown courriel: %v", err)
		}
		if _, err := s.Courriels(ctx, w.actor(w.admin), store.CourrielFilter{State: "x"}); apperr.FieldErrors(err)["state"] == "" {
			t.Errorf("unknown state: %v", err)
		}

		// Temporary failures: 1, 2, 4… minutes, then échec after MaxAttempts.
		var answer atomic.Value
		answer.Store(&mail.SendError{Answer: "451 4.3.0 Try again later"})
		var calls atomic.Int32
		send := func(_ context.Context, m mail.Message, env mail.Envelope) error {
			calls.Add(1)
			if m.To != c.To || env.MessageID != c.MessageID {
				t.Errorf("sent %q %q", m.To, env.MessageID)
			}
			if e := answer.Load().(*mail.SendError); e.Answer != "" {
				return e
			}
			return nil
		}
		deliver := func() int {
			t.Helper()
			n, err := s.DeliverCourriels(ctx, send, 50)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// The other messages of the world (none expected) are sent too: count ours only.
		wait := time.Minute
		for attempt := 1; attempt <= store.MaxAttempts; attempt++ {
			calls.Store(0)
			deliver()
			if calls.Load() == 0 {
				t.Fatalf("attempt %d not made", attempt)
			}
			got, err := s.Courriel(ctx, w.actor(w.admin), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Attempts != attempt || got.LastAnswer != "451 4.3.0 Try again later" {
				t.Fatalf("attempt %d: %+v", attempt, got)
			}
			if attempt == store.MaxAttempts {
				if got.State != store.CourrielEchec {
					t.Fatalf("after %d attempts: %s", attempt, got.State)
				}
				break
			}
			if got.State != store.CourrielEnAttente || !got.NextAttempt.Equal(now.Add(wait)) {
				t.Fatalf("attempt %d: state %s next %v, want %v", attempt, got.State, got.NextAttempt, now.Add(wait))
			}
			now = now.Add(wait - time.Second)
			calls.Store(0)
			deliver()
			if calls.Load() != 0 {
				t.Fatalf("attempt %d: retried before its time", attempt)
			}
			now = now.Add(time.Second)
			wait *= 2
		}
		// Resend: a fresh schedule; then a permanent refusal is échec at once with the answer.
		if err := s.ResendCourriel(ctx, w.actor(w.admin), c.ID); err != nil {
			t.Fatal(err)
		}
		answer.Store(&mail.SendError{Answer: "550 5.1.1 Mailbox unavailable", Permanent: true})
		deliver()
		got, _ := s.Courriel(ctx, w.actor(w.admin), c.ID)
		if got.State != store.CourrielEchec || got.Attempts != 1 || got.LastAnswer != "550 5.1.1 Mailbox unavailable" {
			t.Fatalf("after 550: %+v", got)
		}
		if err := s.ResendCourriel(ctx, w.actor(w.admin), c.ID); err != nil {
			t.Fatal(err)
		}
		answer.Store(&mail.SendError{})
		deliver()
		got, _ = s.Courriel(ctx, w.actor(w.admin), c.ID)
		if got.State != store.CourrielEnvoye || !got.SentAt.Equal(now) {
			t.Fatalf("after resend: %+v", got)
		}
		calls.Store(0)
		if deliver(); calls.Load() != 0 {
			t.Error("a sent courriel was sent again")
		}
		if list, _ := s.Courriels(ctx, w.actor(w.admin), store.CourrielFilter{State: store.CourrielEnvoye}); len(list) != 1 {
			t.Errorf("filter envoyé: %d", len(list))
		}
	})
}

func TestOutboxRealSMTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := mailtest.Start(t, "", "")
		sender, err := mail.NewSender(srv.URL(), "Certif <certif@example.fr>")
		if err != nil {
			t.Fatal(err)
		}
		w := newWorld(t, s)
		token, err := s.NewActivation(ctx, w.actor(w.admin), w.refB.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeliverCourriels(ctx, sender.Send, 10); err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 1 || got[0].To[0] != "ref.b@example.org" || !strings.Contains(string(got[0].Data), token) {
			t.Fatalf("received %+v", got)
		}
		srv.Refuse(550, "No such user here")
		if _, err := s.NewActivation(ctx, w.actor(w.admin), w.refA.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeliverCourriels(ctx, sender.Send, 10); err != nil {
			t.Fatal(err)
		}
		list := allCourriels(t, s, w)
		last := list[len(list)-1]
		if last.State != store.CourrielEchec || !strings.Contains(last.LastAnswer, "550") || !strings.Contains(last.LastAnswer, "No such user here") {
			t.Fatalf("refused courriel %+v", last)
		}
	})
}

// TestOutboxConcurrentSenders runs senders in parallel (as several processes would): each
// courriel goes out exactly once.
func TestOutboxConcurrentSenders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		const n = 30
		for range n {
			if _, err := s.NewActivation(ctx, w.actor(w.admin), w.refA.ID); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[string]int{}
		send := func(_ context.Context, _ mail.Message, env mail.Envelope) error {
			mu.Lock()
			seen[env.MessageID]++
			mu.Unlock()
			time.Sleep(time.Millisecond)
			return nil
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					k, err := s.DeliverCourriels(ctx, send, 5)
					if err != nil {
						t.Error(err)
						return
					}
					if k == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("%d distinct messages sent, want %d", len(seen), n)
		}
		for id, k := range seen {
			if k != 1 {
				t.Errorf("%s sent %d times", id, k)
			}
		}
	})
}

func TestPasswordReset(t *testing.T) {
	var now time.Time
	storetest.EachWith(t, store.Options{Now: func() time.Time { return now }}, func(t *testing.T, s *store.Store) {
		now = time.Date(2027, 3, 12, 9, 0, 0, 0, time.UTC)
		w := newWorld(t, s)
		n0 := len(allCourriels(t, s, w))
		for _, unknown := range []string{"nobody@example.org", "", "x\x00@y"} {
			if err := s.RequestReset(ctx, unknown); err != nil {
				t.Fatalf("%q: %v", unknown, err)
			}
		}
		if n := len(allCourriels(t, s, w)); n != n0 {
			t.Fatalf("unknown addresses queued %d courriels", n-n0)
		}
		if err := s.RequestReset(ctx, "  Ref.A@Example.org "); err != nil {
			t.Fatal(err)
		}
		list := allCourriels(t, s, w)
		if len(list) != n0+1 {
			t.Fatalf("%d courriels", len(list)-n0)
		}
		c := list[len(list)-1]
		i := strings.Index(c.Text, "/mot-de-passe/")
		if c.Kind != mail.KindReset || c.To != "ref.a@example.org" || i < 0 {
			t.Fatalf("courriel %+v", c)
		}
		token := strings.Fields(c.Text[i+len("/mot-de-passe/"):])[0]
		if u, err := s.ResetUser(ctx, token); err != nil || u.ID != w.refA.ID {
			t.Fatalf("ResetUser: %v %v", u, err)
		}
		if _, err := s.ResetUser(ctx, token+"x"); !errors.Is(err, apperr.NotFound) {
			t.Errorf("wrong token: %v", err)
		}
		_, _, epoch0 := sessionEpoch(t, s, w.refA.ID)
		hash, _ := account.HashPassword("un nouveau mot de passe solide")
		if _, err := s.ResetPassword(ctx, token, hash); err != nil {
			t.Fatal(err)
		}
		if _, _, epoch := sessionEpoch(t, s, w.refA.ID); epoch != epoch0+1 {
			t.Errorf("sessions not revoked: epoch %d → %d", epoch0, epoch)
		}
		if _, err := s.ResetPassword(ctx, token, hash); !errors.Is(err, apperr.NotFound) {
			t.Errorf("token used twice: %v", err)
		}
		// One hour, not a second more.
		if err := s.RequestReset(ctx, "ref.a@example.org"); err != nil {
			t.Fatal(err)
		}
		list = allCourriels(t, s, w)
		c = list[len(list)-1]
		i = strings.Index(c.Text, "/mot-de-passe/")
		token = strings.Fields(c.Text[i+len("/mot-de-passe/"):])[0]
		now = now.Add(store.ResetTTL)
		if _, err := s.ResetUser(ctx, token); !errors.Is(err, apperr.NotFound) {
			t.Errorf("expired token: %v", err)
		}
		// An inactive account gets nothing.
		u := *w.refB
		u.Active = false
		if err := s.UpdateUser(ctx, w.actor(w.admin), &u); err != nil {
			t.Fatal(err)
		}
		n1 := len(allCourriels(t, s, w))
		if err := s.RequestReset(ctx, "ref.b@example.org"); err != nil {
			t.Fatal(err)
		}
		if n := len(allCourriels(t, s, w)); n != n1 {
			t.Error("an inactive account was sent a reset link")
		}
	})
}

// sessionEpoch reads the user's session epoch.
func sessionEpoch(t *testing.T, s *store.Store, id int64) (*account.User, int64, int64) {
	t.Helper()
	u, epoch, err := s.SessionUser(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u, 0, epoch
}
