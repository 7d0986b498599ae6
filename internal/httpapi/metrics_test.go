package httpapi_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// scrape reads GET /metrics and parses it as Prometheus does.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q, want the text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return fams
}

// sample returns the value of family's sample whose labels include want.
func sample(fams map[string]*dto.MetricFamily, family string, want map[string]string) (float64, bool) {
	f := fams[family]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		for k, v := range want {
			found := false
			for _, l := range m.Label {
				if l.GetName() == k && l.GetValue() == v {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func TestMetrics(t *testing.T) {
	srv := servertest.New(t)
	for range 3 {
		servertest.Post(t, srv.URL, `query Members { alliance(id: "org/nato") { memberCount } }`, nil)
	}
	servertest.Post(t, srv.URL, `query Missing { alliance(id: "org/none") { name } }`, nil)
	servertest.Post(t, srv.URL, `query Broken { alliance(`, nil)
	servertest.Post(t, srv.URL, `{ alliance(id: "org/nato") { name } }`, nil)
	http.Get(srv.URL + "/no/such/path")

	fams := scrape(t, srv.URL)
	for _, tc := range []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"alliancegraph_graphql_operations_total", map[string]string{"operation": "Members", "type": "query", "code": "OK"}, 3},
		{"alliancegraph_graphql_operations_total", map[string]string{"operation": "Missing", "type": "query", "code": "NOT_FOUND"}, 1},
		// A document that does not parse has no name to report.
		{"alliancegraph_graphql_operations_total", map[string]string{"operation": "(anonymous)", "type": "", "code": "BAD_USER_INPUT"}, 1},
		{"alliancegraph_graphql_operations_total", map[string]string{"operation": "(anonymous)", "type": "query", "code": "OK"}, 1},
		{"alliancegraph_graphql_operation_duration_seconds", map[string]string{"operation": "Members", "type": "query"}, 3},
		{"alliancegraph_http_requests_total", map[string]string{"endpoint": "/graphql", "status": "200"}, 6},
		{"alliancegraph_http_requests_total", map[string]string{"endpoint": "other", "status": "404"}, 1},
		// This scrape is in flight while the gauge is read.
		{"alliancegraph_http_requests_in_flight", nil, 1},
		{"alliancegraph_subscriptions", nil, 0},
	} {
		got, ok := sample(fams, tc.family, tc.labels)
		if !ok || got != tc.want {
			t.Errorf("%s%v = %v (found %v), want %v", tc.family, tc.labels, got, ok, tc.want)
		}
	}
	for _, name := range []string{
		"alliancegraph_store_lsm_bytes", "alliancegraph_store_value_log_bytes",
		"alliancegraph_store_block_cache_hit_ratio", "alliancegraph_store_index_cache_hit_ratio",
		"go_goroutines", "process_resident_memory_bytes",
	} {
		if fams[name] == nil {
			t.Errorf("no %s in /metrics", name)
		}
	}
}

// maxOpNames is how many distinct operation names the metrics keep as
// labels; the rest count as (other).
const maxOpNames = 200

// TestMetricsLabelsAreBounded: operation names come from clients, so a
// client sending endless names cannot grow the label set without bound.
func TestMetricsLabelsAreBounded(t *testing.T) {
	srv := servertest.New(t)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range maxOpNames + 50 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			servertest.Post(t, srv.URL, fmt.Sprintf(`query Op%d { __typename }`, i), nil)
		}()
	}
	wg.Wait()
	fams := scrape(t, srv.URL)
	if n := len(fams["alliancegraph_graphql_operations_total"].GetMetric()); n > maxOpNames+1 {
		t.Errorf("%d operation label sets, want at most %d", n, maxOpNames+1)
	}
	if got, _ := sample(fams, "alliancegraph_graphql_operations_total", map[string]string{"operation": "(other)"}); got != 50 {
		t.Errorf("(other) counted %v operations, want 50", got)
	}
}

func TestHealthProbes(t *testing.T) {
	srv := servertest.New(t)
	db := srv.DB
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/livez", 200},
		{"GET", "/readyz", 200},
		{"GET", "/healthz", 200},
		{"HEAD", "/readyz", 200},
		{"POST", "/livez", 405},
		{"POST", "/metrics", 405},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
	}
	db.Close()
	for path, want := range map[string]int{"/livez": 200, "/readyz": 503} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("after the store closed, %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// TestRequestLogJSON: with --log-json every line is a JSON object, and a
// GraphQL request's line names its operation and outcome.
func TestRequestLogJSON(t *testing.T) {
	srv := servertest.New(t, servertest.JSONLog())
	servertest.Post(t, srv.URL, `query Members { alliance(id: "org/nato") { memberCount } }`, nil)
	servertest.Post(t, srv.URL, `query Missing { alliance(id: "org/none") { name } }`, nil)
	srv.Stop(t)

	var ops []string
	sc := bufio.NewScanner(strings.NewReader(srv.Log()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		if line["msg"] == "request" && line["operationName"] != nil {
			ops = append(ops, fmt.Sprint(line["operationName"], " ", line["code"]))
		}
	}
	if want := []string{"Members OK", "Missing NOT_FOUND"}; strings.Join(ops, ",") != strings.Join(want, ",") {
		t.Errorf("logged operations %q, want %q", ops, want)
	}
}
