package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// loadQuery parses and validates q against the API's schema, as the
// handler does before the limits run.
func loadQuery(t *testing.T, q string) *ast.QueryDocument {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema(), q)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", q, errs)
	}
	return doc
}

// expanded measures an operation the way the walker did before it
// memoised fragments: it walks every fragment again at every spread. It
// is the reference the memoised walker must agree with.
type expanded struct {
	w                          *walker
	visiting                   map[string]bool
	depth, aliases, directives int
}

func (x *expanded) cost(set ast.SelectionSet, depth int) int {
	total := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			x.directives += len(s.Directives)
			if s.Alias != "" && s.Alias != s.Name {
				x.aliases++
			}
			x.depth = max(x.depth, depth)
			if len(s.SelectionSet) == 0 {
				continue
			}
			c := 1 + x.cost(s.SelectionSet, depth+1)
			total += min(c*x.w.multiplier(s), maxCost)
		case *ast.InlineFragment:
			x.directives += len(s.Directives)
			total += x.cost(s.SelectionSet, depth)
		case *ast.FragmentSpread:
			x.directives += len(s.Directives)
			if x.visiting[s.Name] {
				continue
			}
			if f := x.w.frags.ForName(s.Name); f != nil {
				x.visiting[s.Name] = true
				total += x.cost(f.SelectionSet, depth)
				delete(x.visiting, s.Name)
			}
		}
		total = min(total, maxCost)
	}
	return total
}

func newWalker(doc *ast.QueryDocument, vars map[string]any) *walker {
	return &walker{frags: doc.Fragments, vars: vars, maxPage: DefaultMaxPage, budget: nodeBudget}
}

// TestWalkerMemoAgrees: on ordinary queries (fragments spread once or
// several times, nested, inline fragments, directives, variables,
// traversals) the memoised walker measures what expanding every spread
// measured.
func TestWalkerMemoAgrees(t *testing.T) {
	const member = `fragment M on Organization { members(first: 10) { edges { node { id name memberships { id } } } } }`
	const rel = `fragment R on Entity { ... on Country { relations(first: 5) { totalCount edges { node { id to { id } } } } } }`
	tests := []struct {
		name  string
		query string
		vars  map[string]any
	}{
		{"scalars only", `{ __typename }`, nil},
		{"one object", `{ alliance(id: "org/nato") { name } }`, nil},
		{"nested lists", `{ alliance(id: "org/nato") { members(first: 10) { edges { node { relations(first: 5) { edges { node { id } } } } } } } }`, nil},
		{"aliases", `{ a: alliance(id: "org/nato") { name } b: alliance(id: "org/eu") { n: name } c: country(id: "country/FIN") { name } }`, nil},
		{"a fragment spread once", `{ alliance(id: "org/nato") { ...M } } ` + member, nil},
		{"a fragment spread at two depths", `{ alliance(id: "org/nato") { ...M } entity(id: "org/eu") { ... on Organization { ...M } } } ` + member, nil},
		{"a fragment spread by fragments", `{ a: alliance(id: "org/nato") { ...N } b: alliance(id: "org/eu") { ...N ...M } } fragment N on Organization { ...M x: name } ` + member, nil},
		{"the same spread twice", `{ alliance(id: "org/nato") { ...M ...M } } ` + member, nil},
		{"interface fragment", `{ entity(id: "country/FIN") { ...R } country(id: "country/SWE") { ...R } } ` + rel, nil},
		{"directives", `query Q { alliance(id: "org/nato") @include(if: true) { ...M @include(if: true) ... @skip(if: false) { name } } } ` + member, nil},
		{"page from a variable", `query($n: Int) { alliance(id: "org/nato") { members(first: $n) { totalCount } } }`, map[string]any{"n": 40}},
		{"path", `{ path(from: "country/FIN", to: "country/SWE", limit: 7, maxHops: 3) { length steps { entity { id } } } }`, nil},
		{"neighborhood", `{ neighborhood(ids: ["org/nato"], depth: 2, maxNodes: 1000) { nodes { id } facts { id } } }`, nil},
		{"deep fragments chain", `{ alliance(id: "org/nato") { ...A } } fragment A on Organization { members(first: 3) { edges { node { ...B } } } } fragment B on Country { memberships { to { ...C } } } fragment C on Organization { y: name members(first: 2) { totalCount } }`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := loadQuery(t, tt.query)
			op := doc.Operations[0]
			w := newWalker(doc, tt.vars)
			got := w.operation(op)
			ref := &expanded{w: newWalker(doc, tt.vars), visiting: map[string]bool{}, directives: len(op.Directives)}
			want := measure{cost: ref.cost(op.SelectionSet, 1), depth: ref.depth, aliases: ref.aliases, directives: ref.directives}
			if got != want {
				t.Errorf("memoised %+v, expanded %+v", got, want)
			}
			if w.over() {
				t.Errorf("over the node budget after %d nodes", w.visited)
			}
		})
	}
}

