package cluster_test

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/cluster"
)

// TestReplicaCutOffFromEtcd: a node whose connection to etcd is cut keeps
// serving reads labelled with the revision it has, refuses to pretend it
// has a newer one (TIMEOUT for minRevision), reports itself not ready,
// and catches up once the connection is back.
func TestReplicaCutOffFromEtcd(t *testing.T) {
	etcd := startEtcd(t, 1)
	p := newProxy(t, etcd.clientHost(0))
	c := newAGCluster(t, etcd.endpoints(), 2)
	a := c.start(0)
	c.etcd = p.addr()
	b := c.start(1, "--timeout", "2s")
	eventually(t, 30*time.Second, "node b ready", func() bool { return c.ready(1) })
	have := mustGQL(t, b.URL, `{ entity(id: "country/FIN") { name } }`, nil, 0).Extensions.Revision

	p.cut()
	eventually(t, 30*time.Second, "/readyz turns 503 on the cut node", func() bool { return !c.ready(1) })
	_, body, _ := get(t, b.URL, "/readyz", 0)
	if !bytes.Contains(body, []byte("cut off from etcd")) {
		t.Errorf("/readyz says %q, want it to name the cut", body)
	}
	w := mustGQL(t, a.URL, upsert, person("while-cut", "While Cut"), 0)
	if w.Extensions.Revision <= have {
		t.Fatalf("write at revision %d, not after %d", w.Extensions.Revision, have)
	}
	r := mustGQL(t, b.URL, `{ entity(id: "country/FIN") { name } }`, nil, 0)
	if r.Extensions.Revision != have {
		t.Errorf("the cut node labels its read with revision %d, want its own %d", r.Extensions.Revision, have)
	}
	waited, err := gql(t.Context(), b.URL, `{ entity(id: "person/while-cut") { name } }`, nil, w.Extensions.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if waited.code() != "TIMEOUT" || !bytes.Contains([]byte(waited.Errors[0].Message), []byte(strconv.FormatUint(w.Extensions.Revision, 10))) {
		t.Errorf("minRevision on the cut node: %+v, want TIMEOUT naming revision %d", waited.Errors, w.Extensions.Revision)
	}
	if head, err := gql(t.Context(), b.URL, `{ entity(id: "country/FIN") { name } }`, nil, cluster.Head); err != nil || head.code() != "TIMEOUT" {
		t.Errorf("a head read on the cut node: %v %+v, want TIMEOUT", err, head.Errors)
	}
	if status, _, _ := get(t, b.URL, "/export?format=jsonl", w.Extensions.Revision); status != 503 {
		t.Errorf("GET /export with X-Min-Revision on the cut node: %d, want 503 (TIMEOUT)", status)
	}

	if _, m, _ := get(t, b.URL, "/metrics", 0); !bytes.Contains(m, []byte("alliancegraph_cluster_ready 0")) ||
		!bytes.Contains(m, []byte(fmt.Sprintf("alliancegraph_cluster_applied_revision %d", have))) {
		t.Errorf("the cut node's metrics do not say it is behind:\n%s", grepLines(m, "alliancegraph_cluster_"))
	}
	p.mend()
	eventually(t, 60*time.Second, "the node is ready again", func() bool { return c.ready(1) })
	if _, m, _ := get(t, b.URL, "/metrics", 0); !bytes.Contains(m, []byte("alliancegraph_cluster_ready 1")) {
		t.Errorf("the node's metrics after reconnecting:\n%s", grepLines(m, "alliancegraph_cluster_"))
	}
	got := mustGQL(t, b.URL, `{ entity(id: "person/while-cut") { name } }`, nil, w.Extensions.Revision)
	if !bytes.Contains(got.Data, []byte("While Cut")) {
		t.Errorf("after reconnecting: %s", got.Data)
	}
}
