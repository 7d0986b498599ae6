package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/store"
	"github.com/alliancegraph/alliancegraph/web"
)

const serveSummary = `Serve the GraphQL API at /graphql (POST, GET for queries, websocket for
subscriptions), GET /graphql/schema.graphql (the SDL), POST /import,
GET /export, GET /backup (with a token), GraphiQL at / and the explorer
(map, graph, timeline) at /explore (both work offline), GET /metrics
(Prometheus), the probes /livez and /readyz (/healthz, its older name),
and GET /debug/stats.
Mutations and imports need Authorization: Bearer <token> from --tokens-file
or ALLIANCEGRAPH_TOKENS; subscriptions need the same in the websocket's
connection_init payload, unless --ws-anonymous. On first start the curated
NATO dataset is loaded into the empty data directory (a directory holding
other files and no store is refused); a start on a store that holds
anything writes nothing (when the built-in dataset is newer it says so:
apply it with "alliancegraph dataset upgrade"). SIGINT or SIGTERM drains
requests and closes the store cleanly.`

// serveConfig is everything serve needs; tests build one directly.
type serveConfig struct {
	addr     string
	dataDir  string
	inMemory bool
	limits   graph.Limits
	logJSON  bool
	// maxVisited caps path searches (graph.DefaultMaxVisited when 0).
	maxVisited int
	// maxSearches bounds the path and neighborhood searches running at
	// once (GOMAXPROCS when 0).
	maxSearches int
	gcInterval  time.Duration
	loaderWait  time.Duration
	pprofAddr   string
	cacheMB     int64
	memTableMB  int64
	// gcPercent is the garbage collector's target (GOGC) while serving;
	// gcPercentSet reports that --gc-percent was given.
	gcPercent    int
	gcPercentSet bool
	// entityCacheMB bounds the store's cache of decoded entities; 0: off.
	entityCacheMB int64
	now           func() time.Time
	socket        graph.Socket
	// policy decides who may write (tokens, read-only).
	policy         auth.Policy
	tokensFile     string
	origins        string
	corsOrigins    string
	maxImportBytes int64
	// importLimits bound what one POST /import may unzip and hold per line.
	importLimits dataset.Limits
	// debugStats serves GET /debug/stats (runtime heap and goroutines).
	debugStats bool
	// maxConns bounds the connections open at once; a connection beyond
	// it is answered 503 and closed (defaultMaxConns when 0).
	maxConns int
	// readTimeout bounds reading one request, body included (30 s when
	// 0; tests shorten it).
	readTimeout time.Duration
	// fieldHook, if set, wraps every field resolver (tests only).
	fieldHook graphql.FieldMiddleware
	// ready, if set, receives the listener's address once serving.
	ready func(addr string)
}

