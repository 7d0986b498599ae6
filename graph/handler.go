package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/alliancegraph/alliancegraph/domain"
)

// NewHandler returns the GraphQL endpoint: JSON POST and GET (queries
// only) transports, websocket subscriptions within ws's limits,
// introspection and "Did you mean" suggestions (both off with
// lim.Production), persisted queries, the limits (those that need no
// schema before validation, see preValidation), the write gate, the error
// presenter, a per-operation snapshot and dataloaders, and the resolver
// deadline for every operation but a subscription, whichever transport
// brought it. Refusals before an operation runs are answered by refuse.
func NewHandler(r *Resolver, lim Limits, ws Socket, log *slog.Logger, refuse Refuser) http.Handler {
	if refuse == nil {
		panic("graph: NewHandler needs a Refuser")
	}
	if r.MaxPage == 0 {
		r.MaxPage = lim.MaxPage
	}
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r}))
	socks := newSockets(ws, r.Policy)
	srv.AddTransport(socks.transport())
	srv.AddTransport(httpTransport{})
	docs := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(docs)
	srv.SetParserTokenLimit(lim.MaxTokens)
	srv.SetValidationRulesFn(cappedRules)
	srv.SetDisableSuggestion(lim.Production)
	if lim.Production {
		srv.Use(noIntrospection{})
	} else {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(preValidation{lim: lim, cache: docs})
	srv.Use(noLoneSurrogates{})
	srv.Use(getQueriesOnly{})
	srv.Use(deferOnSocketOnly{})
	srv.Use(limitsExt{lim: lim})
	srv.Use(writeGate{policy: r.Policy})
	if r.Replica != nil {
		srv.Use(revisionExt{replica: r.Replica})
	}
	if r.FieldHook != nil {
		srv.AroundFields(r.FieldHook)
	}
	if r.Observe != nil {
		srv.Use(observeExt{observe: r.Observe})
	}
	srv.SetErrorPresenter(errorPresenter(log, lim.Production))
	srv.SetRecoverFunc(recoverFunc(log))
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return socks.boundSubscriptions(withOpState(ctx, r.DB, r.LoaderWait), func(ctx context.Context) graphql.ResponseHandler {
			return socketDeadline(ctx, lim.Timeout, next)
		})
	})
	plain := withTimeout(lim, checkTransport(lim, refuse, limitBody(lim, refuse, srv)))
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if isHandshake(req) {
			socks.serve(w, req, refuse, srv)
			return
		}
		plain.ServeHTTP(w, withoutUpgrade(req))
	})
}

// checkTransport admits only what the API serves: GET (queries; gqlgen's
// GET transport refuses mutations) and POST with a JSON body. Anything
// else, notably the form and text/plain bodies a cross-site form can send
// without a CORS preflight, is refused with a coded JSON error.
func checkTransport(lim Limits, refuse Refuser, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch req.Method {
		case http.MethodGet:
			if n := len(req.URL.RawQuery); n > lim.MaxURLBytes {
				refuse(w, req, Refusal(ErrURLTooLong,
					fmt.Sprintf("request URL query is %d bytes, over the URL limit of %d: use POST", n, lim.MaxURLBytes)))
				return
			}
			if err := checkGet(req, lim); err != nil {
				if errors.Is(err, ErrMethod) {
					w.Header().Set("Allow", "POST")
				}
				refuse(w, req, err)
				return
			}
		case http.MethodPost:
			mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
			// application/graphql-response+json is a response type
			// (ask for it with Accept); as a request body's type,
			// gqlgen's POST transport refuses it without a code.
			if err != nil || mt != "application/json" {
				refuse(w, req, Refusal(ErrMediaType, "POST needs Content-Type: application/json"))
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST")
			refuse(w, req, Refusal(ErrMethod,
				"method "+req.Method+" not allowed: use POST with a JSON body, or GET for queries"))
			return
		}
		next.ServeHTTP(w, withMethod(req))
	})
}

// limitBody answers 413 for a body over the limit before gqlgen reads it.
func limitBody(lim Limits, refuse Refuser, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Body == nil || req.Method == http.MethodGet {
			next.ServeHTTP(w, req)
			return
		}
		tooBig := func() {
			refuse(w, req, Refusal(domain.ErrLimit,
				fmt.Sprintf("request body is over the body size limit of %d bytes", lim.MaxBodyBytes)))
		}
		if req.ContentLength > lim.MaxBodyBytes {
			tooBig()
			return
		}
		body, err := io.ReadAll(io.LimitReader(req.Body, lim.MaxBodyBytes+1))
		if err != nil {
			refuse(w, req, Refusal(domain.ErrInvalid, "could not read the request body"))
			return
		}
		if int64(len(body)) > lim.MaxBodyBytes {
			tooBig()
			return
		}
		if msg := checkBody(body); msg != "" {
			refuse(w, req, Refusal(domain.ErrInvalid, msg))
			return
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, req)
	})
}

// withTimeout gives every request the resolver deadline.
func withTimeout(lim Limits, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if lim.Timeout > 0 {
			ctx, cancel := context.WithTimeout(req.Context(), lim.Timeout)
			defer cancel()
			req = req.WithContext(ctx)
		}
		next.ServeHTTP(w, req)
	})
}
