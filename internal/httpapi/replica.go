package httpapi

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/alliancegraph/alliancegraph/graph"
)

// Replica is a cluster node as the endpoints see it; nil for a single
// server.
type Replica interface {
	graph.Replica
	// Revision is the newest log revision the replica applied.
	Revision() uint64
	// Ready reports whether the node should take traffic, and why not.
	Ready() (bool, string)
	// Secret is what peers present for a backup when they bootstrap.
	Secret() string
}

// RevisionHeader labels a response with the log revision the replica had
// applied when the request began (GraphQL responses carry the exact
// revision they read at in extensions.revision).
const RevisionHeader = "X-Revision"

// withRevision makes requests other than GraphQL's wait for the revision
// they ask for in X-Min-Revision (up to the request timeout, then TIMEOUT)
// and labels every response with X-Revision. The GraphQL endpoint does
// both inside the operation (graph.revisionExt), so that its refusals are
// GraphQL errors.
func withRevision(rep Replica, timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get(graph.MinRevisionHeader); h != "" && r.URL.Path != "/graphql" {
			rev, err := graph.ParseRevision(h)
			if err != nil {
				WriteError(w, r, nil, err)
				return
			}
			ctx, cancel := r.Context(), func() {}
			if timeout > 0 {
				ctx, cancel = context.WithTimeout(ctx, timeout)
			}
			err = rep.WaitFor(ctx, rev)
			cancel()
			if err != nil {
				WriteError(w, r, nil, err)
				return
			}
		}
		w.Header().Set(RevisionHeader, strconv.FormatUint(rep.Revision(), 10))
		next.ServeHTTP(w, r)
	})
}

// peerBearer reports whether r presents the cluster's secret, as a
// bootstrapping peer does for GET /backup.
func peerBearer(rep Replica, r *http.Request) bool {
	if rep == nil {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(rep.Secret())) == 1
}
