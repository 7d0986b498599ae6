// Package servertest starts alliancegraph servers for tests, in the
// manner of net/http/httptest, always the real thing: a real Badger store
// (in memory, or on disk under t.TempDir()), real HTTP on 127.0.0.1:0,
// write tokens for alice and bob. By default it serves the real handler
// (httpapi.New) through the real HTTP server (httpapi.Serve, with its
// timeouts and connection limit) over a store holding the NATO dataset;
// with Command it runs the serve command in the test's process, with
// Binary a built binary as a process of its own. The client helpers
// (Post, Query, GQL, Send, ...) speak to any of them.
package servertest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/store"
)

// The write tokens every server accepts (unless Config removes them).
const (
	AliceToken = "alice-0123456789abcdef"
	BobToken   = "bob-0123456789abcdef00"
)

// Today is the fixed "today" of in-process servers: the default asOf.
var Today = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// RunFunc is the CLI's entry point (cli.Run), which Command runs.
type RunFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// Server is a running server.
type Server struct {
	// URL is its base URL, http://127.0.0.1:port; empty for a Binary
	// started with NoWait.
	URL string
	// Addr is its listener's host:port.
	Addr string
	// DB is the store the handler serves; nil for Command and Binary,
	// whose store is their own.
	DB *store.DB
	// Dir is the data directory; "" for an in-memory store.
	Dir string

	log    *SyncBuffer
	stop   func(t testing.TB)
	signal func(t testing.TB, sig syscall.Signal) (*os.ProcessState, error)
	done   bool
}

// Log returns what the server has logged so far: everything for Command
// and Binary, nothing for the handler unless KeepLog or JSONLog.
func (s *Server) Log() string { return s.log.String() }

// Stop stops the server as SIGINT or SIGTERM would, waits until it has
// finished (its store closed) and fails the test if it did not stop
// cleanly. It runs at the end of the test if the test did not call it.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if !s.done {
		s.done = true
		s.stop(t)
	}
}

// Kill ends a Binary's process with SIGKILL, as a crash would.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	s.Signal(t, syscall.SIGKILL)
}

// Signal sends sig to a Binary's process, waits for it to end and returns
// how it ended, for a test that judges that itself (nil if it had already
// been stopped).
func (s *Server) Signal(t testing.TB, sig syscall.Signal) *os.ProcessState {
	t.Helper()
	if s.signal == nil {
		t.Fatal("servertest: Kill and Signal need a server started with Binary")
	}
	if s.done {
		return nil
	}
	s.done = true
	ps, _ := s.signal(t, sig)
	return ps
}

type options struct {
	edit     []func(*httpapi.Config)
	dir      string
	onDisk   bool
	db       *store.DB
	load     func(*store.DB) error
	jsonLog  bool
	keepLog  bool
	logTo    io.Writer
	wrap     func(http.Handler) http.Handler
	run      RunFunc
	bin      string
	args     []string
	noWait   bool
	noTokens bool
}

// An Option changes what New starts.
type Option func(*options)

// Config edits the handler's configuration, after the tests' defaults
// (Today as the clock, a long dataloader batch window, alice's and bob's
// tokens). In-process handler only.
func Config(edit func(*httpapi.Config)) Option {
	return func(o *options) {
		if edit != nil {
			o.edit = append(o.edit, edit)
		}
	}
}

// OnDisk keeps the store in a directory of t.TempDir() instead of memory.
func OnDisk() Option { return func(o *options) { o.onDisk = true } }

// Dir keeps the store in dir: the handler opens it there, Command and
// Binary get it as --data.
func Dir(dir string) Option { return func(o *options) { o.dir, o.onDisk = dir, true } }

// DB serves db, a store the test opened and closes, as it is.
func DB(db *store.DB) Option { return func(o *options) { o.db = db } }

// Load fills the new store with load instead of the NATO dataset; nil
// leaves it empty.
func Load(load func(*store.DB) error) Option {
	return func(o *options) {
		if load == nil {
			load = func(*store.DB) error { return nil }
		}
		o.load = load
	}
}

// Curated fills the new store with the whole curated dataset, as a first
// start of serve does, instead of the NATO dataset alone.
func Curated() Option {
	return Load(func(db *store.DB) error { _, err := dataset.LoadCurated(db); return err })
}

// KeepLog keeps the handler's log, as text lines, for Server.Log; it is
// discarded otherwise.
func KeepLog() Option { return func(o *options) { o.keepLog = true } }

// JSONLog logs JSON lines, as serve --log-json does, instead of text, and
// keeps them for Server.Log.
func JSONLog() Option { return func(o *options) { o.jsonLog, o.keepLog = true, true } }

// LogTo copies the server's log to w as well.
func LogTo(w io.Writer) Option { return func(o *options) { o.logTo = w } }

// Wrap puts wrap around the handler, between it and the HTTP server.
func Wrap(wrap func(http.Handler) http.Handler) Option { return func(o *options) { o.wrap = wrap } }

// Command runs `serve` through run (cli.Run) in the test's process, with
// the flags the test adds with Args, instead of the handler alone.
func Command(run RunFunc) Option { return func(o *options) { o.run = run } }

// Binary runs `serve` as a process of the binary at bin (see Build), with
// the flags the test adds with Args.
func Binary(bin string) Option { return func(o *options) { o.bin = bin } }

