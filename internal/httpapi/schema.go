package httpapi

import (
	"io"
	"net/http"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph"
)

// schemaHandler serves the SDL the server is generated from, the
// contract, as text for client generators. With --production it is
// refused like introspection, which answers the same question.
func schemaHandler(production bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if production {
			WriteError(w, r, nil, graph.Refusal(domain.ErrForbidden, "the schema is not published on this server (--production)"))
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", `inline; filename="schema.graphql"`)
		io.WriteString(w, graph.SDL())
	})
}
