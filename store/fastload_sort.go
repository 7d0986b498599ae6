package store

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// A load's operations reach Badger in key order. Sorting millions of
// them after the apply phase would keep both cores busy while nothing
// else can happen, and during the apply phase, one goroutine's work, the
// second core is mostly idle. So each block of operations, once full
// (operations are never changed once appended), is sorted there by a
// presorter, as a permutation of its indexes; when the load streams,
// each tag's sorted blocks are merged, a few comparisons per operation
// where a sort of the whole tag needs many more.

// arena is a memKV's chunks of key and value bytes (see memKV.arena).
// The bytes a memRef locates never change once written, so a copy of
// the chunks' slice headers reads them while the load goes on
// appending: that is how a presorter reads keys.
type arena [][]byte

// bytes returns the arena bytes at r, capped so that an append by a
// caller cannot reach into the arena.
func (a arena) bytes(r memRef) []byte {
	end := r.off + r.n
	return a[r.chunk][r.off:end:end]
}

// compareOps orders a tag's operations by key, then by version, newest
// first (Badger's order), then by write order, so that among writes of
// the same key and version the last one comes last. Version 0, the
// operations of the load itself (stream gives them the load's commit
// timestamp, newer than any kept key's), is the newest.
func (a arena) compareOps(x, y *memOp) int {
	if c := a.compareKeys(x, y); c != 0 {
		return c
	}
	if x.ver != y.ver {
		return cmp.Compare(newest(y.ver), newest(x.ver))
	}
	return cmp.Compare(x.seq, y.seq)
}

// newest maps version 0 (this load's) above every kept version.
func newest(ver uint64) uint64 {
	if ver == 0 {
		return math.MaxUint64
	}
	return ver
}

// headLen is how many bytes of a key its operation's heads hold: the
// tag, which all keys of a sort share, and 24 more.
const headLen = 25

// compareKeys compares the keys of x and y as bytes.Compare does,
// reading the arena only for keys longer than headLen whose heads tie.
// When the heads tie and a key is at most headLen bytes long, the other
// key's bytes past it, up to headLen, are zero: it is a prefix of the
// other, or equal to it, and the lengths decide.
func (a arena) compareKeys(x, y *memOp) int {
	switch {
	case x.head != y.head:
		return cmp.Compare(x.head, y.head)
	case x.head2 != y.head2:
		return cmp.Compare(x.head2, y.head2)
	case x.head3 != y.head3:
		return cmp.Compare(x.head3, y.head3)
	case x.key.n <= headLen || y.key.n <= headLen:
		return cmp.Compare(x.key.n, y.key.n)
	}
	return bytes.Compare(a.bytes(x.key), a.bytes(y.key))
}

// sameKey reports whether x and y are writes of the same key.
func (a arena) sameKey(x, y *memOp) bool {
	return x.key.n == y.key.n && a.compareKeys(x, y) == 0
}

// blockOrder is the order of one block's operations by compareOps: the
// indexes of the operations in the block, as uint16 (memBlock is 1<<16).
type blockOrder []uint16

// A block's indexes must fit a blockOrder's uint16.
var _ [math.MaxUint16 + 1 - memBlock]struct{}

// sortBlock returns the order of ops (at most memBlock of them), reading
// keys from a.
func sortBlock(a arena, ops []memOp) blockOrder {
	order := make(blockOrder, len(ops))
	for i := range order {
		order[i] = uint16(i)
	}
	slices.SortFunc(order, func(x, y uint16) int { return a.compareOps(&ops[x], &ops[y]) })
	return order
}

// sortedBlock is a full block handed to a presorter; order is set once
// the presorter is finished (see presorter.finish).
type sortedBlock struct {
	ops   []memOp
	arena arena // the chunks as they were when the block filled
	order blockOrder
}

// presortQueue bounds the blocks waiting for a presorter; a block that
// finds the queue full is sorted when the load streams.
const presortQueue = 1 << 12

