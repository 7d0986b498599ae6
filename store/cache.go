package store

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/alliancegraph/alliancegraph/domain"
)

// The entity cache keeps decoded entity records (N keys) and readable-ID
// to id mappings (S keys, entities' and facts'), so that a read of a hot
// entity at the newest snapshot costs a map lookup instead of two Badger
// point reads and a JSON decode. It is keyed by the Badger key; every
// entry remembers the Badger version (commit timestamp) of its value.
//
// Who uses it: only Readers made by View (Reader.cache). A Writer reads its
// own uncommitted writes, which must never be shared, so its Reader has no
// cache and reads Badger alone; so do Check and the hidden chunks of a bulk
// write.
//
// The invariant. Call a timestamp readable if a View can read at it: a
// value lastTs has been published as, or the timestamp of a commit record
// at or before lastTs (a bulk's hidden chunks are neither; see Bulk), or 0
// before the first commit (no entry has version 0, so it never hits). Then
// for every entry (k, value, ver) and every readable ts with
// ver <= ts <= lastTs, Badger's value of k at ts is value.
//
// A lookup is therefore correct: a Reader's ts is readable and at most
// lastTs (lastTs only grows, and ts came from it), so an entry with
// ver <= ts holds what Badger would return at ts. An entry with ver > ts is
// a miss and the Reader reads Badger: a View of the past (knownAt) or one
// that began before a commit is never served a newer value.
//
// Why the invariant holds:
//
//   - Insert (add): a Reader at ts got version ver from Badger, the newest
//     version of k at or below ts, so k is unchanged on [ver, ts]. It
//     inserts only if lastTs == ts, checked under the shard's lock, so the
//     value holds up to lastTs too. A Reader of an older snapshot inserts
//     nothing, so it cannot put an old value back after a newer commit.
//   - Publish: everything that moves lastTs does so through publish or
//     publishCleared, which hold every shard's lock while they drop the
//     entries of every key the commit wrote (or all entries) and store the
//     new lastTs. An insert is one critical section of one shard: it either
//     comes before publish takes that shard, and publish drops it if the
//     commit wrote its key, or after, when lastTs has moved and the insert
//     is refused. Keys the commit did not write keep their value up to the
//     new lastTs. Between Badger's commit and publish, Readers read at the
//     old lastTs, below every version the commit wrote.
//   - Dropping entries (eviction, reset) never breaks the invariant.
//
// Every path that writes to an open store's Badger must keep this up:
//
//   - Update: the Writer records the N and S keys it sets or deletes
//     (Writer.noteCached, from set and del) and updateOnce publishes them
//     with the commit. When Badger's commit fails for any reason but a
//     conflict we cannot tell whether some of it was applied, so the cache
//     is marked distrusted and the next publish clears it all.
//   - BulkUpdate: chunks commit above lastTs, invisible to Readers; the
//     final commit and settle (the rollback, also run by Open) rewrite many
//     keys and publish with the whole cache cleared (publishCleared). If a
//     rollback itself fails the store holds hidden versions until Open
//     rolls them back; a restart starts with an empty cache.
//   - Open writes the format version through UpdateWith; RestoreFile and
//     backups never write to an open store.
//   - Anything new that writes to Badger behind Writer (say a StreamWriter
//     load into an empty store at Open) must either finish before the first
//     View and then call db.cache.reset(), or move lastTs only through
//     publishCleared. Writing to Badger without doing either lets Views be
//     served stale entities.
//
// Entities in the cache are never handed out: Readers return copies
// (Entity.clone), as View promises, so a caller that changes one cannot
// change what later reads see.
type entityCache struct {
	seed     maphash.Seed
	shards   [cacheShards]cacheShard
	distrust atomic.Bool // clear everything at the next publish
}

// cacheShards spreads the locks so that concurrent readers seldom meet.
const cacheShards = 64

type cacheShard struct {
	mu    sync.Mutex
	m     map[string]cacheEntry
	bytes int64 // estimated memory held by m's entries (entryCost)
	limit int64
	_     [32]byte // keep neighbouring shards' locks off one cache line
}

type cacheEntry struct {
	ver  uint64         // the Badger version of the value
	num  uint64         // an S key: the id it maps to
	ent  *domain.Entity // an N key: the decoded record (shared; never modified)
	cost int64
}

// newEntityCache returns a cache of about limit bytes, or nil (no cache)
// when limit <= 0. Every method treats a nil cache as empty.
func newEntityCache(limit int64) *entityCache {
	if limit <= 0 {
		return nil
	}
	c := &entityCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = map[string]cacheEntry{}
		c.shards[i].limit = max(limit/cacheShards, 1)
	}
	return c
}

func (c *entityCache) shard(k []byte) *cacheShard {
	return &c.shards[maphash.Bytes(c.seed, k)%cacheShards]
}

