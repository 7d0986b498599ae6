package cluster_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/cluster"
)

const upsert = `mutation($id: ID!, $name: String!) { upsertEntity(input: {id: $id, kind: PERSON, name: $name}) { entity { id } } }`

// person returns upsert's variables for a person named name.
func person(key, name string) map[string]any {
	return map[string]any{"id": "person/" + key, "name": name}
}

// persons is a query whose answer depends on every person written, at a
// transaction time.
const persons = `query($at: DateTime) { entities(kind: PERSON, first: 100, knownAt: $at) { totalCount edges { node { id name } } } }`

// TestJoinAndReadYourWrites: a write through one node is read on another
// that waits for its revision; a node started empty joins a cluster with
// history (from a peer's backup) and answers a knownAt before it joined
// as the others do; all export the same bytes at the same revision.
func TestJoinAndReadYourWrites(t *testing.T) {
	etcd := startEtcd(t, 1)
	c := newAGCluster(t, etcd.endpoints(), 3)
	a, b := c.start(0), c.start(1)
	r := mustGQL(t, a.URL, upsert, person("joiner-0", "Joiner Zero"), 0)
	if r.Extensions.Revision == 0 {
		t.Fatal("a mutation's response carries no revision")
	}
	var out struct {
		UpsertEntity struct{ Entity struct{ ID string } }
	}
	json.Unmarshal(r.Data, &out)
	read := mustGQL(t, b.URL, `query($id: ID!) { entity(id: $id) { name } }`, map[string]any{"id": out.UpsertEntity.Entity.ID}, r.Extensions.Revision)
	if !bytes.Contains(read.Data, []byte("Joiner Zero")) || read.Extensions.Revision < r.Extensions.Revision {
		t.Fatalf("read on the other node at revision %d: %s (revision %d)", r.Extensions.Revision, read.Data, read.Extensions.Revision)
	}
	if got := mustGQL(t, b.URL, `{ entity(id: "person/joiner-0") { name } }`, nil, cluster.Head); got.Extensions.Revision < r.Extensions.Revision {
		t.Errorf("a head read on the other node is at revision %d, before the write's %d", got.Extensions.Revision, r.Extensions.Revision)
	}
	time.Sleep(10 * time.Millisecond)
	mid := time.Now().UTC().Format(time.RFC3339Nano)
	var last uint64
	for i := range 5 {
		last = mustGQL(t, b.URL, upsert, person(fmt.Sprintf("joiner-%d", i+1), fmt.Sprintf("Joiner %d", i+1)), 0).Extensions.Revision
	}
	before := mustGQL(t, a.URL, persons, map[string]any{"at": mid}, last)

	late := c.start(2)
	if !bytes.Contains([]byte(late.Log()), []byte("bootstrapped from a peer's backup")) {
		t.Errorf("the new node did not bootstrap from a peer:\n%s", late.Log())
	}
	for i, u := range []string{a.URL, b.URL, late.URL} {
		got := mustGQL(t, u, persons, map[string]any{"at": mid}, last)
		if !bytes.Equal(got.Data, before.Data) {
			t.Errorf("node %d at knownAt %s:\n%s\nwant\n%s", i, mid, got.Data, before.Data)
		}
	}
	var exports [][]byte
	for _, u := range []string{a.URL, b.URL, late.URL} {
		status, body, h := get(t, u, "/export?format=jsonl", last)
		if status != 200 || h.Get("X-Revision") == "" {
			t.Fatalf("export: %d, X-Revision %q: %s", status, h.Get("X-Revision"), body)
		}
		exports = append(exports, body)
	}
	for i := 1; i < len(exports); i++ {
		if !bytes.Equal(exports[i], exports[0]) {
			t.Errorf("node %d's export differs from node 0's (%d and %d bytes)", i, len(exports[i]), len(exports[0]))
		}
	}
}

// TestReplicaOfAnotherClusterIsRefused: a node pointed at another cluster
// (a new one given the same name, or another name on the same etcd) with
// a replica's directory refuses to start rather than serve one cluster's
// data labelled with the other's revisions.
func TestReplicaOfAnotherClusterIsRefused(t *testing.T) {
	etcd := startEtcd(t, 1)
	c := newAGCluster(t, etcd.endpoints(), 1)
	c.start(0)
	c.stop(0)
	c.name = "elsewhere"
	args := []string{"serve", "--data", c.dirs[0], "--addr", "127.0.0.1:0", "--etcd", c.etcd, "--cluster", c.name}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // a node that starts serves until killed
	defer cancel()
	out, err := exec.CommandContext(ctx, c.bin, args...).CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte(`is a replica of "test@`)) {
		t.Errorf("serve on another cluster's replica: %v\n%s", err, out)
	}
}
