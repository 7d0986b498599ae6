package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
)

// Limits bounds what one request may cost. Every limit has a default
// (DefaultLimits) and a server flag; exceeding one answers LIMIT_EXCEEDED
// naming it, before any resolver runs.
type Limits struct {
	MaxDepth      int           // nesting of fields
	MaxAliases    int           // aliased fields in one operation
	MaxDirectives int           // directives in one operation
	MaxTokens     int           // lexer tokens in one query document
	MaxURLBytes   int           // GET request URL
	MaxComplexity int           // cost, see complexity
	MaxPage       int           // first / last on any list
	MaxBodyBytes  int64         // request body, answered 413 beyond it
	Timeout       time.Duration // resolver deadline, answered TIMEOUT
	// Production turns off what helps people explore but also helps an
	// attacker map the API: introspection (__schema, __type: FORBIDDEN)
	// and the "Did you mean" suggestions in validation errors.
	Production bool
}

// DefaultLimits are the documented defaults (README, "Limits").
func DefaultLimits() Limits {
	return Limits{
		MaxDepth:      10,
		MaxAliases:    15,
		MaxDirectives: 10,
		MaxTokens:     10000,
		MaxURLBytes:   16 << 10,
		MaxComplexity: 1000,
		MaxPage:       DefaultMaxPage,
		MaxBodyBytes:  100 << 10,
		Timeout:       10 * time.Second,
	}
}

// limitsExt enforces depth, alias and complexity limits on the validated
// operation. gqlgen has no depth or alias limit of its own, and its
// complexity does not multiply lists by their page size; this one does.
type limitsExt struct{ lim Limits }

var (
	_ graphql.HandlerExtension        = limitsExt{}
	_ graphql.OperationContextMutator = limitsExt{}
)

func (limitsExt) ExtensionName() string                   { return "AllianceGraphLimits" }
func (limitsExt) Validate(graphql.ExecutableSchema) error { return nil }

func (e limitsExt) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	w := walker{frags: rc.Doc.Fragments, vars: rc.Variables, maxPage: e.lim.MaxPage, budget: nodeBudget}
	m := w.operation(rc.Operation)
	if w.over() {
		return overBudget(w.budget)
	}
	if err := introspectionErr(m); err != nil {
		return err
	}
	switch {
	case m.depth > e.lim.MaxDepth:
		return limitErr("query depth is %d, over the depth limit of %d", m.depth, e.lim.MaxDepth)
	case m.aliases > e.lim.MaxAliases:
		return limitErr("query has %d aliases, over the alias limit of %d", m.aliases, e.lim.MaxAliases)
	case m.directives > e.lim.MaxDirectives:
		return limitErr("query has %d directives, over the directive limit of %d", m.directives, e.lim.MaxDirectives)
	case m.cost > e.lim.MaxComplexity:
		return limitErr("query complexity is %d, over the complexity limit of %d (a list costs its first/last times its fields)", m.cost, e.lim.MaxComplexity)
	}
	return nil
}

func limitErr(format string, a ...any) *gqlerror.Error {
	return model.Coded(domain.CodeLimitExceeded, fmt.Sprintf(format, a...))
}

// nodeBudget bounds the selection nodes (fields, fragment spreads, inline
// fragments) one walk visits. Each fragment is walked once, so a walk
// visits at most the document's own nodes, which the token limit already
// bounds; the budget keeps that true whatever the token limit is.
const nodeBudget = 10000

// walker measures an operation: the deepest field, the number of aliases
// and directives, and its cost. A field with a selection set costs 1 plus
// its children, times its page size (first, last) when it has one; scalar
// fields are free. path costs limit × maxHops times its children,
// neighborhood maxNodes/50 × depth times its children.
//
// The measure counts a fragment once per spread, as if every spread were
// written out, but walks each fragment only once: its measure does not
// depend on where it is spread (depth is kept relative to the point of
// use), so it is memoised by name. Without that, fragments that each
// spread the next twice took time exponential in their number.
type walker struct {
	frags    ast.FragmentDefinitionList
	vars     map[string]any
	maxPage  int
	budget   int                // selection nodes the walk may visit
	visited  int                // selection nodes visited
	memo     map[string]measure // fragments measured, by name
	visiting map[string]bool    // fragments on the current path (cycle guard)
}

// measure is what a selection set adds to the operation it is used in.
// Every count saturates at maxCost.
type measure struct {
	cost       int
	depth      int // fields nested below the point of use; 0: no field
	aliases    int
	directives int
	// introDepth and introLists describe the introspection selections
	// (__schema, __type) below the point of use: their deepest nesting,
	// counted from the introspection field, and the most list fields of
	// __Type (fields, interfaces, possibleTypes, inputFields) nested in
	// one another. Introspection counts toward these, not toward depth
	// and cost (see introspection below).
	introDepth int
	introLists int
	// lists is the most of those list fields nested in one another below
	// the point of use, whatever the field; it becomes introLists under an
	// introspection field, where only __Type has fields of those names.
	lists int
}

// Introspection is exempt from the depth and complexity limits, as
// graphql-armor exempts it: the queries every client tool sends
// (graphql-js's getIntrospectionQuery, 15 fields deep) must pass at the
// default depth limit of 10. It has fixed bounds of its own instead,
// which a hostile __schema query meets: its depth, and how many of
// __Type's list fields it nests (types { fields { type { fields ... } } }
// grows with the schema at each level), capped as graphql-js's
// MaxIntrospectionDepthRule caps them. Introspection fields still count
// toward the alias and directive limits and the node budget.
const (
	maxIntrospectionDepth = 20
	maxIntrospectionLists = 2
)

