package web

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestClientIPIgnoresSpoofedForwardedFor(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.168.1.5,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	none, trustPeer, list := ProxyTrust{}, ProxyTrust{Enabled: true}, ProxyTrust{Enabled: true, Proxies: proxies}
	for _, tc := range []struct {
		name   string
		trust  ProxyTrust
		remote string
		xff    []string
		want   string
	}{
		{"no proxy trusted: the header is ignored", none, "203.0.113.7:5000", []string{"1.2.3.4"}, "203.0.113.7"},
		{"no header", trustPeer, "10.0.0.2:5000", nil, "10.0.0.2"},
		{"peer trusted: right-most hop", trustPeer, "10.0.0.2:5000", []string{"198.51.100.9"}, "198.51.100.9"},
		{"peer trusted: a spoofed left hop is ignored", trustPeer, "10.0.0.2:5000", []string{"1.2.3.4, 198.51.100.9"}, "198.51.100.9"},
		{"peer trusted: spoofed header lines are ignored", trustPeer, "10.0.0.2:5000", []string{"1.2.3.4", "5.6.7.8, 198.51.100.9"}, "198.51.100.9"},
		{"list: right-most hop not ours", list, "10.0.0.2:5000", []string{"1.2.3.4, 198.51.100.9, 10.1.2.3"}, "198.51.100.9"},
		{"list: a single proxy address", list, "192.168.1.5:5000", []string{"6.6.6.6, 198.51.100.9"}, "198.51.100.9"},
		{"list: the spoofer claims to be our proxy", list, "10.0.0.2:5000", []string{"10.9.9.9, 198.51.100.9"}, "198.51.100.9"},
		{"list: peer is not our proxy, its header is not believed", list, "203.0.113.7:5000", []string{"1.2.3.4"}, "203.0.113.7"},
		{"list: every hop ours", list, "10.0.0.2:5000", []string{"10.0.0.3, 10.0.0.4"}, "10.0.0.3"},
		{"list: garbage beyond our proxies", list, "10.0.0.2:5000", []string{"nonsense, 10.0.0.4"}, "10.0.0.4"},
		{"list: IPv6", list, "[2001:db8::1]:5000", []string{"1.2.3.4, 2001:db8:ffff::2, 2a01:e0a::7"}, "2a01:e0a::7"},
		{"v4-mapped peer", list, "[::ffff:10.0.0.2]:5000", []string{"198.51.100.9"}, "198.51.100.9"},
	} {
		r := httptest.NewRequest("POST", "/connexion", nil)
		r.RemoteAddr = tc.remote
		for _, h := range tc.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		if got := clientIP(r, tc.trust); got != tc.want {
			t.Errorf("%s: clientIP = %q, want %q", tc.name, got, tc.want)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8, proxy.local"); err == nil {
		t.Error("a host name accepted as a trusted proxy")
	}
	if p, err := ParseTrustedProxies(" "); err != nil || len(p) != 0 {
		t.Errorf("empty list: %v %v", p, err)
	}
}

func TestLoginLimiter(t *testing.T) {
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	l := newLoginLimiter(func() time.Time { return now })
	const user, attacker, owner = "jury@certif.demo", "198.51.100.66", "203.0.113.10"

	// Successes are never counted.
	for i := 0; i < 50; i++ {
		if !l.allow(owner, user) {
			t.Fatalf("success %d refused", i)
		}
		l.succeeded(owner, user)
	}
	// Five failures from the attacker's address lock that address out of that account...
	for i := 0; i < 5; i++ {
		if !l.allow(attacker, user) {
			t.Fatalf("failure %d refused early", i)
		}
		l.failed(attacker, user)
	}
	if l.allow(attacker, user) {
		t.Error("sixth attempt from the attacker's address allowed")
	}
	// ...but neither the owner at their address nor the attacker on another account.
	if !l.allow(owner, user) || !l.allow("192.0.2.1", user) || !l.allow(attacker, "admin@certif.demo") {
		t.Error("the lock hurts someone else than the attacker on this account")
	}
	// After a minute one more attempt.
	now = now.Add(time.Minute)
	if !l.allow(attacker, user) {
		t.Error("no attempt after a minute")
	}

	// Per address across accounts: 20 failures, then one every 6 s.
	const sprayer = "192.0.2.200"
	for i := 0; i < 20; i++ {
		l.failed(sprayer, "victime"+string(rune('a'+i))+"@exemple.fr")
	}
	if l.allow(sprayer, "nouvelle@exemple.fr") {
		t.Error("an address that failed 20 times on 20 accounts may go on")
	}
	// IPv6: the whole /64 is one address.
	for i := 0; i < 5; i++ {
		l.failed("2001:db8:1:2::"+string(rune('1'+i)), user)
	}
	if l.allow("2001:db8:1:2::ff", user) {
		t.Error("rotating addresses inside one /64 escapes the limit")
	}

	// Distributed guessing: 100 failures from 100 addresses lock the account for new
	// addresses, not for the one where its owner signed in.
	for i := 0; i < 100; i++ {
		l.failed("100.64.0."+itoa64(int64(i)), "cible@exemple.fr")
	}
	if l.allow("100.64.1.1", "cible@exemple.fr") {
		t.Error("101st address allowed after 100 distributed failures")
	}
	l2 := newLoginLimiter(func() time.Time { return now })
	l2.succeeded(owner, "cible@exemple.fr")
	for i := 0; i < 100; i++ {
		l2.failed("100.64.0."+itoa64(int64(i)), "cible@exemple.fr")
	}
	if !l2.allow(owner, "cible@exemple.fr") {
		t.Error("distributed guessing locks the owner out of their usual address")
	}
}
