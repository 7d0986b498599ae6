package httpapi

import (
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph"
)

// withCORS lets pages from the allowed origins call the API from a
// browser. origins are host patterns as in path.Match ("explorer.example.org",
// "*.example.org"), matched like --ws-origins. With none (the default) no
// CORS header is ever sent, so browsers keep other sites' pages out.
//
// An allowed origin gets Access-Control-Allow-Origin naming it (never "*")
// and may send Content-Type and Authorization: tokens travel in a header a
// page must set on purpose, not in cookies, so no credentials mode is
// offered. A preflight (OPTIONS with Access-Control-Request-Method) from an
// allowed origin is answered 204; from any other origin 403 with no CORS
// header.
func withCORS(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		allowed := origin != "" && originAllowed(origin, origins)
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		switch {
		case preflight && !allowed:
			WriteError(w, r, nil, graph.Refusal(domain.ErrForbidden, "origin not allowed: start the server with --cors-origins naming it"))
			return
		case preflight:
			h := w.Header()
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Min-Revision")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		case allowed:
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Expose-Headers", "X-Request-Id, Content-Disposition, X-Export-Truncated, X-Revision")
		}
		next.ServeHTTP(w, r)
	})
}

func originAllowed(origin string, patterns []string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	host := strings.ToLower(u.Host)
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), host); ok {
			return true
		}
	}
	return false
}
