package store

import (
	"errors"
	"fmt"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// The two point reads the entity cache (cache.go) serves: a readable ID's
// slug (S key -> id) and an entity record (N key -> Entity). A Reader
// without a cache (a Writer's) reads Badger every time.

// During a Load both read its writes first (Reader.mem).

// slugNum returns the id that readable ID id (of kind and key) maps to, or
// ErrNotFound.
func (r *Reader) slugNum(kind domain.Kind, key, id string) (uint64, error) {
	var buf [64]byte // a hit allocates no key (unless the key is longer)
	if e, ok := r.cache.get(appendSlugKey(buf[:0], kind, key), r.ts); ok {
		return e.num, nil
	}
	k := slugKey(kind, key)
	if r.mem != nil {
		if v, found := r.mem.get(k); found {
			if v == nil {
				return 0, domain.ErrNotFound
			}
			n, ok := parseNum(v)
			if !ok {
				return 0, fmt.Errorf("%w: slug value for %s", ErrCorrupt, id)
			}
			return n, nil
		}
	}
	item, err := r.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, domain.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: get: %w", err)
	}
	var n uint64
	err = item.Value(func(v []byte) error {
		var ok bool
		if n, ok = parseNum(v); !ok {
			return fmt.Errorf("%w: slug value for %s", ErrCorrupt, id)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	r.cache.add(&r.db.lastTs, r.ts, k, cacheEntry{ver: item.Version(), num: n})
	return n, nil
}

// node returns the entity record with internal id n, or ErrNotFound. The
// caller owns it: an entity in the cache is never handed out, only a copy.
// nodeID returns the ID of entity n, from the cache without copying the
// entity when it is there.
func (r *Reader) nodeID(n uint64) (string, error) {
	var buf [nodeKeyLen]byte
	if e, ok := r.cache.get(appendNodeKey(buf[:0], n), r.ts); ok {
		return e.ent.ID, nil
	}
	e, err := r.node(n)
	if err != nil {
		return "", err
	}
	return e.ID, nil
}

func (r *Reader) node(n uint64) (*domain.Entity, error) {
	var buf [nodeKeyLen]byte // a hit allocates no key
	if e, ok := r.cache.get(appendNodeKey(buf[:0], n), r.ts); ok {
		return e.ent.Clone(), nil
	}
	k := nodeKey(n)
	if r.mem != nil {
		if v, found := r.mem.get(k); found {
			if v == nil {
				return nil, domain.ErrNotFound
			}
			return decodeEntity(v)
		}
	}
	item, err := r.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: get: %w", err)
	}
	var e *domain.Entity
	err = item.Value(func(v []byte) error {
		var err error
		e, err = decodeEntity(v) // copies what it keeps out of v
		return err
	})
	if err != nil {
		return nil, err
	}
	if r.cache.add(&r.db.lastTs, r.ts, k, cacheEntry{ver: item.Version(), ent: e, cost: entityCost(e)}) {
		return e.Clone(), nil
	}
	return e, nil
}

// noteCached records that w's transaction writes k, when k is a key the
// entity cache holds, so that the commit drops it from the cache.
func (w *Writer) noteCached(k []byte) {
	// A Load clears the whole cache when it commits (publishCleared).
	if t := keyTag(k); w.db.cache != nil && w.mem == nil && (t == tagNode || t == tagSlug) {
		w.cached = append(w.cached, string(k))
	}
}
