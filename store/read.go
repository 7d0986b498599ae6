package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// Reader reads one snapshot. It is valid only inside the View or Update
// closure that created it and must not be shared between goroutines.
type Reader struct {
	db  *DB
	txn *badger.Txn
	ts  uint64 // the timestamp read at
	at  uint64 // the transaction time asked for (ts is the newest commit at or before it)
	mem *memKV // a Load's writes, read before Badger; nil outside Load
	// cache serves slugs and entity records (cache.go, readcache.go); nil
	// for a Writer, which must read its own uncommitted writes.
	cache *entityCache
}

// KnownAt returns the transaction time this snapshot shows.
func (r *Reader) KnownAt() time.Time { return tsTime(r.at) }

func (r *Reader) count() { r.db.reads.Add(1) }

// get returns a copy of the value at k, or ErrNotFound.
func (r *Reader) get(k []byte) ([]byte, error) {
	if r.mem != nil {
		if v, found := r.mem.get(k); found {
			if v == nil {
				return nil, domain.ErrNotFound
			}
			return v, nil
		}
	}
	item, err := r.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: get: %w", err)
	}
	return item.ValueCopy(nil)
}

func (r *Reader) exists(k []byte) (bool, error) {
	if r.mem != nil {
		if v, found := r.mem.get(k); found {
			return v != nil, nil
		}
	}
	_, err := r.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// resolve maps a readable ID to its internal id and kind.
func (r *Reader) resolve(id string) (uint64, domain.Kind, error) {
	k, key, err := domain.SplitID(id)
	if err != nil {
		return 0, 0, err
	}
	n, err := r.slugNum(k, key, id)
	if errors.Is(err, domain.ErrNotFound) {
		return 0, 0, fmt.Errorf("%w: %s", domain.ErrNotFound, id)
	}
	if err != nil {
		return 0, 0, err
	}
	return n, k, nil
}

func (r *Reader) entityByNum(n uint64) (*domain.Entity, error) {
	if r.mem != nil {
		return r.mem.entity(r, n)
	}
	return r.decodeEntityAt(n)
}

func (r *Reader) decodeEntityAt(n uint64) (*domain.Entity, error) {
	e, err := r.node(n)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, fmt.Errorf("%w: node %d", ErrCorrupt, n)
	}
	return e, err
}

func (r *Reader) entity(id string) (*domain.Entity, uint64, error) {
	n, _, err := r.entityNum(id)
	if err != nil {
		return nil, 0, err
	}
	e, err := r.entityByNum(n)
	return e, n, err
}

// entityNum returns the number and kind of the entity with ID id, without
// reading its record: an error wrapping ErrNotFound when there is none,
// ErrInvalid when id is malformed or a fact's.
func (r *Reader) entityNum(id string) (uint64, domain.Kind, error) {
	k, key, err := domain.SplitID(id)
	if err != nil {
		return 0, 0, err
	}
	var n uint64
	if r.mem != nil && k != domain.KindFact {
		n, err = r.memSlugNum(k, key, id)
	} else {
		n, err = r.slugNum(k, key, id)
	}
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return 0, 0, fmt.Errorf("%w: %s", domain.ErrNotFound, id)
	case err != nil:
		return 0, 0, err
	case k == domain.KindFact:
		return 0, 0, fmt.Errorf("%w: %s is a fact, not an entity", domain.ErrInvalid, id)
	}
	return n, k, nil
}

// memSlugNum is slugNum for an entity during a Load: a number the load
// has looked up before is found by its slug key alone (memKV.nums).
func (r *Reader) memSlugNum(k domain.Kind, key, id string) (uint64, error) {
	var buf [64]byte // the slug key, without allocating unless it is longer
	sk := appendSlugKey(buf[:0], k, key)
	if n, ok := r.mem.nums.get(sk); ok {
		return n, nil
	}
	n, err := r.slugNum(k, key, id)
	if err == nil {
		r.mem.nums.set(sk, n)
	}
	return n, err
}

// Entity returns the entity with readable ID id, or an error wrapping
// ErrNotFound (or ErrInvalid for a malformed ID).
func (r *Reader) Entity(id string) (*domain.Entity, error) {
	r.count()
	e, _, err := r.entity(id)
	return e, err
}

