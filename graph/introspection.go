package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
)

// noIntrospection refuses, before any resolver runs, an operation that
// selects __schema or __type anywhere (through fragments too), when the
// server runs with Limits.Production. Without it gqlgen would still
// execute the operation and fail those fields one by one with an uncoded
// error. __typename stays allowed: clients need it for unions and
// interfaces.
type noIntrospection struct{}

var (
	_ graphql.HandlerExtension        = noIntrospection{}
	_ graphql.OperationContextMutator = noIntrospection{}
)

func (noIntrospection) ExtensionName() string                   { return "AllianceGraphNoIntrospection" }
func (noIntrospection) Validate(graphql.ExecutableSchema) error { return nil }

func (noIntrospection) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation != nil && introspects(rc.Operation.SelectionSet, rc.Doc.Fragments, map[string]bool{}) {
		return model.Coded(domain.CodeForbidden, "introspection is disabled on this server (--production)")
	}
	return nil
}

func introspects(set ast.SelectionSet, frags ast.FragmentDefinitionList, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" || introspects(s.SelectionSet, frags, seen) {
				return true
			}
		case *ast.InlineFragment:
			if introspects(s.SelectionSet, frags, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := frags.ForName(s.Name); f != nil && introspects(f.SelectionSet, frags, seen) {
				return true
			}
		}
	}
	return false
}
