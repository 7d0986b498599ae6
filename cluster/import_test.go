package cluster_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestLargeImportIsOneCommitOnEveryNode: an import whose change set is
// larger than one etcd request goes through the log in staged chunks,
// becomes visible as one commit on every node, and leaves no chunk
// behind; a subscription on another node sees it.
func TestLargeImportIsOneCommitOnEveryNode(t *testing.T) {
	etcd := startEtcd(t, 1)
	cli := etcdClient(t, etcd.endpoints())
	c := newAGCluster(t, etcd.endpoints(), 2)
	a, b := c.start(0), c.start(1)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	ws := servertest.WSOpen(t, ctx, b.URL)
	servertest.Subscribe(t, ctx, ws, "1", `subscription { changes(ids: ["person/bulk-0"]) { id op } }`)

	q := `{ entities(kind: PERSON, first: 1) { totalCount } }`
	var before struct{ Entities struct{ TotalCount int } }
	json.Unmarshal(mustGQL(t, a.URL, q, nil, 0).Data, &before)
	var body bytes.Buffer
	const n = 4000
	for i := range n {
		line, _ := json.Marshal(map[string]any{"type": "entity", "id": fmt.Sprintf("person/bulk-%d", i), "kind": "Person",
			"name": fmt.Sprintf("Bulk Person %d", i), "aliases": []string{strings.Repeat("alias ", 20) + fmt.Sprint(i)}})
		body.Write(append(line, '\n'))
	}
	status, rep := servertest.PostImport(t, a.URL, servertest.AliceToken, "application/jsonl", "bulk.jsonl", body.Bytes())
	if status != http.StatusOK {
		t.Fatalf("import through node a: %d %v", status, rep)
	}
	if m := servertest.WSNext(t, ctx, ws); m.Type != "next" || !bytes.Contains(m.Payload, []byte("person/bulk-0")) {
		t.Errorf("subscription on node b: %+v", m)
	}
	head, err := cli.Get(ctx, "/alliancegraph/test/log")
	if err != nil {
		t.Fatal(err)
	}
	rev := uint64(head.Kvs[0].ModRevision)
	if v := head.Kvs[0].Value; len(v) == 0 || v[0] != 'S' {
		t.Errorf("the import's log entry is not staged (%d bytes): the test no longer covers chunks", len(v))
	}
	var counts []string
	for _, u := range []string{a.URL, b.URL} {
		counts = append(counts, string(mustGQL(t, u, q, nil, rev).Data))
	}
	if want := fmt.Sprint(before.Entities.TotalCount + n); counts[0] != counts[1] || !strings.Contains(counts[0], want) {
		t.Errorf("person counts on the nodes: %v, want both %s", counts, want)
	}
	left, err := cli.Get(ctx, "/alliancegraph/test/stage/", clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	if left.Count != 0 {
		t.Errorf("%d staged chunks left after the commit", left.Count)
	}
}
