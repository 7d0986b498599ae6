package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"github.com/alliancegraph/alliancegraph/store"
)

// DefaultLoaderWait is how long a loader waits to collect keys into one
// batch. gqlgen resolves the elements of a list concurrently, so their
// loads arrive within microseconds of each other. Fields that are not under
// a list never wait (see inList).
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
	asOf  store.Date
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
			p, _ := store.ParsePredicate(n)
			f.Predicates = append(f.Predicates, p)
		}
	}
	return f
}

// loaders are created per operation so cached values never outlive the
// request that read them.
type loaders struct {
	db     *store.DB
	entity *dataloadgen.Loader[snapKey, *store.Entity]
	edges  *dataloadgen.Loader[edgeKey, []*store.Fact]
	text   *dataloadgen.Loader[snapKey, string] // documents' stored texts
}

func newLoaders(db *store.DB, wait time.Duration) *loaders {
	if wait <= 0 {
		wait = DefaultLoaderWait
	}
	return &loaders{
		db: db,
		entity: dataloadgen.NewMappedLoader(func(ctx context.Context, keys []snapKey) (map[snapKey]*store.Entity, error) {
			return fetchEntities(db, keys)
		}, dataloadgen.WithWait(wait)),
		edges: dataloadgen.NewMappedLoader(func(ctx context.Context, keys []edgeKey) (map[edgeKey][]*store.Fact, error) {
			return fetchEdges(db, keys)
		}, dataloadgen.WithWait(wait)),
		text: dataloadgen.NewMappedLoader(func(ctx context.Context, keys []snapKey) (map[snapKey]string, error) {
			return fetchTexts(db, keys)
		}, dataloadgen.WithWait(wait)),
	}
}

func snapTime(at int64) time.Time {
	if at == 0 {
		return time.Time{}
	}
	return time.Unix(0, at)
}

func atKey(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fetchEntities reads all keys of one snapshot with one store read.
func fetchEntities(db *store.DB, keys []snapKey) (map[snapKey]*store.Entity, error) {
	groups := map[int64][]string{}
	for _, k := range keys {
		groups[k.at] = append(groups[k.at], k.id)
	}
	out := make(map[snapKey]*store.Entity, len(keys))
	for at, ids := range groups {
		err := db.View(snapTime(at), func(r *store.Reader) error {
			m, err := r.Entities(ids)
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
// one store read.
func fetchEdges(db *store.DB, keys []edgeKey) (map[edgeKey][]*store.Fact, error) {
	type group struct {
		at int64
		edgeSel
	}
	groups := map[group][]string{}
	for _, k := range keys {
		g := group{k.at, k.edgeSel}
		groups[g] = append(groups[g], k.id)
	}
	out := make(map[edgeKey][]*store.Fact, len(keys))
	for g, ids := range groups {
		err := db.View(snapTime(g.at), func(r *store.Reader) error {
			m, err := r.EdgesOf(ids, g.filter())
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

// inList reports whether the field resolving in ctx runs once per element
// of a list above it. Only then can siblings share a batch; a field that
// runs once reads at once instead of waiting for a batch that will not
// come.
func inList(ctx context.Context) bool {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Index != nil {
			return true
		}
	}
	return false
}

// loadEntity loads one entity; a missing one is store.ErrNotFound.
func (l *loaders) loadEntity(ctx context.Context, at time.Time, id string) (*store.Entity, error) {
	if !inList(ctx) {
		if err := l.primeEntities(at, []string{id}); err != nil {
			return nil, err
		}
	}
	e, err := l.entity.Load(ctx, snapKey{atKey(at), id})
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", store.ErrNotFound, id)
	}
	return e, err
}

// loadEdges loads one entity's edges; an unknown entity has none.
func (l *loaders) loadEdges(ctx context.Context, at time.Time, id string, f store.EdgeFilter) ([]*store.Fact, error) {
	key := edgeKey{atKey(at), id, selOf(f)}
	if !inList(ctx) {
		m, err := fetchEdges(l.db, []edgeKey{key})
		if err != nil {
			return nil, err
		}
		l.edges.Prime(key, m[key])
	}
	fs, err := l.edges.Load(ctx, key)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return fs, err
}

// fetchTexts reads the stored texts of the documents among keys, one store
// read per snapshot.
func fetchTexts(db *store.DB, keys []snapKey) (map[snapKey]string, error) {
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
	t, err := l.text.Load(ctx, snapKey{atKey(at), id})
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return "", false, nil
	}
	return t, err == nil, err
}

// primeEntities reads the given entities at once (one store read) and puts
// them in the loader's cache, so resolvers asking for them later do not
// wait for a batch. Missing ones are left out and load as not found.
func (l *loaders) primeEntities(at time.Time, ids []string) error {
	keys := make([]snapKey, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, snapKey{atKey(at), id})
	}
	m, err := fetchEntities(l.db, keys)
	if err != nil {
		return err
	}
	for k, e := range m {
		l.entity.Prime(k, e)
	}
	return nil
}
