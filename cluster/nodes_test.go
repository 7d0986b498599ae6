package cluster_test

import (
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// agCluster is a set of alliancegraph nodes, each a process of the real
// binary with its own data directory, on one etcd cluster.
type agCluster struct {
	t    *testing.T
	bin  string
	etcd string // endpoints
	name string
	dirs []string

	mu    sync.Mutex
	nodes []*servertest.Server // nil while stopped
}

func newAGCluster(t *testing.T, etcdEndpoints string, n int) *agCluster {
	c := &agCluster{t: t, bin: binary(t), etcd: etcdEndpoints, name: "test", nodes: make([]*servertest.Server, n)}
	root := t.TempDir()
	for i := range n {
		c.dirs = append(c.dirs, filepath.Join(root, "node"+string(rune('a'+i))))
	}
	return c
}

var (
	binOnce sync.Once
	binPath string
)

// binary builds the alliancegraph binary once per test process.
func binary(t *testing.T) string {
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "alliancegraph-cluster-test-")
		if err != nil {
			t.Fatal(err)
		}
		binPath = servertest.Build(&dirT{T: t, dir: dir})
	})
	if binPath == "" {
		t.Fatal("building the binary failed")
	}
	return binPath
}

// dirT gives Build a temporary directory that outlives the test that
// built the binary, so later tests reuse it.
type dirT struct {
	*testing.T
	dir string
}

func (d *dirT) TempDir() string { return d.dir }

// start starts node i (again) with extra flags, and returns it.
func (c *agCluster) start(i int, extra ...string) *servertest.Server {
	c.t.Helper()
	args := append([]string{"--etcd", c.etcd, "--cluster", c.name, "--node", filepath.Base(c.dirs[i]), "--max-lag", "2s"}, extra...)
	s := servertest.New(c.t, servertest.Binary(c.bin), servertest.Dir(c.dirs[i]), servertest.Args(args...))
	c.mu.Lock()
	c.nodes[i] = s
	c.mu.Unlock()
	return s
}

// url is node i's base URL, or "" while it is stopped.
func (c *agCluster) url(i int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nodes[i] == nil {
		return ""
	}
	return c.nodes[i].URL
}

// kill ends node i's process with SIGKILL.
func (c *agCluster) kill(i int) {
	c.mu.Lock()
	s := c.nodes[i]
	c.nodes[i] = nil
	c.mu.Unlock()
	s.Kill(c.t)
}

// stop stops node i cleanly.
func (c *agCluster) stop(i int) {
	c.mu.Lock()
	s := c.nodes[i]
	c.nodes[i] = nil
	c.mu.Unlock()
	s.Stop(c.t)
}

// ready reports whether node i answers /readyz with 200.
func (c *agCluster) ready(i int) bool {
	u := c.url(i)
	if u == "" {
		return false
	}
	resp, err := httpc.Get(u + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
