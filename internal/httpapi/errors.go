package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/store"
)

// ErrMethod is the kind of a request the endpoint does not take with its
// method: BAD_USER_INPUT, answered 405 with an Allow header.
var ErrMethod = errors.New("method not allowed")

// ErrMediaType is the kind of a request body in a media type the endpoint
// does not read: BAD_USER_INPUT, answered 415.
var ErrMediaType = errors.New("unsupported media type")

// ErrBusy is the kind of a connection over the server's limit:
// LIMIT_EXCEEDED, answered 503 (try again later), not 413.
var ErrBusy = errors.New("server busy")

// statusTable is the one place an error becomes an HTTP status: first the
// kinds of refusal HTTP has a status of its own for, each with its code;
// then every other error by its code. Every refusal this package answers
// goes through it (see WriteError).
var statusTable = struct {
	kinds  []kindStatus
	byCode map[string]int
}{
	kinds: []kindStatus{
		{ErrMethod, model.CodeBadUserInput, http.StatusMethodNotAllowed},
		{ErrMediaType, model.CodeBadUserInput, http.StatusUnsupportedMediaType},
		{ErrBusy, model.CodeLimitExceeded, http.StatusServiceUnavailable},
		// A full disk is a limit of the server's, reached until space is
		// freed; the request may be retried then.
		{store.ErrDiskFull, model.CodeLimitExceeded, http.StatusInsufficientStorage},
	},
	byCode: map[string]int{
		model.CodeBadUserInput:    http.StatusBadRequest,
		model.CodeNotFound:        http.StatusNotFound,
		model.CodeConflict:        http.StatusConflict,
		model.CodeUnauthenticated: http.StatusUnauthorized,
		model.CodeForbidden:       http.StatusForbidden,
		model.CodeLimitExceeded:   http.StatusRequestEntityTooLarge,
		model.CodeTimeout:         http.StatusServiceUnavailable,
		model.CodeInternal:        http.StatusInternalServerError,
	},
}

// kindStatus is one row of statusTable for a kind of refusal.
type kindStatus struct {
	kind   error
	code   string
	status int
}

// classify returns err's code and HTTP status from statusTable.
func classify(err error) (code string, status int) {
	for _, k := range statusTable.kinds {
		if errors.Is(err, k.kind) {
			return k.code, k.status
		}
	}
	code = codeOf(err)
	return code, statusTable.byCode[code]
}

// codeOf returns the code a client sees for err: a write policy's refusal
// carries its own; the store's sentinels and a deadline have theirs, as
// the GraphQL error presenter gives them; anything else is INTERNAL.
func codeOf(err error) string {
	if ref, ok := auth.IsRefusal(err); ok {
		return ref.Code
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return model.CodeNotFound
	case errors.Is(err, store.ErrInvalid):
		return model.CodeBadUserInput
	case errors.Is(err, store.ErrLimit):
		return model.CodeLimitExceeded
	case errors.Is(err, store.ErrConflict):
		return model.CodeConflict
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return model.CodeTimeout
	}
	return model.CodeInternal
}

// message returns err's text as a client reads it: without the Go
// package prefix and the sentinel's own words, which the code says.
func message(err error) string {
	msg := err.Error()
	for _, p := range []string{"store: invalid: ", "store: conflict: ", "store: limit exceeded: ", "store: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}

// refusal is an error whose message is written for the client; its kind
// (a sentinel above, or one of the store's) gives its code and status.
type refusal struct {
	kind error
	msg  string
}

func (r *refusal) Error() string { return r.msg }
func (r *refusal) Unwrap() error { return r.kind }

// refuse returns the refusal of kind with message msg.
func refuse(kind error, msg string) error { return &refusal{kind: kind, msg: msg} }

// WriteError answers a refused request with a GraphQL-shaped JSON error:
// the code and status from statusTable, the message from err. An
// INTERNAL error's detail goes to log (slog.Default when nil) with the
// request's ID, and the answer carries the ID instead.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var id string
	if code, _ := classify(err); code == model.CodeInternal {
		if log == nil {
			log = slog.Default()
		}
		id = graph.RequestID(r.Context())
		log.ErrorContext(r.Context(), "internal error", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status, body := errorResponse(err, id)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// errorResponse returns the status and JSON body that answer err. An
// INTERNAL error shows requestID in place of its detail.
func errorResponse(err error, requestID string) (int, []byte) {
	code, status := classify(err)
	gerr := model.Coded(code, message(err))
	if code == model.CodeInternal {
		gerr = &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": code, "requestId": requestID}}
	}
	body, jerr := json.Marshal(graphql.Response{Errors: gqlerror.List{gerr}})
	if jerr != nil {
		panic(jerr) // cannot happen: strings and a fixed shape
	}
	return status, append(body, '\n')
}
