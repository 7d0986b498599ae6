package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/alliancegraph/alliancegraph/store"
)

// Prepare makes dir ready to open as this node's replica, before
// store.Open:
//
//   - a directory without a store, or with an empty one, joining a cluster
//     whose log holds entries, gets a peer's backup (which carries the
//     revision it was taken at) when a peer serves one, so the node follows
//     the log from there instead of replaying all of it;
//   - a replica whose next revision etcd compacted away is moved aside
//     (renamed, never deleted) and bootstrapped again the same way;
//   - a directory with a store that is not a replica (it has commits but
//     no log revision) is refused with ErrNotReplica.
//
// It reports what it did, for the log.
func (n *Node) Prepare(ctx context.Context, dir string, o store.Options) (string, error) {
	rev, origin, empty, err := inspect(dir, o)
	if err != nil {
		return "", err
	}
	if rev > 0 && origin != n.Origin() {
		return "", fmt.Errorf("%w: %s is a replica of %q, not of this cluster (%q); use an empty directory", ErrNotReplica, dir, origin, n.Origin())
	}
	head, _, err := n.readHead(ctx)
	if err != nil {
		return "", fmt.Errorf("cluster: reading the log's head: %w", err)
	}
	if !empty {
		if rev == 0 {
			return "", fmt.Errorf("%w: %s (use an empty directory for a new node, or serve it without --etcd)", ErrNotReplica, dir)
		}
		compacted, err := n.compactedAfter(ctx, rev, head)
		if err != nil || !compacted {
			return "", err
		}
		aside := fmt.Sprintf("%s.compacted-%d", filepath.Clean(dir), time.Now().Unix())
		if err := os.Rename(dir, aside); err != nil {
			return "", fmt.Errorf("cluster: moving the compacted replica aside: %w", err)
		}
		n.cfg.Logger.Warn("cluster: etcd compacted the revisions after this replica's; moved it aside to bootstrap again", "revision", rev, "aside", aside)
		if err := n.fromPeer(ctx, dir, o); err != nil {
			return "", fmt.Errorf("%w (the old replica is in %s)", err, aside)
		}
		return "bootstrapped again from a peer's backup (the replica's revisions were compacted)", nil
	}
	if head == 0 {
		return "joined an empty cluster", nil
	}
	if rev == 0 {
		// An empty store (its format version only) would be refused by
		// restore; it holds nothing a user wrote.
		if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err == nil {
			if err := os.RemoveAll(dir); err != nil {
				return "", err
			}
		}
	}
	err = n.fromPeer(ctx, dir, o)
	if errors.Is(err, ErrNoPeer) {
		if compacted, cerr := n.compactedAfter(ctx, 0, head); cerr != nil || compacted {
			return "", errors.Join(err, cerr, ErrCompacted)
		}
		restored, gerr := n.fromGenesis(ctx, dir, o)
		if gerr != nil {
			return "", errors.Join(err, gerr)
		}
		if restored {
			return "restored the backup the cluster's log starts with, replaying the log after it (no peer served a backup)", nil
		}
		return "replaying the log from its start (no peer served a backup)", nil
	}
	if err != nil {
		return "", err
	}
	return "bootstrapped from a peer's backup", nil
}

// inspect opens dir read-only, if it holds a store, for its revision and
// whether it holds anything but its format version.
func inspect(dir string, o store.Options) (rev uint64, origin string, empty bool, err error) {
	db, err := store.Open(dir, o.WithReadOnly(true))
	if errors.Is(err, store.ErrNoStore) {
		return 0, "", true, nil
	}
	if errors.Is(err, store.ErrNeedsRecovery) {
		// A replica killed mid-write: a read-write open replays it.
		db, err = store.Open(dir, o)
	}
	if err != nil {
		return 0, "", false, err
	}
	defer db.Close()
	err = db.View(time.Time{}, func(r *store.Reader) error {
		if empty, err = r.Empty(); err != nil {
			return err
		}
		if origin, err = r.Origin(); err != nil {
			return err
		}
		rev, err = r.Revision()
		return err
	})
	return rev, origin, empty, err
}

// compactedAfter reports whether the log entries after revision rev, up to
// head, can no longer be read from etcd.
func (n *Node) compactedAfter(ctx context.Context, rev, head uint64) (bool, error) {
	if head <= rev {
		return false, nil
	}
	_, err := n.cli.Get(ctx, n.keys.log, clientv3.WithRev(int64(rev)+1), clientv3.WithKeysOnly())
	if errors.Is(err, rpctypes.ErrCompacted) {
		return true, nil
	}
	return false, err
}

// fromPeer restores dir from the first registered peer that serves a
// complete backup.
func (n *Node) fromPeer(ctx context.Context, dir string, o store.Options) error {
	peers, err := n.Peers(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for name, url := range peers {
		if name == n.cfg.Node {
			continue
		}
		err := n.restoreFrom(ctx, url, dir, o)
		if err == nil {
			n.cfg.Logger.Info("cluster: bootstrapped from a peer's backup", "peer", name, "url", url)
			return nil
		}
		n.cfg.Logger.Warn("cluster: a peer's backup failed", "peer", name, "url", url, "err", err)
		errs = append(errs, fmt.Errorf("%s: %w", name, err))
	}
	return errors.Join(append([]error{ErrNoPeer}, errs...)...)
}

// restoreFrom downloads url's backup beside dir and restores it into dir.
func (n *Node) restoreFrom(ctx context.Context, url, dir string, o store.Options) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(url, "/")+"/backup", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+n.secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("GET /backup: %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(parent, "."+filepath.Base(dir)+".peer-backup-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return store.RestoreFile(dir, f.Name(), o)
}

// Peers returns the registered nodes' advertised URLs by name.
func (n *Node) Peers(ctx context.Context) (map[string]string, error) {
	resp, err := n.cli.Get(ctx, n.keys.nodes, clientv3.WithPrefix())
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		out[strings.TrimPrefix(string(kv.Key), n.keys.nodes)] = string(kv.Value)
	}
	return out, nil
}

// Register advertises this node to its peers (for their bootstraps) under
// a lease kept alive until Close. Node names must be unique: a node that
// restarts takes its name back at once, so the last to register a name
// holds it.
func (n *Node) Register(ctx context.Context) error {
	if n.cfg.Advertise == "" {
		return nil
	}
	lease, err := n.cli.Grant(ctx, int64(nodeTTL.Seconds()))
	if err != nil {
		return err
	}
	if _, err := n.cli.Put(ctx, n.keys.nodes+n.cfg.Node, n.cfg.Advertise, clientv3.WithLease(lease.ID)); err != nil {
		return err
	}
	ka, err := n.cli.KeepAlive(n.ctx, lease.ID)
	if err != nil {
		return err
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		for range ka {
		}
		// Withdraw at once on Close rather than at the lease's end.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(n.ctx), time.Second)
		defer cancel()
		n.cli.Revoke(rctx, lease.ID)
	}()
	return nil
}