// presorter sorts full blocks of operations on a goroutine of its own
// while the load applies its writes.
type presorter struct {
	todo     chan *sortedBlock
	done     sync.WaitGroup
	stopped  atomic.Bool // set when the load failed: skip what is left
	finished bool
}

// newPresorter starts a presorter that queues up to queue blocks.
func newPresorter(queue int) *presorter {
	p := &presorter{todo: make(chan *sortedBlock, queue)}
	p.done.Go(p.run)
	return p
}

func (p *presorter) run() {
	for b := range p.todo {
		if !p.stopped.Load() {
			b.order = sortBlock(b.arena, b.ops)
		}
	}
}

// add hands a full block of operations, whose keys are in a, to the
// presorter, and returns it as the presorter will sort it; nil when a
// nil or finished presorter or a full queue does not take it.
func (p *presorter) add(ops []memOp, a arena) *sortedBlock {
	if p == nil || p.finished {
		return nil
	}
	b := &sortedBlock{ops: ops, arena: slices.Clone(a)}
	select {
	case p.todo <- b:
		return b
	default:
		return nil
	}
}

// finish sorts what is still queued, on the presorter's goroutine and
// workers-1 more (the load has nothing else to do by then), and returns
// once every block taken is sorted. After finish, add takes nothing;
// finish may be called more than once.
func (p *presorter) finish() {
	if p == nil || p.finished {
		return
	}
	p.finished = true
	close(p.todo)
	for range workers - 1 {
		p.done.Go(p.run)
	}
	p.done.Wait()
}

// stop ends the presorter without sorting what is left, for a load that
// failed; it may be called after finish.
func (p *presorter) stop() {
	if p == nil {
		return
	}
	p.stopped.Store(true)
	p.finish()
}

// merge puts tag t's operations, in compareOps order, into byTag[t],
// giving the load's own operations (version 0) version ts, and lets the
// blocks go. Blocks the presorter did not sort are sorted here; call
// presorter.finish first.
func (m *memKV) merge(t byte, ts uint64) {
	out := make([]memOp, 0, m.count(t))
	runs := make([]mergeRun, len(m.blocks[t]))
	for i, ops := range m.blocks[t] {
		var order blockOrder
		if i < len(m.handed[t]) && m.handed[t][i] != nil {
			order = m.handed[t][i].order
		}
		if order == nil {
			order = sortBlock(m.arena, ops)
		}
		runs[i] = mergeRun{ops: ops, order: order}
	}
	h := mergeHeap{a: m.arena, runs: runs}
	h.init()
	for len(h.runs) > 0 {
		op := *h.top()
		if op.ver == 0 {
			op.ver = ts
		}
		out = append(out, op)
		h.next()
	}
	m.blocks[t], m.handed[t], m.byTag[t] = nil, nil, out
}

// mergeRun is one sorted block being merged: its operations, their
// order, and how many of them have been taken.
type mergeRun struct {
	ops   []memOp
	order blockOrder
	i     int
}

func (r *mergeRun) head() *memOp { return &r.ops[r.order[r.i]] }

// mergeHeap is a binary min-heap of runs by their next operation.
type mergeHeap struct {
	a    arena
	runs []mergeRun
}

func (h *mergeHeap) less(i, j int) bool {
	return h.a.compareOps(h.runs[i].head(), h.runs[j].head()) < 0
}

func (h *mergeHeap) init() {
	for i := len(h.runs)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// top returns the smallest operation not yet taken.
func (h *mergeHeap) top() *memOp { return h.runs[0].head() }

// next takes the top operation: its run moves on, or leaves the heap
// once empty.
func (h *mergeHeap) next() {
	r := &h.runs[0]
	if r.i++; r.i == len(r.order) {
		last := len(h.runs) - 1
		h.runs[0] = h.runs[last]
		h.runs = h.runs[:last]
	}
	h.down(0)
}

func (h *mergeHeap) down(i int) {
	n := len(h.runs)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && h.less(c+1, c) {
			c++
		}
		if !h.less(c, i) {
			return
		}
		h.runs[i], h.runs[c] = h.runs[c], h.runs[i]
		i = c
	}
}