// Entities returns the entities among ids that exist, keyed by ID; a
// malformed or unknown ID is simply absent. It is one store read however
// many IDs it is given, which is what dataloaders batch into.
func (r *Reader) Entities(ids []string) (map[string]*domain.Entity, error) {
	return r.EntitiesByRef(RefsOf(ids))
}

// EntityByXID returns the entity with external ID scheme/value (for
// example "iso3", "FIN").
func (r *Reader) EntityByXID(scheme, value string) (*domain.Entity, error) {
	r.count()
	v, err := r.get(xidKey(scheme, value))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s %s", domain.ErrNotFound, scheme, value)
	}
	if err != nil {
		return nil, err
	}
	n, ok := parseNum(v)
	if !ok {
		return nil, fmt.Errorf("%w: xid value", ErrCorrupt)
	}
	return r.entityByNum(n)
}

// fact loads a fact by readable ID, returning its edge too.
func (r *Reader) fact(id string) (*domain.Fact, edge, error) {
	if !domain.IsFactID(id) {
		return nil, edge{}, fmt.Errorf("%w: %s is not a fact ID", domain.ErrInvalid, id)
	}
	n, _, err := r.resolve(id)
	if err != nil {
		return nil, edge{}, err
	}
	loc, err := r.get(factKey(n))
	if err != nil {
		return nil, edge{}, fmt.Errorf("%w: fact locator of %s: %v", ErrCorrupt, id, err)
	}
	e, err := parseFactLoc(n, loc)
	if err != nil {
		return nil, edge{}, err
	}
	f, err := r.factAt(e)
	return f, e, err
}

func (r *Reader) factAt(e edge) (*domain.Fact, error) {
	v, err := r.get(outKey(e))
	if err != nil {
		return nil, fmt.Errorf("%w: out-edge of fact %d: %v", ErrCorrupt, e.fact, err)
	}
	return decodeEdgeFact(e, v)
}

// Fact returns the fact with readable ID id.
func (r *Reader) Fact(id string) (*domain.Fact, error) {
	r.count()
	f, _, err := r.fact(id)
	return f, err
}

// Facts returns the facts among ids that exist, keyed by ID; one store read.
func (r *Reader) Facts(ids []string) (map[string]*domain.Fact, error) {
	r.count()
	out := make(map[string]*domain.Fact, len(ids))
	for _, id := range ids {
		f, _, err := r.fact(id)
		if errors.Is(err, domain.ErrNotFound) || errors.Is(err, domain.ErrInvalid) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = f
	}
	return out, nil
}

// Direction selects which edges of an entity to read.
type Direction uint8

// Directions.
const (
	Out  Direction = 1 << iota // facts whose From is the entity
	In                         // facts whose To is the entity
	Both = Out | In
)

// EdgeFilter narrows an edge read.
type EdgeFilter struct {
	Dir        Direction          // zero means Both
	Predicates []domain.Predicate // empty means all
	AsOf       domain.Date        // zero means any time: every fact, whatever its interval
}

// Edges returns the facts touching entity id that pass f, out-edges first,
// each in key order (by predicate, then other end, then fact).
func (r *Reader) Edges(id string, f EdgeFilter) ([]*domain.Fact, error) {
	r.count()
	_, n, err := r.entity(id)
	if err != nil {
		return nil, err
	}
	return r.edges(n, f)
}

// EdgesOf is Edges for many entities in one store read; unknown IDs are
// absent from the result.
func (r *Reader) EdgesOf(ids []string, f EdgeFilter) (map[string][]*domain.Fact, error) {
	return r.EdgesByRef(RefsOf(ids), f)
}