func serveFlags(fs *flag.FlagSet) *serveConfig {
	c := &serveConfig{limits: graph.DefaultLimits(), now: time.Now, socket: graph.DefaultSocket(), maxImportBytes: 64 << 20, debugStats: true,
		entityCacheMB: store.DefaultEntityCacheBytes >> 20, importLimits: defaultImportLimits()}
	fs.StringVar(&c.addr, "addr", envOr("ALLIANCEGRAPH_ADDR", "127.0.0.1:8080"), "listen `address` (env ALLIANCEGRAPH_ADDR)")
	fs.StringVar(&c.dataDir, "data", envOr("ALLIANCEGRAPH_DATA", "./data"), "data `directory` (env ALLIANCEGRAPH_DATA)")
	fs.BoolVar(&c.logJSON, "log-json", false, "log as JSON lines instead of text")
	fs.IntVar(&c.limits.MaxDepth, "max-depth", c.limits.MaxDepth, "query depth limit")
	fs.IntVar(&c.limits.MaxAliases, "max-aliases", c.limits.MaxAliases, "aliases per query limit")
	fs.IntVar(&c.limits.MaxDirectives, "max-directives", c.limits.MaxDirectives, "directives per query limit")
	fs.IntVar(&c.limits.MaxTokens, "max-tokens", c.limits.MaxTokens, "parser tokens per query document limit")
	fs.IntVar(&c.limits.MaxURLBytes, "max-url", c.limits.MaxURLBytes, "GET query string limit in `bytes` (414 beyond)")
	fs.IntVar(&c.limits.MaxComplexity, "max-complexity", c.limits.MaxComplexity, "query complexity limit (a list costs first/last times its fields)")
	fs.IntVar(&c.limits.MaxPage, "max-page", c.limits.MaxPage, "page size limit for first/last")
	fs.Int64Var(&c.limits.MaxBodyBytes, "max-body", c.limits.MaxBodyBytes, "request body limit in `bytes` (413 beyond)")
	fs.DurationVar(&c.limits.Timeout, "timeout", c.limits.Timeout, "resolver deadline per request, and per query or mutation over a websocket (0: none)")
	fs.IntVar(&c.maxVisited, "max-visited", graph.DefaultMaxVisited, "entities one path search may reach before LIMIT_EXCEEDED (0: the default)")
	fs.IntVar(&c.maxSearches, "max-searches", 0, "path and neighborhood searches and whole-index counts (totalCount of facts and entities, accessions) that run at once; more wait for a slot, up to --timeout, and one query's run one at a time (0: one per CPU)")
	fs.DurationVar(&c.gcInterval, "gc-interval", 10*time.Minute, "how often to reclaim value-log space (0: never)")
	fs.Int64Var(&c.cacheMB, "cache-mb", store.DefaultBlockCacheBytes>>20, "Badger block cache size in MiB (0: none; every read of a compressed table then decompresses its block)")
	fs.IntVar(&c.gcPercent, "gc-percent", defaultGCPercent, "garbage collector target while serving, as GOGC: the heap may grow this many percent over\nwhat is live before a collection (GOGC, when set, wins over the default)")
	fs.Int64Var(&c.memTableMB, "memtable-mb", store.DefaultMemTableBytes>>20, "Badger memtable size in MiB: allocated whole at start; the largest single write is 15% of it; writes are refused (LIMIT_EXCEEDED) while the disk has less than the tables' size plus about 2.8 times this free")
	fs.Int64Var(&c.entityCacheMB, "entity-cache-mb", c.entityCacheMB, "cache of decoded entities for reads of the newest commit, in MiB (0: off)")
	fs.StringVar(&c.pprofAddr, "pprof-addr", "", "serve Go profiles (/debug/pprof/) on this loopback `address`; empty: off")
	fs.DurationVar(&c.loaderWait, "loader-wait", graph.DefaultLoaderWait, "how long a dataloader gathers sibling fields into one store read (0: the default)")
	fs.StringVar(&c.tokensFile, "tokens-file", "", "`file` of write tokens, one name:token a line (also env "+auth.EnvTokens+"=name:token,...)")
	fs.BoolVar(&c.policy.ReadOnly, "read-only", false, "refuse every write (a public mirror)")
	fs.StringVar(&c.origins, "ws-origins", "", "comma-separated host `patterns` whose pages may open subscription websockets (default: same origin only)")
	fs.DurationVar(&c.socket.InitTimeout, "ws-init-timeout", c.socket.InitTimeout, "close a websocket that sends no connection_init within this time")
	fs.DurationVar(&c.socket.KeepAlive, "ws-keepalive", c.socket.KeepAlive, "websocket keep-alive ping interval (0: none)")
	fs.IntVar(&c.socket.MaxSubscriptions, "ws-max-subscriptions", c.socket.MaxSubscriptions, "subscriptions open at once on one websocket")
	fs.Int64Var(&c.socket.MaxMessageBytes, "ws-max-message", c.socket.MaxMessageBytes, "largest websocket message a client may send, in `bytes` (the socket is closed beyond)")
	fs.BoolVar(&c.socket.Anonymous, "ws-anonymous", false, "let websockets subscribe without a token (otherwise connection_init's payload must carry\n{\"Authorization\": \"Bearer <token>\"} with a token from --tokens-file)")
	fs.IntVar(&c.maxConns, "max-conns", defaultMaxConns(openFileLimit()), "connections open at once, websockets included; more are answered 503 and closed\n(the default is half the open-file limit, at most 4096)")
	fs.IntVar(&c.socket.MaxSockets, "max-sockets", 0, "websockets open at once, all clients; more are refused with 503 (0: half of --max-conns)")
	fs.IntVar(&c.socket.MaxClientSockets, "max-client-sockets", c.socket.MaxClientSockets, "websockets one client IP address may have open at once; more are refused with 429")
	fs.IntVar(&c.socket.MaxTotalSubscriptions, "max-subscriptions", c.socket.MaxTotalSubscriptions, "subscriptions open at once on all websockets together")
	fs.IntVar(&c.socket.MaxClientSubscriptions, "max-client-subscriptions", c.socket.MaxClientSubscriptions, "subscriptions one client IP address may have open at once over all its websockets")
	fs.StringVar(&c.corsOrigins, "cors-origins", "", "comma-separated host `patterns` whose pages may call the API from a browser (CORS; default: none)")
	fs.BoolVar(&c.limits.Production, "production", false, "turn off introspection and \"Did you mean\" suggestions")
	fs.BoolVar(&c.debugStats, "debug-stats", true, "serve GET /debug/stats (goroutines and heap, as JSON)")
	fs.Int64Var(&c.maxImportBytes, "max-import", c.maxImportBytes, "POST /import body limit in `bytes`")
	fs.Int64Var(&c.importLimits.MaxUnzipped, "max-import-unzipped", c.importLimits.MaxUnzipped, "POST /import: what a zip's CSV files may unzip to, together, in `bytes`")
	fs.Int64Var(&c.importLimits.MaxLine, "max-import-line", c.importLimits.MaxLine, "POST /import: longest JSON line, CSV record or Wikidata binding, in `bytes`")
	return c
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", serveSummary, stdout, stderr)
	c := serveFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if msg := c.checkFlags(); msg != "" {
		fmt.Fprintln(stderr, "serve:", msg)
		return errUsage
	}
	tokens, err := auth.Load(c.tokensFile, os.Getenv(auth.EnvTokens))
	if err != nil {
		return err
	}
	c.policy.Tokens = tokens
	c.socket.Origins = splitComma(c.origins)
	c.gcPercentSet = flagGiven(fs, "gc-percent")
	return serve(ctx, c, stderr)
}