// Args adds command-line flags for Command and Binary.
func Args(args ...string) Option { return func(o *options) { o.args = append(o.args, args...) } }

// NoWait returns a Binary's server as soon as the process has started,
// before it serves (its URL is then empty).
func NoWait() Option { return func(o *options) { o.noWait = true } }

// NoTokens starts Command and Binary with no write tokens configured.
func NoTokens() Option { return func(o *options) { o.noTokens = true } }

// New starts a server and stops it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := &options{}
	for _, opt := range opts {
		opt(o)
	}
	if o.onDisk && o.dir == "" {
		o.dir = filepath.Join(t.TempDir(), "data")
	}
	var s *Server
	switch {
	case o.run != nil || o.bin != "":
		if len(o.edit) > 0 || o.db != nil || o.load != nil || o.wrap != nil {
			t.Fatal("servertest: Config, DB, Load and Wrap apply to the in-process handler, not to Command or Binary")
		}
		if o.dir == "" {
			o.dir = filepath.Join(t.TempDir(), "data")
		}
		s = startCommand(t, o)
	default:
		s = startHandler(t, o)
	}
	t.Cleanup(func() { s.Stop(t) })
	return s
}

// TestConfig is the handler configuration New starts from: the defaults,
// with Today as the clock and alice's and bob's tokens.
func TestConfig(t testing.TB) httpapi.Config {
	t.Helper()
	tokens, err := auth.ParseList("alice:" + AliceToken + ",bob:" + BobToken)
	if err != nil {
		t.Fatal(err)
	}
	return httpapi.Config{
		Limits: graph.DefaultLimits(),
		Now:    func() time.Time { return Today },
		// A long batch window makes the read-count tests independent of
		// how fast a loaded machine schedules sibling resolvers.
		LoaderWait: 20 * time.Millisecond,
		Policy:     auth.Policy{Tokens: tokens},
		DebugStats: true,
	}
}

func startHandler(t testing.TB, o *options) *Server {
	t.Helper()
	s := &Server{log: &SyncBuffer{}, DB: o.db, Dir: o.dir}
	if s.DB == nil {
		db, err := store.Open(o.dir, store.DefaultOptions().WithInMemory(o.dir == "").WithSyncWrites(false))
		if err != nil {
			t.Fatal(err)
		}
		load := o.load
		if load == nil {
			load = func(db *store.DB) error { _, err := dataset.LoadNATO(db); return err }
		}
		if err := load(db); err != nil {
			db.Close()
			t.Fatal(err)
		}
		s.DB = db
		t.Cleanup(func() { db.Close() })
	}
	c := TestConfig(t)
	for _, edit := range o.edit {
		edit(&c)
	}
	var ws []io.Writer
	if o.keepLog {
		ws = append(ws, s.log)
	}
	if o.logTo != nil {
		ws = append(ws, o.logTo)
	}
	log := slog.New(slog.DiscardHandler)
	switch w := io.MultiWriter(ws...); {
	case len(ws) == 0:
	case o.jsonLog:
		log = slog.New(slog.NewJSONHandler(w, nil))
	default:
		log = slog.New(slog.NewTextHandler(w, nil))
	}
	h := httpapi.New(s.DB, c, log)
	if o.wrap != nil {
		h = o.wrap(h)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	s.URL = "http://" + s.Addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- httpapi.Serve(ctx, ln, h, c, log) }()
	s.stop = func(t testing.TB) {
		t.Helper()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
	return s
}

// servingURL finds the address in serve's "serving" log line, as text or
// JSON.
var servingURL = regexp.MustCompile(`serving"?[ ,]"?url"?[=:]"?(http://127\.0\.0\.1:[0-9]+)/`)

// commandArgs returns serve's command line for o, with a tokens file
// written for alice and bob.
func commandArgs(t testing.TB, o *options) []string {
	t.Helper()
	args := []string{"serve", "--data", o.dir, "--addr", "127.0.0.1:0"}
	if !o.noTokens {
		f := filepath.Join(t.TempDir(), "tokens")
		if err := os.WriteFile(f, []byte(fmt.Sprintf("alice:%s\nbob:%s\n", AliceToken, BobToken)), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--tokens-file", f)
	}
	if o.jsonLog {
		args = append(args, "--log-json")
	}
	return append(args, o.args...)
}

// Dump returns db's newest commit as text (store.DB.Dump), for checking
// that a refused write left the store as it was.
func Dump(t testing.TB, db *store.DB) string {
	t.Helper()
	var b bytes.Buffer
	if err := db.Dump(db.LastCommit(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// AllocatedBy returns how many bytes of heap fn allocated in the whole
// process, an in-process server's work included (nothing else may run:
// the tests that use it are not parallel).
func AllocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Check fails the test unless the invariant checker finds db's newest
// commit consistent.
func Check(t testing.TB, db *store.DB) {
	t.Helper()
	vs, err := db.Check(db.LastCommit(), 0)
	if err != nil || len(vs) > 0 {
		t.Fatalf("check: %v %v", vs, err)
	}
}

// UnusedAddr returns a loopback address (host:port) that nothing listens
// on now: for a server a test starts with --addr, or one it needs to be
// absent.
func UnusedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
