//go:build linux

package cluster_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/internal/tmpfs"
)

// TestReplicaWithAFullDisk: a node whose disk fills, with a smaller
// memtable than the node that wrote the log (so the seed is applied in
// chunks), keeps serving reads at its revision; /readyz and minRevision
// timeouts say that applying the log failed and why; once space is free
// it catches up by itself.
func TestReplicaWithAFullDisk(t *testing.T) {
	etcd := startEtcd(t, 1)
	c := newAGCluster(t, etcd.endpoints(), 2)
	mnt := tmpfs.Mount(t, "64m")
	c.dirs[1] = filepath.Join(mnt, "data")
	a := c.start(0)
	b := c.start(1, "--memtable-mb", "8")
	before := mustGQL(t, b.URL, `{ entity(id: "country/FIN") { name } }`, nil, 0).Extensions.Revision

	filler := filepath.Join(mnt, "filler")
	tmpfs.Fill(t, filler)
	w := mustGQL(t, a.URL, upsert, person("full-0", "Full Zero"), 0)
	readyz := func() (int, string) {
		status, body, _ := get(t, b.URL, "/readyz", 0)
		return status, string(body)
	}
	eventually(t, 30*time.Second, "the full node turns not ready", func() bool { s, _ := readyz(); return s == 503 })
	if _, body := readyz(); !strings.Contains(body, "free disk space") {
		t.Errorf("/readyz on the full node: %q, want the disk named", body)
	}
	if r := mustGQL(t, b.URL, `{ entity(id: "country/FIN") { name } }`, nil, 0); r.Extensions.Revision != before || !bytes.Contains(r.Data, []byte("Finland")) {
		t.Errorf("a read on the full node: %s at revision %d, want Finland at %d", r.Data, r.Extensions.Revision, before)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	r, err := gql(ctx, b.URL, `{ entity(id: "person/full-0") { name } }`, nil, w.Extensions.Revision)
	if err != nil || r.code() != "TIMEOUT" || !strings.Contains(r.Errors[0].Message, "free disk space") {
		t.Errorf("a read at the write's revision on the full node: %+v %v, want TIMEOUT naming the disk", r.Errors, err)
	}
	if !strings.Contains(b.Log(), "applying the log failed") {
		t.Errorf("the full node's log does not say that applying failed:\n%s", grepLines([]byte(b.Log()), "WARN"))
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, "the node catches up once space is free", func() bool { return c.ready(1) })
	if got := mustGQL(t, b.URL, `{ entity(id: "person/full-0") { name } }`, nil, w.Extensions.Revision); !bytes.Contains(got.Data, []byte("Full Zero")) {
		t.Errorf("after freeing space: %s", got.Data)
	}
}
