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

// statusTable is the one place an error becomes an HTTP status: first the
// kinds of refusal HTTP has a status of their own for (graph names them,
// for the GraphQL endpoint and these endpoints), each with its code; then
// every other error by its code. Every refusal the server answers outside
// a GraphQL response goes through it (WriteError), the GraphQL endpoint's
// transport refusals included (graph.NewHandler's Refuser).
var statusTable = struct {
	kinds  []kindStatus
	byCode map[string]int
}{
	kinds: []kindStatus{
		{graph.ErrMethod, model.CodeBadUserInput, http.StatusMethodNotAllowed},
		{graph.ErrMediaType, model.CodeBadUserInput, http.StatusUnsupportedMediaType},
		{graph.ErrUpgradeRequired, model.CodeBadUserInput, http.StatusUpgradeRequired},
		{graph.ErrURLTooLong, model.CodeLimitExceeded, http.StatusRequestURITooLong},
		{graph.ErrBusy, model.CodeLimitExceeded, http.StatusServiceUnavailable},
		{graph.ErrClientBusy, model.CodeLimitExceeded, http.StatusTooManyRequests},
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