// TestWalkerFragmentBomb: 26 fragments each spreading the next twice
// expand to 2^25 fields; the walker visits each fragment once, and the
// measure saturates instead of overflowing.
func TestWalkerFragmentBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ ...F0 }")
	for i := range 25 {
		fmt.Fprintf(&b, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
	}
	b.WriteString(` fragment F25 on Query { x: alliance(id: "org/nato") @include(if: true) { members(first: 100) { totalCount } } }`)
	doc := loadQuery(t, b.String())
	w := newWalker(doc, nil)
	m := w.operation(doc.Operations[0])
	// The operation's spread, two per fragment but the last, and the last
	// one's three fields.
	if want := 1 + 2*25 + 3; w.visited != want {
		t.Errorf("visited %d selection nodes, want %d", w.visited, want)
	}
	if want := (measure{cost: 101 << 25, depth: 3, aliases: 1 << 25, directives: 1 << 25}); m != want {
		t.Errorf("measure %+v, want %+v", m, want)
	}
	// Two more levels of list fields would pass maxCost; it stays there.
	b.Reset()
	b.WriteString("{ ...F0 }")
	for i := range 40 {
		fmt.Fprintf(&b, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
	}
	b.WriteString(` fragment F40 on Query { x: alliance(id: "org/nato") { members(first: 100) { edges { node { relations(first: 100) { totalCount } } } } } }`)
	doc = loadQuery(t, b.String())
	w = newWalker(doc, nil)
	if m := w.operation(doc.Operations[0]); m.cost != maxCost || m.aliases != maxCost {
		t.Errorf("measure %+v, want cost and aliases at maxCost %d", m, maxCost)
	}
}

// TestWalkerHugePageSaturates: with a page limit as large as maxCost, a
// list inside a list overflows int if costs are multiplied plainly (here
// to a small positive number, which would pass the complexity limit).
func TestWalkerHugePageSaturates(t *testing.T) {
	doc := loadQuery(t, `query($n: Int, $m: Int) { alliance(id: "org/nato") { members(first: $n) { edges { node { relations(first: $m) { edges { node { id } } } } } } } }`)
	w := newWalker(doc, map[string]any{"n": int64(1) << 24, "m": int64(maxCost)})
	w.maxPage = maxCost
	if m := w.operation(doc.Operations[0]); m.cost != maxCost {
		t.Errorf("cost %d, want maxCost %d", m.cost, maxCost)
	}
}

// TestWalkerNodeBudget: a walk stops once it has visited more selection
// nodes than its budget, and says so.
func TestWalkerNodeBudget(t *testing.T) {
	doc := loadQuery(t, `{ alliance(id: "org/nato") { `+strings.Repeat("name ", 60)+`} }`)
	w := newWalker(doc, nil)
	w.budget = 50
	w.operation(doc.Operations[0])
	if !w.over() || w.visited != 51 {
		t.Errorf("budget 50: over %v after %d nodes, want over after 51", w.over(), w.visited)
	}
	w = newWalker(doc, nil)
	w.budget = 61
	w.operation(doc.Operations[0])
	if w.over() || w.visited != 61 {
		t.Errorf("budget 61: over %v after %d nodes, want not over after 61", w.over(), w.visited)
	}
}
