package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestResolverPanic: a resolver that panics answers INTERNAL with only
// "internal error" and the request ID; the panic value and the stack go to
// the log under that ID; the other fields of the response still resolve
// and the server keeps serving.
func TestResolverPanic(t *testing.T) {
	var log servertest.SyncBuffer
	srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) {
		c.FieldHook = func(ctx context.Context, next graphql.Resolver) (any, error) {
			if graphql.GetFieldContext(ctx).Field.Alias == "boom" {
				panic("kaboom: secret detail from deep inside")
			}
			return next(ctx)
		}
	}), servertest.LogTo(&log))
	for _, name := range []string{"query", "mutation"} {
		t.Run(name, func(t *testing.T) {
			q := `{ boom: alliance(id: "org/nato") { name } fin: country(id: "country/FIN") { name } }`
			h := map[string]string{}
			if name == "mutation" {
				q = `mutation { boom: upsertEntity(input: {id: "place/p", kind: PLACE, name: "P"}) { changed } }`
				h["Authorization"] = "Bearer " + servertest.AliceToken
			}
			r := servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(string(servertest.JSONBody(t, map[string]any{"query": q}))), h)
			g := r.GQL(t)
			if r.Status != http.StatusOK || len(g.Errors) != 1 || g.Code() != "INTERNAL" || g.FirstMessage() != "internal error" {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			id, _ := g.Errors[0].Extensions["requestId"].(string)
			if id == "" || id != r.Header.Get("X-Request-Id") {
				t.Errorf("requestId %q, X-Request-Id %q", id, r.Header.Get("X-Request-Id"))
			}
			if len(g.Errors[0].Extensions) != 2 {
				t.Errorf("extensions carry more than code and requestId: %v", g.Errors[0].Extensions)
			}
			for _, leak := range []string{"kaboom", "secret", "goroutine", ".go:"} {
				if strings.Contains(string(r.Body), leak) {
					t.Errorf("response leaks %q: %s", leak, r.Body)
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
			servertest.StillServes(t, srv.URL)
		})
	}
}
