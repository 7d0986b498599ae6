package graph

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// DefaultLoaderWait is how long a loader waits to collect keys into one
// batch. Elements of a list that resolve concurrently (see marshalList)
// load within microseconds of each other. Loads anywhere else never wait
// (see batched).
const DefaultLoaderWait = 250 * time.Microsecond

// snapKey names an entity in one transaction-time snapshot.
type snapKey struct {
	at int64 // UnixNano of the snapshot; 0 = newest
	id string
}

// edgeKey names one entity's edges under one filter in one snapshot. The
// filter is flattened so the key stays comparable.
type edgeKey struct {
	at int64
	id string
	edgeSel
}

// edgeSel is a store.EdgeFilter as a comparable value: preds holds the
// sorted predicate names joined by commas.
type edgeSel struct {
	dir   store.Direction
	asOf  domain.Date
	preds string
}

func selOf(f store.EdgeFilter) edgeSel {
	names := make([]string, len(f.Predicates))
	for i, p := range f.Predicates {
		names[i] = p.String()
	}
	slices.Sort(names)
	return edgeSel{dir: f.Dir, asOf: f.AsOf, preds: strings.Join(slices.Compact(names), ",")}
}

func (s edgeSel) filter() store.EdgeFilter {
	f := store.EdgeFilter{Dir: s.dir, AsOf: s.asOf}
	if s.preds != "" {
		for _, n := range strings.Split(s.preds, ",") {
			p, _ := domain.ParsePredicate(n)
			f.Predicates = append(f.Predicates, p)
		}
	}
	return f
}

// loaders are created per operation so cached values never outlive the
// request that read them.
type loaders struct {
	entity *loader[snapKey, *domain.Entity]
	edges  *loader[edgeKey, []*domain.Fact]
	text   *loader[snapKey, string] // documents' stored texts
	// now counts the store reads made at once rather than in a batch.
	now atomic.Int64

	// refs holds, by ID, the refs with entity numbers that facts gave
	// (see keys): the entity loader reads those entities by number.
	refMu sync.Mutex
	refs  map[string]store.EntityRef
}

func newLoaders(db Store, wait time.Duration) *loaders {
	if wait <= 0 {
		wait = DefaultLoaderWait
	}
	l := &loaders{refs: map[string]store.EntityRef{}}
	l.entity = newLoader(func(keys []snapKey) (map[snapKey]*domain.Entity, error) { return fetchEntities(db, keys, l.ref) }, wait, &l.now)
	l.edges = newLoader(func(keys []edgeKey) (map[edgeKey][]*domain.Fact, error) { return fetchEdges(db, keys, l.ref) }, wait, &l.now)
	l.text = newLoader(func(keys []snapKey) (map[snapKey]string, error) { return fetchTexts(db, keys) }, wait, &l.now)
	return l
}

