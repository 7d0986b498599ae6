package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestResolverPanic: a resolver that panics answers INTERNAL with only
// "internal error" and the request ID; the panic value and the stack go to
// the log under that ID; the other fields of the response still resolve
// and the server keeps serving.
func TestResolverPanic(t *testing.T) {
	var log syncBuffer
	srv, _ := newHardServer(t, func(c *serveConfig) {
		c.fieldHook = func(ctx context.Context, next graphql.Resolver) (any, error) {
			if graphql.GetFieldContext(ctx).Field.Alias == "boom" {
				panic("kaboom: secret detail from deep inside")
			}
			return next(ctx)
		}
	}, &log)
	for _, name := range []string{"query", "mutation"} {
		t.Run(name, func(t *testing.T) {
			q := `{ boom: alliance(id: "org/nato") { name } fin: country(id: "country/FIN") { name } }`
			h := map[string]string{}
			if name == "mutation" {
				q = `mutation { boom: upsertEntity(input: {id: "place/p", kind: PLACE, name: "P"}) { changed } }`
				h["Authorization"] = "Bearer " + aliceToken
			}
			r := send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(string(jsonBody(t, map[string]any{"query": q}))), h)
			g := r.gql(t)
			if r.status != http.StatusOK || len(g.Errors) != 1 || g.code() != "INTERNAL" || firstMessage(g) != "internal error" {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			id, _ := g.Errors[0].Extensions["requestId"].(string)
			if id == "" || id != r.header.Get("X-Request-Id") {
				t.Errorf("requestId %q, X-Request-Id %q", id, r.header.Get("X-Request-Id"))
			}
			if len(g.Errors[0].Extensions) != 2 {
				t.Errorf("extensions carry more than code and requestId: %v", g.Errors[0].Extensions)
			}
			for _, leak := range []string{"kaboom", "secret", "goroutine", ".go:"} {
				if strings.Contains(string(r.body), leak) {
					t.Errorf("response leaks %q: %s", leak, r.body)
				}
			}
			if name == "query" && !strings.Contains(string(g.Data), `"fin":{"name":"Finland"}`) {
				t.Errorf("the other field did not resolve: %s", g.Data)
			}
			logged := log.String()
			var line string
			for _, l := range strings.Split(logged, "\n") {
				if strings.Contains(l, "panic in resolver") && strings.Contains(l, id) {
					line = l
				}
			}
			if !strings.Contains(line, "kaboom: secret detail") || !strings.Contains(line, "goroutine ") || !strings.Contains(line, "runtime/debug.Stack") {
				t.Errorf("log has no panic line with value and stack for %s:\n%.2000s", id, logged)
			}
			stillServes(t, srv.URL)
		})
	}
}
