// Package httpapi is alliancegraph's HTTP surface around the GraphQL
// handler: POST /import, GET /export, GET /backup, the schema download,
// /metrics, the health probes, /debug/stats, GraphiQL, and the middleware
// every request passes (request IDs and logging, metrics, CORS, the write
// policy). Every refusal is answered through one table (errors.go).
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/store"
	"github.com/alliancegraph/alliancegraph/web"
)

// Config is what the endpoints need; `alliancegraph serve` fills it from
// its flags. A zero field takes its default (see withDefaults), except
// the switches: DebugStats, and Policy, whose zero value refuses writes.
type Config struct {
	// Limits bound every GraphQL request (graph.DefaultLimits when zero).
	Limits graph.Limits
	// Socket bounds websockets (graph.DefaultSocket when its
	// MaxSubscriptions is 0; Origins is kept either way).
	Socket graph.Socket
	// Policy decides who may write (tokens, read-only).
	Policy auth.Policy
	// Now is the clock "today", the default asOf, is read from (time.Now
	// when nil).
	Now func() time.Time
	// MaxVisited caps path searches (graph.DefaultMaxVisited when 0).
	MaxVisited int
	// MaxSearches bounds the path and neighborhood searches running at
	// once (GOMAXPROCS when 0).
	MaxSearches int
	// LoaderWait is how long a dataloader gathers sibling fields
	// (graph.DefaultLoaderWait when 0).
	LoaderWait time.Duration
	// CORSOrigins are the host patterns whose pages may call the API from
	// a browser; none: no CORS header is sent.
	CORSOrigins []string
	// MaxImportBytes bounds a POST /import body (64 MiB when 0).
	MaxImportBytes int64
	// ImportLimits bound what one POST /import may unzip and hold per
	// line (DefaultImportLimits for zero fields).
	ImportLimits dataset.Limits
	// DebugStats serves GET /debug/stats (runtime heap and goroutines).
	DebugStats bool
	// MaxConns bounds the connections open at once; one beyond it is
	// answered 503 and closed (DefaultMaxConns when 0).
	MaxConns int
	// ReadTimeout bounds reading one request, body included (30 s when 0).
	ReadTimeout time.Duration
	// Generator names the program in export headers, the same for every
	// way of exporting ("alliancegraph dev" when empty).
	Generator string
	// FieldHook, if set, wraps every field resolver (tests only).
	FieldHook graphql.FieldMiddleware
	// Replica, on a cluster node, is the node (see Replica); nil on a
	// single server.
	Replica Replica
}

// defaultMaxImportBytes is POST /import's body limit unless configured.
const defaultMaxImportBytes = 64 << 20

// DefaultImportLimits are POST /import's: the dataset defaults, but a zip
// may unzip to 4 times the default body limit rather than 1 GiB.
func DefaultImportLimits() dataset.Limits {
	l := dataset.DefaultLimits()
	l.MaxUnzipped = 256 << 20
	return l
}

// WithDefaults returns c with every zero field that has a default set to
// it: what New and Serve run with.
func (c Config) WithDefaults() Config {
	if c.Limits == (graph.Limits{}) {
		c.Limits = graph.DefaultLimits()
	}
	if c.Socket.MaxSubscriptions == 0 {
		origins := c.Socket.Origins
		c.Socket = graph.DefaultSocket()
		c.Socket.Origins = origins
	}
	if c.MaxConns == 0 {
		c.MaxConns = DefaultMaxConns()
	}
	if c.Socket.MaxSockets == 0 {
		c.Socket.MaxSockets = max(1, c.MaxConns/2)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MaxImportBytes == 0 {
		c.MaxImportBytes = defaultMaxImportBytes
	}
	def := DefaultImportLimits()
	if c.ImportLimits.MaxUnzipped == 0 {
		c.ImportLimits.MaxUnzipped = def.MaxUnzipped
	}
	if c.ImportLimits.MaxLine == 0 {
		c.ImportLimits.MaxLine = def.MaxLine
	}
	if c.Generator == "" {
		c.Generator = "alliancegraph dev"
	}
	return c
}

// New returns the server's handler: every endpoint, wrapped in request
// logging, metrics, CORS and the write policy.
func New(db *store.DB, c Config, log *slog.Logger) http.Handler {
	c = c.WithDefaults()
	policy := &c.Policy
	metrics := newServerMetrics(db)
	res := &graph.Resolver{DB: db, Now: c.Now, MaxPage: c.Limits.MaxPage, Policy: policy, MaxVisited: c.MaxVisited, MaxSearches: c.MaxSearches,
		Generator: c.Generator, LoaderWait: c.LoaderWait, FieldHook: c.FieldHook,
		Observe: func(ctx context.Context, r graph.OperationReport) {
			metrics.observe(ctx, r)
			noteOperation(ctx, r)
		}}
	if c.Replica != nil {
		res.Replica = c.Replica
		metrics.reg.MustRegister(replicaMetrics(c.Replica)...)
	}
	mux := http.NewServeMux()
	refuse := func(w http.ResponseWriter, r *http.Request, err error) { WriteError(w, r, log, err) }
	mux.Handle("/graphql", graph.NewHandler(res, c.Limits, c.Socket, log, refuse))
	mux.Handle("POST /import", importHandler(db, policy, c.MaxImportBytes, c.ImportLimits, log))
	mux.Handle("/import", wrongMethod("POST"))
	mux.Handle("GET /export", exportHandler(db, c.Generator, log))
	mux.Handle("/export", wrongMethod("GET, HEAD"))
	mux.Handle("GET /backup", backupHandler(db, policy, c.Replica, log))
	mux.Handle("/backup", wrongMethod("GET, HEAD"))
	if c.DebugStats {
		mux.Handle("GET /debug/stats", statsHandler(time.Now()))
		mux.Handle("/debug/stats", wrongMethod("GET, HEAD"))
	}
	mux.Handle("GET /graphql/schema.graphql", schemaHandler(c.Limits.Production))
	mux.Handle("/graphql/schema.graphql", wrongMethod("GET, HEAD"))
	mux.Handle("GET /metrics", metrics.handler())
	mux.Handle("/metrics", wrongMethod("GET, HEAD"))
	health(mux, db, c.Replica)
	mux.Handle("/", web.Handler(web.Options{Endpoint: "/graphql", Title: "alliancegraph", Examples: Examples}))
	var h http.Handler = mux
	if c.Replica != nil {
		h = withRevision(c.Replica, c.Limits.Timeout, h)
	}
	return withRequestLog(log, metrics.wrap(withCORS(c.CORSOrigins, policy.Middleware(h))))
}

// wrongMethod answers a request to an endpoint with a method it does not
// take: 405, Allow, and a coded JSON error. Without it the catch-all "/"
// (GraphiQL) answered such requests with a plain 404.
func wrongMethod(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		WriteError(w, r, nil, graph.Refusal(graph.ErrMethod, fmt.Sprintf("method %s not allowed on %s: use %s", r.Method, r.URL.Path, allow)))
	})
}
