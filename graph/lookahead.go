package graph

import (
	"context"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/alliancegraph/alliancegraph/store"
)

// onlyID reports whether a field with selection set set asks only for id
// and __typename of what it returns (no fragment, no other field).
func onlyID(set ast.SelectionSet) bool {
	if len(set) == 0 {
		return false
	}
	for _, sel := range set {
		f, ok := sel.(*ast.Field)
		if !ok || (f.Name != "id" && f.Name != "__typename") {
			return false
		}
	}
	return true
}

// selectsEntity reports whether a field named one of names appears anywhere
// below the field resolving in ctx (through fragments, whatever their type
// condition) and asks for more of the entity it returns than its id and
// __typename (see onlyID: such a reference needs no read, so no prefetch
// either). It is a cheap over-approximation used only to prefetch.
func selectsEntity(ctx context.Context, names ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	frags := graphql.GetOperationContext(ctx).Doc.Fragments
	seen := map[string]bool{}
	var walk func(ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if slices.Contains(names, s.Name) && !onlyID(s.SelectionSet) {
					return true
				}
				if walk(s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if walk(s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if f := frags.ForName(s.Name); f != nil && !seen[s.Name] {
					seen[s.Name] = true
					if walk(f.SelectionSet) {
						return true
					}
				}
			}
		}
		return false
	}
	return walk(fc.Field.Selections)
}

// primeEnds reads the ends of facts that the query goes on to ask for in
// one store read ahead of their resolvers, which run once per fact and
// would otherwise each wait for a loader batch. Under a list the loader's
// own batching does this already, so it only acts where a field runs once.
func (r *Resolver) primeEnds(ctx context.Context, at time.Time, facts []*store.Fact) error {
	if inList(ctx) || len(facts) == 0 {
		return nil
	}
	from, to, ev := selectsEntity(ctx, "from"), selectsEntity(ctx, "to", "country"), selectsEntity(ctx, "event")
	if !from && !to && !ev {
		return nil
	}
	ids := make([]string, 0, 2*len(facts))
	for _, f := range facts {
		if from {
			ids = append(ids, f.From)
		}
		if to {
			ids = append(ids, f.To)
		}
		if ev && f.Event != "" {
			ids = append(ids, f.Event)
		}
	}
	return r.op(ctx).loaders.primeEntities(at, ids)
}
