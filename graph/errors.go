package graph

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/domain"
)

// errorPresenter maps every error to one code from the closed set, once,
// at the edge. Errors that wrap a domain sentinel, or a context's
// deadline or cancellation, get domain.CodeOf's code and domain.Message's
// words; gqlgen's parse and validation errors become BAD_USER_INPUT;
// anything unexpected becomes INTERNAL with a request ID, its detail
// logged and never shown.
//
// With production set, "Did you mean" suggestions are cut from every
// message: gqlgen's SetDisableSuggestion drops them for fields and
// arguments but not for enum values.
func errorPresenter(log *slog.Logger, production bool) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		if production {
			gerr.Message = suggestion.ReplaceAllString(gerr.Message, "")
		}
		code, _ := gerr.Extensions["code"].(string)
		if domain.Code(code).Valid() {
			return gerr
		}
		if c := domain.CodeOf(err); c != domain.CodeInternal {
			return recode(gerr, c, domain.Message(resolverError(err)))
		}
		switch {
		case err.Error() == "introspection disabled":
			return recode(gerr, domain.CodeForbidden, "introspection is disabled on this server (--production)")
		case gerr.Message == "operation  not found":
			// gqlgen's words for a document with several operations and no
			// operationName.
			return recode(gerr, domain.CodeBadUserInput, "the document has several operations: name the one to run in operationName")
		case apqMessages[gerr.Message] != "":
			return recode(gerr, domain.CodeBadUserInput, apqMessages[gerr.Message])
		case code == "COMPLEXITY_LIMIT_EXCEEDED":
			return recode(gerr, domain.CodeLimitExceeded, gerr.Message)
		case code != "":
			// gqlgen's GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED and
			// argument coercion errors: the request itself is wrong.
			return recode(gerr, domain.CodeBadUserInput, gerr.Message)
		}
		id := RequestID(ctx)
		log.ErrorContext(ctx, "internal error", "request_id", id, "path", gerr.Path.String(), "err", err)
		return internalError(gerr, id)
	}
}

// resolverError returns the error a resolver returned, out of the
// gqlerror.Errors gqlgen wraps it in: their Error puts the location and
// the path in front of the words, and the response has fields for those.
func resolverError(err error) error {
	for {
		g, ok := err.(*gqlerror.Error)
		if !ok || g.Err == nil {
			return err
		}
		err = g.Err
	}
}

// apqMessages rewords gqlgen's refusals of a malformed automatic
// persisted query, which carry no code (they were INTERNAL).
// PersistedQueryNotFound keeps its words: clients look for them to send
// the query itself.
var apqMessages = map[string]string{
	"provided APQ hash does not match query": "persisted query: its sha256Hash is not the SHA-256 of the query sent with it",
	"unsupported APQ version":                "persisted query: only version 1 is supported",
	"invalid APQ extension data":             `persisted query: extensions.persistedQuery must be {"version": 1, "sha256Hash": "<hex>"}`,
}

// suggestion matches gqlparser's hints, e.g. ` Did you mean the enum value "MEMBER_OF"?`.
var suggestion = regexp.MustCompile(` ?Did you mean [^?]*\?`)

func recode(e *gqlerror.Error, code domain.Code, msg string) *gqlerror.Error {
	e.Message = msg
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = string(code)
	return e
}

func internalError(e *gqlerror.Error, requestID string) *gqlerror.Error {
	e = recode(e, domain.CodeInternal, "internal error")
	e.Extensions = map[string]any{"code": string(domain.CodeInternal), "requestId": requestID}
	return e
}

// recoverFunc turns a resolver panic into INTERNAL; the stack goes to the
// log only.
func recoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		id := RequestID(ctx)
		log.ErrorContext(ctx, "panic in resolver", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return internalError(&gqlerror.Error{}, id)
	}
}
