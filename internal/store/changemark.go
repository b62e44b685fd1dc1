package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// The change mark is the id of the journal's head: every write appends to the journal in its
// transaction, so what was read while the mark stayed the same is still current. The web
// layer's page cache keys pages with it, and the store keeps a few authentication look-ups
// with it (markMemo), so that a page served again costs no database round trip.
//
// The mark is kept in memory. This process's writes move it as they commit (Transact), so a
// request that follows a write always sees it. Writes by another process sharing the database
// (another server behind the same load balancer, a `certif` command) are seen when the mark is
// read again from the database: at most every ChangeMarkTTL, plus the time of that one query.

// ChangeMarkTTL bounds how long a write by another process sharing the database may go
// unnoticed by this one's caches.
const ChangeMarkTTL = 250 * time.Millisecond

// changeMark is the mark known to this process.
type changeMark struct {
	id    atomic.Int64 // the highest journal id known to be committed
	read  atomic.Int64 // when the database was last asked (nanoseconds since epoch0), 0: never
	epoch time.Time    // the origin of read: monotonic clock
}

// advance raises the known mark to id (a commit of this process, or a read of the database).
func (m *changeMark) advance(id int64) {
	for {
		cur := m.id.Load()
		if id <= cur || m.id.CompareAndSwap(cur, id) {
			return
		}
	}
}

// ChangeMark returns the id of the latest journal entry: every write appends one in its
// transaction (and the chain's lock orders them by commit), so a page built after reading a
// mark is current until the mark moves. This process's writes move it at once; another
// process's within ChangeMarkTTL (the mark is read again from the database at most that often;
// meanwhile, one request reads it while the others use the mark known).
func (s *Store) ChangeMark(ctx context.Context) (int64, error) {
	m := &s.mark
	now := int64(time.Since(m.epoch)) + 1 // never 0, the value of "never read"
	last := m.read.Load()
	if last != 0 && now-last < int64(ChangeMarkTTL) {
		return m.id.Load(), nil
	}
	if !m.read.CompareAndSwap(last, now) {
		return m.id.Load(), nil // another request is reading it
	}
	var id int64
	if err := s.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM audit_log`).Scan(&id); err != nil {
		m.read.CompareAndSwap(now, last) // the next request asks again
		return 0, fmt.Errorf("change mark: %w", err)
	}
	m.advance(id)
	return m.id.Load(), nil
}

// markMemo keeps values read from the database for as long as the change mark stays the one
// they were read under, and at most ChangeMarkTTL: only for values whose every change is
// journaled (a write of this process is then seen at once, another process's within the TTL).
// Past memoMax entries it is emptied.
type markMemo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]memoEntry[V]
}

type memoEntry[V any] struct {
	mark int64
	at   time.Time // wall clock with monotonic reading
	v    V
}

const memoMax = 4096

// get returns the value kept for key under mark, if it is young enough.
func (c *markMemo[K, V]) get(key K, mark int64) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || e.mark != mark || time.Since(e.at) >= ChangeMarkTTL {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put keeps v for key, read under mark.
func (c *markMemo[K, V]) put(key K, mark int64, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= memoMax {
		c.m = map[K]memoEntry[V]{}
	}
	c.m[key] = memoEntry[V]{mark: mark, at: time.Now(), v: v}
}

// memoized returns load(key) through memo: the value kept under the current change mark, or
// a fresh one, kept. When the mark cannot be read, load runs and nothing is kept.
func memoized[K comparable, V any](ctx context.Context, s *Store, memo *markMemo[K, V], key K, load func() (V, error)) (V, error) {
	mark, err := s.ChangeMark(ctx)
	if err != nil {
		return load()
	}
	if v, ok := memo.get(key, mark); ok {
		return v, nil
	}
	v, err := load()
	if err == nil {
		memo.put(key, mark, v)
	}
	return v, err
}
