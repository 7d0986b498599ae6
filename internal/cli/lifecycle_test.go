package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

func dump(t *testing.T, dir string) []byte {
	t.Helper()
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b bytes.Buffer
	if err := db.Dump(time.Time{}, &b); err != nil {
		t.Fatal(err)
	}
	if vs, err := db.Check(time.Time{}, 0); err != nil || len(vs) > 0 {
		t.Fatalf("check: %v %v", vs, err)
	}
	return b.Bytes()
}

// TestRestartChangesNothing: the first start loads the dataset; a restart
// on the same directory commits nothing, and the dump and checker agree.
func TestRestartChangesNothing(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	if r := servertest.Query(t, srv.URL, `{ alliance(id: "org/nato") { memberCount(asOf: "2024-10-01") } }`); string(r.Data) != `{"alliance":{"memberCount":32}}` {
		t.Fatalf("first start: %s %+v", r.Data, r.Errors)
	}
	srv.Stop(t)
	first := dump(t, dir)
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	last := db.LastCommit()
	db.Close()

	srv = servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	if r := servertest.Query(t, srv.URL, `{ alliance(id: "org/nato") { memberCount(asOf: "2024-10-01") } }`); string(r.Data) != `{"alliance":{"memberCount":32}}` {
		t.Fatalf("restart: %s %+v", r.Data, r.Errors)
	}
	srv.Stop(t)
	if second := dump(t, dir); !bytes.Equal(first, second) {
		t.Error("dump changed across a restart")
	}
	db, err = store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.LastCommit().Equal(last) {
		t.Errorf("restart committed: last commit %v, was %v", db.LastCommit(), last)
	}
}

