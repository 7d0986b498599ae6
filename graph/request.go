package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/jsonl"
)

// checkBody refuses, with a message for a 400, a POST body that is not one
// GraphQL request: not UTF-8 or with a \u escape of half a surrogate pair
// (encoding/json would quietly turn either into U+FFFD, so a query would
// run on text the client never sent), not JSON, a batch (a JSON array: one operation per request keeps every limit
// and the resolver deadline per operation), or an object whose known
// members have the wrong JSON type (gqlgen would answer those without a
// code).
func checkBody(body []byte) string {
	if !utf8.Valid(body) {
		return "request body is not valid UTF-8"
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		if json.Valid(t) {
			return "batched requests are not supported: send one operation per request"
		}
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		if !json.Valid(body) {
			return "request body is not valid JSON"
		}
		return `request body must be a JSON object {"query": …, "variables": …}`
	}
	for _, m := range requestMembers {
		v := members[m.name]
		if len(v) == 0 || string(v) == "null" || v[0] == m.first {
			continue
		}
		return "request member " + m.name + " must be " + m.kind
	}
	if p := jsonl.CheckJSONText(body); p != nil {
		return loneSurrogate(jsonl.JSONPathAt(body, p.Offset), p.Reason)
	}
	return ""
}

// loneSurrogate words a surrogate escape (CheckJSONText's reason) found
// at path in a request: "variable $name: …" for a variable.
func loneSurrogate(path, reason string) string {
	if v, ok := strings.CutPrefix(path, "variables."); ok {
		return "variable $" + v + ": " + reason
	}
	if path == "" {
		return "request body: " + reason
	}
	return path + ": " + reason
}

// requestMembers are the members of a GraphQL request object and the
// first byte of the JSON type each must have.
var requestMembers = []struct {
	name  string
	first byte
	kind  string
}{
	{"query", '"', "a string"}, {"operationName", '"', "a string"},
	{"variables", '{', "an object"}, {"extensions", '{', "an object"},
}

// checkGet refuses a GET whose parameters are not UTF-8, or whose JSON
// variables hold half a surrogate pair, or whose document asks for a
// mutation or subscription (ErrMethod: GET must stay safe, so a link or
// an <img> cannot write). A document that does not parse is
// left to gqlgen, which reports where.
func checkGet(req *http.Request, lim Limits) error {
	q := req.URL.Query()
	for _, vs := range q {
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return Refusal(domain.ErrInvalid, "request URL parameters are not valid UTF-8")
			}
		}
	}
	// gqlgen's GET transport refuses these itself, but with no code.
	for _, name := range []string{"variables", "extensions"} {
		var obj map[string]any
		v := q.Get(name)
		if v != "" && json.Unmarshal([]byte(v), &obj) != nil {
			return Refusal(domain.ErrInvalid, "URL parameter "+name+" must be a JSON object")
		}
		if p := jsonl.CheckJSONText([]byte(v)); p != nil {
			return Refusal(domain.ErrInvalid, loneSurrogate(name+"."+jsonl.JSONPathAt([]byte(v), p.Offset), p.Reason))
		}
	}
	text := q.Get("query")
	if text == "" {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: text}, lim.MaxTokens)
	if err != nil {
		return nil
	}
	switch op := pickOperation(doc, q.Get("operationName")); {
	case op == nil || op.Operation == ast.Query:
	case op.Operation == ast.Subscription:
		return Refusal(ErrMethod, subscriptionNeedsSocket)
	default:
		return Refusal(ErrMethod, "GET requests only allow query operations: send a "+string(op.Operation)+" with POST")
	}
	return nil
}

// subscriptionNeedsSocket refuses a subscription sent as a plain HTTP
// request: its events need a connection that stays open.
const subscriptionNeedsSocket = "subscriptions run over a websocket at /graphql (protocol graphql-transport-ws), not a plain HTTP request"

// pickOperation returns the operation a request runs, as GraphQL picks it:
// the named one, or the only one.
func pickOperation(doc *ast.QueryDocument, name string) *ast.OperationDefinition {
	if name != "" {
		return doc.Operations.ForName(name)
	}
	if len(doc.Operations) == 1 {
		return doc.Operations[0]
	}
	return nil
}

type methodKey struct{}

func withMethod(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), methodKey{}, req.Method))
}

// getQueriesOnly refuses a mutation or subscription that arrived by GET
// after parsing: a persisted query sent by hash, which checkGet cannot
// see. It runs before the write gate, so the answer does not depend on
// the token.
type getQueriesOnly struct{}

var (
	_ graphql.HandlerExtension        = getQueriesOnly{}
	_ graphql.OperationContextMutator = getQueriesOnly{}
)

func (getQueriesOnly) ExtensionName() string                   { return "AllianceGraphGetQueriesOnly" }
func (getQueriesOnly) Validate(graphql.ExecutableSchema) error { return nil }

func (getQueriesOnly) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if m, _ := ctx.Value(methodKey{}).(string); m != http.MethodGet || rc.Operation == nil || rc.Operation.Operation == ast.Query {
		return nil
	}
	return model.Coded(domain.CodeBadUserInput, "GET requests only allow query operations: send a "+string(rc.Operation.Operation)+" with POST")
}

// deferOnSocketOnly refuses @defer on POST and GET. They answer with one
// response, so gqlgen would send the deferred fields as null with
// "hasNext": true and never send the rest; the websocket transport
// delivers the later payloads. A @defer whose if argument is false defers
// nothing and is let through.
type deferOnSocketOnly struct{}

var (
	_ graphql.HandlerExtension        = deferOnSocketOnly{}
	_ graphql.OperationContextMutator = deferOnSocketOnly{}
)

func (deferOnSocketOnly) ExtensionName() string                   { return "AllianceGraphDeferOnSocketOnly" }
func (deferOnSocketOnly) Validate(graphql.ExecutableSchema) error { return nil }

func (deferOnSocketOnly) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if _, plain := ctx.Value(methodKey{}).(string); !plain || rc.Operation == nil {
		return nil
	}
	if defers(rc.Doc.Fragments, rc.Operation.SelectionSet, rc.Variables, map[string]bool{}) {
		return model.Coded(domain.CodeBadUserInput, "@defer needs the websocket transport (graphql-transport-ws): POST and GET send one response, so deferred fields would never arrive")
	}
	return nil
}

// defers reports whether set defers anything: an inline fragment or a
// fragment spread under an active @defer, at any depth.
func defers(frags ast.FragmentDefinitionList, set ast.SelectionSet, vars map[string]any, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if defers(frags, s.SelectionSet, vars, seen) {
				return true
			}
		case *ast.InlineFragment:
			if activeDefer(s.Directives, vars) || defers(frags, s.SelectionSet, vars, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if activeDefer(s.Directives, vars) {
				return true
			}
			if f := frags.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				if defers(frags, f.SelectionSet, vars, seen) {
					return true
				}
			}
		}
	}
	return false
}

// activeDefer reports whether ds holds a @defer that defers: one without
// an if argument, or whose if is not false.
func activeDefer(ds ast.DirectiveList, vars map[string]any) bool {
	d := ds.ForName("defer")
	if d == nil {
		return false
	}
	on, ok := d.ArgumentMap(vars)["if"].(bool)
	return !ok || on
}
