package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/graph/model"
)

// Response media types of the GraphQL-over-HTTP specification.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// httpTransport serves GraphQL over HTTP, GET for queries and POST with a
// JSON body, as the GraphQL-over-HTTP specification asks (checked in CI
// by the graphql-http audit suite):
//
//   - A request error (a body with no query, JSON that does not decode)
//     is 400, and its response has no data entry.
//   - A document that does not parse or validate, or whose variables do
//     not coerce, is a request error too: with application/json it is
//     answered 200 (clients of that media type read errors from the
//     body), with application/graphql-response+json 400; either way no
//     data entry.
//   - Anything the operation itself reports is 200, with data.
//
// The response is written as it comes from the executor: its data is
// already JSON, so it is not decoded and encoded again.
type httpTransport struct{}

var _ graphql.Transport = httpTransport{}

func (httpTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	switch r.Method {
	case http.MethodGet:
		return true
	case http.MethodPost:
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		return err == nil && mt == mediaJSON
	}
	return false
}

func (httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media := responseMedia(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", media)
	params, err := requestParams(r)
	if err != nil {
		writeRequestError(w, exec, r, http.StatusBadRequest, gqlerror.List{model.BadInput(err.Error())})
		return
	}
	if params.Query == "" && params.Extensions["persistedQuery"] == nil {
		writeRequestError(w, exec, r, http.StatusBadRequest, gqlerror.List{model.BadInput(
			`the request has no query: send {"query": "…"} (or a persisted query's hash in extensions)`)})
		return
	}
	ctx := r.Context()
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		status := http.StatusOK
		if media == mediaGraphQLResponse && errcode.GetErrorKind(errs) == errcode.KindProtocol {
			status = http.StatusBadRequest
		}
		writeResponse(w, status, exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs), false)
		return
	}
	if rc.Operation != nil && rc.Operation.Operation == ast.Subscription {
		writeRequestError(w, exec, r, http.StatusBadRequest, gqlerror.List{model.BadInput(subscriptionNeedsSocket)})
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, http.StatusOK, responses(ctx), true)
}

// writeRequestError answers a request that never became an operation.
func writeRequestError(w http.ResponseWriter, exec graphql.GraphExecutor, r *http.Request, status int, errs gqlerror.List) {
	writeResponse(w, status, exec.DispatchError(r.Context(), errs), false)
}

// requestParams reads the request's query, operationName, variables and
// extensions: from the URL for GET, from the JSON body for POST. Numbers
// stay json.Number so that Int arguments coerce exactly.
func requestParams(r *http.Request) (*graphql.RawParams, error) {
	start := graphql.Now()
	p := &graphql.RawParams{Headers: r.Header}
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		p.Query, p.OperationName = q.Get("query"), q.Get("operationName")
		for name, into := range map[string]*map[string]any{"variables": &p.Variables, "extensions": &p.Extensions} {
			if v := q.Get(name); v != "" {
				if err := decodeJSON(strings.NewReader(v), into); err != nil {
					return nil, fmt.Errorf("URL parameter %s must be a JSON object", name)
				}
			}
		}
	} else {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, errors.New("could not read the request body")
		}
		if err := decodeJSON(bytes.NewReader(body), p); err != nil {
			return nil, errors.New("request body is not a GraphQL request object")
		}
	}
	p.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	return p, nil
}

func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	return dec.Decode(v)
}

// responseMedia picks the response's media type from Accept: the first
// of the two GraphQL media types it names, application/json when it
// names neither (as legacy clients send nothing or */*).
func responseMedia(accept string) string {
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaJSON, mediaGraphQLResponse:
			return mt
		}
	}
	return mediaJSON
}

// writeResponse writes resp as one JSON object: errors, then data (when
// withData; written as the executor made it), then extensions.
func writeResponse(w http.ResponseWriter, status int, resp *graphql.Response, withData bool) {
	var b bytes.Buffer
	b.Grow(len(resp.Data) + 64)
	b.WriteByte('{')
	sep := func() {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
	}
	if len(resp.Errors) > 0 {
		b.WriteString(`"errors":`)
		writeJSONValue(&b, resp.Errors)
	}
	if withData {
		sep()
		b.WriteString(`"data":`)
		if len(resp.Data) == 0 {
			b.WriteString("null")
		} else {
			b.Write(resp.Data)
		}
	}
	if len(resp.Extensions) > 0 {
		sep()
		b.WriteString(`"extensions":`)
		writeJSONValue(&b, resp.Extensions)
	}
	b.WriteByte('}')
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// writeJSONValue encodes v into b; the values here (errors, extensions)
// are made by this server and always encode.
func writeJSONValue(b *bytes.Buffer, v any) {
	enc, err := json.Marshal(v)
	if err != nil {
		b.WriteString("null")
		return
	}
	b.Write(enc)
}
