package store_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// SessionCodec: Certif's sessions (integers and strings) round-trip, equal sessions are equal
// bytes, and sessions written by scs's gob codec (before it, or holding another type) still
// read.
func TestSessionCodec(t *testing.T) {
	var c store.SessionCodec
	deadline := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	values := map[string]any{"user": int64(7), "epoch": int64(2), "flash": "Évaluation « C1.1 » enregistrée", "lang": "fr"}
	b, err := c.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 { // map order is random: the bytes must not be
		if again, _ := c.Encode(deadline, values); !bytes.Equal(again, b) {
			t.Fatalf("equal sessions, different bytes:\n%q\n%q", b, again)
		}
	}
	if d, v, err := c.Decode(b); err != nil || !d.Equal(deadline) || !reflect.DeepEqual(v, values) {
		t.Errorf("round trip: %v %v %v", d, v, err)
	}
	empty, _ := c.Encode(deadline, map[string]any{})
	if d, v, err := c.Decode(empty); err != nil || !d.Equal(deadline) || len(v) != 0 {
		t.Errorf("empty session: %v %v %v", d, v, err)
	}
	for name, vals := range map[string]map[string]any{
		"stored by the gob codec": values,
		"another type":            {"user": int64(7), "remember": true, "n": 3},
	} {
		var enc []byte
		if name == "stored by the gob codec" {
			enc, _ = scs.GobCodec{}.Encode(deadline, vals)
		} else if enc, err = c.Encode(deadline, vals); err != nil {
			t.Fatal(err)
		}
		if d, v, err := c.Decode(enc); err != nil || !d.Equal(deadline) || !reflect.DeepEqual(v, vals) {
			t.Errorf("%s: %v %v %v", name, d, v, err)
		}
	}
	if _, _, err := c.Decode([]byte{0, '{'}); err == nil {
		t.Error("a broken session decodes")
	}
}

// The commit at the end of a request compares with the session the request read: an
// unchanged session is not written again, and a session signed out meanwhile (deleted by
// another request) is not brought back by it.
func TestSessionCommitUsesTheRequestsRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ss := s.SessionStore().(scs.CtxStore)
		var c store.SessionCodec
		expiry := time.Now().Add(time.Hour)
		data, _ := c.Encode(expiry, map[string]any{"user": int64(7)})
		if err := ss.CommitCtx(ctx, "tok", data, expiry); err != nil {
			t.Fatal(err)
		}
		req := store.WithSessionRead(ctx)
		if _, found, err := ss.FindCtx(req, "tok"); err != nil || !found {
			t.Fatalf("find: %v %v", found, err)
		}
		if err := ss.DeleteCtx(ctx, "tok"); err != nil { // signed out by another request
			t.Fatal(err)
		}
		if err := ss.CommitCtx(req, "tok", data, expiry.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := ss.FindCtx(ctx, "tok"); found {
			t.Error("the unchanged session of a request brought back a session deleted meanwhile")
		}
	})
}
