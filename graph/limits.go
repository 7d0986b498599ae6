package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

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
	w := walker{frags: rc.Doc.Fragments, vars: rc.Variables, visiting: map[string]bool{}, maxPage: e.lim.MaxPage}
	w.directives = len(rc.Operation.Directives)
	cost := w.cost(rc.Operation.SelectionSet, 1)
	switch {
	case w.depth > e.lim.MaxDepth:
		return limitErr("query depth is %d, over the depth limit of %d", w.depth, e.lim.MaxDepth)
	case w.aliases > e.lim.MaxAliases:
		return limitErr("query has %d aliases, over the alias limit of %d", w.aliases, e.lim.MaxAliases)
	case w.directives > e.lim.MaxDirectives:
		return limitErr("query has %d directives, over the directive limit of %d", w.directives, e.lim.MaxDirectives)
	case cost > e.lim.MaxComplexity:
		return limitErr("query complexity is %d, over the complexity limit of %d (a list costs its first/last times its fields)", cost, e.lim.MaxComplexity)
	}
	return nil
}

func limitErr(format string, a ...any) *gqlerror.Error {
	return model.Coded(model.CodeLimitExceeded, fmt.Sprintf(format, a...))
}

// walker measures an operation: the deepest field, the number of aliases,
// and its cost. A field with a selection set costs 1 plus its children,
// times its page size (first, last) when it has one; scalar fields are
// free. path costs limit × maxHops times its children, neighborhood
// maxNodes/50 × depth times its children.
type walker struct {
	frags      ast.FragmentDefinitionList
	vars       map[string]any
	visiting   map[string]bool // fragments on the current path (cycle guard)
	maxPage    int
	depth      int
	aliases    int
	directives int
}

// maxCost caps intermediate sums so a hostile query cannot overflow int.
const maxCost = 1 << 40

func (w *walker) cost(set ast.SelectionSet, depth int) int {
	total := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			w.directives += len(s.Directives)
			if s.Alias != "" && s.Alias != s.Name {
				w.aliases++
			}
			w.depth = max(w.depth, depth)
			if len(s.SelectionSet) == 0 {
				continue
			}
			c := 1 + w.cost(s.SelectionSet, depth+1)
			total += min(c*w.multiplier(s), maxCost)
		case *ast.InlineFragment:
			w.directives += len(s.Directives)
			total += w.cost(s.SelectionSet, depth)
		case *ast.FragmentSpread:
			w.directives += len(s.Directives)
			if w.visiting[s.Name] {
				continue
			}
			if f := w.frags.ForName(s.Name); f != nil {
				w.visiting[s.Name] = true
				total += w.cost(f.SelectionSet, depth)
				delete(w.visiting, s.Name)
			}
		}
		total = min(total, maxCost)
	}
	return total
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
