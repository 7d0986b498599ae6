package graph

import (
	"context"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// opState is what one GraphQL operation shares across its resolvers: the
// snapshot "now" was pinned to when it started, so every field of one
// response reads the same transaction time, its dataloaders, and its own
// turn at the search slots (see acquireSearch).
type opState struct {
	now     time.Time
	loaders *loaders
	search  chan struct{} // one: the operation's searches run one at a time
}

func newOpState(db Store, wait time.Duration) *opState {
	return &opState{now: db.LastCommit(), loaders: newLoaders(db, wait), search: make(chan struct{}, 1)}
}

type opStateKey struct{}

func withOpState(ctx context.Context, db Store, wait time.Duration) context.Context {
	return context.WithValue(ctx, opStateKey{}, newOpState(db, wait))
}

// op returns the operation's state; resolvers called outside an operation
// (tests calling them directly) get a fresh one.
func (r *Resolver) op(ctx context.Context) *opState {
	if s, ok := ctx.Value(opStateKey{}).(*opState); ok {
		return s
	}
	return newOpState(r.DB, r.LoaderWait)
}

// at picks the transaction time a field reads: its own knownAt argument,
// else its parent object's snapshot, else the operation's "now".
func (r *Resolver) at(ctx context.Context, knownAt *time.Time, parent time.Time) time.Time {
	switch {
	case knownAt != nil:
		return *knownAt
	case !parent.IsZero():
		return parent
	default:
		return r.op(ctx).now
	}
}

// asOf returns the valid-time day a field reads: its argument or today.
func (r *Resolver) asOf(d *domain.Date) domain.Date {
	if d != nil {
		return *d
	}
	return domain.DateOf(r.now().UTC())
}

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

type requestIDKey struct{}

// WithRequestID stores the request's ID for error reports.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the ID WithRequestID stored, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
