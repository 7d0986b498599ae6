package cluster_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// etcdClient connects to the test cluster directly, to do what an
// operator does to etcd (compact it, look at its keys).
func etcdClient(t *testing.T, endpoints string) *clientv3.Client {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{Endpoints: strings.Split(endpoints, ","), DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// TestRestartAfterCompaction: a node that was down while etcd compacted
// the log past its revision does not serve a hole: at restart it moves
// its replica aside and bootstraps again from a peer's backup.
func TestRestartAfterCompaction(t *testing.T) {
	etcd := startEtcd(t, 1)
	cli := etcdClient(t, etcd.endpoints())
	c := newAGCluster(t, etcd.endpoints(), 2)
	a := c.start(0)
	c.start(1)
	c.stop(1)
	var last uint64
	for _, k := range []string{"while-down-1", "while-down-2", "while-down-3"} {
		last = mustGQL(t, a.URL, upsert, person(k, k), 0).Extensions.Revision
	}
	if _, err := cli.Compact(context.Background(), int64(last)); err != nil {
		t.Fatal(err)
	}
	b := c.start(1)
	if !strings.Contains(b.Log(), "compacted") {
		t.Errorf("the node's log does not say why it bootstrapped again:\n%s", b.Log())
	}
	got := mustGQL(t, b.URL, `{ entity(id: "person/while-down-2") { name } }`, nil, last)
	if !bytes.Contains(got.Data, []byte("while-down-2")) {
		t.Errorf("after bootstrapping again: %s", got.Data)
	}
	aside, _ := filepath.Glob(c.dirs[1] + ".compacted-*")
	if len(aside) != 1 {
		t.Fatalf("the old replica was not kept aside: %v", aside)
	}
	if entries, err := os.ReadDir(aside[0]); err != nil || len(entries) == 0 {
		t.Errorf("the replica kept aside is empty: %v", err)
	}
}

// TestCompactedWhileCutOff: a running node that comes back to a log
// compacted past its revision stops applying, says so on /readyz, and
// keeps serving what it has, labelled with its own revision.
func TestCompactedWhileCutOff(t *testing.T) {
	etcd := startEtcd(t, 1)
	cli := etcdClient(t, etcd.endpoints())
	p := newProxy(t, etcd.clientHost(0))
	c := newAGCluster(t, etcd.endpoints(), 2)
	a := c.start(0)
	c.etcd = p.addr()
	b := c.start(1)
	have := mustGQL(t, b.URL, `{ entity(id: "country/FIN") { name } }`, nil, 0).Extensions.Revision
	p.cut()
	var last uint64
	for _, k := range []string{"gone-1", "gone-2"} {
		last = mustGQL(t, a.URL, upsert, person(k, k), 0).Extensions.Revision
	}
	if _, err := cli.Compact(context.Background(), int64(last)); err != nil {
		t.Fatal(err)
	}
	p.mend()
	eventually(t, 60*time.Second, "/readyz names the compaction", func() bool {
		_, body, _ := get(t, b.URL, "/readyz", 0)
		return bytes.Contains(body, []byte("compacted"))
	})
	r := mustGQL(t, b.URL, `{ entity(id: "country/FIN") { name } }`, nil, 0)
	if r.Extensions.Revision != have {
		t.Errorf("reads labelled %d, want the replica's own %d", r.Extensions.Revision, have)
	}
	// A request for a revision it will never apply is told why (the
	// compaction), not that its deadline passed.
	w, err := gql(t.Context(), b.URL, `{ entity(id: "country/FIN") { name } }`, nil, last)
	if err != nil || w.code() != "TIMEOUT" || !bytes.Contains([]byte(w.Errors[0].Message), []byte("compacted")) {
		t.Errorf("minRevision %d on the stopped replica: %v %+v, want TIMEOUT naming the compaction", last, err, w.Errors)
	}
}