// checkFlags returns what is wrong with c's numbers, or "": a limit
// below 1 would refuse every request, and a negative size, count or
// duration means nothing. Zero keeps its meaning where the flag's help
// gives one.
func (c *serveConfig) checkFlags() string {
	type check struct {
		name string
		v    int64
		min  int64 // 1: must be positive; 0: must not be negative
		dur  bool  // v is a time.Duration
	}
	for _, f := range []check{
		{name: "max-depth", v: int64(c.limits.MaxDepth), min: 1},
		{name: "max-aliases", v: int64(c.limits.MaxAliases), min: 1},
		{name: "max-directives", v: int64(c.limits.MaxDirectives), min: 1},
		{name: "max-tokens", v: int64(c.limits.MaxTokens), min: 1},
		{name: "max-url", v: int64(c.limits.MaxURLBytes), min: 1},
		{name: "max-complexity", v: int64(c.limits.MaxComplexity), min: 1},
		{name: "max-page", v: int64(c.limits.MaxPage), min: 1},
		{name: "max-body", v: c.limits.MaxBodyBytes, min: 1},
		{name: "max-import", v: c.maxImportBytes, min: 1},
		{name: "max-import-unzipped", v: c.importLimits.MaxUnzipped, min: 1},
		{name: "max-import-line", v: c.importLimits.MaxLine, min: 1},
		{name: "ws-max-subscriptions", v: int64(c.socket.MaxSubscriptions), min: 1},
		{name: "ws-max-message", v: c.socket.MaxMessageBytes, min: 1},
		{name: "max-conns", v: int64(c.maxConns), min: 1},
		{name: "max-sockets", v: int64(c.socket.MaxSockets)},
		{name: "max-client-sockets", v: int64(c.socket.MaxClientSockets), min: 1},
		{name: "max-subscriptions", v: int64(c.socket.MaxTotalSubscriptions), min: 1},
		{name: "max-client-subscriptions", v: int64(c.socket.MaxClientSubscriptions), min: 1},
		// GOGC's "off" (negative) would let a server's heap grow without bound.
		{name: "gc-percent", v: int64(c.gcPercent), min: 1},
		{name: "max-searches", v: int64(c.maxSearches)},
		{name: "max-visited", v: int64(c.maxVisited)},
		{name: "cache-mb", v: c.cacheMB},
		{name: "entity-cache-mb", v: c.entityCacheMB},
		{name: "timeout", v: int64(c.limits.Timeout), dur: true},
		{name: "gc-interval", v: int64(c.gcInterval), dur: true},
		{name: "loader-wait", v: int64(c.loaderWait), dur: true},
		{name: "ws-keepalive", v: int64(c.socket.KeepAlive), dur: true},
		{name: "ws-init-timeout", v: int64(c.socket.InitTimeout), min: 1, dur: true},
	} {
		switch {
		case f.v >= f.min:
		case f.min == 0:
			return fmt.Sprintf("--%s must not be negative", f.name)
		case f.dur:
			return fmt.Sprintf("--%s must be more than 0, got %v", f.name, time.Duration(f.v))
		default:
			return fmt.Sprintf("--%s must be at least 1, got %d", f.name, f.v)
		}
	}
	// Websockets hold connections for hours: at --max-conns, no slot would
	// be left for plain HTTP (/healthz, queries).
	if c.socket.MaxSockets >= c.maxConns {
		return fmt.Sprintf("--max-sockets (%d) must be less than --max-conns (%d)", c.socket.MaxSockets, c.maxConns)
	}
	return ""
}

