package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/store"
)

// The hardening tests' shared client: raw requests with any method,
// content type, body and headers, against a real server on 127.0.0.1.

// syncBuffer is a log destination the server and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newHardServer serves the NATO dataset (in memory) with alice's and
// bob's tokens, after edit adjusts the config; its log goes to logw (nil:
// discarded).
func newHardServer(t *testing.T, edit func(*serveConfig), logw io.Writer) (*httptest.Server, *store.DB) {
	t.Helper()
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.LoadNATO(db); err != nil {
		t.Fatal(err)
	}
	c := testConfig()
	if c.policy.Tokens, err = auth.ParseList("alice:" + aliceToken + ",bob:" + bobToken); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(c)
	}
	if logw == nil {
		logw = io.Discard
	}
	srv := httptest.NewServer(newMux(db, c, slog.New(slog.NewTextHandler(logw, nil))))
	t.Cleanup(func() {
		srv.Close()
		db.Close()
	})
	return srv, db
}

// reply is a raw HTTP answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// gql decodes the body as a GraphQL response, failing the test if it is not one.
func (r reply) gql(t *testing.T) gqlResponse {
	t.Helper()
	var g gqlResponse
	if err := json.Unmarshal(r.body, &g); err != nil {
		t.Fatalf("status %d, body is not a GraphQL response: %.300s", r.status, r.body)
	}
	return g
}

// send makes one request; header values may include Authorization.
func send(t *testing.T, method, url, contentType string, body io.Reader, header map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

// jsonBody marshals a GraphQL request.
func jsonBody(t *testing.T, req map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stillServes fails the test unless an ordinary query answers normally.
func stillServes(t *testing.T, url string) {
	t.Helper()
	r := send(t, http.MethodPost, url+"/graphql", "application/json",
		strings.NewReader(`{"query":"{ alliance(id: \"org/nato\") { memberCount(asOf: \"2024-10-01\") } }"}`), nil)
	if r.status != http.StatusOK || string(r.gql(t).Data) != `{"alliance":{"memberCount":32}}` {
		t.Fatalf("a normal query after it: status %d: %s", r.status, r.body)
	}
}
