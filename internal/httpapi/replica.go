package httpapi

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/alliancegraph/alliancegraph/graph"
)

// Replica is a cluster node as the endpoints see it; nil for a single
// server.
type Replica interface {
	graph.Replica
	// Revision is the newest log revision the replica applied; Head the
	// log's newest as the node last read it.
	Revision() uint64
	Head() uint64
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

// replicaMetrics are a cluster node's gauges: how far it has applied the
// log, how far the log goes as it last heard, and whether it is ready.
func replicaMetrics(rep Replica) []prometheus.Collector {
	gauge := func(name, help string, v func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, v)
	}
	return []prometheus.Collector{
		gauge("alliancegraph_cluster_applied_revision", "The newest log revision this node's replica applied.",
			func() float64 { return float64(rep.Revision()) }),
		gauge("alliancegraph_cluster_head_revision", "The log's newest revision as this node last read it from etcd.",
			func() float64 { return float64(rep.Head()) }),
		gauge("alliancegraph_cluster_ready", "1 when the node is connected to etcd and not lagging (as /readyz), else 0.",
			func() float64 {
				if ok, _ := rep.Ready(); ok {
					return 1
				}
				return 0
			}),
	}
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
