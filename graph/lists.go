package graph

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
)

// listMode is how the elements of the innermost list around a field
// resolve; a field under no list has none.
type listMode uint8

const (
	// inOrder: one after another on the list's goroutine; a load the
	// loader does not hold reads at once (nothing else would join a batch).
	inOrder listMode = iota + 1
	// together: concurrently, a goroutine each; loads join one batch.
	together
)

type listModeKey struct{}

// batched reports whether a load in ctx joins a loader batch rather than
// reading at once: only under a list whose elements resolve together.
func batched(ctx context.Context) bool {
	m, _ := ctx.Value(listModeKey{}).(listMode)
	return m == together
}

// marshalList marshals the n elements of a list of objects. generated.go
// calls it where gqlgen's template calls graphql.MarshalSliceConcurrently,
// with the same arguments: the generate step swaps the name (see
// internal/execswap).
//
// gqlgen starts a goroutine per element so that the elements' loads meet
// in one dataloader batch. Here most lists are read ahead: a fact list's
// resolver reads the entities at its facts' ends, a member list reads its
// members' memberships (lookahead.go). For those the goroutines only cost:
// starting them, growing each one's stack, scheduling them, a clear loss
// on short lists such as an event's participants (docs/BENCHMARKS.md).
//
// So marshalList resolves the elements in order on the calling goroutine,
// where a load reads at once whatever its loader does not hold. Once an
// element has made such a read (the list was not read ahead), the elements
// after it resolve together, as gqlgen would, and their loads batch: a
// list that is not read ahead costs one store read more than with gqlgen's
// function, and no wait more. Under a list resolving together, lists
// resolve together too, since reads at once there would be one per element.
func marshalList(ctx context.Context, n int, workerLimit int64, omitPanicHandler bool, elem func(context.Context, int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, n)
	if batched(ctx) {
		marshalTogether(ctx, ret, 0, workerLimit, omitPanicHandler, elem)
		return ret
	}
	reads := readsAtOnce(ctx)
	seq := ctx
	if m, _ := ctx.Value(listModeKey{}).(listMode); m != inOrder {
		seq = context.WithValue(ctx, listModeKey{}, inOrder)
	}
	for i := range n {
		before := reads.Load()
		ret[i] = marshalElem(seq, i, omitPanicHandler, elem)
		if reads.Load() != before && i+1 < n {
			marshalTogether(ctx, ret, i+1, workerLimit, omitPanicHandler, elem)
			break
		}
	}
	return ret
}

// marshalTogether marshals elements from.. of ret concurrently, a
// goroutine each (at most workerLimit at a time when it is positive), as
// gqlgen's MarshalSliceConcurrently does.
func marshalTogether(ctx context.Context, ret graphql.Array, from int, workerLimit int64, omitPanicHandler bool, elem func(context.Context, int) graphql.Marshaler) {
	if !batched(ctx) {
		ctx = context.WithValue(ctx, listModeKey{}, together)
	}
	var slots chan struct{}
	if workerLimit > 0 {
		slots = make(chan struct{}, workerLimit)
	}
	var wg sync.WaitGroup
	for i := from; i < len(ret); i++ {
		if slots != nil {
			slots <- struct{}{}
		}
		wg.Go(func() {
			ret[i] = marshalElem(ctx, i, omitPanicHandler, elem)
			if slots != nil {
				<-slots
			}
		})
	}
	wg.Wait()
}

// marshalElem marshals element i with its index in the field context (for
// error paths); a panic becomes that element's error and null, as in
// gqlgen, unless the panic handler is omitted.
func marshalElem(ctx context.Context, i int, omitPanicHandler bool, elem func(context.Context, int) graphql.Marshaler) (m graphql.Marshaler) {
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				m = graphql.Null
			}
		}()
	}
	return elem(ctx, i)
}

// readsAtOnce returns the operation's count of store reads made at once;
// outside an operation, a counter nothing changes.
func readsAtOnce(ctx context.Context) *atomic.Int64 {
	if s, ok := ctx.Value(opStateKey{}).(*opState); ok {
		return &s.loaders.now
	}
	return new(atomic.Int64)
}
