package cluster

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/alliancegraph/alliancegraph/store"
)

// Node is one alliancegraph server's membership in a cluster: its etcd
// client, the replica it keeps (once Start is called) and what it knows of
// the log. It implements store.Committer for its replica.
type Node struct {
	cfg    Config
	keys   keys
	cli    *clientv3.Client
	secret string

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	db atomic.Pointer[store.DB]

	// What the node knows of the log, guarded by mu; changed is closed
	// and replaced whenever any of it changes, waking waiters.
	mu      sync.Mutex
	changed chan struct{}
	// seen is a revision up to which every log entry is applied here
	// (it may be above the applied revision: later etcd revisions that
	// were not log entries).
	seen uint64
	// head is the log's newest revision as last read from etcd, at
	// contact; behind is when the replica was first seen behind head.
	head    uint64
	contact time.Time
	behind  time.Time
	failed  error // the follower stopped for good (ErrCompacted)
	// stuck is why the replica last failed to apply an entry it will
	// try again (a full disk); nil once an entry applies.
	stuck error
}

var _ store.Committer = (*Node)(nil)

// Dial connects to etcd and returns a node not yet following the log.
func Dial(ctx context.Context, cfg Config) (*Node, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   cfg.Endpoints,
		DialTimeout: cfg.DialTimeout,
		Logger:      zap.NewNop(),
		Context:     context.WithoutCancel(ctx),
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: connecting to etcd %v: %w", cfg.Endpoints, err)
	}
	n := &Node{cfg: cfg, keys: newKeys(cfg.Cluster), cli: cli, changed: make(chan struct{})}
	n.ctx, n.cancel = context.WithCancel(context.WithoutCancel(ctx))
	dctx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()
	if n.secret, err = n.clusterSecret(dctx); err != nil {
		cli.Close()
		return nil, fmt.Errorf("cluster: reaching etcd %v: %w", cfg.Endpoints, err)
	}
	return n, nil
}

// clusterSecret returns the cluster's shared secret, creating it if this
// is the cluster's first node. Nodes present it to each other for
// backups; anyone who can read it can already write the log.
func (n *Node) clusterSecret(ctx context.Context) (string, error) {
	b := make([]byte, 24)
	rand.Read(b)
	resp, err := n.cli.Txn(ctx).
		If(clientv3.Compare(clientv3.CreateRevision(n.keys.secret), "=", 0)).
		Then(clientv3.OpPut(n.keys.secret, hex.EncodeToString(b))).
		Else(clientv3.OpGet(n.keys.secret)).Commit()
	if err != nil {
		return "", err
	}
	if resp.Succeeded {
		return hex.EncodeToString(b), nil
	}
	kvs := resp.Responses[0].GetResponseRange().Kvs
	if len(kvs) != 1 || len(kvs[0].Value) == 0 {
		return "", errors.New("cluster: the cluster's secret is missing")
	}
	return string(kvs[0].Value), nil
}

// Secret is the cluster's shared secret (see clusterSecret).
func (n *Node) Secret() string { return n.secret }

// Origin names the cluster's log for its replicas (store.Committer): the
// cluster's name and a digest of the secret its first node created, so a
// new cluster given an old name, or another cluster on the same etcd, is
// another log. It survives an etcd restore from a snapshot, which keeps
// the secret.
func (n *Node) Origin() string {
	sum := sha256.Sum256([]byte(n.secret))
	return n.cfg.Cluster + "@" + hex.EncodeToString(sum[:8])
}

// Name is the node's name.
func (n *Node) Name() string { return n.cfg.Node }

// Start makes db, a store opened with this node as its Committer, the
// node's replica: it follows the log from the replica's revision and
// returns once the replica has applied the log's head as etcd reports it
// now, or when ctx ends.
func (n *Node) Start(ctx context.Context, db *store.DB) error {
	if !n.db.CompareAndSwap(nil, db) {
		return errors.New("cluster: node already started")
	}
	n.mu.Lock()
	n.seen = db.Revision()
	n.mu.Unlock()
	n.wg.Add(2)
	go n.follow()
	go n.poll()
	head, _, err := n.readHead(ctx)
	if err != nil {
		return fmt.Errorf("cluster: reading the log's head: %w", err)
	}
	return n.WaitFor(ctx, head)
}

// Close stops following the log, withdraws the node's registration and
// closes the etcd client. The replica stays open; close it after.
func (n *Node) Close() error {
	n.cancel()
	n.wg.Wait()
	return n.cli.Close()
}

// readHead reads the log's newest revision and the etcd revision the read
// was served at.
func (n *Node) readHead(ctx context.Context) (head, at uint64, err error) {
	resp, err := n.cli.Get(ctx, n.keys.log, clientv3.WithKeysOnly())
	if err != nil {
		return 0, 0, err
	}
	if len(resp.Kvs) == 1 {
		head = uint64(resp.Kvs[0].ModRevision)
	}
	return head, uint64(resp.Header.Revision), nil
}

// Status is what a node reports of itself.
type Status struct {
	Applied, Head uint64 // the replica's revision, the log's as last read
	Connected     bool   // etcd answered within the last few polls
	Ready         bool
	Reason        string // why not ready
}

// Status reports the node's state; Ready is what /readyz serves.
func (n *Node) Status() Status {
	db := n.db.Load()
	n.mu.Lock()
	defer n.mu.Unlock()
	s := Status{Head: n.head, Connected: time.Since(n.contact) < contactGrace}
	if db != nil {
		s.Applied = db.Revision()
	}
	switch {
	case db == nil:
		s.Reason = "not started"
	case n.failed != nil:
		s.Reason = n.failed.Error()
	case !s.Connected:
		s.Reason = "cut off from etcd"
	case !n.behind.IsZero() && time.Since(n.behind) > n.cfg.MaxLag:
		s.Reason = fmt.Sprintf("behind the log for more than %s (applied revision %d, head %d)", n.cfg.MaxLag, s.Applied, s.Head)
		if n.stuck != nil {
			s.Reason += ": " + n.stuck.Error()
		}
	default:
		s.Ready = true
	}
	return s
}

// contactGrace is how long a node counts as connected after etcd last
// answered it.
const contactGrace = 2 * time.Second

// notifyLocked wakes every waiter; n.mu is held.
func (n *Node) notifyLocked() {
	close(n.changed)
	n.changed = make(chan struct{})
}

// RevisionAt is the log revision of the replica's snapshot at transaction
// time t (the zero time: the newest).
func (n *Node) RevisionAt(t time.Time) (uint64, error) { return n.db.Load().RevisionAt(t) }

// Head is the log's newest revision as the node last read it from etcd.
func (n *Node) Head() uint64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.head
}

// Revision is the replica's applied log revision.
func (n *Node) Revision() uint64 { return n.db.Load().Revision() }

// Ready reports whether the node should take traffic, and why not.
func (n *Node) Ready() (bool, string) {
	s := n.Status()
	return s.Ready, s.Reason
}
