package main

import (
	_ "embed"
	"net/http"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph"
)

// schemaSDL is the committed schema, the contract the server is generated
// from, served to client generators at GET /graphql/schema.graphql.
//
//go:embed schema.graphqls
var schemaSDL []byte

// schemaHandler serves the SDL as text. With --production it is refused
// like introspection, which answers the same question.
func schemaHandler(production bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if production {
			graph.WriteError(w, http.StatusForbidden, domain.CodeForbidden, "the schema is not published on this server (--production)")
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", `inline; filename="schema.graphql"`)
		w.Write(schemaSDL)
	})
}
