package graph

import (
	"context"
	"fmt"
	"runtime"
)

// acquireSearch waits for one of the Resolver's search slots: path and
// neighborhood traversals are CPU-bound and hold their visited sets until
// they finish, so more of them at once than there are cores only spreads
// the cores thinner and multiplies the memory in use (docs/BENCHMARKS.md).
// Counts (totalCount of facts and entities) and the accessions
// scan read a whole index whatever the page size, and take a slot too.
//
// One operation holds one slot at a time: its fields resolve at once, and
// a query of many counts or searches would otherwise take every slot and
// keep every other client's searches waiting until all of its own were
// done. Its further searches wait for its own turn first, so that the
// queue for the shared slots holds at most one of each operation's, and
// the slots go round the operations waiting.
//
// A request whose context has ended, or ends while it waits, gets
// TIMEOUT. The returned function gives the slots back.
func (r *Resolver) acquireSearch(ctx context.Context) (release func(), err error) {
	r.searchOnce.Do(func() {
		n := r.MaxSearches
		if n <= 0 {
			n = runtime.GOMAXPROCS(0)
		}
		r.searches = make(chan struct{}, n)
	})

	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("graph: before taking a search slot: %w", err)
	}
	// Outside an operation (a resolver called directly) there is no turn
	// to wait for: own stays nil.
	var own chan struct{}
	if s, ok := ctx.Value(opStateKey{}).(*opState); ok {
		own = s.search
	}
	if own != nil {
		select {
		case own <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("graph: waiting for the operation's other searches: %w", ctx.Err())
		}
	}
	done := func() {
		if own != nil {
			<-own
		}
	}
	select {
	case r.searches <- struct{}{}:
		return func() {
			<-r.searches
			done()
		}, nil
	case <-ctx.Done():
		done()
		return nil, fmt.Errorf("graph: waiting for a search slot: %w", ctx.Err())
	}
}
