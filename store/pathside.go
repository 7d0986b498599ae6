package store

import (
	"slices"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// side is one half of a bidirectional breadth-first search (see Paths).
//
// Its settled layers are those it has read completely: nodes holds every
// node of them with its depth and how it was reached, frontier the newest
// layer. The next layer is read a few edges at a time (advance), so that
// the search can pause one side and resume it later: nodes found for it
// are already in nodes, at depth+1, but count as reached, not settled,
// until the layer is complete.
//
// Every edge read looks its far end up, so the nodes a side has reached
// are one map to an index into a slice, and their hops one slice of
// linked lists, not a map of slices: map operations were a fifth of a
// search's time.
type side struct {
	start    uint64
	index    map[uint64]int32 // node -> its entry in nodes
	nodes    []reached
	hops     []hop
	frontier []uint64
	depth    int

	// The next layer, being read.
	next []uint64 // its nodes, in the order found
	i    int      // frontier nodes read completely
	scan edgeScan // frontier[i]'s edges, once begun
	work int      // edges and nodes read for it: the cost that Paths evens out
	// meets are nodes of the next layer that the other side has settled,
	// found as they were reached; once the layer is settled, all of them.
	// Each ends a shortest path (see Paths).
	meets []uint64
	// counts memoises countPaths for settled nodes, whose hops are final.
	counts map[uint64]int

	its [2]*badger.Iterator // over out- and in-edge keys, opened on first use
}

// reached is a node a side has reached: at which depth, and the newest
// of the hops that reached it there (an index into side.hops, -1: none).
type reached struct {
	depth int32
	last  int32
}

// hop is how the search reached a node: from node prev via fact fact.
type hop struct {
	prev uint64
	fact edge
	out  bool  // the fact points from prev to this node
	next int32 // the node's hop before this one, -1: none
}

func newSide(start uint64) *side {
	return &side{start: start, index: map[uint64]int32{start: 0}, nodes: []reached{{depth: 0, last: -1}}, frontier: []uint64{start}}
}

// depthOf returns the depth at which sd reached n, settled or not.
func (sd *side) depthOf(n uint64) (int, bool) {
	i, ok := sd.index[n]
	if !ok {
		return 0, false
	}
	return int(sd.nodes[i].depth), true
}

// hopsOf returns the hops that reached n at its depth, newest first.
func (sd *side) hopsOf(n uint64) []hop {
	var hs []hop
	i, ok := sd.index[n]
	if !ok {
		return nil
	}
	for h := sd.nodes[i].last; h >= 0; h = sd.hops[h].next {
		hs = append(hs, sd.hops[h])
	}
	return hs
}

// settled reports whether node n is in one of sd's settled layers.
func (sd *side) settled(n uint64) (int, bool) {
	d, ok := sd.depthOf(n)
	return d, ok && d <= sd.depth
}

// close closes the side's iterators; call it before the transaction ends.
func (sd *side) close() {
	for _, it := range sd.its {
		if it != nil {
			it.Close()
		}
	}
}

// edgeScan is the position in one node's edges.
type edgeScan struct {
	node    uint64
	k       int  // index of the prefix being read (see pathPrefixes)
	started bool // the iterator has been positioned on that prefix
	active  bool // a node is being read
}

// pathPrefix is the shape of one key prefix read per node: out- or
// in-edges, of one predicate (0: all).
type pathPrefix struct {
	out  bool
	pred domain.Predicate
}

// pathPrefixes lists the prefixes a search with predicates ps (empty:
// all) reads per node: out-edges, then in-edges, per predicate.
func pathPrefixes(ps []domain.Predicate) []pathPrefix {
	preds := []domain.Predicate{0}
	if len(ps) > 0 {
		preds = slices.Compact(slices.Sorted(slices.Values(ps)))
	}
	var out []pathPrefix
	for _, o := range []bool{true, false} {
		for _, p := range preds {
			out = append(out, pathPrefix{out: o, pred: p})
		}
	}
	return out
}

// advance reads up to budget more of sd's next layer (each edge counts
// one, and so does each frontier node begun, so that nodes without edges
// cost something too) and reports whether the layer is complete; it then
// settles it. Edges whose interval misses asOf (when set) are skipped.
// Nodes found that other has settled are added to sd.meets.
func (r *Reader) advance(sd, other *side, pfx []pathPrefix, asOf domain.Date, budget int) (bool, error) {
	spent := 0
	for sd.i < len(sd.frontier) {
		if spent >= budget {
			return false, nil
		}
		sc := &sd.scan
		if !sc.active {
			*sc = edgeScan{node: sd.frontier[sd.i], active: true}
			spent++
			sd.work++
		}
		for sc.k < len(pfx) && spent < budget {
			p := pfx[sc.k]
			prefix := edgePrefix(p.out, sc.node, p.pred)
			it := sd.iterator(r, p.out)
			if !sc.started {
				it.Seek(prefix)
				sc.started = true
			}
			for ; spent < budget && it.ValidForPrefix(prefix); it.Next() {
				spent++
				sd.work++
				if err := sd.reach(other, it.Item(), p.out, sc.node, asOf); err != nil {
					return false, err
				}
			}
			if it.ValidForPrefix(prefix) {
				return false, nil // paused inside this prefix
			}
			sc.k++
			sc.started = false
		}
		if sc.k < len(pfx) {
			return false, nil
		}
		sc.active = false
		sd.i++
	}
	sd.depth++
	sd.frontier, sd.next, sd.i = sd.next, nil, 0
	sd.work = 0
	// other may have settled nodes of this layer after they were found:
	// the settled layer's meets are all its nodes that other has settled.
	sd.meets = sd.meets[:0]
	for _, n := range sd.frontier {
		if _, ok := other.settled(n); ok {
			sd.meets = append(sd.meets, n)
		}
	}
	return true, nil
}

// reach records the edge at item, read from node n's side, if it is valid
// on asOf: the node at its other end joins the next layer unless sd has
// already reached it at a smaller depth.
func (sd *side) reach(other *side, item *badger.Item, out bool, n uint64, asOf domain.Date) error {
	key, err := ParseKey(item.Key())
	if err != nil {
		return err
	}
	e := key.edge()
	if asOf != 0 {
		var iv domain.Interval
		if err := item.Value(func(v []byte) error { iv, err = parseIV(v); return err }); err != nil {
			return err
		}
		if !iv.Contains(asOf) {
			return nil
		}
	}
	m := e.dst
	if !out {
		m = e.src
	}
	if m == n {
		return nil
	}
	i, seen := sd.index[m]
	if !seen {
		i = int32(len(sd.nodes))
		sd.index[m] = i
		sd.nodes = append(sd.nodes, reached{depth: int32(sd.depth + 1), last: -1})
		sd.next = append(sd.next, m)
		if _, ok := other.settled(m); ok {
			sd.meets = append(sd.meets, m)
		}
	}
	if nd := &sd.nodes[i]; int(nd.depth) == sd.depth+1 {
		sd.hops = append(sd.hops, hop{prev: n, fact: e, out: out, next: nd.last})
		nd.last = int32(len(sd.hops) - 1)
	}
	return nil
}

// countPaths returns how many shortest chains lead from sd's start to
// node n, at most limit (one search asks with one limit), memoising
// settled nodes' counts: Paths asks again after every step while it has
// meets.
func (sd *side) countPaths(n uint64, limit int) int {
	if n == sd.start {
		return 1
	}
	if c, ok := sd.counts[n]; ok {
		return c
	}
	c := 0
	for _, h := range sd.hopsOf(n) {
		if c += sd.countPaths(h.prev, limit); c >= limit {
			c = limit
			break
		}
	}
	if _, ok := sd.settled(n); ok { // an unsettled node may still gain hops
		if sd.counts == nil {
			sd.counts = map[uint64]int{}
		}
		sd.counts[n] = c
	}
	return c
}

// iterator returns the side's iterator over out- or in-edge keys.
func (sd *side) iterator(r *Reader, out bool) *badger.Iterator {
	i, tag := 0, tagOut
	if !out {
		i, tag = 1, tagIn
	}
	if sd.its[i] == nil {
		sd.its[i] = r.txn.NewIterator(badgerIterOpts(tagPrefix(tag)))
	}
	return sd.its[i]
}
