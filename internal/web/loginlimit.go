package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ProxyTrust says which X-Forwarded-For hops the server believes.
type ProxyTrust struct {
	// Enabled reads the client address from X-Forwarded-For at all.
	Enabled bool
	// Proxies are the addresses of our own proxies. Empty: only the immediate peer is trusted,
	// so the right-most hop (the one it appended) is the client. Otherwise the request must
	// come from one of them, and the client is the right-most hop that is not one of them.
	Proxies []netip.Prefix
}

// ParseTrustedProxies parses a comma-separated list of IP addresses and CIDR prefixes; an
// empty string gives none. The error names the entry that is neither.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("proxy de confiance « %s » : ni une adresse IP ni un préfixe CIDR", item)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func (t ProxyTrust) trusts(a netip.Addr) bool {
	for _, p := range t.Proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the address the request comes from, for rate limits: the peer's address, or,
// when the peer is a proxy we trust, the right-most X-Forwarded-For hop that is not one of our
// proxies. Hops on the left are written by the client and never believed.
func clientIP(r *http.Request, trust ProxyTrust) string {
	peer := peerAddr(r)
	if !trust.Enabled {
		return addrString(peer, r.RemoteAddr)
	}
	if len(trust.Proxies) > 0 && (!peer.IsValid() || !trust.trusts(peer)) {
		return addrString(peer, r.RemoteAddr) // not from our proxy: its header is the client's word
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // garbage from beyond our proxies: the last address we believed is the client
		}
		client = a.Unmap()
		if len(trust.Proxies) == 0 || !trust.trusts(client) {
			break
		}
	}
	return addrString(client, r.RemoteAddr)
}

func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

func addrString(a netip.Addr, fallback string) string {
	if a.IsValid() {
		return a.String()
	}
	return fallback
}

// limitRule is a token bucket: burst attempts at once, then one every every.
type limitRule struct {
	every time.Duration
	burst int
}

// The login limits. Only failures spend attempts; a success spends nothing.
var (
	// Per (account, address): the attacker guessing from one address locks only that address
	// out of that account.
	limitAccountAddr = limitRule{every: time.Minute, burst: 5}
	// Per address, across accounts: one address trying many accounts.
	limitAddr = limitRule{every: 6 * time.Second, burst: 20}
	// Per account, across addresses: distributed guessing. Loose, and addresses where the
	// account signed in successfully lately are exempt, so that the owner keeps signing in
	// from their usual places while someone else guesses.
	limitAccount = limitRule{every: 36 * time.Second, burst: 100}
)

// knownAddrTTL is how long an address where an account signed in stays exempt from the
// account-wide limit.
const knownAddrTTL = 30 * 24 * time.Hour

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

// loginLimiter limits failed login attempts, in memory (per process). Check before verifying a
// password; report the outcome after.
type loginLimiter struct {
	mu    sync.Mutex
	now   func() time.Time
	byKey map[string]*limiterEntry
	// pending counts, per limiter key, the attempts whose password is being verified.
	pending map[string]int
	known   map[string]time.Time // account + address → last successful sign-in
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, byKey: map[string]*limiterEntry{}, pending: map[string]int{}, known: map[string]time.Time{}}
}

// addrKey groups IPv6 addresses by /64 (what one subscriber usually holds).
func addrKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err == nil && a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return ip
}

func (l *loginLimiter) keys(ip, email string) (acctAddr, addr, acct, known string) {
	ip = addrKey(ip)
	return "aa:" + email + "\x00" + ip, "a:" + ip, "u:" + email, email + "\x00" + ip
}

func (l *loginLimiter) limiter(key string, rule limitRule, now time.Time) *rate.Limiter {
	e := l.byKey[key]
	if e == nil {
		e = &limiterEntry{lim: rate.NewLimiter(rate.Every(rule.every), rule.burst)}
		l.byKey[key] = e
	}
	e.seen = now
	return e.lim
}

// allow reports whether a login attempt for email from ip may be verified; it spends nothing.
func (l *loginLimiter) allow(ip, email string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.allowLocked(ip, email, l.now())
}

func (l *loginLimiter) allowLocked(ip, email string, now time.Time) bool {
	aa, a, u, k := l.keys(ip, email)
	// Attempts being verified right now count as failures until they are known not to be.
	free := func(key string, rule limitRule) bool {
		return l.limiter(key, rule, now).TokensAt(now)-float64(l.pending[key]) >= 1
	}
	if !free(aa, limitAccountAddr) || !free(a, limitAddr) {
		return false
	}
	if seen, ok := l.known[k]; ok && now.Sub(seen) < knownAddrTTL {
		return true
	}
	return free(u, limitAccount)
}

// attempt is what the login and password forms use: when the limits of (ip, email) allow an
// attempt, it holds one failure's worth of each of them while the password is verified, so
// that a hundred simultaneous guesses cannot all pass a check that none of them has paid for
// yet. done reports the outcome: a failure spends what was held, a success gives it back
// (successes are never counted) and records the address as known for the account. ok is
// false, and done nil, when the attempt is refused.
func (l *loginLimiter) attempt(ip, email string) (done func(success bool), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.allowLocked(ip, email, l.now()) {
		return nil, false
	}
	aa, a, u, _ := l.keys(ip, email)
	for _, k := range []string{aa, a, u} {
		l.pending[k]++
	}
	return func(success bool) {
		l.mu.Lock()
		for _, k := range []string{aa, a, u} {
			if l.pending[k]--; l.pending[k] <= 0 {
				delete(l.pending, k)
			}
		}
		l.mu.Unlock()
		if success {
			l.succeeded(ip, email)
		} else {
			l.failed(ip, email)
		}
	}, true
}

// boundedVerify lets at most n password verifications run at once: each argon2id check takes
// about 19 MiB and 35 ms of one core, so a burst of simultaneous logins would otherwise take the
// server's memory with it. Attempts beyond n wait their turn; the limits above bound how many
// can wait per address.
func boundedVerify(verify func(hash, password string) bool, n int) func(hash, password string) bool {
	sem := make(chan struct{}, n)
	return func(hash, password string) bool {
		sem <- struct{}{}
		defer func() { <-sem }()
		return verify(hash, password)
	}
}

// failed spends one attempt of every limit of (ip, email). Concurrent failures may drive a
// bucket below zero (a reservation is never cancelled): the lock then lasts longer, for the
// attacker.
func (l *loginLimiter) failed(ip, email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.prune(now)
	aa, a, u, _ := l.keys(ip, email)
	l.limiter(aa, limitAccountAddr, now).ReserveN(now, 1)
	l.limiter(a, limitAddr, now).ReserveN(now, 1)
	l.limiter(u, limitAccount, now).ReserveN(now, 1)
}

// succeeded records that email signed in from ip: the address is exempt from the account-wide
// limit for knownAddrTTL. It spends nothing.
func (l *loginLimiter) succeeded(ip, email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.prune(now)
	_, _, _, k := l.keys(ip, email)
	l.known[k] = now
}

// prune bounds memory: past 100,000 entries, limiters unused for two hours (full again) and
// old known addresses go.
func (l *loginLimiter) prune(now time.Time) {
	if len(l.byKey) > 100_000 {
		for k, e := range l.byKey {
			if now.Sub(e.seen) > 2*time.Hour {
				delete(l.byKey, k)
			}
		}
	}
	if len(l.known) > 100_000 {
		for k, t := range l.known {
			if now.Sub(t) >= knownAddrTTL {
				delete(l.known, k)
			}
		}
	}
}
