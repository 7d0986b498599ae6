package graph

import (
	"context"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/alliancegraph/alliancegraph/domain"
)

// OperationReport is what the server saw of one GraphQL operation: its
// name as the client gave it, its type, and its outcome.
type OperationReport struct {
	// Name is the operation's name ("" for an anonymous operation or one
	// that did not parse). It comes from the client: bound it before
	// using it as a metric label.
	Name string
	// Type is "query", "mutation" or "subscription"; "" when the document
	// did not parse or validate.
	Type string
	// Code is the first error's extensions.code, or "" when the first
	// response had no error. A subscription reports its first event.
	Code string
	// Duration runs from the operation's start to its first response.
	Duration time.Duration
}

// Observer is told of every operation once, over HTTP and websockets.
// It runs on the request's goroutine: it must be quick.
type Observer func(ctx context.Context, r OperationReport)

// observeExt calls an Observer once per operation, with the outcome of
// its first response. Operations refused before they run (parse,
// validation and limit errors) reach only InterceptResponse, with no
// per-operation state: they have exactly one response.
type observeExt struct{ observe Observer }

var (
	_ graphql.HandlerExtension     = observeExt{}
	_ graphql.OperationInterceptor = observeExt{}
	_ graphql.ResponseInterceptor  = observeExt{}
)

func (observeExt) ExtensionName() string                   { return "AllianceGraphObserver" }
func (observeExt) Validate(graphql.ExecutableSchema) error { return nil }

type observedKey struct{}

// observed marks an operation whose first response was reported.
type observed struct {
	once  sync.Once
	start time.Time
}

func (e observeExt) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, observedKey{}, &observed{start: time.Now()}))
}

func (e observeExt) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	o, _ := ctx.Value(observedKey{}).(*observed)
	if o == nil {
		o = &observed{}
		if graphql.HasOperationContext(ctx) {
			o.start = graphql.GetOperationContext(ctx).Stats.OperationStart
		}
	}
	o.once.Do(func() { e.observe(ctx, report(ctx, resp, o.start)) })
	return resp
}

func report(ctx context.Context, resp *graphql.Response, start time.Time) OperationReport {
	var r OperationReport
	if graphql.HasOperationContext(ctx) {
		rc := graphql.GetOperationContext(ctx)
		r.Name = rc.OperationName
		if rc.Operation != nil {
			r.Type = operationType(rc.Operation.Operation)
			if r.Name == "" {
				r.Name = rc.Operation.Name
			}
		}
	}
	if resp != nil && len(resp.Errors) > 0 {
		r.Code, _ = resp.Errors[0].Extensions["code"].(string)
		if r.Code == "" {
			r.Code = string(domain.CodeInternal)
		}
	}
	if !start.IsZero() {
		r.Duration = time.Since(start)
	}
	return r
}

func operationType(op ast.Operation) string {
	switch op {
	case ast.Query, ast.Mutation, ast.Subscription:
		return string(op)
	}
	return ""
}
