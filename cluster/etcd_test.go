package cluster_test

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// etcdCluster is a real etcd cluster of embedded members on loopback,
// each with its own data directory, that a test can kill and restart.
type etcdCluster struct {
	t       *testing.T
	cfgs    []*embed.Config
	members []*embed.Etcd // nil while killed
}

// freePort returns a loopback port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startEtcd starts an n-member etcd cluster and closes it when the test
// ends.
func startEtcd(t *testing.T, n int) *etcdCluster {
	t.Helper()
	c := &etcdCluster{t: t, members: make([]*embed.Etcd, n)}
	var initial []string
	dir := t.TempDir()
	for i := range n {
		cfg := embed.NewConfig()
		cfg.Name = fmt.Sprintf("m%d", i)
		cfg.Dir = filepath.Join(dir, cfg.Name)
		cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
		peer := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", freePort(t))}
		client := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", freePort(t))}
		cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
		cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
		cfg.InitialClusterToken = "alliancegraph-test"
		initial = append(initial, cfg.Name+"="+peer.String())
		c.cfgs = append(c.cfgs, cfg)
	}
	for _, cfg := range c.cfgs {
		cfg.InitialCluster = strings.Join(initial, ",")
	}
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- c.start(i) }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for i, m := range c.members {
			if m != nil {
				m.Close()
				c.members[i] = nil
			}
		}
	})
	return c
}

func (c *etcdCluster) start(i int) error {
	e, err := embed.StartEtcd(c.cfgs[i])
	if err != nil {
		return fmt.Errorf("etcd member %d: %w", i, err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		e.Close()
		return fmt.Errorf("etcd member %d did not become ready", i)
	}
	c.members[i] = e
	return nil
}

// endpoints are the members' client addresses, killed members included.
func (c *etcdCluster) endpoints() string {
	var eps []string
	for _, cfg := range c.cfgs {
		eps = append(eps, cfg.AdvertiseClientUrls[0].Host)
	}
	return strings.Join(eps, ",")
}

// leader returns the index of the member that leads now, or -1.
func (c *etcdCluster) leader() int {
	for i, m := range c.members {
		if m != nil && m.Server.Leader() == m.Server.MemberID() {
			return i
		}
	}
	return -1
}

// kill stops member i at once, as a crash would: no leadership handed
// over, no clean shutdown of its raft log.
func (c *etcdCluster) kill(i int) {
	c.t.Helper()
	m := c.members[i]
	m.Server.HardStop()
	m.Close()
	c.members[i] = nil
}

// restart starts a killed member again on its data directory.
func (c *etcdCluster) restart(i int) {
	c.t.Helper()
	c.cfgs[i].ClusterState = embed.ClusterStateFlagExisting
	if err := c.start(i); err != nil {
		c.t.Fatal(err)
	}
}
