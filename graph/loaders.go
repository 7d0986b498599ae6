package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/alliancegraph/alliancegraph/store"
)

// loaderWait is how long a loader waits to collect keys into one batch.
// gqlgen resolves list elements concurrently, so their loads arrive within
// microseconds of each other; a short wait batches them without adding
// noticeable latency.
const loaderWait = 2 * time.Millisecond

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
	entity *dataloadgen.Loader[snapKey, *store.Entity]
	edges  *dataloadgen.Loader[edgeKey, []*store.Fact]
	text   *dataloadgen.Loader[snapKey, string] // documents' stored texts
}

func newLoaders(db *store.DB) *loaders {
	return &loaders{
		entity: dataloadgen.NewMappedLoader(func(ctx context.Context, keys []snapKey) (map[snapKey]*store.Entity, error) {
			return fetchEntities(db, keys)
		}, dataloadgen.WithWait(loaderWait)),
		edges: dataloadgen.NewMappedLoader(func(ctx context.Context, keys []edgeKey) (map[edgeKey][]*store.Fact, error) {
			return fetchEdges(db, keys)
		}, dataloadgen.WithWait(loaderWait)),
		text: dataloadgen.NewMappedLoader(func(ctx context.Context, keys []snapKey) (map[snapKey]string, error) {
			return fetchTexts(db, keys)
		}, dataloadgen.WithWait(loaderWait)),
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

// loadEntity loads one entity; a missing one is store.ErrNotFound.
func (l *loaders) loadEntity(ctx context.Context, at time.Time, id string) (*store.Entity, error) {
	e, err := l.entity.Load(ctx, snapKey{atKey(at), id})
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", store.ErrNotFound, id)
	}
	return e, err
}

// loadEdges loads one entity's edges; an unknown entity has none.
func (l *loaders) loadEdges(ctx context.Context, at time.Time, id string, f store.EdgeFilter) ([]*store.Fact, error) {
	fs, err := l.edges.Load(ctx, edgeKey{atKey(at), id, selOf(f)})
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
