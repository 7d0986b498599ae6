package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

func TestNewDeferredGroup(t *testing.T) {
	ctx := graphql.WithPathContext(context.Background(), graphql.NewPathWithField("entity"))
	plain := []graphql.CollectedField{{Field: &ast.Field{Alias: "id"}}, {Field: &ast.Field{Alias: "name"}}}
	deferred := append(plain[:1:1], graphql.CollectedField{
		Field:       &ast.Field{Alias: "memberships"},
		Deferrables: []*graphql.Deferrable{{Label: "more"}},
	})
	t.Run("no deferred field", func(t *testing.T) {
		g := newDeferredGroup(ctx, plain)
		if g.Context != ctx || g.FieldSet != nil || g.Defers != nil || g.Path != nil {
			t.Errorf("got %+v; want the context alone", g)
		}
	})
	t.Run("a deferred field", func(t *testing.T) {
		g := newDeferredGroup(ctx, deferred)
		if g.Context != ctx || g.FieldSet == nil || g.Defers == nil || g.Path.String() != "entity" {
			t.Errorf("got %+v; want gqlgen's group at path entity", g)
		}
	})
}
