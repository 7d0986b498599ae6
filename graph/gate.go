package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
)

// writeGate refuses a mutation, before any resolver runs, unless the
// request presented a valid token and the server takes writes.
type writeGate struct{ policy *auth.Policy }

var (
	_ graphql.HandlerExtension        = writeGate{}
	_ graphql.OperationContextMutator = writeGate{}
)

func (writeGate) ExtensionName() string                   { return "AllianceGraphWriteGate" }
func (writeGate) Validate(graphql.ExecutableSchema) error { return nil }

func (g writeGate) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil || rc.Operation.Operation != ast.Mutation {
		return nil
	}
	p := g.policy
	if p == nil {
		p = &auth.Policy{}
	}
	if _, err := p.Authorize(ctx); err != nil {
		if r, ok := auth.IsRefusal(err); ok {
			return model.Coded(r.Code, r.Message)
		}
		return model.Coded(domain.CodeInternal, "internal error")
	}
	return nil
}
