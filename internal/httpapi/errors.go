package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/store"
)

// statusTable is the one place an error becomes an HTTP status. The
// error's code is domain.CodeOf's; its status is the first of the kinds
// of refusal HTTP has a status of their own for (graph names them, for
// the GraphQL endpoint and these endpoints) that the error is, else its
// code's. Every refusal the server answers outside a GraphQL response goes
// through it (WriteError), the GraphQL endpoint's transport refusals
// included (graph.NewHandler's Refuser).
var statusTable = struct {
	kinds  []kindStatus
	byCode map[domain.Code]int
}{
	kinds: []kindStatus{
		{graph.ErrMethod, http.StatusMethodNotAllowed},
		{graph.ErrMediaType, http.StatusUnsupportedMediaType},
		{graph.ErrUpgradeRequired, http.StatusUpgradeRequired},
		{graph.ErrURLTooLong, http.StatusRequestURITooLong},
		{graph.ErrBusy, http.StatusServiceUnavailable},
		{graph.ErrClientBusy, http.StatusTooManyRequests},
		// A full disk is a limit of the server's, reached until space is
		// freed; the request may be retried then.
		{store.ErrDiskFull, http.StatusInsufficientStorage},
	},
	byCode: map[domain.Code]int{
		domain.CodeBadUserInput:    http.StatusBadRequest,
		domain.CodeNotFound:        http.StatusNotFound,
		domain.CodeConflict:        http.StatusConflict,
		domain.CodeUnauthenticated: http.StatusUnauthorized,
		domain.CodeForbidden:       http.StatusForbidden,
		domain.CodeLimitExceeded:   http.StatusRequestEntityTooLarge,
		domain.CodeTimeout:         http.StatusServiceUnavailable,
		domain.CodeInternal:        http.StatusInternalServerError,
	},
}

// kindStatus is one row of statusTable for a kind of refusal.
type kindStatus struct {
	kind   error
	status int
}

// classify returns err's code (domain.CodeOf) and its HTTP status from
// statusTable.
func classify(err error) (domain.Code, int) {
	code := domain.CodeOf(err)
	for _, k := range statusTable.kinds {
		if errors.Is(err, k.kind) {
			return code, k.status
		}
	}
	return code, statusTable.byCode[code]
}

// WriteError answers a refused request with a GraphQL-shaped JSON error:
// the code and status from statusTable, the message from err. An
// INTERNAL error's detail goes to log (slog.Default when nil) with the
// request's ID, and the answer carries the ID instead.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var id string
	if code, _ := classify(err); code == domain.CodeInternal {
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
	gerr := model.Coded(code, domain.Message(err))
	if code == domain.CodeInternal {
		gerr = &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": string(code), "requestId": requestID}}
	}
	body, jerr := json.Marshal(graphql.Response{Errors: gqlerror.List{gerr}})
	if jerr != nil {
		panic(jerr) // cannot happen: strings and a fixed shape
	}
	return status, append(body, '\n')
}
