package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ss := s.SessionStore()
		if _, ok := ss.(scs.CtxStore); !ok {
			t.Error("SessionStore is not an scs.CtxStore")
		}
		if b, found, err := ss.Find("nope"); err != nil || found || b != nil {
			t.Errorf("Find(unknown) = %q, %v, %v", b, found, err)
		}
		data := []byte{0, 1, 2, 0xff, 'x'}
		if err := ss.Commit("tok1", data, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if b, found, err := ss.Find("tok1"); err != nil || !found || !bytes.Equal(b, data) {
			t.Errorf("Find = %q, %v, %v", b, found, err)
		}
		// Commit replaces.
		if err := ss.Commit("tok1", []byte("v2"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if b, _, _ := ss.Find("tok1"); string(b) != "v2" {
			t.Errorf("after second commit = %q", b)
		}
		// Expired sessions are not found, and are swept.
		if err := ss.Commit("old", []byte("x"), time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := ss.Commit("soon", []byte("x"), time.Now().Add(150*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := ss.Find("old"); found {
			t.Error("expired session found")
		}
		if _, found, _ := ss.Find("soon"); !found {
			t.Error("live session not found")
		}
		time.Sleep(200 * time.Millisecond)
		if _, found, _ := ss.Find("soon"); found {
			t.Error("session found after its expiry")
		}
		n, err := s.DeleteExpiredSessions(ctx)
		if err != nil || n != 2 {
			t.Errorf("DeleteExpiredSessions = %d, %v", n, err)
		}
		// Delete, twice.
		if err := ss.Delete("tok1"); err != nil {
			t.Fatal(err)
		}
		if err := ss.Delete("tok1"); err != nil {
			t.Errorf("second Delete = %v", err)
		}
		if _, found, _ := ss.Find("tok1"); found {
			t.Error("deleted session found")
		}
		// Raw tokens are not stored, and session writes are not audited.
		cs := ss.(scs.CtxStore)
		if err := cs.CommitCtx(context.Background(), "secret-token", nil, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if b, found, err := cs.FindCtx(context.Background(), "secret-token"); err != nil || !found || len(b) != 0 {
			t.Errorf("empty session = %q, %v, %v", b, found, err)
		}
		var n2 int
		s.DB().QueryRow("SELECT COUNT(*) FROM sessions WHERE token = 'secret-token'").Scan(&n2)
		if n2 != 0 {
			t.Error("raw session token stored")
		}
		if log, _ := s.AuditLog(ctx, account.System, 10); len(log) != 0 {
			t.Errorf("session writes audited: %+v", log)
		}
	})
}

// The store works as scs's store end to end.
func TestSessionManager(t *testing.T) {
	s := storetest.Open(t)
	m := scs.New()
	m.Store = s.SessionStore()
	c, err := m.Load(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	m.Put(c, "user_id", int64(42))
	tok, _, err := m.Commit(c)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := m.Load(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.GetInt64(c2, "user_id"); got != 42 {
		t.Errorf("user_id = %d", got)
	}
}

// TestSessionCommitSkipsUnchanged: scs commits every request (sliding idle timeout); a
// session whose data is the same (even encoded in another map order) and whose expiry moves
// by less than a minute is not rewritten, while a change of data or a larger move is.
func TestSessionCommitSkipsUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ss := s.SessionStore()
		values := map[string]any{"a": int64(1), "b": "deux", "c": true, "d": 4.5}
		enc := func(v map[string]any) []byte {
			b, err := scs.GobCodec{}.Encode(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), v)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		soon := time.Now().Add(300 * time.Millisecond)
		if err := ss.Commit("same", enc(values), soon); err != nil {
			t.Fatal(err)
		}
		// 30 s later, the same data: not rewritten, the session still expires soon.
		for range 5 { // several encodings, in whatever map order gob picks
			if err := ss.Commit("same", enc(values), soon.Add(30*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		// Changed data: rewritten, with the new expiry.
		if err := ss.Commit("changed", enc(values), soon); err != nil {
			t.Fatal(err)
		}
		if err := ss.Commit("changed", enc(map[string]any{"a": int64(2)}), soon.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
		// Same data, expiry moved by two minutes: rewritten.
		if err := ss.Commit("moved", enc(values), soon); err != nil {
			t.Fatal(err)
		}
		if err := ss.Commit("moved", enc(values), soon.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Until(soon) + 100*time.Millisecond)
		for tok, want := range map[string]bool{"same": false, "changed": true, "moved": true} {
			if _, found, err := ss.Find(tok); err != nil || found != want {
				t.Errorf("Find(%s) after the first expiry = %v, %v; want %v", tok, found, err, want)
			}
		}
	})
}

// BenchmarkSessionCommitUnchanged is what scs does at the end of every request of a signed-in
// user who changed nothing: commit the same data with an expiry a little further on.
func BenchmarkSessionCommitUnchanged(b *testing.B) {
	s := storetest.Open(b)
	ss := s.SessionStore()
	data, err := scs.GobCodec{}.Encode(time.Now().Add(12*time.Hour), map[string]any{"user": int64(7), "epoch": int64(1)})
	if err != nil {
		b.Fatal(err)
	}
	exp := time.Now().Add(2 * time.Hour)
	if err := ss.Commit("bench", data, exp); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if err := ss.Commit("bench", data, exp.Add(time.Duration(i)*time.Millisecond)); err != nil {
			b.Fatal(err)
		}
	}
}
