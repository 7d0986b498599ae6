package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func parse(t *testing.T, q string) *ast.QueryDocument {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestMergedPairs counts the pairs validation compares as GraphQL merges
// fields: by response name, through fragments, per operation and per
// fragment definition.
func TestMergedPairs(t *testing.T) {
	tests := []struct {
		name  string
		query string
		pairs int
	}{
		{"distinct fields", `{ a b c d }`, 0},
		{"500 copies", `{ x { ` + strings.Repeat("name ", 500) + `} }`, 124750},
		{"aliases share a response name", `{ a: x { n } a: y { n } b: x { n } }`, 1 + 1},
		{"subfields of merged fields merge", `{ x { a } x { a } x { a b } }`, 3 + 3},
		{"inline fragments", `{ a ... on T { a ... on U { a } } }`, 3},
		{"a fragment merges once into a selection set", `{ a ...F ...F x { ...F } } fragment F on T { a }`, 1 + 0 + 0},
		{"each operation on its own", `query A { a a } query B { a a }`, 1 + 1},
		{"cyclic fragments end", `{ ...A } fragment A on T { a ...B } fragment B on T { a x { ...A } }`, 1 + 1 + 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pairs, ok := mergedPairs(parse(t, tt.query), nodeBudget)
			if !ok || pairs != tt.pairs {
				t.Errorf("%d pairs (within budget %v), want %d", pairs, ok, tt.pairs)
			}
		})
	}
	t.Run("budget", func(t *testing.T) {
		// Two fields per level, each spreading the next fragment: the
		// merged tree doubles at every level.
		var b strings.Builder
		b.WriteString("{ ...F0 }")
		for i := range 20 {
			fmt.Fprintf(&b, " fragment F%d on T { a { ...F%d } b { ...F%d } }", i, i+1, i+1)
		}
		b.WriteString(" fragment F20 on T { c }")
		if _, ok := mergedPairs(parse(t, b.String()), nodeBudget); ok {
			t.Error("a walk of 2^21 fields stayed within the node budget")
		}
	})
}

// TestCheckDocument: every operation and fragment of a document is held
// to the limits before validation, not only the one that runs.
func TestCheckDocument(t *testing.T) {
	lim := DefaultLimits()
	aliased := strings.Repeat(`a: alliance(id: "x") { name } `, 20)
	tests := []struct {
		name, query, msg string
	}{
		{"ordinary", `query A { alliance(id: "org/nato") { name members(first: 5) { totalCount } } } query B { __typename }`, ""},
		{"aliases in the operation that does not run", `query A { __typename } query B { ` + aliased + ` }`, "alias limit"},
		{"aliases in an unused fragment", `{ __typename } fragment F on Query { ` + aliased + ` }`, "alias limit"},
		{"deep", nested16, "depth limit"},
		{"directives", `{ ` + strings.Repeat("__typename @include(if: true) ", 11) + `}`, "directive limit"},
		{"900 conflicting fields", `{ ` + strings.Repeat(`alliance(id: "x0") { name } alliance(id: "x1") { name } `, 450) + `}`, "share a response name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkDocument(parse(t, tt.query), lim)
			switch {
			case tt.msg == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.msg != "" && (err == nil || !strings.Contains(err.Message, tt.msg) || err.Extensions["code"] != "LIMIT_EXCEEDED"):
				t.Errorf("got %v, want LIMIT_EXCEEDED mentioning %q", err, tt.msg)
			}
		})
	}
}

var nested16 = "{ a " + strings.Repeat("{ a ", 15) + "{ b }" + strings.Repeat(" }", 15) + " }"