// TestKnownAtThroughHTTP changes Sweden's accession date through the store,
// then asks over HTTP with knownAt before the change and gets the old
// value, also after closing and reopening the directory.
func TestKnownAtThroughHTTP(t *testing.T) {
	dir := t.TempDir()
	clock := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	open := func() *store.DB {
		db, err := store.Open(dir, store.DefaultOptions().WithClock(func() time.Time { clock = clock.Add(time.Second); return clock }))
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	if _, err := dataset.LoadNATO(db); err != nil {
		t.Fatal(err)
	}
	before := db.LastCommit()
	err := db.Update("test", func(w *store.Writer) error {
		f, err := w.Fact("fact/swe-member-of-nato")
		if err != nil {
			return err
		}
		f.Valid.From = domain.MustDate("2024-03-08")
		_, err = w.PutFact(*f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	q := `{ now: fact(id: "fact/swe-member-of-nato") { validFrom }
	        then: fact(id: "fact/swe-member-of-nato", knownAt: "` + before.Format(time.RFC3339Nano) + `") { validFrom }
	        nato: alliance(id: "org/nato", knownAt: "` + before.Format(time.RFC3339Nano) + `") { memberCount(asOf: "2024-03-07") } }`
	want := `{"now":{"validFrom":"2024-03-08"},"then":{"validFrom":"2024-03-07"},"nato":{"memberCount":32}}`
	check := func(db *store.DB) {
		srv := servertest.New(t, servertest.DB(db))
		defer srv.Stop(t)
		if r := servertest.Query(t, srv.URL, q); string(r.Data) != want {
			t.Errorf("got %s %+v\nwant %s", r.Data, r.Errors, want)
		}
	}
	check(db)
	db.Close()
	db = open()
	defer db.Close()
	check(db)
}

// TestSecondOpenFails: a second opener of a directory in use gets a clear
// error at once instead of hanging.
func TestSecondOpenFails(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	defer srv.Stop(t)
	errc := make(chan error, 1)
	go func() { errc <- Run(context.Background(), []string{"check", "--data", dir}, io.Discard, io.Discard) }()
	select {
	case err := <-errc:
		if !errors.Is(err, store.ErrLocked) {
			t.Fatalf("check on a locked directory: %v, want ErrLocked", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("second open hung")
	}
}

// TestReadingCommandsNeedAStore: check, export and backup on a directory
// with no store (a mistyped --data) fail with ErrNoStore and create
// nothing, where they used to create an empty store and report it
// consistent, export nothing, or back it up.
func TestReadingCommandsNeedAStore(t *testing.T) {
	parent := t.TempDir()
	missing := filepath.Join(parent, "dta")
	out := filepath.Join(parent, "out")
	for _, args := range [][]string{
		{"check", "--data", missing},
		{"export", "--data", missing, "--format", "jsonl", "-o", out},
		{"backup", "--data", missing, "-o", out},
	} {
		t.Run(args[0], func(t *testing.T) {
			err := Run(context.Background(), args, io.Discard, io.Discard)
			if !errors.Is(err, store.ErrNoStore) {
				t.Fatalf("%s on a missing directory: %v, want ErrNoStore", args[0], err)
			}
			if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s created the directory: %v", args[0], err)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s wrote its output: %v", args[0], err)
			}
		})
	}
}

// TestOutputErrorsNameTheFile: export and backup write beside their
// output and rename; a directory that does not exist is reported with
// the name the user gave, not the temporary file's.
func TestOutputErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	srv.Stop(t)
	out := filepath.Join(t.TempDir(), "missing", "x.out")
	for _, args := range [][]string{
		{"export", "--data", dir, "--format", "jsonl", "-o", out},
		{"backup", "--data", dir, "-o", out},
	} {
		err := Run(t.Context(), args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "cannot write "+out+": ") || strings.Contains(err.Error(), ".partial") || strings.Contains(err.Error(), ".x.out.") {
			t.Errorf("%s to a missing directory: %v", args[0], err)
		}
	}
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	srv.Stop(t)
	for _, tc := range []struct {
		args    []string
		wantErr bool
		out     string
	}{
		{[]string{"help"}, false, "Commands:"},
		{[]string{"--help"}, false, "Commands:"},
		{[]string{"-h"}, false, "  serve "},
		{[]string{}, true, "Commands:"},
		{[]string{"serve", "--help"}, false, "--addr"},
		{[]string{"serve", "--help"}, false, "--entity-cache-mb"},
		// The summary names every endpoint a server answers.
		{[]string{"serve", "--help"}, false, "GET /metrics"},
		{[]string{"serve", "--help"}, false, "/livez"},
		{[]string{"serve", "--help"}, false, "/readyz"},
		{[]string{"serve", "--help"}, false, "GET /graphql/schema.graphql"},
		{[]string{"check", "--help"}, false, "invariants"},
		{[]string{"version"}, false, "alliancegraph"},
		{[]string{"version", "--help"}, false, "Print the program's version"},
		{[]string{"check", "--data", dir}, false, "consistent"},
		{[]string{"check", "--data", dir, "--limit", "-1"}, true, ""},
		{[]string{"frobnicate"}, true, ""},
		{[]string{"serve", "--no-such-flag"}, true, ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			err := Run(context.Background(), tc.args, &out, io.Discard)
			if (err != nil && !errors.Is(err, flagErrHelp)) != tc.wantErr {
				t.Fatalf("err %v, want error %v", err, tc.wantErr)
			}
			if !strings.Contains(out.String(), tc.out) {
				t.Errorf("output %q lacks %q", out.String(), tc.out)
			}
		})
	}
}

var flagErrHelp = flag.ErrHelp

func TestEntityCacheFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int64
	}{
		{nil, 32},
		{[]string{"--entity-cache-mb", "0"}, 0},
		{[]string{"--entity-cache-mb", "256"}, 256},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			fs := newFlagSet("serve", serveSummary, io.Discard, io.Discard)
			c := serveFlags(fs)
			if err := parseFlags(fs, tc.args); err != nil {
				t.Fatal(err)
			}
			if c.entityCacheMB != tc.want {
				t.Errorf("entityCacheMB = %d, want %d", c.entityCacheMB, tc.want)
			}
		})
	}
}

// TestGCPercent: the server collects garbage at --gc-percent, by default
// 50, unless GOGC is set and the flag is not; the old target comes back
// when it stops.
func TestGCPercent(t *testing.T) {
	current := func() int { p := debug.SetGCPercent(100); debug.SetGCPercent(p); return p }
	before := current()
	for _, tc := range []struct {
		args []string
		gogc string
		want int
	}{
		{nil, "", defaultGCPercent},
		{[]string{"--gc-percent", "80"}, "", 80},
		{nil, "200", before},
		{[]string{"--gc-percent", "80"}, "200", 80},
	} {
		t.Run(strings.Join(tc.args, " ")+" GOGC="+tc.gogc, func(t *testing.T) {
			fs := newFlagSet("serve", serveSummary, io.Discard, io.Discard)
			c := serveFlags(fs)
			if err := parseFlags(fs, tc.args); err != nil {
				t.Fatal(err)
			}
			c.gcPercentSet = flagGiven(fs, "gc-percent")
			restore := applyGCPercent(c, tc.gogc)
			if got := current(); got != tc.want {
				t.Errorf("GC percent while serving %d, want %d", got, tc.want)
			}
			restore()
			if got := current(); got != before {
				t.Errorf("GC percent after serving %d, want %d again", got, before)
			}
		})
	}
}

