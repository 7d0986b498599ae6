package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestIntrospectionAndSuggestions: on by default, for exploring in
// GraphiQL; --production turns both off, and ordinary queries (with
// __typename) still work.
func TestIntrospectionAndSuggestions(t *testing.T) {
	type probe struct{ name, query string }
	introspection := []probe{
		{"__schema", `{ __schema { queryType { name } } }`},
		{"__type", `{ __type(name: "Country") { name } }`},
		{"__schema in a fragment", `query { ...F } fragment F on Query { __schema { types { name } } }`},
		{"__type nested in an inline fragment", `{ ... on Query { alliance(id: "org/nato") { name } __type(name: "Fact") { fields { name } } } }`},
	}
	typo := `{ aliance(id: "org/nato") { name } }`
	post := func(t *testing.T, url, q string) (servertest.Reply, servertest.Response) {
		r := servertest.Send(t, "POST", url+"/graphql", "application/json", strings.NewReader(string(servertest.JSONBody(t, map[string]any{"query": q}))), nil)
		return r, r.GQL(t)
	}

	t.Run("default", func(t *testing.T) {
		srv := servertest.New(t)
		for _, p := range introspection {
			if r, g := post(t, srv.URL, p.query); r.Status != http.StatusOK || len(g.Errors) > 0 || !strings.Contains(string(g.Data), `"name"`) {
				t.Errorf("%s: %d %.300s", p.name, r.Status, r.Body)
			}
		}
		if _, g := post(t, srv.URL, typo); !strings.Contains(g.FirstMessage(), `Did you mean "alliance"?`) {
			t.Errorf("no suggestion: %q", g.FirstMessage())
		}
	})

	t.Run("production", func(t *testing.T) {
		srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) { c.Limits.Production = true }))
		for _, p := range introspection {
			r, g := post(t, srv.URL, p.query)
			if g.Code() != "FORBIDDEN" || !strings.Contains(g.FirstMessage(), "introspection is disabled") || g.Data != nil {
				t.Errorf("%s: %d %.300s", p.name, r.Status, r.Body)
			}
		}
		r, g := post(t, srv.URL, typo)
		if r.Status != 200 || g.Code() != "BAD_USER_INPUT" || !strings.Contains(g.FirstMessage(), `Cannot query field "aliance"`) || strings.Contains(string(r.Body), "Did you mean") {
			t.Errorf("typo: %d %s", r.Status, r.Body)
		}
		// Suggestions for enum values and arguments are gone too.
		r, _ = post(t, srv.URL, `{ facts(predicate: MEMBER_OFF, first: 1) { totalCount } }`)
		if strings.Contains(string(r.Body), "Did you mean") {
			t.Errorf("enum suggestion in production: %s", r.Body)
		}
		if _, g := post(t, srv.URL, `{ node(id: "country/FIN") { __typename id } }`); string(g.Data) != `{"node":{"__typename":"Country","id":"country/FIN"}}` {
			t.Errorf("__typename: %s %+v", g.Data, g.Errors)
		}
		servertest.StillServes(t, srv.URL)
	})
}