// introspectionLists are __Type's list fields whose nesting is bounded.
var introspectionLists = map[string]bool{"fields": true, "interfaces": true, "possibleTypes": true, "inputFields": true}

// introspectionErr returns the error for m's introspection over its
// bounds, or nil.
func introspectionErr(m measure) *gqlerror.Error {
	switch {
	case m.introDepth > maxIntrospectionDepth:
		return limitErr("introspection depth is %d, over the introspection depth limit of %d", m.introDepth, maxIntrospectionDepth)
	case m.introLists > maxIntrospectionLists:
		return limitErr("introspection nests %d of fields, interfaces, possibleTypes and inputFields in one another, over the limit of %d", m.introLists, maxIntrospectionLists)
	}
	return nil
}

// maxCost caps every count so a hostile query cannot overflow int.
const maxCost = 1 << 40

// satAdd and satMul add and multiply counts in 0..maxCost, saturating at
// maxCost.
func satAdd(a, b int) int { return min(a+b, maxCost) }

func satMul(a, b int) int {
	if a != 0 && b > maxCost/a {
		return maxCost
	}
	return min(a*b, maxCost)
}

// add adds o, used at the same level as m.
func (m *measure) add(o measure) {
	m.cost = satAdd(m.cost, o.cost)
	m.depth = max(m.depth, o.depth)
	m.aliases = satAdd(m.aliases, o.aliases)
	m.directives = satAdd(m.directives, o.directives)
	m.introDepth = max(m.introDepth, o.introDepth)
	m.introLists = max(m.introLists, o.introLists)
	m.lists = max(m.lists, o.lists)
}

// operation measures op; check over afterwards. One walker may measure
// several operations of a document: fragments stay measured, and visited
// counts on.
func (w *walker) operation(op *ast.OperationDefinition) measure {
	m := w.set(op.SelectionSet)
	m.directives = satAdd(m.directives, len(op.Directives))
	return m
}

// over reports whether the walk stopped at its node budget; its measure
// is then incomplete.
func (w *walker) over() bool { return w.visited > w.budget }

func (w *walker) set(set ast.SelectionSet) measure {
	var m measure
	for _, sel := range set {
		if w.visited++; w.over() {
			return m
		}
		switch s := sel.(type) {
		case *ast.Field:
			var f measure // the field with its children, one level deeper
			if len(s.SelectionSet) > 0 {
				f = w.set(s.SelectionSet)
				f.cost = satMul(satAdd(1, f.cost), w.multiplier(s))
			}
			f.depth++
			if introspectionLists[s.Name] {
				f.lists++
			}
			if s.Name == "__schema" || s.Name == "__type" {
				// Names starting with __ are GraphQL's own: below these
				// two there are only introspection types.
				f.introDepth = max(f.introDepth, f.depth)
				f.introLists = max(f.introLists, f.lists)
				f.depth, f.cost, f.lists = 1, 1, 0
			}
			f.directives = satAdd(f.directives, len(s.Directives))
			if s.Alias != "" && s.Alias != s.Name {
				f.aliases = satAdd(f.aliases, 1)
			}
			m.add(f)
		case *ast.InlineFragment:
			m.add(w.set(s.SelectionSet))
			m.directives = satAdd(m.directives, len(s.Directives))
		case *ast.FragmentSpread:
			m.directives = satAdd(m.directives, len(s.Directives))
			m.add(w.fragment(s.Name))
		}
	}
	return m
}

// fragment measures the fragment named name once.
func (w *walker) fragment(name string) measure {
	if w.memo == nil {
		w.memo, w.visiting = map[string]measure{}, map[string]bool{}
	}
	if m, ok := w.memo[name]; ok || w.visiting[name] {
		return m // a cycle (validation refuses them) adds nothing
	}
	f := w.frags.ForName(name)
	if f == nil {
		return measure{}
	}
	w.visiting[name] = true
	m := w.set(f.SelectionSet)
	delete(w.visiting, name)
	w.memo[name] = m
	return m
}

// pageArgNames are the arguments that size a list field.
var pageArgNames = []string{"first", "last"}

func (w *walker) multiplier(f *ast.Field) int {
	if f.Definition == nil {
		return 1
	}
	args := f.ArgumentMap(w.vars)
	arg := func(name string, def int) int {
		if n, ok := asInt(args[name]); ok {
			return max(n, 1)
		}
		return def
	}
	if f.ObjectDefinition != nil && f.ObjectDefinition.Name == "Query" {
		// Traversals cost by the work they may do, not by one page. Values
		// over a cap cost as the cap: the resolver refuses them by name.
		switch f.Name {
		case "path":
			return min(arg("limit", 5), 100) * min(arg("maxHops", 4), 6)
		case "neighborhood":
			return (min(arg("maxNodes", 500), 10000) + 49) / 50 * max(min(arg("depth", 1), 6), 1)
		case "nodes":
			// Each ID is an object; more than a page is refused by name.
			ids, _ := args["ids"].([]any)
			return min(max(len(ids), 1), w.maxPage)
		}
	}
	m := 0
	for _, name := range pageArgNames {
		if v, ok := args[name]; ok {
			if n, ok := asInt(v); ok {
				m = max(m, n)
			}
		}
	}
	// Over-limit page sizes are refused by the resolver with a clearer
	// message; here they cost as much as the largest allowed page.
	return min(max(m, 1), w.maxPage)
}

func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(min(n, maxCost)), true
	case float64:
		return int(min(n, maxCost)), true
	}
	return 0, false
}
