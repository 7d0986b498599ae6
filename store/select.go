package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Selection names a subgraph: the neighbourhood of Seeds within Depth hops,
// or, with no seeds, the whole graph. It is the one definition of "which
// entities and facts" that the GraphQL neighborhood field and every export
// share.
type Selection struct {
	Seeds      []string           // readable entity IDs; empty selects the whole graph
	Depth      int                // hops from the seeds (ignored for the whole graph)
	Predicates []domain.Predicate // facts to follow and include; empty: all
	Kinds      []domain.Kind      // entity kinds to include besides the seeds; empty: all
	AsOf       domain.Date        // only facts valid on this day; zero: facts of any time
	MaxNodes   int                // stop adding entities at this many; 0: no cap
}

// MaxDepth bounds Selection.Depth.
const MaxDepth = 6

func (s *Selection) validate() error {
	if s.Depth < 0 || s.Depth > MaxDepth {
		return fmt.Errorf("%w: depth %d outside 0..%d", domain.ErrInvalid, s.Depth, MaxDepth)
	}
	if s.MaxNodes < 0 {
		return fmt.Errorf("%w: maxNodes must not be negative", domain.ErrInvalid)
	}
	for _, p := range s.Predicates {
		if !p.Valid() {
			return fmt.Errorf("%w: unknown predicate %d", domain.ErrInvalid, p)
		}
	}
	return nil
}

func (s *Selection) factOK(f *domain.Fact) bool {
	if len(s.Predicates) > 0 && !slices.Contains(s.Predicates, f.Predicate) {
		return false
	}
	return s.AsOf == 0 || f.ValidAt(s.AsOf)
}

func (s *Selection) kindOK(id string) bool {
	if len(s.Kinds) == 0 {
		return true
	}
	k, _, err := domain.SplitID(id)
	return err == nil && slices.Contains(s.Kinds, k)
}

// Visitor receives a selection's entities, then its facts. Values passed
// to it may be kept.
type Visitor struct {
	Entity func(*domain.Entity) error
	Fact   func(*domain.Fact) error
}

// Walk streams the selection to v: every selected entity in ID order
// (grouped by kind), then every fact between two selected entities that
// passes the filters, in fact ID order. The order depends only on the
// graph's contents, never on internal ids, so two stores holding the same
// graph walk the same sequence.
//
// The whole graph is streamed straight from the index (memory does not grow
// with the graph); a seeded selection holds its entity IDs and facts, which
// MaxNodes bounds. It reports whether MaxNodes cut the selection short.
// It stops with ctx's error once ctx is done.
func (r *Reader) Walk(ctx context.Context, sel Selection, v Visitor) (truncated bool, err error) {
	r.count()
	if err := sel.validate(); err != nil {
		return false, err
	}
	st := &stopper{ctx: ctx}
	if err := st.check(); err != nil {
		return false, err
	}
	if len(sel.Seeds) == 0 {
		return r.walkAll(st, sel, v)
	}
	nodes, truncated, err := r.expand(st, sel)
	if err != nil {
		return false, err
	}
	ents := make([]*domain.Entity, 0, len(nodes))
	for n := range nodes {
		if err := st.check(); err != nil {
			return false, err
		}
		e, err := r.entityByNum(n)
		if err != nil {
			return false, err
		}
		ents = append(ents, e)
	}
	slices.SortFunc(ents, func(a, b *domain.Entity) int { return compareIDs(a.ID, b.ID) })
	if v.Entity != nil {
		for _, e := range ents {
			if err := v.Entity(e); err != nil {
				return false, err
			}
		}
	}
	if v.Fact == nil {
		return truncated, nil
	}
	var facts []*domain.Fact
	for n := range nodes {
		err := r.forEdges(n, sel, true, func(e edge, v []byte) error {
			if err := st.check(); err != nil {
				return err
			}
			if !nodes[e.dst] {
				return nil
			}
			f, err := decodeEdgeFact(e, v)
			facts = append(facts, f)
			return err
		})
		if err != nil {
			return false, err
		}
	}
	slices.SortFunc(facts, func(a, b *domain.Fact) int { return compareIDs(a.ID, b.ID) })
	for _, f := range facts {
		if err := v.Fact(f); err != nil {
			return false, err
		}
	}
	return truncated, nil
}

