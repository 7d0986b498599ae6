package cluster_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// etcdCluster is a real etcd cluster on loopback: each member is a
// process of its own (this test binary, running etcd's embed package; see
// memberMain), with its own data directory, so a test can kill one with
// SIGKILL and start it again.
type etcdCluster struct {
	t       *testing.T
	specs   []memberSpec
	members []*exec.Cmd // nil while killed
	// lifelines are the members' stdin, held open: a member exits when
	// its stdin ends, so none outlives a test process that dies.
	lifelines []io.WriteCloser
}

// memberSpec is what a member process is started with.
type memberSpec struct {
	Name, Dir, Peer, Client, Initial string
	Existing                         bool // rejoin: the data directory holds the member
}

// memberEnv carries a memberSpec, as JSON, to a member process.
const memberEnv = "ALLIANCEGRAPH_TEST_ETCD_MEMBER"

// memberReady is the line a member prints once it serves.
const memberReady = "etcd member ready"

// startEtcd starts an n-member etcd cluster and kills it when the test
// ends.
func startEtcd(t *testing.T, n int) *etcdCluster {
	t.Helper()
	c := &etcdCluster{t: t, members: make([]*exec.Cmd, n), lifelines: make([]io.WriteCloser, n)}
	var initial []string
	dir := t.TempDir()
	for i := range n {
		s := memberSpec{Name: fmt.Sprintf("m%d", i)}
		s.Dir = filepath.Join(dir, s.Name)
		s.Peer = "http://" + servertest.UnusedAddr(t)
		s.Client = "http://" + servertest.UnusedAddr(t)
		initial = append(initial, s.Name+"="+s.Peer)
		c.specs = append(c.specs, s)
	}
	for i := range c.specs {
		c.specs[i].Initial = strings.Join(initial, ",")
	}
	t.Cleanup(func() {
		for i := range c.members {
			if c.members[i] != nil {
				c.kill(i)
			}
		}
	})
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- c.start(i) }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// start starts member i's process and waits until it serves.
func (c *etcdCluster) start(i int) error {
	spec, err := json.Marshal(c.specs[i])
	if err != nil {
		return err
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), memberEnv+"="+string(spec))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	lifeline, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("etcd member %d: %w", i, err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == memberReady {
				ready <- true
				break
			}
		}
		close(ready)
		for sc.Scan() {
		}
	}()
	select {
	case ok := <-ready:
		if ok {
			c.members[i], c.lifelines[i] = cmd, lifeline
			return nil
		}
	case <-time.After(60 * time.Second):
	}
	cmd.Process.Kill()
	cmd.Wait()
	lifeline.Close()
	return fmt.Errorf("etcd member %d did not become ready:\n%s", i, stderr.String())
}

// endpoints are the members' client addresses, killed members included.
func (c *etcdCluster) endpoints() string {
	var eps []string
	for _, s := range c.specs {
		eps = append(eps, c.host(s))
	}
	return strings.Join(eps, ",")
}

// clientHost is member i's client address (host:port).
func (c *etcdCluster) clientHost(i int) string { return c.host(c.specs[i]) }

func (c *etcdCluster) host(s memberSpec) string { return strings.TrimPrefix(s.Client, "http://") }

// leader returns the index of the member that leads now, as the running
// members report it, or -1.
func (c *etcdCluster) leader() int {
	c.t.Helper()
	var live []string
	for i, m := range c.members {
		if m != nil {
			live = append(live, c.clientHost(i))
		}
	}
	if len(live) == 0 {
		return -1
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: live, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		return -1
	}
	defer cli.Close()
	for i, m := range c.members {
		if m == nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		st, err := cli.Status(ctx, c.clientHost(i))
		cancel()
		if err == nil && st.Leader != 0 && st.Leader == st.Header.MemberId {
			return i
		}
	}
	return -1
}

// kill ends member i's process with SIGKILL, as a crash would: no
// leadership handed over, nothing flushed.
func (c *etcdCluster) kill(i int) {
	c.t.Helper()
	m := c.members[i]
	c.members[i] = nil
	m.Process.Kill()
	m.Wait()
	c.lifelines[i].Close()
}

// restart starts a killed member again on its data directory.
func (c *etcdCluster) restart(i int) {
	c.t.Helper()
	c.specs[i].Existing = true
	if err := c.start(i); err != nil {
		c.t.Fatal(err)
	}
}

// memberMain runs an etcd member from the spec in memberEnv, for
// startEtcd, until the process is killed.
func memberMain(spec string) int {
	var s memberSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	cfg := embed.NewConfig()
	cfg.Name, cfg.Dir = s.Name, s.Dir
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	peer, err := url.Parse(s.Peer)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	client, err := url.Parse(s.Client)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*peer}, []url.URL{*peer}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*client}, []url.URL{*client}
	cfg.InitialClusterToken = "alliancegraph-test"
	cfg.InitialCluster = s.Initial
	if s.Existing {
		cfg.ClusterState = embed.ClusterStateFlagExisting
	}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(memberReady)
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(1) // the test process is gone
	}()
	fmt.Fprintln(os.Stderr, <-e.Err())
	return 1
}
