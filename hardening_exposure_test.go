package main

import (
	"net/http"
	"strings"
	"testing"
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
	post := func(t *testing.T, url, q string) (reply, gqlResponse) {
		r := send(t, "POST", url+"/graphql", "application/json", strings.NewReader(string(jsonBody(t, map[string]any{"query": q}))), nil)
		return r, r.gql(t)
	}

	t.Run("default", func(t *testing.T) {
		srv, _ := newHardServer(t, nil, nil)
		for _, p := range introspection {
			if r, g := post(t, srv.URL, p.query); r.status != http.StatusOK || len(g.Errors) > 0 || !strings.Contains(string(g.Data), `"name"`) {
				t.Errorf("%s: %d %.300s", p.name, r.status, r.body)
			}
		}
		if _, g := post(t, srv.URL, typo); !strings.Contains(firstMessage(g), `Did you mean "alliance"?`) {
			t.Errorf("no suggestion: %q", firstMessage(g))
		}
	})

	t.Run("production", func(t *testing.T) {
		srv, _ := newHardServer(t, func(c *serveConfig) { c.limits.Production = true }, nil)
		for _, p := range introspection {
			r, g := post(t, srv.URL, p.query)
			if g.code() != "FORBIDDEN" || !strings.Contains(firstMessage(g), "introspection is disabled") || g.Data != nil {
				t.Errorf("%s: %d %.300s", p.name, r.status, r.body)
			}
		}
		r, g := post(t, srv.URL, typo)
		if r.status != 200 || g.code() != "BAD_USER_INPUT" || !strings.Contains(firstMessage(g), `Cannot query field "aliance"`) || strings.Contains(string(r.body), "Did you mean") {
			t.Errorf("typo: %d %s", r.status, r.body)
		}
		// Suggestions for enum values and arguments are gone too.
		r, _ = post(t, srv.URL, `{ facts(predicate: MEMBER_OFF, first: 1) { totalCount } }`)
		if strings.Contains(string(r.body), "Did you mean") {
			t.Errorf("enum suggestion in production: %s", r.body)
		}
		if _, g := post(t, srv.URL, `{ node(id: "country/FIN") { __typename id } }`); string(g.Data) != `{"node":{"__typename":"Country","id":"country/FIN"}}` {
			t.Errorf("__typename: %s %+v", g.Data, g.Errors)
		}
		stillServes(t, srv.URL)
	})
}
