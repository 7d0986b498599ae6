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

	"github.com/alliancegraph/alliancegraph/store"
)

// Resolver holds the resolvers' dependencies. It is shared by all requests.
type Resolver struct {
	DB *store.DB
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
