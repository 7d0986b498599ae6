package store

import (
	"cmp"
	"fmt"
	"slices"
)

// ErrLimit is returned when a traversal would visit more entities than its
// cap allows; the message names the cap.
var ErrLimit = fmt.Errorf("store: limit exceeded")

// PathQuery asks for the shortest paths between two entities.
type PathQuery struct {
	From, To   string
	MaxHops    int         // 1..MaxDepth
	Predicates []Predicate // empty: all
	AsOf       Date        // only facts valid on this day; zero: any time
	Limit      int         // at most this many paths (> 0)
	MaxVisited int         // cap on entities visited; 0: no cap
}

// Step is one entity on a path and the fact that led to it (nil for the
// first step). Out reports whether the fact points from the previous
// entity to this one.
type Step struct {
	Entity *Entity
	Fact   *Fact
	Out    bool
}

// Path is a sequence of steps from PathQuery.From to PathQuery.To.
type Path []Step

// hop is how the search reached a node: from node prev via fact fact.
type hop struct {
	prev uint64
	fact edge
	out  bool // the fact points from prev to this node
}

// side is one half of a bidirectional breadth-first search.
type side struct {
	start    uint64
	dist     map[uint64]int
	hops     map[uint64][]hop
	frontier []uint64
	depth    int
}

func newSide(start uint64) *side {
	return &side{start: start, dist: map[uint64]int{start: 0}, hops: map[uint64][]hop{}, frontier: []uint64{start}}
}

// Paths returns up to q.Limit shortest paths (all of the same, minimal
// length) from q.From to q.To of at most q.MaxHops facts, following facts in
// either direction. It searches from both ends at once, always expanding
// the smaller frontier, and fails with ErrLimit once more than q.MaxVisited
// entities have been reached. No path within MaxHops gives an empty result.
func (r *Reader) Paths(q PathQuery) ([]Path, error) {
	r.count()
	if q.MaxHops < 1 || q.MaxHops > MaxDepth {
		return nil, fmt.Errorf("%w: maxHops %d outside 1..%d", ErrInvalid, q.MaxHops, MaxDepth)
	}
	if q.Limit < 1 {
		return nil, fmt.Errorf("%w: limit must be at least 1", ErrInvalid)
	}
	src, _, err := r.entity(q.From)
	if err != nil {
		return nil, err
	}
	dst, _, err := r.entity(q.To)
	if err != nil {
		return nil, err
	}
	s, _, _ := r.resolve(src.ID)
	t, _, _ := r.resolve(dst.ID)
	if s == t {
		return []Path{{{Entity: src}}}, nil
	}
	a, b := newSide(s), newSide(t)
	for a.depth+b.depth < q.MaxHops && len(a.frontier) > 0 && len(b.frontier) > 0 {
		grow, other := a, b
		if len(b.frontier) < len(a.frontier) {
			grow, other = b, a
		}
		budget := 0
		if q.MaxVisited > 0 {
			budget = q.MaxVisited - len(other.dist)
		}
		if err := r.expandSide(grow, q, budget); err != nil {
			return nil, err
		}
		if meet := meeting(grow, other); len(meet) > 0 {
			return r.assemble(a, b, meet, q.Limit)
		}
	}
	return nil, nil
}

// expandSide grows one side by a full layer, failing with ErrLimit as soon
// as the side holds more than budget entities (0: no budget).
func (r *Reader) expandSide(sd *side, q PathQuery, budget int) error {
	sd.depth++
	var next []uint64
	for _, n := range sd.frontier {
		if budget > 0 && len(sd.dist) > budget {
			return fmt.Errorf("%w: path search reached more than %d entities (the traversal cap); narrow predicates or lower maxHops", ErrLimit, q.MaxVisited)
		}
		err := r.neighbours(n, q.Predicates, q.AsOf, func(m uint64, e edge, out bool) {
			d, seen := sd.dist[m]
			if !seen {
				sd.dist[m] = sd.depth
				next = append(next, m)
			} else if d != sd.depth {
				return
			}
			sd.hops[m] = append(sd.hops[m], hop{prev: n, fact: e, out: out})
		})
		if err != nil {
			return err
		}
	}
	sd.frontier = next
	return nil
}

