package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/cluster"
	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/store"
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
requests and closes the store cleanly.
With --etcd and --cluster the server is one node of a replicated cluster:
the data directory is its replica of the log etcd keeps, writes commit
through etcd, and responses carry the revision they read (docs/CLUSTER.md).`

// serveConfig is everything serve needs: the endpoints' settings and
// the store's and process's.
type serveConfig struct {
	http     httpapi.Config
	addr     string
	dataDir  string
	inMemory bool
	logJSON  bool
	// gcInterval is how often the value log is reclaimed (0: never).
	gcInterval time.Duration
	pprofAddr  string
	cacheMB    int64
	memTableMB int64
	// gcPercent is the garbage collector's target (GOGC) while serving;
	// gcPercentSet reports that --gc-percent was given.
	gcPercent    int
	gcPercentSet bool
	// entityCacheMB bounds the store's cache of decoded entities; 0: off.
	entityCacheMB int64
	tokensFile    string
	// origins and corsOrigins are the comma-separated --ws-origins and
	// --cors-origins.
	origins     string
	corsOrigins string
	// etcd, when set, makes the server a cluster node (cluster.go).
	etcd    string
	cluster cluster.Config
}

func serveFlags(fs *flag.FlagSet) *serveConfig {
	c := &serveConfig{http: httpapi.Config{Limits: graph.DefaultLimits(), Now: time.Now, Socket: graph.DefaultSocket(), MaxImportBytes: 64 << 20,
		DebugStats: true, ImportLimits: httpapi.DefaultImportLimits()}, entityCacheMB: store.DefaultEntityCacheBytes >> 20}
	fs.StringVar(&c.addr, "addr", envOr("ALLIANCEGRAPH_ADDR", "127.0.0.1:8080"), "listen `address` (env ALLIANCEGRAPH_ADDR)")
	fs.StringVar(&c.dataDir, "data", envOr("ALLIANCEGRAPH_DATA", "./data"), "data `directory` (env ALLIANCEGRAPH_DATA)")
	fs.BoolVar(&c.logJSON, "log-json", false, "log as JSON lines instead of text")
	fs.IntVar(&c.http.Limits.MaxDepth, "max-depth", c.http.Limits.MaxDepth, "query depth limit")
	fs.IntVar(&c.http.Limits.MaxAliases, "max-aliases", c.http.Limits.MaxAliases, "aliases per query limit")
	fs.IntVar(&c.http.Limits.MaxDirectives, "max-directives", c.http.Limits.MaxDirectives, "directives per query limit")
	fs.IntVar(&c.http.Limits.MaxTokens, "max-tokens", c.http.Limits.MaxTokens, "parser tokens per query document limit")
	fs.IntVar(&c.http.Limits.MaxURLBytes, "max-url", c.http.Limits.MaxURLBytes, "GET query string limit in `bytes` (414 beyond)")
	fs.IntVar(&c.http.Limits.MaxComplexity, "max-complexity", c.http.Limits.MaxComplexity, "query complexity limit (a list costs first/last times its fields)")
	fs.IntVar(&c.http.Limits.MaxPage, "max-page", c.http.Limits.MaxPage, "page size limit for first/last")
	fs.Int64Var(&c.http.Limits.MaxBodyBytes, "max-body", c.http.Limits.MaxBodyBytes, "request body limit in `bytes` (413 beyond)")
	fs.DurationVar(&c.http.Limits.Timeout, "timeout", c.http.Limits.Timeout, "resolver deadline per request, and per query or mutation over a websocket (0: none)")
	fs.IntVar(&c.http.MaxVisited, "max-visited", graph.DefaultMaxVisited, "entities one path search may reach before LIMIT_EXCEEDED (0: the default)")
	fs.IntVar(&c.http.MaxSearches, "max-searches", 0, "path and neighborhood searches and whole-index counts (totalCount of facts and entities, accessions) that run at once; more wait for a slot, up to --timeout, and one query's run one at a time (0: one per CPU)")
	fs.DurationVar(&c.gcInterval, "gc-interval", 10*time.Minute, "how often to reclaim value-log space (0: never)")
	fs.Int64Var(&c.cacheMB, "cache-mb", store.DefaultBlockCacheBytes>>20, "Badger block cache size in MiB (0: none; every read of a compressed table then decompresses its block)")
	fs.IntVar(&c.gcPercent, "gc-percent", defaultGCPercent, "garbage collector target while serving, as GOGC: the heap may grow this many percent over\nwhat is live before a collection (GOGC, when set, wins over the default)")
	fs.Int64Var(&c.memTableMB, "memtable-mb", store.DefaultMemTableBytes>>20, "Badger memtable size in MiB: allocated whole at start; the largest single write is 15% of it; writes are refused (LIMIT_EXCEEDED) while the disk has less than the tables' size plus about 2.8 times this free")
	fs.Int64Var(&c.entityCacheMB, "entity-cache-mb", c.entityCacheMB, "cache of decoded entities for reads of the newest commit, in MiB (0: off)")
	fs.StringVar(&c.pprofAddr, "pprof-addr", "", "serve Go profiles (/debug/pprof/) on this loopback `address`; empty: off")
	fs.DurationVar(&c.http.LoaderWait, "loader-wait", graph.DefaultLoaderWait, "how long a dataloader gathers sibling fields into one store read (0: the default)")
	fs.StringVar(&c.tokensFile, "tokens-file", "", "`file` of write tokens, one name:token a line (also env "+auth.EnvTokens+"=name:token,...)")
	fs.BoolVar(&c.http.Policy.ReadOnly, "read-only", false, "refuse every write (a public mirror)")
	fs.StringVar(&c.origins, "ws-origins", "", "comma-separated host `patterns` whose pages may open subscription websockets (default: same origin only)")
	fs.DurationVar(&c.http.Socket.InitTimeout, "ws-init-timeout", c.http.Socket.InitTimeout, "close a websocket that sends no connection_init within this time")
	fs.DurationVar(&c.http.Socket.KeepAlive, "ws-keepalive", c.http.Socket.KeepAlive, "websocket keep-alive ping interval (0: none)")
	fs.IntVar(&c.http.Socket.MaxSubscriptions, "ws-max-subscriptions", c.http.Socket.MaxSubscriptions, "subscriptions open at once on one websocket")
	fs.Int64Var(&c.http.Socket.MaxMessageBytes, "ws-max-message", c.http.Socket.MaxMessageBytes, "largest websocket message a client may send, in `bytes` (the socket is closed beyond)")
	fs.BoolVar(&c.http.Socket.Anonymous, "ws-anonymous", false, "let websockets subscribe without a token (otherwise connection_init's payload must carry\n{\"Authorization\": \"Bearer <token>\"} with a token from --tokens-file)")
	fs.IntVar(&c.http.MaxConns, "max-conns", httpapi.DefaultMaxConns(), "connections open at once, websockets included; more are answered 503 and closed\n(the default is half the open-file limit, at most 4096)")
	fs.IntVar(&c.http.Socket.MaxSockets, "max-sockets", 0, "websockets open at once, all clients; more are refused with 503 (0: half of --max-conns)")
	fs.IntVar(&c.http.Socket.MaxClientSockets, "max-client-sockets", c.http.Socket.MaxClientSockets, "websockets one client IP address may have open at once; more are refused with 429")
	fs.IntVar(&c.http.Socket.MaxTotalSubscriptions, "max-subscriptions", c.http.Socket.MaxTotalSubscriptions, "subscriptions open at once on all websockets together")
	fs.IntVar(&c.http.Socket.MaxClientSubscriptions, "max-client-subscriptions", c.http.Socket.MaxClientSubscriptions, "subscriptions one client IP address may have open at once over all its websockets")
	fs.StringVar(&c.corsOrigins, "cors-origins", "", "comma-separated host `patterns` whose pages may call the API from a browser (CORS; default: none)")
	fs.BoolVar(&c.http.Limits.Production, "production", false, "turn off introspection and \"Did you mean\" suggestions")
	fs.BoolVar(&c.http.DebugStats, "debug-stats", true, "serve GET /debug/stats (goroutines and heap, as JSON)")
	fs.Int64Var(&c.http.MaxImportBytes, "max-import", c.http.MaxImportBytes, "POST /import body limit in `bytes`")
	fs.Int64Var(&c.http.ImportLimits.MaxUnzipped, "max-import-unzipped", c.http.ImportLimits.MaxUnzipped, "POST /import: what a zip's CSV files may unzip to, together, in `bytes`")
	fs.StringVar(&c.etcd, "etcd", os.Getenv("ALLIANCEGRAPH_ETCD"), "run as a node of a cluster on these comma-separated etcd `endpoints` (host:port,...; env ALLIANCEGRAPH_ETCD); see docs/CLUSTER.md")
	fs.StringVar(&c.cluster.Cluster, "cluster", os.Getenv("ALLIANCEGRAPH_CLUSTER"), "with --etcd: the cluster's `name` (env ALLIANCEGRAPH_CLUSTER)")
	fs.StringVar(&c.cluster.Node, "node", os.Getenv("ALLIANCEGRAPH_NODE"), "with --etcd: this node's `name`, unique in the cluster (env ALLIANCEGRAPH_NODE; default: from --advertise)")
	fs.StringVar(&c.cluster.Advertise, "advertise", os.Getenv("ALLIANCEGRAPH_ADVERTISE"), "with --etcd: the `URL` other nodes reach this one at (env ALLIANCEGRAPH_ADVERTISE; default: http:// and the listening address)")
	fs.DurationVar(&c.cluster.MaxLag, "max-lag", cluster.DefaultMaxLag, "with --etcd: /readyz fails while the replica stays behind the log this long (env ALLIANCEGRAPH_MAX_LAG)")
	fs.Int64Var(&c.http.ImportLimits.MaxLine, "max-import-line", c.http.ImportLimits.MaxLine, "POST /import: longest JSON line, CSV record or Wikidata binding, in `bytes`")
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
		return ErrUsage
	}
	tokens, err := auth.Load(c.tokensFile, os.Getenv(auth.EnvTokens))
	if err != nil {
		return err
	}
	c.http.Policy.Tokens = tokens
	c.http.Socket.Origins = splitComma(c.origins)
	c.http.CORSOrigins = splitComma(c.corsOrigins)
	c.http.Generator = generator()
	c.gcPercentSet = flagGiven(fs, "gc-percent")
	if msg := c.clusterFlags(flagGiven(fs, "max-lag")); msg != "" {
		fmt.Fprintln(stderr, "serve:", msg)
		return ErrUsage
	}
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
		{name: "max-depth", v: int64(c.http.Limits.MaxDepth), min: 1},
		{name: "max-aliases", v: int64(c.http.Limits.MaxAliases), min: 1},
		{name: "max-directives", v: int64(c.http.Limits.MaxDirectives), min: 1},
		{name: "max-tokens", v: int64(c.http.Limits.MaxTokens), min: 1},
		{name: "max-url", v: int64(c.http.Limits.MaxURLBytes), min: 1},
		{name: "max-complexity", v: int64(c.http.Limits.MaxComplexity), min: 1},
		{name: "max-page", v: int64(c.http.Limits.MaxPage), min: 1},
		{name: "max-body", v: c.http.Limits.MaxBodyBytes, min: 1},
		{name: "max-import", v: c.http.MaxImportBytes, min: 1},
		{name: "max-import-unzipped", v: c.http.ImportLimits.MaxUnzipped, min: 1},
		{name: "max-import-line", v: c.http.ImportLimits.MaxLine, min: 1},
		{name: "ws-max-subscriptions", v: int64(c.http.Socket.MaxSubscriptions), min: 1},
		{name: "ws-max-message", v: c.http.Socket.MaxMessageBytes, min: 1},
		{name: "max-conns", v: int64(c.http.MaxConns), min: 1},
		{name: "max-sockets", v: int64(c.http.Socket.MaxSockets)},
		{name: "max-client-sockets", v: int64(c.http.Socket.MaxClientSockets), min: 1},
		{name: "max-subscriptions", v: int64(c.http.Socket.MaxTotalSubscriptions), min: 1},
		{name: "max-client-subscriptions", v: int64(c.http.Socket.MaxClientSubscriptions), min: 1},
		// GOGC's "off" (negative) would let a server's heap grow without bound.
		{name: "gc-percent", v: int64(c.gcPercent), min: 1},
		{name: "max-searches", v: int64(c.http.MaxSearches)},
		{name: "max-visited", v: int64(c.http.MaxVisited)},
		{name: "cache-mb", v: c.cacheMB},
		{name: "entity-cache-mb", v: c.entityCacheMB},
		{name: "timeout", v: int64(c.http.Limits.Timeout), dur: true},
		{name: "gc-interval", v: int64(c.gcInterval), dur: true},
		{name: "loader-wait", v: int64(c.http.LoaderWait), dur: true},
		{name: "ws-keepalive", v: int64(c.http.Socket.KeepAlive), dur: true},
		{name: "ws-init-timeout", v: int64(c.http.Socket.InitTimeout), min: 1, dur: true},
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
	if c.http.Socket.MaxSockets >= c.http.MaxConns {
		return fmt.Sprintf("--max-sockets (%d) must be less than --max-conns (%d)", c.http.Socket.MaxSockets, c.http.MaxConns)
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
	var ln net.Listener
	var node *cluster.Node
	phase := &startPhase{} // what a starting cluster node is doing
	stopStarting := func() {}
	if c.etcd != "" {
		// A node listens before it joins: the address it advertises to
		// its peers names the port. Until it serves, requests are told
		// it is starting and what it is doing.
		var err error
		if ln, err = net.Listen("tcp", c.addr); err != nil {
			return err
		}
		phase.set("joining the cluster", nil)
		stopStarting = httpapi.ServeStarting(ln, phase.String)
		defer stopStarting()
		if node, opts, err = joinCluster(ctx, c, opts, ln.Addr(), log); err != nil {
			ln.Close()
			return err
		}
		c.http.Replica = node
	}
	db, err := store.Open(c.dataDir, opts)
	if err != nil {
		if node != nil {
			node.Close()
			ln.Close()
		}
		return err
	}
	defer func() {
		if node != nil {
			node.Close() // stops applying the log before the store closes
		}
		if err := db.Close(); err != nil {
			log.Error("closing store", "err", err)
		}
	}()
	if node != nil {
		phase.set("catching up with the log", node)
		if err := startNode(ctx, node, db, log); err != nil {
			ln.Close()
			return err
		}
	}
	// The dataset goes in before anything else reads the store (the
	// value-log GC included): an empty store is filled by the fast loader.
	phase.set("loading the curated dataset", nil)
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
	switch policy := c.http.Policy; {
	case policy.ReadOnly:
		log.Info("writes", "mode", "read-only")
	case policy.Tokens == nil || policy.Tokens.Len() == 0:
		log.Warn("writes", "mode", "disabled: no tokens configured (--tokens-file or "+auth.EnvTokens+")")
	default:
		log.Info("writes", "tokens", policy.Tokens.Len()) // how many, never which
	}

	if c.pprofAddr != "" {
		stopPprof, err := httpapi.ServePprof(c.pprofAddr, log)
		if err != nil {
			return err
		}
		defer stopPprof()
	}
	if node != nil {
		phase.set("registering with the cluster", nil)
		if err := node.Register(ctx); err != nil {
			ln.Close()
			return fmt.Errorf("cluster: registering this node: %w", err)
		}
		stopStarting()
	} else if ln, err = net.Listen("tcp", c.addr); err != nil {
		return err
	}
	return httpapi.Serve(ctx, ln, httpapi.New(db, c.http, log), c.http, log)
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
