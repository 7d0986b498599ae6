package cluster_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/cluster"
)

// soakDuration is how long TestClusterSurvivesKills writes and reads:
// ALLIANCEGRAPH_CLUSTER_SOAK (a duration), 60s by default (the run
// docs/CLUSTER.md describes; CI runs it too).
func soakDuration(t *testing.T) time.Duration {
	d := 60 * time.Second
	if v := os.Getenv("ALLIANCEGRAPH_CLUSTER_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil || d < 5*time.Second {
			t.Fatalf("ALLIANCEGRAPH_CLUSTER_SOAK=%q: want a duration of at least 5s", v)
		}
	}
	return d
}

// TestClusterSurvivesKills: three etcd members and three nodes; eight
// writers through different nodes and a reader on every node, while the
// etcd leader's process is killed twice and a node's once (SIGKILL), each
// restarted.
// Afterwards every acknowledged write is on every node exactly once, the
// nodes export the same bytes at the same revision, answer a knownAt
// taken mid-run alike, and each replica passes `alliancegraph check`.
func TestClusterSurvivesKills(t *testing.T) {
	dur := soakDuration(t)
	etcd := startEtcd(t, 3)
	c := newAGCluster(t, etcd.endpoints(), 3)
	for i := range 3 {
		c.start(i)
	}

	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	var (
		mu      sync.Mutex
		acked   = map[string]bool{}
		refused = map[string]int{} // GraphQL error codes of writes
		newest  atomic.Uint64      // newest revision a write was acknowledged at
		reads   [3]atomic.Int64
		lost    atomic.Int64 // writes whose node went away mid-request
		wg      sync.WaitGroup
	)
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				node := w % 3
				u := c.url(node)
				if u == "" {
					u = c.url((node + 1) % 3)
				}
				if u == "" {
					time.Sleep(50 * time.Millisecond)
					continue
				}
				key := fmt.Sprintf("soak-%d-%d", w, i)
				r, err := gql(ctx, u, upsert, person(key, fmt.Sprintf("Soak %d %d", w, i)), 0)
				mu.Lock()
				switch {
				case err != nil:
					lost.Add(1)
				case len(r.Errors) > 0:
					refused[r.code()]++
				default:
					acked["person/"+key] = true
					for old := newest.Load(); r.Extensions.Revision > old && !newest.CompareAndSwap(old, r.Extensions.Revision); old = newest.Load() {
					}
				}
				mu.Unlock()
			}
		})
	}
	for node := range 3 {
		wg.Go(func() {
			for ctx.Err() == nil {
				u := c.url(node)
				if u == "" {
					time.Sleep(50 * time.Millisecond)
					continue
				}
				r, err := gql(ctx, u, `{ entity(id: "country/FIN") { name } }`, nil, newest.Load())
				switch {
				case err != nil:
					// the node was killed under the request
				case len(r.Errors) > 0 && r.code() != "TIMEOUT":
					t.Errorf("read on node %d: %s (%s)", node, r.Errors[0].Message, r.code())
				case len(r.Errors) == 0:
					reads[node].Add(1)
				}
			}
		})
	}

	at := func(frac float64) { time.Sleep(time.Duration(frac * float64(dur))) }
	killLeader := func() {
		l := etcd.leader()
		if l < 0 {
			t.Log("no etcd leader to kill at this moment; killing member 0")
			l = 0
		}
		etcd.kill(l)
		time.Sleep(2 * time.Second)
		etcd.restart(l)
	}
	// The fractions add up to the whole duration; the kills' own pauses
	// come on top.
	at(0.2)
	killLeader()
	at(0.15)
	c.kill(2)
	time.Sleep(time.Second)
	c.start(2)
	mid := time.Now().UTC().Format(time.RFC3339Nano)
	at(0.25)
	killLeader()
	at(0.4)
	stop()
	wg.Wait()
	t.Logf("%d writes acknowledged, %d refused %v, %d lost with their node; reads per node %d %d %d",
		len(acked), sum(refused), refused, lost.Load(), reads[0].Load(), reads[1].Load(), reads[2].Load())
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged")
	}
	for code := range refused {
		if code != "CONFLICT" && code != "TIMEOUT" {
			t.Errorf("writes refused with %s", code)
		}
	}

	// Writes whose client gave up when the run stopped may still commit:
	// compare once the log has stopped moving.
	mustGQL(t, c.url(0), upsert, person("soak-final", "Soak Final"), 0)
	final := settled(t, c)
	var exports [][]byte
	for i := range 3 {
		status, body, h := get(t, c.url(i), "/export?format=jsonl", final)
		if status != 200 || h.Get("X-Revision") != fmt.Sprint(final) {
			t.Fatalf("export from node %d: %d at revision %s, want %d: %.300s", i, status, h.Get("X-Revision"), final, body)
		}
		exports = append(exports, body)
	}
	for i := 1; i < 3; i++ {
		if !bytes.Equal(exports[i], exports[0]) {
			t.Errorf("node %d's export at revision %d differs from node 0's (%d and %d bytes):\n%s", i, final, len(exports[i]), len(exports[0]), lineDiff(exports[0], exports[i]))
		}
	}
	for id := range acked {
		if n := bytes.Count(exports[0], []byte(`"id":"`+id+`"`)); n != 1 {
			t.Errorf("acknowledged write %s is in the export %d times", id, n)
		}
	}
	var known []byte
	for i := range 3 {
		r := mustGQL(t, c.url(i), persons, map[string]any{"at": mid}, final)
		if i == 0 {
			known = r.Data
		} else if !bytes.Equal(r.Data, known) {
			t.Errorf("node %d answers knownAt %s differently:\n%s\nnode 0:\n%s", i, mid, r.Data, known)
		}
	}
	for i := range 3 {
		c.stop(i)
		out, err := exec.Command(c.bin, "check", "--data", c.dirs[i]).CombinedOutput()
		if err != nil {
			t.Errorf("check on node %d's replica: %v\n%s", i, err, out)
		}
	}
}

// settled waits until every node has applied the log's head and the head
// stayed the same for a second, and returns it.
func settled(t *testing.T, c *agCluster) uint64 {
	t.Helper()
	var last uint64
	stable := 0
	eventually(t, time.Minute, "the log settles", func() bool {
		var revs []uint64
		for i := range 3 {
			r, err := gql(t.Context(), c.url(i), `{ __typename }`, nil, cluster.Head)
			if err != nil || len(r.Errors) > 0 {
				return false
			}
			revs = append(revs, r.Extensions.Revision)
		}
		if revs[0] != revs[1] || revs[1] != revs[2] || revs[0] != last {
			last, stable = revs[0], 0
			return false
		}
		stable++
		return stable >= 10
	})
	return last
}

// lineDiff lists the lines one of a and b has and the other lacks (a few).
func lineDiff(a, b []byte) string {
	count := map[string]int{}
	for _, l := range bytes.Split(a, []byte("\n")) {
		count[string(l)]++
	}
	for _, l := range bytes.Split(b, []byte("\n")) {
		count[string(l)]--
	}
	var out []string
	for l, n := range count {
		if n != 0 && len(out) < 6 {
			out = append(out, fmt.Sprintf("%+d %.200s", n, l))
		}
	}
	return strings.Join(out, "\n")
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
