// Package graph is alliancegraph's GraphQL layer: gqlgen's generated
// executor, thin resolvers over store, per-request dataloaders, the error
// presenter and the query limits.
package graph

//go:generate go tool gqlgen generate
//go:generate go run ./internal/execswap generated.go

import (
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/domain"

	"github.com/alliancegraph/alliancegraph/store"
)

// Store is what the GraphQL layer uses of the graph store: snapshots to
// read (View), one transaction to write (UpdateWith), the newest commit's
// transaction time (LastCommit) and the feed of commits (Subscribe).
// Everything else a resolver needs it reads through the store.Reader that
// View hands it, or writes through UpdateWith's store.Writer.
//
// It is the seam between deciding a write and committing it. *store.DB
// commits to its own Badger. A replicated backend (the cluster issue)
// keeps a local store as a replica and implements or wraps these four:
// UpdateWith runs fn against the replica's Writer to validate the write,
// commits what it wrote through the replicated log instead of locally,
// and returns once the replica has applied it; View, LastCommit and
// Subscribe serve the replica as they serve a single store.
type Store interface {
	View(knownAt time.Time, fn func(*store.Reader) error) error
	UpdateWith(o store.UpdateOptions, fn func(*store.Writer) error) (time.Time, error)
	LastCommit() time.Time
	Subscribe(buffer int) (<-chan domain.CommitEvent, func())
}

var _ Store = (*store.DB)(nil)

// Resolver holds the resolvers' dependencies. It is shared by all requests.
type Resolver struct {
	DB Store
	// Now is the clock "today" (the default asOf) is taken from.
	Now func() time.Time
	// MaxPage is the largest first/last a connection accepts.
	MaxPage int
	// LoaderWait is how long dataloaders gather keys into a batch
	// (DefaultLoaderWait when 0).
	LoaderWait time.Duration
	// MaxVisited caps the entities one path search may reach
	// (DefaultMaxVisited when 0).
	MaxVisited int
	// MaxSearches bounds the path and neighborhood traversals that run at
	// once; others wait (GOMAXPROCS when 0). See acquireSearch.
	MaxSearches int
	// Replica, on a cluster node, waits for the revisions requests ask
	// for and labels responses with theirs; nil on a single server.
	Replica Replica
	// Policy decides who may write; nil refuses every write.
	Policy *auth.Policy
	// Generator names the program in export headers: "alliancegraph
	// <version>", the same for every way of exporting.
	Generator string
	// FieldHook, if set, wraps every field resolver. Tests use it to make
	// a resolver panic or outlast the deadline through a real server.
	FieldHook graphql.FieldMiddleware
	// Observe, if set, is told of every operation once (metrics, logs).
	Observe Observer

	searchOnce sync.Once
	searches   chan struct{} // MaxSearches slots
}
