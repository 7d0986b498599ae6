package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/alliancegraph/alliancegraph/domain"
)

// PathQuery asks for the shortest paths between two entities.
type PathQuery struct {
	From, To   string
	MaxHops    int                // 1..MaxDepth
	Predicates []domain.Predicate // empty: all
	AsOf       domain.Date        // only facts valid on this day; zero: any time
	Limit      int                // at most this many paths (> 0)
	MaxVisited int                // cap on entities visited; 0: no cap
}

// Step is one entity on a path and the fact that led to it (nil for the
// first step). Out reports whether the fact points from the previous
// entity to this one.
type Step struct {
	Entity *domain.Entity
	Fact   *domain.Fact
	Out    bool
}

// Path is a sequence of steps from PathQuery.From to PathQuery.To.
type Path []Step

// Paths returns up to q.Limit shortest paths (all of the same, minimal
// length) from q.From to q.To of at most q.MaxHops facts, following facts in
// either direction. It searches breadth-first from both ends at once,
// reading the two sides' next layers in turns of pathStep edges, always
// the side that has read less, until one layer is complete (see side); it
// fails with ErrLimit once more than q.MaxVisited entities have been
// reached, and with ctx's error once ctx is done (it looks before every
// pathStep edges). No path within MaxHops gives an empty result.
func (r *Reader) Paths(ctx context.Context, q PathQuery) ([]Path, error) {
	r.count()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if q.MaxHops < 1 || q.MaxHops > MaxDepth {
		return nil, fmt.Errorf("%w: maxHops %d outside 1..%d", domain.ErrInvalid, q.MaxHops, MaxDepth)
	}
	if q.Limit < 1 {
		return nil, fmt.Errorf("%w: limit must be at least 1", domain.ErrInvalid)
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
	defer a.close()
	defer b.close()
	pfx := pathPrefixes(q.Predicates)
	for a.depth+b.depth < q.MaxHops {
		// Read whichever side has done less work on its next layer, a few
		// edges at a time, until one layer is complete: a layer's cost is
		// its edges, which frontier sizes do not tell (one hub in a small
		// frontier outweighs a large frontier of ordinary nodes), and
		// this way the search spends at most about twice what the cheaper
		// side's layer costs.
		// A side that has found meets goes on alone: its layer holds the
		// answer, and reading the other side's would only find the same
		// length again.
		grow, other := a, b
		switch {
		case len(a.meets) > 0:
		case len(b.meets) > 0 || b.work < a.work || b.work == a.work && len(b.frontier) < len(a.frontier):
			grow, other = b, a
		}
		if len(grow.frontier) == 0 {
			return nil, nil // its component is exhausted: no path
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		done, err := r.advance(grow, other, pfx, q.AsOf, pathStep)
		if err != nil {
			return nil, err
		}
		if q.MaxVisited > 0 && len(a.nodes)+len(b.nodes) > q.MaxVisited {
			return nil, fmt.Errorf("%w: path search reached more than %d entities (the traversal cap); narrow predicates or lower maxHops", domain.ErrLimit, q.MaxVisited)
		}
		// A node of grow's next layer that other has settled ends a
		// shortest path, even before the layer is complete: no node is
		// settled on both sides (that would have ended the search), so
		// grow's layers up to depth and other's up to its depth share no
		// node, every path is longer than both depths together, and this
		// one is one longer. Once the nodes found carry limit paths, or
		// the layer is complete, those paths are the answer.
		if len(grow.meets) > 0 && (done || enoughPaths(grow, other, q.Limit)) {
			meet := slices.Clone(grow.meets)
			slices.Sort(meet)
			return r.assemble(a, b, meet, q.Limit)
		}
	}
	return nil, nil
}

// pathStep is how many edges a path search reads from one side before it
// compares the two sides' work again.
var pathStep = 64

// enoughPaths reports whether grow's meets carry at least limit paths
// (see Paths).
func enoughPaths(grow, other *side, limit int) bool {
	n := 0
	for _, m := range grow.meets {
		if n += grow.countPaths(m, limit) * other.countPaths(m, limit); n >= limit {
			return true
		}
	}
	return false
}

// assemble enumerates up to limit paths through the meeting nodes: every
// path crosses the grown side's newest layer exactly once, so no path is
// produced twice.
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
	if n == sd.start {
		return [][]hop{nil}
	}
	hs := sd.hopsOf(n)
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