// shardOf is shard for a key held as a string (the same hash).
func (c *entityCache) shardOf(k string) *cacheShard {
	return &c.shards[maphash.String(c.seed, k)%cacheShards]
}

// get returns the entry of Badger key k if its value is the one a Reader at
// ts sees.
func (c *entityCache) get(k []byte, ts uint64) (cacheEntry, bool) {
	if c == nil {
		return cacheEntry{}, false
	}
	s := c.shard(k)
	s.mu.Lock()
	e, ok := s.m[string(k)]
	s.mu.Unlock()
	return e, ok && e.ver <= ts
}

// add caches e, read from Badger at ts, under k, unless lastTs has moved
// past ts (see the invariant above), and reports whether it did. When the
// shard is full it evicts entries chosen at random (Go's map iteration
// order).
func (c *entityCache) add(lastTs *atomic.Uint64, ts uint64, k []byte, e cacheEntry) bool {
	if c == nil {
		return false
	}
	s := c.shard(k)
	e.cost += int64(len(k)) + entryOverhead
	s.mu.Lock()
	defer s.mu.Unlock()
	if lastTs.Load() != ts || e.cost > s.limit {
		return false
	}
	if old, ok := s.m[string(k)]; ok {
		s.bytes -= old.cost
		delete(s.m, string(k))
	}
	for s.bytes+e.cost > s.limit && len(s.m) > 0 {
		for victim, v := range s.m {
			s.bytes -= v.cost
			delete(s.m, victim)
			break
		}
	}
	s.m[string(k)] = e
	s.bytes += e.cost
	return true
}

// lockAll and unlockAll bracket a publish.
func (c *entityCache) lockAll() {
	for i := range c.shards {
		c.shards[i].mu.Lock()
	}
}

func (c *entityCache) unlockAll() {
	for i := range c.shards {
		c.shards[i].mu.Unlock()
	}
}

// clearLocked empties every shard; the caller holds every lock.
func (c *entityCache) clearLocked() {
	for i := range c.shards {
		c.shards[i].m = map[string]cacheEntry{}
		c.shards[i].bytes = 0
	}
	c.distrust.Store(false)
}

// reset empties the cache. Alone it is enough only while no View can run
// or when lastTs does not move after it (see the invariant above); a write
// that moves lastTs uses publishCleared.
func (c *entityCache) reset() {
	if c == nil {
		return
	}
	c.lockAll()
	defer c.unlockAll()
	c.clearLocked()
}

// distrustNext makes the next publish clear the whole cache: Badger may
// hold versions of keys no Writer recorded (a commit that failed part way).
func (c *entityCache) distrustNext() {
	if c != nil {
		c.distrust.Store(true)
	}
}

// publish makes ts the newest readable timestamp ("now"), dropping the
// cached entries of keys, the N and S keys the commit at ts wrote, in the
// same step. Callers hold db.wmu.
func (db *DB) publish(ts uint64, keys []string) {
	c := db.cache
	if c == nil {
		db.lastTs.Store(ts)
		return
	}
	c.lockAll()
	defer c.unlockAll()
	if c.distrust.Load() {
		c.clearLocked()
	}
	for _, k := range keys {
		s := c.shardOf(k)
		if e, ok := s.m[k]; ok {
			s.bytes -= e.cost
			delete(s.m, k)
		}
	}
	db.lastTs.Store(ts)
}

// publishCleared is publish for writes that do not list their keys (a
// bulk write, a rollback): it empties the whole cache.
func (db *DB) publishCleared(ts uint64) {
	c := db.cache
	if c == nil {
		db.lastTs.Store(ts)
		return
	}
	c.lockAll()
	defer c.unlockAll()
	c.clearLocked()
	db.lastTs.Store(ts)
}

// Memory estimates, in bytes, for the size limit. They are approximate
// (Go rounds allocations up to size classes); TestEntityCacheCost checks
// them against the heap.
const (
	// entryOverhead is a map slot (string header and cacheEntry) with the
	// map's spare capacity, plus the key's own allocation rounding.
	entryOverhead = 96
	// smallMapCost is a map of up to eight entries (one group of slots).
	smallMapCost = 320
)

// entityCost estimates the memory a decoded entity holds.
func entityCost(e *domain.Entity) int64 {
	n := int64(unsafe.Sizeof(*e)) + int64(len(e.ID)+len(e.Name))
	for _, a := range e.Aliases {
		n += int64(unsafe.Sizeof(a)) + int64(len(a))
	}
	for _, p := range e.Props {
		n += int64(unsafe.Sizeof(p)) + int64(len(p.Key)+len(p.Value))
	}
	if len(e.XIDs) > 0 {
		n += smallMapCost * int64((len(e.XIDs)+7)/8)
		for s, v := range e.XIDs {
			n += int64(len(s) + len(v))
		}
	}
	return n
}