// forEdges calls fn for each out-edge (out) or in-edge of node n whose
// predicate and interval pass sel, with the edge value (valid only until
// fn returns, see scanEdges); it reads no record.
func (r *Reader) forEdges(n uint64, sel Selection, out bool, fn func(edge, []byte) error) error {
	preds := sel.Predicates
	if len(preds) == 0 {
		preds = []domain.Predicate{0}
	}
	for _, p := range preds {
		err := r.scanEdges(out, n, p, func(e edge, v []byte) error {
			iv, err := parseIV(v)
			if err != nil {
				return err
			}
			if sel.AsOf != 0 && !iv.Contains(sel.AsOf) {
				return nil
			}
			return fn(e, v)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// compareIDs orders readable IDs as the slug index does: by kind number,
// then key bytes.
func compareIDs(a, b string) int {
	ka, keyA, _ := domain.SplitID(a)
	kb, keyB, _ := domain.SplitID(b)
	if ka != kb {
		return int(ka) - int(kb)
	}
	switch {
	case keyA < keyB:
		return -1
	case keyA > keyB:
		return 1
	}
	return 0
}

// expand runs a breadth-first search from the seeds over edges in both
// directions that pass the filters, returning the reached internal ids. It
// reads edge keys and values only, and entity records only to check kinds.
func (r *Reader) expand(st *stopper, sel Selection) (map[uint64]bool, bool, error) {
	nodes := map[uint64]bool{}
	var frontier []uint64
	for _, id := range sel.Seeds {
		_, n, err := r.entity(id)
		if err != nil {
			return nil, false, err
		}
		if !nodes[n] {
			nodes[n] = true
			frontier = append(frontier, n)
		}
	}
	kinds := map[uint64]bool{} // kind check results, by id
	kindOK := func(n uint64) (bool, error) {
		if len(sel.Kinds) == 0 {
			return true, nil
		}
		if ok, seen := kinds[n]; seen {
			return ok, nil
		}
		e, err := r.entityByNum(n)
		if err != nil {
			return false, err
		}
		kinds[n] = slices.Contains(sel.Kinds, e.Kind)
		return kinds[n], nil
	}
	truncated := false
	for d := 0; d < sel.Depth && len(frontier) > 0 && !truncated; d++ {
		var next []uint64
		for _, n := range frontier {
			for _, out := range []bool{true, false} {
				err := r.forEdges(n, sel, out, func(e edge, _ []byte) error {
					if err := st.check(); err != nil {
						return err
					}
					other := e.dst
					if !out {
						other = e.src
					}
					if nodes[other] || truncated {
						return nil
					}
					ok, err := kindOK(other)
					if err != nil || !ok {
						return err
					}
					if sel.MaxNodes > 0 && len(nodes) >= sel.MaxNodes {
						truncated = true
						return nil
					}
					nodes[other] = true
					next = append(next, other)
					return nil
				})
				if err != nil {
					return nil, false, err
				}
			}
		}
		frontier = next
	}
	return nodes, truncated, nil
}

// walkAll streams the whole graph from the slug index, which is sorted by
// kind and readable key: entity kinds first, then facts.
func (r *Reader) walkAll(st *stopper, sel Selection, v Visitor) (bool, error) {
	// kept holds the entities walked when MaxNodes may cut the walk: a
	// cut walk streams only the facts between them, as a seeded walk does.
	var kept map[string]bool
	if sel.MaxNodes > 0 {
		kept = make(map[string]bool, sel.MaxNodes)
	}
	truncated := false
	for _, k := range domain.Kinds() {
		if len(sel.Kinds) > 0 && !slices.Contains(sel.Kinds, k) {
			continue
		}
		err := r.scanValues(slugPrefix(k), func(_, val []byte) error {
			if err := st.check(); err != nil {
				return err
			}
			if sel.MaxNodes > 0 && len(kept) >= sel.MaxNodes {
				return errStop
			}
			n, ok := parseNum(val)
			if !ok {
				return fmt.Errorf("%w: slug value", ErrCorrupt)
			}
			e, err := r.entityByNum(n)
			if err != nil {
				return err
			}
			if kept != nil {
				kept[e.ID] = true
			}
			if v.Entity == nil {
				return nil
			}
			return v.Entity(e)
		})
		if errors.Is(err, errStop) {
			truncated = true
			break
		}
		if err != nil {
			return false, err
		}
	}
	if !truncated {
		kept = nil // every entity is in: no fact needs the check
	}
	return truncated, r.walkAllFacts(st, sel, v, kept)
}

// errStop ends a scan early without being an error.
var errStop = errors.New("stop")

// walkAllFacts streams the facts sel selects; with kept, only those whose
// both ends are in it.
func (r *Reader) walkAllFacts(st *stopper, sel Selection, v Visitor, kept map[string]bool) error {
	if v.Fact == nil {
		return nil
	}
	return r.scanValues(slugPrefix(domain.KindFact), func(_, val []byte) error {
		if err := st.check(); err != nil {
			return err
		}
		n, ok := parseNum(val)
		if !ok {
			return fmt.Errorf("%w: slug value", ErrCorrupt)
		}
		loc, err := r.get(factKey(n))
		if err != nil {
			return err
		}
		e, err := parseFactLoc(n, loc)
		if err != nil {
			return err
		}
		f, err := r.factAt(e)
		if err != nil {
			return err
		}
		if !sel.factOK(f) || !sel.kindOK(f.From) || !sel.kindOK(f.To) {
			return nil
		}
		if kept != nil && (!kept[f.From] || !kept[f.To]) {
			return nil
		}
		return v.Fact(f)
	})
}

// Subgraph is a selection held in memory.
type Subgraph struct {
	Entities  []*domain.Entity
	Facts     []*domain.Fact
	Truncated bool
}

// Neighborhood collects a selection into memory; use Walk to stream. It
// stops with ctx's error once ctx is done.
func (r *Reader) Neighborhood(ctx context.Context, sel Selection) (*Subgraph, error) {
	g := &Subgraph{}
	t, err := r.Walk(ctx, sel, Visitor{
		Entity: func(e *domain.Entity) error { g.Entities = append(g.Entities, e); return nil },
		Fact:   func(f *domain.Fact) error { g.Facts = append(g.Facts, f); return nil },
	})
	g.Truncated = t
	return g, err
}
