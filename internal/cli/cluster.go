package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/alliancegraph/alliancegraph/cluster"
	"github.com/alliancegraph/alliancegraph/store"
)

// clusterFlags checks the cluster flags and takes ALLIANCEGRAPH_MAX_LAG
// when --max-lag was not given; it returns what is wrong, or "".
func (c *serveConfig) clusterFlags(maxLagGiven bool) string {
	if env := os.Getenv("ALLIANCEGRAPH_MAX_LAG"); env != "" && !maxLagGiven {
		d, err := time.ParseDuration(env)
		if err != nil {
			return fmt.Sprintf("ALLIANCEGRAPH_MAX_LAG=%q is not a duration (e.g. 5s)", env)
		}
		c.cluster.MaxLag = d
	}
	if c.cluster.MaxLag <= 0 {
		return fmt.Sprintf("--max-lag must be more than 0, got %v", c.cluster.MaxLag)
	}
	if c.etcd == "" {
		if c.cluster.Cluster != "" || c.cluster.Node != "" || c.cluster.Advertise != "" {
			return "--cluster, --node and --advertise need --etcd"
		}
		return ""
	}
	if c.cluster.Cluster == "" {
		return "--etcd needs --cluster NAME (env ALLIANCEGRAPH_CLUSTER): the cluster's keys live under it"
	}
	if !cluster.ValidName(c.cluster.Cluster) {
		return fmt.Sprintf("--cluster %q: use 1 to 64 letters, digits, '.', '_' or '-'", c.cluster.Cluster)
	}
	if c.cluster.Node != "" && !cluster.ValidName(c.cluster.Node) {
		return fmt.Sprintf("--node %q: use 1 to 64 letters, digits, '.', '_' or '-'", c.cluster.Node)
	}
	if c.inMemory {
		return "a cluster node keeps its replica on disk: --etcd cannot be used with an in-memory store"
	}
	c.cluster.Endpoints = splitComma(c.etcd)
	return ""
}

// notName is what a node name cannot hold.
var notName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// joinCluster connects to etcd and prepares the data directory as this
// node's replica (bootstrapping it from a peer if it is new), and returns
// the node and the store options that make the store its replica.
func joinCluster(ctx context.Context, c *serveConfig, opts store.Options, addr net.Addr, log *slog.Logger) (*cluster.Node, store.Options, error) {
	cfg := c.cluster
	cfg.Logger = log
	if cfg.Advertise == "" {
		cfg.Advertise = "http://" + advertiseHost(addr)
	}
	if cfg.Node == "" {
		host := strings.TrimPrefix(strings.TrimPrefix(cfg.Advertise, "http://"), "https://")
		cfg.Node = strings.Trim(notName.ReplaceAllString(host, "-"), "-")
	}
	node, err := cluster.Dial(ctx, cfg)
	if err != nil {
		return nil, opts, err
	}
	did, err := node.Prepare(ctx, c.dataDir, opts)
	if err != nil {
		node.Close()
		return nil, opts, err
	}
	log.Info("cluster: joining", "cluster", cfg.Cluster, "node", cfg.Node, "advertise", cfg.Advertise, "etcd", strings.Join(cfg.Endpoints, ","), "start", did)
	return node, opts.WithCommitter(node), nil
}

// advertiseHost is addr as peers can dial it: a wildcard listener is
// advertised by the machine's host name.
func advertiseHost(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if h, err := os.Hostname(); err == nil {
			host = h
		}
	}
	return net.JoinHostPort(host, port)
}

// startNode makes db the node's replica and waits until it has applied
// the log's head.
func startNode(ctx context.Context, node *cluster.Node, db *store.DB, log *slog.Logger) error {
	log.Info("cluster: catching up with the log", "revision", db.Revision())
	if err := node.Start(ctx, db); err != nil {
		return fmt.Errorf("cluster: catching up with the log: %w", err)
	}
	log.Info("cluster: caught up", "revision", db.Revision())
	return nil
}

// startPhase is what a starting cluster node is doing, for the requests
// it answers meanwhile (httpapi.ServeStarting).
type startPhase struct {
	mu   sync.Mutex
	what string
	node *cluster.Node // while catching up, whose revisions are shown
}

func (p *startPhase) set(what string, node *cluster.Node) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.what, p.node = what, node
}

func (p *startPhase) String() string {
	p.mu.Lock()
	what, node := p.what, p.node
	p.mu.Unlock()
	if node == nil {
		return what
	}
	st := node.Status()
	return fmt.Sprintf("%s: applied revision %d, the log's head is %d", what, st.Applied, st.Head)
}
