package httpapi

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/store"
)

// serverMetrics are what GET /metrics serves, in Prometheus text format.
// Each server has its own registry, so servers in one process (tests) do
// not collide.
type serverMetrics struct {
	reg        *prometheus.Registry
	operations *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	requests   *prometheus.CounterVec
	inFlight   prometheus.Gauge
	names      *opNames
}

// Operation outcome labels besides the error codes.
const (
	outcomeOK      = "OK"
	anonymousLabel = "(anonymous)" // not a GraphQL name, so never a client's
	otherLabel     = "(other)"
)

func newServerMetrics(db *store.DB) *serverMetrics {
	m := &serverMetrics{
		reg:   prometheus.NewRegistry(),
		names: &opNames{seen: map[string]bool{}},
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alliancegraph_graphql_operations_total",
			Help: "GraphQL operations by operation name, type and outcome (OK or the first error's extensions.code).",
		}, []string{"operation", "type", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "alliancegraph_graphql_operation_duration_seconds",
			Help:    "Time from an operation's start to its first response, by operation name and type.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation", "type"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alliancegraph_http_requests_total",
			Help: "HTTP requests by endpoint and status code.",
		}, []string{"endpoint", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "alliancegraph_http_requests_in_flight",
			Help: "HTTP requests being served, websockets included.",
		}),
	}
	stat := func(name, help string, v func(store.Stats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return v(db.Stats()) })
	}
	ratio := func(hits, misses uint64) float64 {
		if hits+misses == 0 {
			return 0
		}
		return float64(hits) / float64(hits+misses)
	}
	m.reg.MustRegister(m.operations, m.latency, m.requests, m.inFlight,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		stat("alliancegraph_store_lsm_bytes", "Size of Badger's LSM tree on disk.",
			func(s store.Stats) float64 { return float64(s.LSMBytes) }),
		stat("alliancegraph_store_value_log_bytes", "Size of Badger's value log on disk.",
			func(s store.Stats) float64 { return float64(s.ValueLogBytes) }),
		stat("alliancegraph_store_block_cache_hit_ratio", "Badger block cache hits over lookups since open (0 when off or unused).",
			func(s store.Stats) float64 { return ratio(s.BlockCacheHits, s.BlockCacheMisses) }),
		stat("alliancegraph_store_index_cache_hit_ratio", "Badger table index cache hits over lookups since open (0 when off or unused).",
			func(s store.Stats) float64 { return ratio(s.IndexCacheHits, s.IndexCacheMisses) }),
		stat("alliancegraph_subscriptions", "Open GraphQL subscriptions.",
			func(s store.Stats) float64 { return float64(s.Subscribers) }),
	)
	return m
}

// handler serves the registry.
func (m *serverMetrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Timeout: metricsTimeout})
}

// observe counts one GraphQL operation (graph.Observer).
func (m *serverMetrics) observe(_ context.Context, r graph.OperationReport) {
	name := m.names.label(r.Name)
	code := r.Code
	if code == "" {
		code = outcomeOK
	}
	m.operations.WithLabelValues(name, r.Type, code).Inc()
	m.latency.WithLabelValues(name, r.Type).Observe(r.Duration.Seconds())
}

// wrap counts every HTTP request by endpoint and status, and those in
// flight.
func (m *serverMetrics) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		next.ServeHTTP(sw, r)
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		m.requests.WithLabelValues(endpointLabel(r.URL.Path), strconv.Itoa(status)).Inc()
	})
}

// endpoints are the paths counted by name; every other path (GraphiQL's
// page and assets, unknown paths) counts as "other", so a client cannot
// grow the label set.
var endpoints = map[string]bool{
	"/graphql": true, "/graphql/schema.graphql": true, "/import": true, "/export": true,
	"/backup": true, "/healthz": true, "/livez": true, "/readyz": true,
	"/metrics": true, "/debug/stats": true, "/": true,
}

func endpointLabel(path string) string {
	if endpoints[path] {
		return path
	}
	return "other"
}

// opNames bounds the operation-name label: operation names come from
// clients, so only well-formed names are kept, and only the first
// maxOpNames distinct ones; the rest count as (other).
type opNames struct {
	mu   sync.Mutex
	seen map[string]bool
}

const maxOpNames = 200

var graphQLName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)

func (o *opNames) label(name string) string {
	switch {
	case name == "":
		return anonymousLabel
	case !graphQLName.MatchString(name):
		return otherLabel
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen[name] {
		return name
	}
	if len(o.seen) >= maxOpNames {
		return otherLabel
	}
	o.seen[name] = true
	return name
}

// metricsTimeout bounds one scrape.
const metricsTimeout = 10 * time.Second
