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
// scan read a whole index whatever the page size, and take a slot too. A
// request whose context has ended, or ends while it waits, gets TIMEOUT.
// The returned function gives the slot back.
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
	select {
	case r.searches <- struct{}{}:
		return func() { <-r.searches }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("graph: waiting for a search slot: %w", ctx.Err())
	}
}
