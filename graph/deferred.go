package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// newDeferredGroup returns the @defer group of an object whose collected
// fields are fields. generated.go calls it where gqlgen's template calls
// graphql.NewDeferredGroup(ctx) (the generate step swaps the call; see
// internal/execswap).
//
// gqlgen makes the group for every object it marshals: a copy of the
// object's path, an empty field set and a map, a fifth of the allocations
// of a members-and-memberships query, though only a field under @defer
// ever uses them. An object none of whose fields is deferred gets a group
// holding its context alone: gqlgen's FieldSet.ResolveConcurrently reads
// the group's field set and map only for a deferred field, and the
// generated code hands the group on (ProcessDeferredGroup) only when its
// map is not empty. An object with a deferred field gets gqlgen's own.
func newDeferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	for i := range fields {
		if fields[i].IsDeferred() {
			return graphql.NewDeferredGroup(ctx)
		}
	}
	return graphql.DeferredGroup{Context: ctx}
}
