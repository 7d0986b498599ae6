package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/store"
)

// codes is the closed set of extensions.code values a client can see.
var codes = map[string]bool{
	model.CodeBadUserInput: true, model.CodeNotFound: true, model.CodeConflict: true,
	model.CodeUnauthenticated: true, model.CodeForbidden: true, model.CodeLimitExceeded: true,
	model.CodeTimeout: true, model.CodeInternal: true,
}

// errorPresenter maps every error to one code from the closed set, once,
// at the edge. Store sentinels become NOT_FOUND, BAD_USER_INPUT or
// CONFLICT; gqlgen's parse and validation errors become BAD_USER_INPUT;
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
		switch {
		case codes[code]:
			return gerr
		case errors.Is(err, store.ErrNotFound):
			return recode(gerr, model.CodeNotFound, userMessage(gerr.Message))
		case errors.Is(err, store.ErrInvalid):
			return recode(gerr, model.CodeBadUserInput, userMessage(gerr.Message))
		case errors.Is(err, store.ErrLimit), errors.Is(err, store.ErrDiskFull):
			// A full disk is a limit of the server's, reached until space
			// is freed; the request may be retried then.
			return recode(gerr, model.CodeLimitExceeded, userMessage(gerr.Message))
		case errors.Is(err, store.ErrConflict):
			return recode(gerr, model.CodeConflict, userMessage(gerr.Message))
		case errors.Is(err, context.DeadlineExceeded):
			return recode(gerr, model.CodeTimeout, "the request took longer than the resolver deadline")
		case errors.Is(err, context.Canceled):
			return recode(gerr, model.CodeTimeout, "the request was cancelled")
		case err.Error() == "introspection disabled":
			return recode(gerr, model.CodeForbidden, "introspection is disabled on this server (--production)")
		case gerr.Message == "operation  not found":
			// gqlgen's words for a document with several operations and no
			// operationName.
			return recode(gerr, model.CodeBadUserInput, "the document has several operations: name the one to run in operationName")
		case apqMessages[gerr.Message] != "":
			return recode(gerr, model.CodeBadUserInput, apqMessages[gerr.Message])
		case code == "COMPLEXITY_LIMIT_EXCEEDED":
			return recode(gerr, model.CodeLimitExceeded, gerr.Message)
		case code != "":
			// gqlgen's GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED and
			// argument coercion errors: the request itself is wrong.
			return recode(gerr, model.CodeBadUserInput, gerr.Message)
		}
		id := RequestID(ctx)
		log.ErrorContext(ctx, "internal error", "request_id", id, "path", gerr.Path.String(), "err", err)
		return internalError(gerr, id)
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

func recode(e *gqlerror.Error, code, msg string) *gqlerror.Error {
	e.Message = msg
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
	return e
}

func internalError(e *gqlerror.Error, requestID string) *gqlerror.Error {
	e = recode(e, model.CodeInternal, "internal error")
	e.Extensions = map[string]any{"code": model.CodeInternal, "requestId": requestID}
	return e
}

// userMessage strips what Go errors carry for programs, not people: the
// package prefix ("store: ") and the sentinel's own words ("invalid: "),
// which the code already says.
func userMessage(msg string) string {
	for _, p := range []string{"store: invalid: ", "store: conflict: ", "store: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
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
