package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestNodeAndNodes: node and nodes answer null for an ID nothing has, as
// Relay expects, and keep the order asked.
func TestNodeAndNodes(t *testing.T) {
	srv := servertest.New(t)
	r := servertest.Query(t, srv.URL, `{ node(id: "country/XXX") { id } }`)
	if len(r.Errors) != 0 || string(r.Data) != `{"node":null}` {
		t.Errorf("unknown node: data %s, errors %v", r.Data, r.Errors)
	}
	r = servertest.Query(t, srv.URL, `{ node(id: "fact/no-such-fact") { id } }`)
	if len(r.Errors) != 0 || string(r.Data) != `{"node":null}` {
		t.Errorf("unknown fact node: data %s, errors %v", r.Data, r.Errors)
	}
	r = servertest.Query(t, srv.URL, `{ nodes(ids: ["country/FIN", "country/XXX", "fact/fin-member-of-nato", "org/nato"]) { id ... on Country { iso3 } } }`)
	want := `{"nodes":[{"id":"country/FIN","iso3":"FIN"},null,{"id":"fact/fin-member-of-nato"},{"id":"org/nato"}]}`
	if len(r.Errors) != 0 || string(r.Data) != want {
		t.Errorf("nodes: data %s, errors %v; want %s", r.Data, r.Errors, want)
	}
	for _, tc := range []struct{ q, code string }{
		{`{ node(id: "not an id") { id } }`, "BAD_USER_INPUT"},
		{`{ nodes(ids: ["country/FIN", "nonsense"]) { id } }`, "BAD_USER_INPUT"},
		{`{ nodes(ids: [` + strings.Repeat(`"country/FIN",`, 101) + `]) { id } }`, "LIMIT_EXCEEDED"},
	} {
		if got := servertest.Query(t, srv.URL, tc.q).Code(); got != tc.code {
			t.Errorf("%.60s: code %q, want %s", tc.q, got, tc.code)
		}
	}
	var ids []string
	for i := range 100 {
		ids = append(ids, fmt.Sprintf("country/X%02d", i))
	}
	b, _ := json.Marshal(ids)
	if r := servertest.Query(t, srv.URL, `{ nodes(ids: `+string(b)+`) { id } }`); len(r.Errors) != 0 {
		t.Errorf("100 unknown IDs: %v", r.Errors)
	}
}

// TestNodesCost: nodes costs its number of IDs times its fields, like a
// page of that size.
func TestNodesCost(t *testing.T) {
	srv := servertest.New(t)
	ids := `[` + strings.TrimSuffix(strings.Repeat(`"org/nato",`, 100), ",") + `]`
	deep := `{ nodes(ids: ` + ids + `) { ... on Organization { members(first: 20) { edges { node { id } } } } } }`
	if r := servertest.Query(t, srv.URL, deep); r.Code() != "LIMIT_EXCEEDED" || !strings.Contains(r.FirstMessage(), "complexity") {
		t.Errorf("100 IDs × a page of 20: code %q %q, want the complexity limit", r.Code(), r.FirstMessage())
	}
}
