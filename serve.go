package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/store"
	"github.com/alliancegraph/alliancegraph/web"
)

const serveSummary = `Serve the GraphQL API at /graphql (POST, and GET for queries), GraphiQL at
/ (works offline), and /healthz. On first start the curated NATO dataset is
loaded into the empty data directory; later starts change nothing. SIGINT or
SIGTERM drains requests and closes the store cleanly.`

// serveConfig is everything serve needs; tests build one directly.
type serveConfig struct {
	addr     string
	dataDir  string
	inMemory bool
	limits   graph.Limits
	logJSON  bool
	now      func() time.Time
	// ready, if set, receives the listener's address once serving.
	ready func(addr string)
}

func serveFlags(fs *flag.FlagSet) *serveConfig {
	c := &serveConfig{limits: graph.DefaultLimits(), now: time.Now}
	fs.StringVar(&c.addr, "addr", envOr("ALLIANCEGRAPH_ADDR", "127.0.0.1:8080"), "listen `address` (env ALLIANCEGRAPH_ADDR)")
	fs.StringVar(&c.dataDir, "data", envOr("ALLIANCEGRAPH_DATA", "./data"), "data `directory` (env ALLIANCEGRAPH_DATA)")
	fs.BoolVar(&c.logJSON, "log-json", false, "log as JSON lines instead of text")
	fs.IntVar(&c.limits.MaxDepth, "max-depth", c.limits.MaxDepth, "query depth limit")
	fs.IntVar(&c.limits.MaxAliases, "max-aliases", c.limits.MaxAliases, "aliases per query limit")
	fs.IntVar(&c.limits.MaxComplexity, "max-complexity", c.limits.MaxComplexity, "query complexity limit (a list costs first/last times its fields)")
	fs.IntVar(&c.limits.MaxPage, "max-page", c.limits.MaxPage, "page size limit for first/last")
	fs.Int64Var(&c.limits.MaxBodyBytes, "max-body", c.limits.MaxBodyBytes, "request body limit in `bytes` (413 beyond)")
	fs.DurationVar(&c.limits.Timeout, "timeout", c.limits.Timeout, "resolver deadline per request")
	return c
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", serveSummary, stdout, stderr)
	c := serveFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return serve(ctx, c, stderr)
}

// serve runs the server until ctx is cancelled.
func serve(ctx context.Context, c *serveConfig, logOut io.Writer) error {
	log := newLogger(logOut, c.logJSON)
	opts := store.DefaultOptions().WithLogger(log).WithInMemory(c.inMemory)
	db, err := store.Open(c.dataDir, opts)
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("closing store", "err", err)
		}
	}()
	n, err := dataset.LoadNATO(db)
	if err != nil {
		return fmt.Errorf("loading the NATO dataset: %w", err)
	}
	log.Info("dataset", "changed", n, "data", c.dataDir)

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           newMux(db, c, log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      c.limits.Timeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
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

// newMux wires the endpoints.
func newMux(db *store.DB, c *serveConfig, log *slog.Logger) http.Handler {
	res := &graph.Resolver{DB: db, Now: c.now, MaxPage: c.limits.MaxPage, Generator: generator()}
	mux := http.NewServeMux()
	mux.Handle("/graphql", graph.NewHandler(res, c.limits, log))
	mux.Handle("/export", graph.NewExportHandler(db, generator(), log))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := db.View(time.Time{}, func(*store.Reader) error { return nil }); err != nil {
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	mux.Handle("/", web.Handler(web.Options{Endpoint: "/graphql", Title: "alliancegraph", Examples: examples}))
	return withRequestLog(log, mux)
}