// neighbours calls fn for every fact touching node n that passes the
// filters, with the node at its other end; out reports that n is its From.
// It reads edge keys and values only, never fact records.
func (r *Reader) neighbours(n uint64, preds []Predicate, asOf Date, fn func(m uint64, e edge, out bool)) error {
	ps := []Predicate{0}
	if len(preds) > 0 {
		ps = slices.Compact(slices.Sorted(slices.Values(preds)))
	}
	for _, out := range []bool{true, false} {
		for _, p := range ps {
			err := r.scanEdgeIVs(out, n, p, func(e edge, iv Interval) {
				if asOf != 0 && !iv.Contains(asOf) {
					return
				}
				m := e.dst
				if !out {
					m = e.src
				}
				if m != n {
					fn(m, e, out)
				}
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// scanEdgeIVs calls fn with each O or I key of n (predicate p, 0: all) and
// the interval at the head of its value, without copying the value.
func (r *Reader) scanEdgeIVs(out bool, n uint64, p Predicate, fn func(edge, Interval)) error {
	prefix := edgePrefix(out, n, p)
	it := r.txn.NewIterator(badgerIterOpts(prefix, true))
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		e, err := parseEdgeKey(item.Key())
		if err != nil {
			return err
		}
		var iv Interval
		if err := item.Value(func(v []byte) error { iv, err = parseIV(v); return err }); err != nil {
			return err
		}
		fn(e, iv)
	}
	return nil
}

// meeting returns the nodes of grow's newest layer that other has reached,
// narrowed to those on the shortest total length.
func meeting(grow, other *side) []uint64 {
	best := -1
	var meet []uint64
	for _, n := range grow.frontier {
		d, ok := other.dist[n]
		if !ok {
			continue
		}
		total := grow.depth + d
		switch {
		case best < 0 || total < best:
			best, meet = total, []uint64{n}
		case total == best:
			meet = append(meet, n)
		}
	}
	slices.Sort(meet)
	return meet
}

// assemble enumerates up to limit paths through the meeting nodes: every
// shortest path crosses the grown side's newest layer exactly once, so no
// path is produced twice.
func (r *Reader) assemble(a, b *side, meet []uint64, limit int) ([]Path, error) {
	var paths [][]hop
	for _, m := range meet {
		left := chains(a, m, limit)
		right := chains(b, m, limit)
		for _, l := range left {
			for _, rr := range right {
				// The right chain runs from b's start (the target) to m;
				// walking it backwards continues the path from m.
				p := slices.Clone(l)
				for i := len(rr) - 1; i >= 0; i-- {
					h := rr[i]
					p = append(p, hop{fact: h.fact, out: !h.out})
				}
				paths = append(paths, p)
				if len(paths) >= limit {
					return r.materialize(a, paths)
				}
			}
		}
	}
	return r.materialize(a, paths)
}

// chains lists up to limit hop sequences from sd's start to node n, each in
// start-to-n order, deterministic by (previous node, fact).
func chains(sd *side, n uint64, limit int) [][]hop {
	if sd.dist[n] == 0 {
		return [][]hop{nil}
	}
	hs := slices.Clone(sd.hops[n])
	slices.SortFunc(hs, func(x, y hop) int {
		if c := cmp.Compare(x.prev, y.prev); c != 0 {
			return c
		}
		return cmp.Compare(x.fact.fact, y.fact.fact)
	})
	var out [][]hop
	for _, h := range hs {
		for _, c := range chains(sd, h.prev, limit-len(out)) {
			out = append(out, append(c, h))
			if len(out) >= limit {
				return out
			}
		}
	}
	return out
}

// materialize turns hop sequences starting at a's start into Paths with
// entities and facts read from the store.
func (r *Reader) materialize(a *side, seqs [][]hop) ([]Path, error) {
	start := a.start
	out := make([]Path, 0, len(seqs))
	for _, seq := range seqs {
		first, err := r.entityByNum(start)
		if err != nil {
			return nil, err
		}
		p := Path{{Entity: first}}
		cur := start
		for _, h := range seq {
			f, err := r.factAt(h.fact)
			if err != nil {
				return nil, err
			}
			next := h.fact.dst
			if !h.out {
				next = h.fact.src
			}
			if h.out && h.fact.src != cur || !h.out && h.fact.dst != cur {
				return nil, fmt.Errorf("store: path assembly broke at node %d", cur)
			}
			e, err := r.entityByNum(next)
			if err != nil {
				return nil, err
			}
			p = append(p, Step{Entity: e, Fact: f, Out: h.out})
			cur = next
		}
		out = append(out, p)
	}
	return out, nil
}