// defaultGCPercent is the garbage collector's target while serving. At
// Go's default of 100 the heap grows to twice what is live between
// collections; the server's live heap is mostly caches and Badger's
// memtable arena, which the collector does not have to scan, so
// collecting at 50% costs little CPU and keeps a factor-1 server's
// resident memory under 300 MB (docs/BENCHMARKS.md).
const defaultGCPercent = 50

// flagGiven reports whether flag name was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// applyGCPercent sets the garbage collector's target to c.gcPercent,
// unless the environment's GOGC (gogc) is set and --gc-percent was not
// given, and returns the function that restores the old target. The
// target is the process's: servers started in one process (tests) share
// it.
func applyGCPercent(c *serveConfig, gogc string) (restore func()) {
	if gogc != "" && !c.gcPercentSet {
		return func() {}
	}
	old := debug.SetGCPercent(c.gcPercent)
	return func() { debug.SetGCPercent(old) }
}

// serve runs the server until ctx is cancelled.
func serve(ctx context.Context, c *serveConfig, logOut io.Writer) error {
	log := newLogger(logOut, c.logJSON)
	// Libraries that write with the standard log package (gqlgen, net/http
	// helpers) go through the same logger, so --log-json stays JSON lines.
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(log)
	// Runs last, after the store has closed: the line an operator waits
	// for after SIGINT or SIGTERM.
	defer log.Info("stopped")
	defer applyGCPercent(c, os.Getenv("GOGC"))()
	opts := store.DefaultOptions().WithLogger(log).WithInMemory(c.inMemory)
	if c.cacheMB > 0 {
		opts = opts.WithBlockCacheSize(c.cacheMB << 20)
	}
	if c.memTableMB > 0 {
		opts = opts.WithMemTableSize(c.memTableMB << 20)
	}
	opts = opts.WithEntityCacheSize(c.entityCacheMB << 20)
	db, err := store.Open(c.dataDir, opts)
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("closing store", "err", err)
		}
	}()
	// The dataset goes in before anything else reads the store (the
	// value-log GC included): an empty store is filled by the fast loader.
	seeded, err := dataset.SeedCurated(db)
	if err != nil {
		return fmt.Errorf("loading the curated dataset: %w", err)
	}
	logSeed(log, seeded, c.dataDir)
	gcCtx, stopGC := context.WithCancel(context.Background())
	gcDone := make(chan struct{})
	go func() {
		defer close(gcDone)
		db.RunGC(gcCtx, c.gcInterval, func(err error) { log.Error("value-log GC", "err", err) })
	}()
	defer func() { stopGC(); <-gcDone }()
	switch {
	case c.policy.ReadOnly:
		log.Info("writes", "mode", "read-only")
	case c.policy.Tokens == nil || c.policy.Tokens.Len() == 0:
		log.Warn("writes", "mode", "disabled: no tokens configured (--tokens-file or "+auth.EnvTokens+")")
	default:
		log.Info("writes", "tokens", c.policy.Tokens.Len()) // how many, never which
	}

	if c.pprofAddr != "" {
		stopPprof, err := servePprof(c.pprofAddr, log)
		if err != nil {
			return err
		}
		defer stopPprof()
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           newMux(db, c, log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       cmp.Or(c.readTimeout, 30*time.Second),
		WriteTimeout:      c.limits.Timeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		// The request line and headers; a GET query has its own, smaller
		// limit (--max-url, 414) inside this one (431 beyond).
		MaxHeaderBytes: max(64<<10, c.limits.MaxURLBytes+16<<10),
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln = newLimitListener(ln, c.maxConns) // newMux has filled in the default
	log.Info("connections", "max", c.maxConns, "websockets", c.socket.MaxSockets, "subscriptions", c.socket.MaxTotalSubscriptions)
	addr := ln.Addr().String()
	log.Info("serving", "url", "http://"+addr+"/", "graphql", "http://"+addr+"/graphql")
	if c.ready != nil {
		c.ready(addr)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// logSeed says what the start did with the curated dataset: loaded it
// into an empty store, or left a store that holds data alone; then, if
// the dataset built in is not the one the store records, one line that
// tells the operator how to review and apply it.
func logSeed(log *slog.Logger, r dataset.SeedResult, dir string) {
	switch {
	case r.Loaded:
		log.Info("dataset: loaded into the empty store", "dataset", r.Given.String(), "records", r.Changed, "data", dir)
	case r.Differs():
		log.Warn("dataset: the curated dataset built in differs from the one this store records; nothing was changed: run `alliancegraph dataset upgrade --data "+dir+"` to review and apply it",
			"store", r.Stored.String(), "builtIn", r.Given.String(), "data", dir)
	default:
		log.Info("dataset: the store holds data; nothing loaded", "dataset", r.Stored.String(), "data", dir)
	}
}

// splitComma splits a comma-separated flag value, dropping empty items.
func splitComma(s string) []string {
	var out []string
	for _, o := range strings.Split(s, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// wrongMethod answers a request to an endpoint with a method it does not
// take: 405, Allow, and a coded JSON error. Without it the catch-all "/"
// (GraphiQL) answered such requests with a plain 404.
func wrongMethod(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		graph.WriteError(w, http.StatusMethodNotAllowed, domain.CodeBadUserInput,
			fmt.Sprintf("method %s not allowed on %s: use %s", r.Method, r.URL.Path, allow))
	})
}

// connDefaults fills in the connection limits left at 0: --max-conns
// from the open-file limit, --max-sockets as half of --max-conns.
func (c *serveConfig) connDefaults() {
	if c.maxConns == 0 {
		c.maxConns = defaultMaxConns(openFileLimit())
	}
	if c.socket.MaxSockets == 0 {
		c.socket.MaxSockets = max(1, c.maxConns/2)
	}
}

// newMux wires the endpoints.
func newMux(db *store.DB, c *serveConfig, log *slog.Logger) http.Handler {
	if c.socket.MaxSubscriptions == 0 {
		origins := c.socket.Origins
		c.socket = graph.DefaultSocket()
		c.socket.Origins = origins
	}
	c.connDefaults()
	if c.maxImportBytes == 0 {
		c.maxImportBytes = 64 << 20
	}
	if c.importLimits.MaxUnzipped == 0 {
		c.importLimits.MaxUnzipped = defaultImportLimits().MaxUnzipped
	}
	metrics := newServerMetrics(db)
	res := &graph.Resolver{DB: db, Now: c.now, MaxPage: c.limits.MaxPage, Policy: &c.policy, MaxVisited: c.maxVisited, MaxSearches: c.maxSearches, Generator: generator(), LoaderWait: c.loaderWait, FieldHook: c.fieldHook,
		Observe: func(ctx context.Context, r graph.OperationReport) {
			metrics.observe(ctx, r)
			noteOperation(ctx, r)
		}}
	mux := http.NewServeMux()
	mux.Handle("/graphql", graph.NewHandler(res, c.limits, c.socket, log))
	mux.Handle("POST /import", importHandler(db, &c.policy, c.maxImportBytes, c.importLimits, log))
	mux.Handle("/import", wrongMethod("POST"))
	mux.Handle("/export", graph.NewExportHandler(db, generator(), log))
	mux.Handle("GET /backup", backupHandler(db, &c.policy, log))
	mux.Handle("/backup", wrongMethod("GET, HEAD"))
	if c.debugStats {
		mux.Handle("GET /debug/stats", statsHandler(time.Now()))
		mux.Handle("/debug/stats", wrongMethod("GET, HEAD"))
	}
	mux.Handle("GET /graphql/schema.graphql", schemaHandler(c.limits.Production))
	mux.Handle("/graphql/schema.graphql", wrongMethod("GET, HEAD"))
	mux.Handle("GET /metrics", metrics.handler())
	mux.Handle("/metrics", wrongMethod("GET, HEAD"))
	health(mux, db)
	mux.Handle("/", web.Handler(web.Options{Endpoint: "/graphql", Title: "alliancegraph", Examples: examples}))
	return withRequestLog(log, metrics.wrap(withCORS(splitComma(c.corsOrigins), c.policy.Middleware(mux))))
}
