package graph

import (
	"context"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
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

// eachField calls fn with each field of set, looking through inline
// fragments and fragment spreads (whatever their type condition), and
// stops when fn returns false, returning false too. seen holds the
// fragments already walked (validation has refused cycles; seen spares
// walking one fragment twice).
func eachField(frags ast.FragmentDefinitionList, set ast.SelectionSet, seen map[string]bool, fn func(*ast.Field) bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !fn(s) {
				return false
			}
		case *ast.InlineFragment:
			if !eachField(frags, s.SelectionSet, seen, fn) {
				return false
			}
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				if !eachField(frags, f.SelectionSet, seen, fn) {
					return false
				}
			}
		}
	}
	return true
}

// operationFragments returns the fragments of the operation resolving in
// ctx, and false outside an operation.
func operationFragments(ctx context.Context) (ast.FragmentDefinitionList, bool) {
	if graphql.GetFieldContext(ctx) == nil || !graphql.HasOperationContext(ctx) {
		return nil, false
	}
	return graphql.GetOperationContext(ctx).Doc.Fragments, true
}

// selectsEntity reports whether a field named one of names appears anywhere
// below the field resolving in ctx (through fragments, whatever their type
// condition) and asks for more of the entity it returns than its id and
// __typename (see onlyID: such a reference needs no read, so no prefetch
// either). It is a cheap over-approximation used only to prefetch.
func selectsEntity(ctx context.Context, names ...string) bool {
	frags, ok := operationFragments(ctx)
	if !ok {
		return false
	}
	seen := map[string]bool{}
	var visit func(*ast.Field) bool
	visit = func(f *ast.Field) bool {
		if slices.Contains(names, f.Name) && !onlyID(f.SelectionSet) {
			return false
		}
		return eachField(frags, f.SelectionSet, seen, visit)
	}
	return !eachField(frags, graphql.GetFieldContext(ctx).Field.Selections, seen, visit)
}

// fieldsAt returns the fields reached from the field resolving in ctx by
// following path, one field name per level (every alias of a name, through
// fragments).
func fieldsAt(ctx context.Context, path ...string) []*ast.Field {
	frags, ok := operationFragments(ctx)
	if !ok {
		return nil
	}
	level := []*ast.Field{graphql.GetFieldContext(ctx).Field.Field}
	for _, name := range path {
		var next []*ast.Field
		for _, f := range level {
			eachField(frags, f.SelectionSet, map[string]bool{}, func(s *ast.Field) bool {
				if s.Name == name {
					next = append(next, s)
				}
				return true
			})
		}
		level = next
	}
	return level
}

// primeMemberships reads, in one store read per distinct set of arguments,
// the memberships that the query goes on to ask of the countries ids: the
// page of a member list (q3 of the benchmark asks each member's
// memberships). Without it the first member would read its own and the
// rest would resolve together to batch theirs (see marshalList).
// Arguments it cannot read are left to the field's own resolver.
func (r *Resolver) primeMemberships(ctx context.Context, at time.Time, ids []string) error {
	if batched(ctx) || len(ids) == 0 {
		return nil
	}
	fields := fieldsAt(ctx, "edges", "node", "memberships")
	if len(fields) == 0 {
		return nil
	}
	vars := graphql.GetOperationContext(ctx).Variables
	for _, f := range fields {
		args := f.ArgumentMap(vars)
		filter := store.EdgeFilter{Dir: store.Out, Predicates: []domain.Predicate{domain.MemberOf}}
		when := at
		if v := args["asOf"]; v != nil {
			d, err := model.UnmarshalDate(v)
			if err != nil {
				continue
			}
			filter.AsOf = d
		}
		if v := args["knownAt"]; v != nil {
			t, err := model.UnmarshalDateTime(v)
			if err != nil {
				continue
			}
			when = t
		}
		if err := r.op(ctx).loaders.primeEdges(when, ids, filter); err != nil {
			return err
		}
	}
	return nil
}

// primeEnds reads the ends of facts that the query goes on to ask for in
// one store read ahead of their resolvers, which run once per fact and
// would otherwise each read (or, if the fact list resolved together, wait
// for a loader batch). Under a list resolving together the loader's own
// batching does this already, so there it does nothing.
func (r *Resolver) primeEnds(ctx context.Context, at time.Time, facts []*domain.Fact) error {
	if batched(ctx) || len(facts) == 0 {
		return nil
	}
	from, to, ev := selectsEntity(ctx, "from"), selectsEntity(ctx, "to", "country"), selectsEntity(ctx, "event")
	if !from && !to && !ev {
		return nil
	}
	refs := make([]store.EntityRef, 0, 2*len(facts))
	for _, f := range facts {
		if from {
			refs = append(refs, store.FromRef(f))
		}
		if to {
			refs = append(refs, store.ToRef(f))
		}
		if ev && f.Event != "" {
			refs = append(refs, store.RefOf(f.Event))
		}
	}
	return r.op(ctx).loaders.primeEntities(at, refs)
}
