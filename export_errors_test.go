package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

func TestExportGraphQLBadRequests(t *testing.T) {
	db := natoExportDB(t, "")
	defer db.Close()
	srv := serveDB(t, db)
	for _, tc := range []struct{ name, args, code, want string }{
		{"unknown format", `selection: {ids: ["org/nato"]}, format: xlsx`, "BAD_USER_INPUT", "xlsx"},
		{"unknown ID", `selection: {ids: ["country/XXX"]}, format: graphml`, "BAD_USER_INPUT", "no entity country/XXX"},
		{"malformed date", `selection: {ids: ["org/nato"], asOf: "2024-13-01"}, format: graphml`, "BAD_USER_INPUT", "invalid Date"},
		{"depth over cap", `selection: {ids: ["org/nato"], depth: 7}, format: graphml`, "BAD_USER_INPUT", "depth 7 is outside 0..6"},
		{"maxNodes over the limit", `selection: {maxNodes: 5000}, format: json`, "LIMIT_EXCEEDED", "over the export limit of 1000"},
		{"maxNodes zero", `selection: {maxNodes: 0}, format: json`, "BAD_USER_INPUT", "maxNodes must be 1 to 1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, body := post(t, srv.URL, `{ export(`+tc.args+`) { content } }`, nil)
			var r gqlResponse
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			if r.code() != tc.code || !strings.Contains(r.Errors[0].Message, tc.want) {
				t.Errorf("got %s, want %s mentioning %q", body, tc.code, tc.want)
			}
		})
	}
}

// TestExportGraphQLTruncated: a whole-graph export cut by maxNodes says so.
func TestExportGraphQLTruncated(t *testing.T) {
	db := natoExportDB(t, "")
	defer db.Close()
	srv := serveDB(t, db)
	r := query(t, srv.URL, `{ export(selection: {maxNodes: 5}, format: jsonl) { truncated content } }`)
	var d struct {
		Export struct {
			Truncated bool
			Content   string
		}
	}
	if err := json.Unmarshal(r.Data, &d); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%v %+v", err, r.Errors)
	}
	if !d.Export.Truncated || strings.Count(d.Export.Content, "\n") != 6 {
		t.Errorf("truncated %v with %d lines, want true and header + 5 entities", d.Export.Truncated, strings.Count(d.Export.Content, "\n"))
	}
}

func TestExportCLIErrors(t *testing.T) {
	dir := t.TempDir()
	natoExportDB(t, dir).Close()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no format", []string{}, "format is required"},
		{"unknown format", []string{"--format", "xlsx"}, `unknown export format "xlsx"`},
		{"unknown ID", []string{"--format", "json", "--ids", "country/XXX"}, "no entity country/XXX"},
		{"malformed date", []string{"--format", "json", "--as-of", "1.1.2024"}, `asOf "1.1.2024" is not a date`},
		{"depth over cap", []string{"--format", "json", "--ids", "org/nato", "--depth", "9"}, "depth 9 is outside 0..6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"export", "--data", dir, "-o", out}, tc.args...), &stdout, &stderr)
			if !errors.Is(err, errUsage) || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("err %v, stderr %q; want a usage error mentioning %q", err, stderr.String(), tc.want)
			}
			if m, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "*")); len(m) != 0 {
				t.Errorf("a refused export left files: %v", m)
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"export", "--help"}, &stdout, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	for _, flagName := range []string{"--format", "--ids", "--depth", "--predicates", "--kinds", "--as-of", "--known-at", "--max-nodes", "-o", "--data"} {
		if !strings.Contains(stdout.String(), "  "+flagName+" ") {
			t.Errorf("--help does not list %s:\n%s", flagName, stdout.String())
		}
	}
}

// bigDB builds a graph of n KNOWS facts between n/10 people, enough that
// an export takes many writes.
func bigDB(t testing.TB, dir string, people, facts int) *store.DB {
	db, err := store.Open(dir, store.DefaultOptions().WithInMemory(dir == "").WithSyncWrites(false))
	if err != nil {
		t.Fatal(err)
	}
	if err := buildKnowsGraph(db, people, facts); err != nil {
		t.Fatal(err)
	}
	return db
}

func buildKnowsGraph(db *store.DB, people, facts int) error {
	err := db.Update("test", func(w *store.Writer) error {
		_, err := w.PutEntity(domain.Entity{ID: "doc/synthetic", Name: "Synthetic source"})
		for i := 0; err == nil && i < people; i++ {
			_, err = w.PutEntity(domain.Entity{ID: fmt.Sprintf("person/p%06d", i), Name: fmt.Sprintf("Person %d", i)})
		}
		return err
	})
	for start := 0; err == nil && start < facts; start += 5000 {
		err = db.Update("test", func(w *store.Writer) error {
			for i := start; i < min(start+5000, facts); i++ {
				from, to := i%people, (i/people+1+i)%people
				if from == to {
					to = (to + 1) % people
				}
				_, err := w.PutFact(domain.Fact{ID: fmt.Sprintf("fact/k%07d", i), Predicate: domain.Knows,
					From: fmt.Sprintf("person/p%06d", from), To: fmt.Sprintf("person/p%06d", to),
					Valid:     domain.Interval{From: domain.Date(10000 + i%5000)},
					Citations: []domain.Citation{{Source: "doc/synthetic"}}})
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	return err
}

// TestExportHTTPClientGoesAway: a client that stops reading and hangs up
// part-way ends the export on the server, which has then written only part
// of the file.
func TestExportHTTPClientGoesAway(t *testing.T) {
	db := bigDB(t, "", 2000, 20000)
	defer db.Close()
	var written atomic.Int64
	done := make(chan struct{}, 2) // one per request, when its handler returns
	inner := newMux(db, testConfig(), slogDiscard())
	srv := serveHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		defer func() {
			if p := recover(); p != nil && p != http.ErrAbortHandler {
				panic(p)
			}
		}()
		inner.ServeHTTP(&countingResponse{ResponseWriter: w, n: &written}, r)
	}))
	full := func() int {
		_, b := getExport(t, srv.URL, "graphml", nil)
		return len(b)
	}()
	<-done

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/export?format=graphml", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	written.Store(0)
	if _, err := io.ReadFull(resp.Body, make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	cancel()
	resp.Body.Close()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the export went on after the client left")
	}
	if n := written.Load(); n >= int64(full) {
		t.Errorf("server wrote %d bytes of a %d-byte export after the client left", n, full)
	}
}

type countingResponse struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c *countingResponse) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingResponse) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func serveHandler(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