func (r *Reader) edges(n uint64, f EdgeFilter) ([]*domain.Fact, error) {
	dir := f.Dir
	if dir == 0 {
		dir = Both
	}
	preds := f.Predicates
	if len(preds) == 0 {
		preds = []domain.Predicate{0}
	} else {
		preds = slices.Clone(preds)
		slices.Sort(preds)
		preds = slices.Compact(preds)
	}
	var out []*domain.Fact
	for _, d := range []Direction{Out, In} {
		if dir&d == 0 {
			continue
		}
		for _, p := range preds {
			err := r.scanEdges(d == Out, n, p, func(e edge, v []byte) error {
				iv, err := parseIV(v)
				if err != nil {
					return err
				}
				if f.AsOf != 0 && !iv.Contains(f.AsOf) {
					return nil
				}
				fact, err := decodeEdgeFact(e, v)
				if err != nil {
					return err
				}
				out = append(out, fact)
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// scanEdges calls fn for each O (out) or I key of node n, predicate p (0:
// all), with its value, which is Badger's and valid only until fn
// returns: the callers decode it at once, so no edge's value is copied.
func (r *Reader) scanEdges(out bool, n uint64, p domain.Predicate, fn func(edge, []byte) error) error {
	prefix := edgePrefix(out, n, p)
	opts := badgerIterOpts(prefix)
	it := r.txn.NewIterator(opts)
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		key, err := ParseKey(item.Key())
		if err != nil {
			return err
		}
		e := key.edge()
		if err := item.Value(func(v []byte) error { return fn(e, v) }); err != nil {
			return err
		}
	}
	return nil
}

// FactsStarting returns the facts of predicate p whose ValidFrom lies in
// [from, to) (a zero bound is open), in order of ValidFrom then fact, read
// from the by-time index; at most limit facts (limit <= 0: no limit). It
// stops with ctx's error once ctx is done.
func (r *Reader) FactsStarting(ctx context.Context, p domain.Predicate, from, to domain.Date, limit int) ([]*domain.Fact, error) {
	r.count()
	st := stopper{ctx: ctx}
	if err := st.check(); err != nil {
		return nil, err
	}
	prefix := timePrefix(p)
	start := timeKey(p, from, 0)
	opts := badgerIterOpts(prefix)
	it := r.txn.NewIterator(opts)
	defer it.Close()
	var out []*domain.Fact
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		if err := st.check(); err != nil {
			return nil, err
		}
		item := it.Item()
		key, err := ParseKey(item.Key())
		if err != nil {
			return nil, err
		}
		if to != 0 && key.Date >= to {
			break
		}
		var src, dst uint64
		err = item.Value(func(v []byte) error {
			src, dst, err = parseTimeVal(v)
			return err
		})
		if err != nil {
			return nil, err
		}
		f, err := r.factAt(edge{src: src, pred: p, dst: dst, fact: key.Fact})
		if err != nil {
			return nil, err
		}
		out = append(out, f)
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out, nil
}

// ByKind returns entities of kind k in creation order, starting after the
// entity with ID after ("" from the start); at most limit.
func (r *Reader) ByKind(k domain.Kind, after string, limit int) ([]*domain.Entity, error) {
	r.count()
	prefix := kindPrefix(k)
	start := prefix
	if after != "" {
		n, _, err := r.resolve(after)
		if errors.Is(err, domain.ErrNotFound) {
			// Deleted since the client's previous page: resume after the
			// place it had.
			n, err = r.formerNum(after)
		}
		if err != nil {
			return nil, err
		}
		start = kindKey(k, n+1)
	}
	opts := badgerIterOpts(prefix)
	it := r.txn.NewIterator(opts)
	defer it.Close()
	var out []*domain.Entity
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		key, err := ParseKey(it.Item().Key())
		if err != nil {
			return nil, err
		}
		e, err := r.entityByNum(key.Num)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out, nil
}

// formerNum returns the number an entity that no longer exists had when
// it last did, as of this snapshot; ErrNotFound if id never named one.
func (r *Reader) formerNum(id string) (uint64, error) {
	k, key, err := domain.SplitID(id)
	if err != nil {
		return 0, err
	}
	slug := slugKey(k, key)
	opts := badgerIterOpts(slug)
	opts.AllVersions = true
	it := r.txn.NewIterator(opts)
	defer it.Close()
	for it.Seek(slug); it.ValidForPrefix(slug); it.Next() {
		item := it.Item()
		if !bytes.Equal(item.Key(), slug) || item.IsDeletedOrExpired() {
			continue
		}
		var n uint64
		err := item.Value(func(v []byte) error {
			var ok bool
			if n, ok = parseNum(v); !ok {
				return fmt.Errorf("%w: slug value for %s", ErrCorrupt, id)
			}
			return nil
		})
		return n, err
	}
	return 0, fmt.Errorf("%w: %s", domain.ErrNotFound, id)
}

// scanPrefix calls fn with each key under prefix (keys only). The key is
// valid only during the call.
func (r *Reader) scanPrefix(prefix []byte, fn func(k []byte) (bool, error)) error {
	opts := badgerIterOpts(prefix)
	it := r.txn.NewIterator(opts)
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		more, err := fn(it.Item().Key())
		if err != nil || !more {
			return err
		}
	}
	return nil
}