// TestServeRefusesBadNumbers: serve refuses, before it opens anything,
// numbers that would make a server that does not work as asked: limits
// below 1 (every request refused), negative sizes, counts and durations,
// and GOGC's "off" for --gc-percent. Several were taken silently (a
// negative --timeout, --cache-mb or --max-import).
func TestServeRefusesBadNumbers(t *testing.T) {
	for _, tc := range []struct{ flag, value, want string }{
		{"--gc-percent", "-1", "--gc-percent must be at least 1"},
		{"--max-searches", "-1", "--max-searches must not be negative"},
		{"--max-depth", "0", "--max-depth must be at least 1, got 0"},
		{"--max-page", "-3", "--max-page must be at least 1, got -3"},
		{"--max-body", "0", "--max-body must be at least 1"},
		{"--max-import", "-1", "--max-import must be at least 1"},
		{"--ws-max-message", "0", "--ws-max-message must be at least 1"},
		{"--cache-mb", "-1", "--cache-mb must not be negative"},
		{"--entity-cache-mb", "-5", "--entity-cache-mb must not be negative"},
		{"--max-visited", "-1", "--max-visited must not be negative"},
		{"--timeout", "-1s", "--timeout must not be negative"},
		{"--gc-interval", "-1m", "--gc-interval must not be negative"},
		{"--loader-wait", "-1ms", "--loader-wait must not be negative"},
		{"--ws-keepalive", "-1s", "--ws-keepalive must not be negative"},
		{"--ws-init-timeout", "0s", "--ws-init-timeout must be more than 0"},
		{"--max-conns", "0", "--max-conns must be at least 1, got 0"},
		{"--max-sockets", "-1", "--max-sockets must not be negative"},
		{"--max-sockets", "100000", "--max-sockets (100000) must be less than --max-conns"},
		{"--max-client-sockets", "0", "--max-client-sockets must be at least 1"},
		{"--max-subscriptions", "0", "--max-subscriptions must be at least 1"},
		{"--max-client-subscriptions", "-1", "--max-client-subscriptions must be at least 1"},
	} {
		t.Run(tc.flag+"="+tc.value, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			var out, errOut bytes.Buffer
			// Cancelled before it starts: a value taken by mistake makes
			// serve start and stop at once, not serve until the test's
			// deadline.
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			err := Run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", tc.flag, tc.value}, &out, &errOut)
			if !errors.Is(err, ErrUsage) || !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("serve %s %s: %v, %q; want usage error %q", tc.flag, tc.value, err, errOut.String(), tc.want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("serve %s %s created the data directory", tc.flag, tc.value)
			}
		})
	}
}

// TestStopLogsAFinalLine: after SIGINT or SIGTERM (ctx cancelled) the
// last log line says the server stopped, after the store closed.
func TestStopLogsAFinalLine(t *testing.T) {
	var logs bytes.Buffer
	srv := servertest.New(t, servertest.Command(Run), servertest.JSONLog(), servertest.LogTo(&logs))
	srv.Stop(t)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	var last struct{ Msg string }
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Msg != "stopped" {
		t.Errorf("last log line %q, want msg \"stopped\"", lines[len(lines)-1])
	}
}

// TestLockedDirectorySaysWhatToDo: an offline command on a directory a
// running server holds says how to do the same through the server.
func TestLockedDirectorySaysWhatToDo(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	defer srv.Stop(t)
	doc := filepath.Join(t.TempDir(), "doc.txt")
	os.WriteFile(doc, []byte("Finland joined NATO."), 0o644)
	jsonl := filepath.Join(t.TempDir(), "one.jsonl")
	os.WriteFile(jsonl, []byte(`{"kind":"entity","id":"place/x","type":"PLACE","name":"X"}`+"\n"), 0o644)
	for _, tc := range []struct {
		args []string
		hint string
	}{
		{[]string{"export", "--data", dir, "--format", "jsonl", "-o", filepath.Join(t.TempDir(), "x.jsonl")}, "GET /export"},
		{[]string{"backup", "--data", dir, "-o", filepath.Join(t.TempDir(), "x.backup")}, "GET /backup"},
		{[]string{"check", "--data", dir}, "stop it first"},
		{[]string{"import", "--data", dir, jsonl}, "POST /import"},
		{[]string{"ingest", "--data", dir, doc}, "ingestDocument"},
		{[]string{"dataset", "upgrade", "--data", dir}, "stop it, then upgrade"},
	} {
		err := Run(t.Context(), tc.args, io.Discard, io.Discard)
		if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), tc.hint) || !strings.Contains(err.Error(), "held by a running server") {
			t.Errorf("%s: %v, want ErrLocked saying %q", tc.args[0], err, tc.hint)
		}
	}
}
