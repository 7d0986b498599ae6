package graph_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestClientIntrospection: the introspection query every client tool
// sends (graphql-js's getIntrospectionQuery, all 32 combinations of its
// options) passes the default limits, and graphql-js builds a client
// schema from each answer.
func TestClientIntrospection(t *testing.T) {
	node := servertest.NeedNodePackage(t, "graphql")
	srv := servertest.New(t)
	out := servertest.RunTool(t, node, filepath.Join(servertest.Consumers(t), "introspect.mjs"), srv.URL+"/graphql")
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var r struct {
			Options     map[string]bool
			OK          bool
			Error       string
			QueryFields int
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		n++
		if !r.OK || r.QueryFields < 10 {
			t.Errorf("options %v: %s (%d Query fields)", r.Options, r.Error, r.QueryFields)
		}
	}
	if n != 32 {
		t.Errorf("%d option combinations ran, want 32", n)
	}
}

// TestHostileIntrospection: introspection is exempt from the depth and
// complexity limits but has fixed bounds of its own.
func TestHostileIntrospection(t *testing.T) {
	srv := servertest.New(t)
	ofTypes := func(n int) string {
		return strings.Repeat("ofType { ", n) + "name" + strings.Repeat(" }", n)
	}
	for _, tc := range []struct {
		name, query, code, msg string
	}{
		{"ofType 17 deep (20 with __type and fields)", `{ __type(name: "Query") { fields { type { ` + ofTypes(16) + ` } } } }`, "", ""},
		{"ofType beyond the cap", `{ __type(name: "Query") { fields { type { ` + ofTypes(18) + ` } } } }`, "LIMIT_EXCEEDED", "introspection depth is 22"},
		{"ofType beyond the cap in a fragment", `{ __schema { types { ...T } } } fragment T on __Type { ` + ofTypes(25) + ` }`, "LIMIT_EXCEEDED", "introspection depth"},
		{"fields in fields", `{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`, "LIMIT_EXCEEDED", "introspection nests 3"},
		{"fields in interfaces", `{ __type(name: "Country") { interfaces { possibleTypes { name } } } }`, "", ""},
		{"sixteen aliased schemas", "{" + aliasedSchemas(16) + " }", "LIMIT_EXCEEDED", "alias limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := servertest.Query(t, srv.URL, tc.query)
			if r.Code() != tc.code || (tc.msg != "" && !strings.Contains(r.FirstMessage(), tc.msg)) {
				t.Errorf("code %q %q, want %q %q", r.Code(), r.FirstMessage(), tc.code, tc.msg)
			}
		})
	}
}

func aliasedSchemas(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(" s" + string(rune('a'+i)) + ": __schema { queryType { name } }")
	}
	return b.String()
}
