package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
)

// Replica is what the GraphQL layer needs of a server that is one replica
// of a cluster; nil for a single server.
type Replica interface {
	// WaitFor returns once the replica has applied log revision rev, or
	// a coded error when ctx ends first.
	WaitFor(ctx context.Context, rev uint64) error
	// RevisionAt is the log revision of the snapshot at transaction time
	// t (the zero time: the newest).
	RevisionAt(t time.Time) (uint64, error)
}

// MinRevisionHeader is the HTTP header a request names the log revision
// it must read at least with; the GraphQL extension "minRevision" says the
// same inside the request.
const MinRevisionHeader = "X-Min-Revision"

// ParseRevision reads a revision a client sent.
func ParseRevision(s string) (uint64, error) {
	rev, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || rev > 1<<63-1 {
		return 0, fmt.Errorf("%w: a revision is a non-negative integer, got %q", domain.ErrInvalid, s)
	}
	return rev, nil
}

// revisionExt makes a cluster replica's operations wait for the revision
// a request asks for (X-Min-Revision or extensions.minRevision) before
// their snapshot is pinned, and labels every response with the revision
// it was read at (extensions.revision).
type revisionExt struct{ replica Replica }

var (
	_ graphql.HandlerExtension        = revisionExt{}
	_ graphql.OperationContextMutator = revisionExt{}
	_ graphql.ResponseInterceptor     = revisionExt{}
)

func (revisionExt) ExtensionName() string                   { return "AllianceGraphRevision" }
func (revisionExt) Validate(graphql.ExecutableSchema) error { return nil }

func (x revisionExt) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	rev, given, err := minRevision(rc)
	if err != nil {
		return model.BadInput(domain.Message(err))
	}
	if !given {
		return nil
	}
	if err := x.replica.WaitFor(ctx, rev); err != nil {
		return model.Coded(domain.CodeOf(err), domain.Message(err))
	}
	return nil
}

// minRevision reads the revision an operation asks for: the extension,
// else the header.
func minRevision(rc *graphql.OperationContext) (uint64, bool, error) {
	if raw, ok := rc.Extensions["minRevision"]; ok {
		switch v := raw.(type) {
		case json.Number:
			rev, err := ParseRevision(v.String())
			return rev, true, err
		case float64:
			if v >= 0 && v == float64(uint64(v)) {
				return uint64(v), true, nil
			}
		case string:
			rev, err := ParseRevision(v)
			return rev, true, err
		}
		return 0, true, fmt.Errorf("%w: extensions.minRevision is a non-negative integer revision, got %v", domain.ErrInvalid, raw)
	}
	if h := rc.Headers.Get(MinRevisionHeader); h != "" {
		rev, err := ParseRevision(h)
		return rev, true, err
	}
	return 0, false, nil
}

func (x revisionExt) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	// A query reads at the snapshot its operation pinned; a mutation's
	// response and a subscription's events are labelled with the newest
	// revision, which holds the write or the event.
	at := time.Time{}
	if s, ok := ctx.Value(opStateKey{}).(*opState); ok {
		if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Query {
			at = s.now
		}
	}
	if rev, err := x.replica.RevisionAt(at); err == nil {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["revision"] = rev
	}
	return resp
}
