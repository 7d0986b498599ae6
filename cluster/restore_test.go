package cluster_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestRestoreIntoCluster: a single server's backup becomes the start of
// a new cluster's log; the first node restores it from etcd, the second
// copies the first, and both answer the backup's history and take writes;
// a second restore into that cluster is refused.
func TestRestoreIntoCluster(t *testing.T) {
	bin := binary(t)
	single := servertest.New(t, servertest.Binary(bin), servertest.Dir(filepath.Join(t.TempDir(), "single")))
	before := time.Now().UTC().Format(time.RFC3339Nano)
	mustGQL(t, single.URL, upsert, person("from-backup", "From Backup"), 0)
	single.Stop(t)
	backup := filepath.Join(t.TempDir(), "single.backup")
	if out, err := exec.Command(bin, "backup", "--data", single.Dir, "-o", backup).CombinedOutput(); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}

	etcd := startEtcd(t, 1)
	restore := func() ([]byte, error) {
		return exec.Command(bin, "restore", "--etcd", etcd.endpoints(), "--cluster", "test", backup).CombinedOutput()
	}
	if out, err := restore(); err != nil || !bytes.Contains(out, []byte("is the start of cluster test's log")) {
		t.Fatalf("restore into the cluster: %v\n%s", err, out)
	}
	c := newAGCluster(t, etcd.endpoints(), 2)
	a := c.start(0)
	if !strings.Contains(a.Log(), "restored the backup the cluster's log starts with") {
		t.Errorf("the first node did not restore the log's backup:\n%s", a.Log())
	}
	b := c.start(1)
	w := mustGQL(t, b.URL, upsert, person("after-restore", "After Restore"), 0)
	for i, u := range []string{a.URL, b.URL} {
		got := mustGQL(t, u, `{ now: entity(id: "person/from-backup") { name } after: entity(id: "person/after-restore") { name } }`, nil, w.Extensions.Revision)
		if !bytes.Contains(got.Data, []byte("From Backup")) || !bytes.Contains(got.Data, []byte("After Restore")) {
			t.Errorf("node %d: %s", i, got.Data)
		}
		// The backup's history came with it: before its write, the
		// person did not exist.
		then, err := gql(t.Context(), u, `query($at: DateTime) { entity(id: "person/from-backup", knownAt: $at) { name } }`, map[string]any{"at": before}, 0)
		if err != nil || then.code() != "NOT_FOUND" {
			t.Errorf("node %d at knownAt %s, before the backup's write: %v %s %+v", i, before, err, then.Data, then.Errors)
		}
	}
	var exports [][]byte
	for _, u := range []string{a.URL, b.URL} {
		_, body, _ := get(t, u, "/export?format=jsonl", w.Extensions.Revision)
		exports = append(exports, body)
	}
	if !bytes.Equal(exports[0], exports[1]) {
		t.Error("the nodes' exports differ")
	}
	if out, err := restore(); err == nil || !bytes.Contains(out, []byte("not empty")) {
		t.Errorf("a second restore into the cluster: %v\n%s", err, out)
	}
}
