package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset/datasettest"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/store"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// today is the fixed "today" of the tests, the default asOf.
var today = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func testConfig() *serveConfig {
	return &serveConfig{limits: graph.DefaultLimits(), now: func() time.Time { return today }, gcInterval: time.Minute,
		entityCacheMB: store.DefaultEntityCacheBytes >> 20,
		// A long batch window makes the read-count tests independent of how
		// fast a loaded machine schedules sibling resolvers.
		loaderWait: 20 * time.Millisecond}
}

// newTestServer serves the NATO dataset from an in-memory store over real
// HTTP on 127.0.0.1.
func newTestServer(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	db := datasettest.NATO(t)
	srv := httptest.NewServer(newMux(db, testConfig(), slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	return srv, db
}

// gqlResponse is a GraphQL response as clients see it.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// post sends a query as JSON and returns the status and raw body.
func post(t *testing.T, url, query string, vars map[string]any) (int, []byte) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return postRaw(t, url, "application/json", body)
}

func postRaw(t *testing.T, url, contentType string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(url+"/graphql", contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func query(t *testing.T, url, q string) gqlResponse {
	t.Helper()
	status, b := post(t, url, q, nil)
	var r gqlResponse
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("status %d, body %s: %v", status, b, err)
	}
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, b)
	}
	return r
}

// TestGolden runs every query under testdata/queries through HTTP and
// compares the response with testdata/golden (go test -update rewrites).
func TestGolden(t *testing.T) {
	srv, _ := newTestServer(t)
	files, err := filepath.Glob("testdata/queries/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no queries: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".graphql")
		t.Run(name, func(t *testing.T) {
			q, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, body := post(t, srv.URL, string(q), nil)
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, body, "", "  "); err != nil {
				t.Fatalf("response is not JSON: %s", body)
			}
			pretty.WriteByte('\n')
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("response differs from %s:\n%s", golden, pretty.Bytes())
			}
		})
	}
}

// TestWrongMethodOnEndpoints: an endpoint asked with a method it does not
// take answers 405 with Allow and a coded JSON error; the catch-all
// GraphiQL handler answered these with a plain 404.
func TestWrongMethodOnEndpoints(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, tc := range []struct{ method, path, allow string }{
		{"GET", "/import", "POST"},
		{"PUT", "/import", "POST"},
		{"POST", "/backup", "GET, HEAD"},
		{"DELETE", "/backup", "GET, HEAD"},
		{"POST", "/healthz", "GET, HEAD"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var r gqlResponse
			if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
				t.Fatalf("status %d, body not JSON: %v", resp.StatusCode, err)
			}
			if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != tc.allow || r.code() != "BAD_USER_INPUT" {
				t.Errorf("status %d, Allow %q, code %q; want 405, %q, BAD_USER_INPUT", resp.StatusCode, resp.Header.Get("Allow"), r.code(), tc.allow)
			}
		})
	}
	// The endpoints still answer their own methods.
	if resp, err := http.Get(srv.URL + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}
