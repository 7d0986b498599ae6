package graph_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestGraphQLOverHTTPAudit runs the graphql-http package's audit suite
// (the GraphQL-over-HTTP specification's checks, npm, pinned) against a
// real server: every audit must pass, warnings and notices included.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	node := servertest.NeedNodePackage(t, "graphql-http")
	srv := servertest.New(t)
	out := servertest.RunTool(t, node, filepath.Join(servertest.Consumers(t), "audit_graphql_http.mjs"), srv.URL+"/graphql")
	sc := bufio.NewScanner(bytes.NewReader(out))
	audits := 0
	for sc.Scan() {
		var r struct{ ID, Name, Status, Reason string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit output %q: %v", sc.Text(), err)
		}
		audits++
		if r.Status != "ok" {
			t.Errorf("%s %s %q: %s", r.Status, r.ID, r.Name, r.Reason)
		}
	}
	if audits < 30 {
		t.Errorf("only %d audits ran", audits)
	}
}

// TestResponseMediaTypes: the status, media type and data entry of each
// kind of answer, for both response media types.
func TestResponseMediaTypes(t *testing.T) {
	srv := servertest.New(t)
	const gqlResp = "application/graphql-response+json"
	for _, tc := range []struct {
		name, accept, body string
		status             int
		media              string
		data               bool // the response has a data entry
	}{
		{"ok", "", `{"query":"{ __typename }"}`, 200, "application/json", true},
		{"ok, graphql-response", gqlResp, `{"query":"{ __typename }"}`, 200, gqlResp, true},
		{"field error", "", `{"query":"{ alliance(id: \"org/none\") { name } }"}`, 200, "application/json", true},
		{"field error, graphql-response", gqlResp, `{"query":"{ alliance(id: \"org/none\") { name } }"}`, 200, gqlResp, true},
		{"parse error", "", `{"query":"{"}`, 200, "application/json", false},
		{"parse error, graphql-response", gqlResp, `{"query":"{"}`, 400, gqlResp, false},
		{"validation error", "application/json", `{"query":"{ nope }"}`, 200, "application/json", false},
		{"validation error, graphql-response", gqlResp + ", application/json;q=0.9", `{"query":"{ nope }"}`, 400, gqlResp, false},
		{"coercion error", "", `{"query":"query($n: Int) { __typename }","variables":{"n":"x"}}`, 200, "application/json", false},
		{"coercion error, graphql-response", gqlResp, `{"query":"query($n: Int) { __typename }","variables":{"n":"x"}}`, 400, gqlResp, false},
		{"no query", "", `{"variables":{}}`, 400, "application/json", false},
		{"no query, graphql-response", gqlResp, `{}`, 400, gqlResp, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL+"/graphql", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var members map[string]json.RawMessage
			if err := json.Unmarshal(b, &members); err != nil {
				t.Fatalf("body %s: %v", b, err)
			}
			_, hasData := members["data"]
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != tc.media || hasData != tc.data {
				t.Errorf("%d %s data=%v, want %d %s data=%v: %s", resp.StatusCode, resp.Header.Get("Content-Type"), hasData,
					tc.status, tc.media, tc.data, b)
			}
		})
	}
}
