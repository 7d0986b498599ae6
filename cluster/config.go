package cluster

import (
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Config says how a node joins its cluster.
type Config struct {
	// Endpoints are etcd's client URLs or host:port pairs.
	Endpoints []string
	// Cluster names the cluster: its keys live under /alliancegraph/NAME/.
	Cluster string
	// Node names this node, unique in the cluster.
	Node string
	// Advertise is the base URL other nodes reach this node's HTTP API at
	// (for backups when they bootstrap).
	Advertise string
	// MaxLag is how long the replica may stay behind the log's head
	// before it reports itself not ready.
	MaxLag time.Duration
	// CommitTimeout bounds one write's commit through etcd and its apply
	// here; DialTimeout bounds connecting to etcd.
	CommitTimeout, DialTimeout time.Duration
	Logger                     *slog.Logger
}

// Defaults for Config's zero fields.
const (
	DefaultMaxLag        = 5 * time.Second
	DefaultCommitTimeout = 30 * time.Second
	DefaultDialTimeout   = 5 * time.Second
	// stageTTL is how long staged chunks outlive a writer that died
	// before committing them.
	stageTTL = 10 * time.Minute
	// nodeTTL is how long a node's registration outlives its last
	// keep-alive.
	nodeTTL = 10 * time.Second
	// pollEvery is how often a node asks etcd for the log's head, which
	// tells it whether it is connected and how far behind it is.
	pollEvery = 250 * time.Millisecond
)

var clusterName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// check fills defaults and refuses what cannot work.
func (c *Config) check() error {
	var eps []string
	for _, e := range c.Endpoints {
		if e = strings.TrimSpace(e); e != "" {
			eps = append(eps, e)
		}
	}
	c.Endpoints = eps
	switch {
	case len(c.Endpoints) == 0:
		return fmt.Errorf("%w: no etcd endpoints (--etcd host:port,...)", ErrConfig)
	case !clusterName.MatchString(c.Cluster):
		return fmt.Errorf("%w: cluster name %q: use 1 to 64 letters, digits, '.', '_' or '-' (--cluster)", ErrConfig, c.Cluster)
	case !clusterName.MatchString(c.Node):
		return fmt.Errorf("%w: node name %q: use 1 to 64 letters, digits, '.', '_' or '-' (--node)", ErrConfig, c.Node)
	case c.MaxLag < 0 || c.CommitTimeout < 0 || c.DialTimeout < 0:
		return fmt.Errorf("%w: negative duration", ErrConfig)
	}
	if c.Advertise != "" {
		u, err := url.Parse(c.Advertise)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: advertise URL %q: want http://host:port", ErrConfig, c.Advertise)
		}
	}
	if c.MaxLag == 0 {
		c.MaxLag = DefaultMaxLag
	}
	if c.CommitTimeout == 0 {
		c.CommitTimeout = DefaultCommitTimeout
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}