// atKey is the snapshot time t as a loader key: 0 for the zero time
// (now), else its Unix nanoseconds, except where those mislead. Int64
// nanoseconds wrap outside the years 1678..2262, and 0 is "now": a time
// at or before the epoch, when nothing had been committed, is keyBeforeAll,
// and a time past 2262 is math.MaxInt64, which reads the newest commit as
// any time after it does. snapTime turns a key back into a time that
// reads the same snapshot.
func atKey(t time.Time) int64 {
	switch {
	case t.IsZero():
		return 0
	case !t.After(time.Unix(0, 0)):
		return keyBeforeAll
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// keyBeforeAll is atKey of every time at or before the epoch.
const keyBeforeAll = math.MinInt64

// snapTime is the time a loader key reads at (see atKey).
func snapTime(at int64) time.Time {
	switch at {
	case 0:
		return time.Time{}
	case keyBeforeAll:
		return time.Unix(0, 0) // the store has nothing at or before it
	}
	return time.Unix(0, at)
}

// fetchEntities reads all keys of one snapshot with one store read, by
// the refs that ref gives for their IDs.
func fetchEntities(db Store, keys []snapKey, ref func(id string) store.EntityRef) (map[snapKey]*domain.Entity, error) {
	groups := map[int64][]store.EntityRef{}
	for _, k := range keys {
		groups[k.at] = append(groups[k.at], ref(k.id))
	}
	out := make(map[snapKey]*domain.Entity, len(keys))
	for at, refs := range groups {
		err := db.View(snapTime(at), func(r *store.Reader) error {
			m, err := r.EntitiesByRef(refs)
			for id, e := range m {
				out[snapKey{at, id}] = e
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fetchEdges reads the edges of all keys sharing a snapshot and filter with
// one store read, by the refs that ref gives for their IDs.
func fetchEdges(db Store, keys []edgeKey, ref func(id string) store.EntityRef) (map[edgeKey][]*domain.Fact, error) {
	type group struct {
		at int64
		edgeSel
	}
	groups := map[group][]store.EntityRef{}
	for _, k := range keys {
		g := group{k.at, k.edgeSel}
		groups[g] = append(groups[g], ref(k.id))
	}
	out := make(map[edgeKey][]*domain.Fact, len(keys))
	for g, refs := range groups {
		err := db.View(snapTime(g.at), func(r *store.Reader) error {
			m, err := r.EdgesByRef(refs, g.filter())
			for id, fs := range m {
				out[edgeKey{g.at, id, g.edgeSel}] = fs
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// loadEntity loads one entity; a missing one is domain.ErrNotFound.
func (l *loaders) loadEntity(ctx context.Context, at time.Time, id string) (*domain.Entity, error) {
	e, ok, err := l.entity.load(ctx, snapKey{atKey(at), id})
	if err == nil && !ok {
		err = fmt.Errorf("%w: %s", domain.ErrNotFound, id)
	}
	return e, err
}

// loadEdges loads one entity's edges; an unknown entity has none.
func (l *loaders) loadEdges(ctx context.Context, at time.Time, id string, f store.EdgeFilter) ([]*domain.Fact, error) {
	fs, _, err := l.edges.load(ctx, edgeKey{atKey(at), id, selOf(f)})
	return fs, err
}

// fetchTexts reads the stored texts of the documents among keys, one store
// read per snapshot.
func fetchTexts(db Store, keys []snapKey) (map[snapKey]string, error) {
	groups := map[int64][]string{}
	for _, k := range keys {
		groups[k.at] = append(groups[k.at], k.id)
	}
	out := make(map[snapKey]string, len(keys))
	for at, ids := range groups {
		err := db.View(snapTime(at), func(r *store.Reader) error {
			m, err := r.DocumentTexts(ids)
			for id, t := range m {
				out[snapKey{at, id}] = t
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// loadText loads a document's stored text; ok is false when it has none.
func (l *loaders) loadText(ctx context.Context, at time.Time, id string) (string, bool, error) {
	return l.text.load(ctx, snapKey{atKey(at), id})
}

// primeEntities reads the given entities that the loader does not hold
// yet (one store read) and puts them in its cache, so resolvers asking for
// them later do not wait for a batch.
func (l *loaders) primeEntities(at time.Time, refs []store.EntityRef) error {
	return l.entity.prime(l.keys(at, refs)...)
}

// keys returns the entity loader's keys for refs in snapshot at, and
// remembers the refs that carry an entity number, so that whichever load
// reads an ID (this one, or a later one asking by ID alone) reads it by
// number. A number is only a hint (store.EntitiesByRef), so refs from
// another snapshot do no harm.
func (l *loaders) keys(at time.Time, refs []store.EntityRef) []snapKey {
	keys := make([]snapKey, len(refs))
	l.refMu.Lock()
	for i, ref := range refs {
		keys[i] = snapKey{atKey(at), ref.ID}
		if ref != store.RefOf(ref.ID) {
			l.refs[ref.ID] = ref
		}
	}
	l.refMu.Unlock()
	return keys
}

// ref returns the ref remembered for id, or one holding id alone.
func (l *loaders) ref(id string) store.EntityRef {
	l.refMu.Lock()
	ref, ok := l.refs[id]
	l.refMu.Unlock()
	if !ok {
		return store.RefOf(id)
	}
	return ref
}

// primeEdges is primeEntities for the edges of ids under one filter.
func (l *loaders) primeEdges(at time.Time, ids []string, f store.EdgeFilter) error {
	sel := selOf(f)
	keys := make([]edgeKey, len(ids))
	for i, id := range ids {
		keys[i] = edgeKey{atKey(at), id, sel}
	}
	return l.edges.prime(keys...)
}
