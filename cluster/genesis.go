package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/alliancegraph/alliancegraph/store"
)

// ErrNotEmptyCluster is returned by Restore for a cluster whose log holds
// entries: a backup can only be the start of a cluster's log.
var ErrNotEmptyCluster = errors.New("cluster: the cluster's log is not empty; restore the backup into a new cluster (another --cluster name)")

// Restore makes the backup file at path the start of an empty cluster's
// log: its chunks are staged in etcd and the log's first entry names them,
// committed only if the log is still empty. Nodes started afterwards on
// empty directories restore it from the log (or copy a peer that did), so
// every replica holds the backup's versions exactly. It returns the
// entry's revision.
func (n *Node) Restore(ctx context.Context, path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := store.VerifyBackup(f); err != nil {
		return 0, err
	}
	if head, _, err := n.readHead(ctx); err != nil {
		return 0, err
	} else if head != 0 {
		return 0, ErrNotEmptyCluster
	}
	if _, err := f.Seek(0, 0); err != nil {
		return 0, err
	}
	id := newEntryID()
	value, err := n.stage(ctx, entryBackup, id, f)
	if err != nil {
		n.unstage(id)
		return 0, fmt.Errorf("cluster: staging the backup: %w", err)
	}
	resp, err := n.cli.Txn(ctx).
		If(clientv3.Compare(clientv3.ModRevision(n.keys.log), "=", 0)).
		Then(clientv3.OpPut(n.keys.log, string(value)), clientv3.OpDelete(n.keys.stagePrefix(id), clientv3.WithPrefix())).
		Commit()
	if err != nil {
		return 0, fmt.Errorf("cluster: committing the backup: %w (it may or may not have been committed)", err)
	}
	if !resp.Succeeded {
		n.unstage(id)
		return 0, ErrNotEmptyCluster
	}
	return uint64(resp.Header.Revision), nil
}

// firstEntry returns the log's first entry and its revision.
func (n *Node) firstEntry(ctx context.Context) (entry, int64, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for resp := range n.cli.Watch(wctx, n.keys.log, clientv3.WithRev(1)) {
		if resp.CompactRevision != 0 || errors.Is(resp.Err(), rpctypes.ErrCompacted) {
			return entry{}, 0, ErrCompacted
		}
		if err := resp.Err(); err != nil {
			return entry{}, 0, err
		}
		for _, ev := range resp.Events {
			e, err := decodeEntry(ev.Kv.Value)
			return e, ev.Kv.ModRevision, err
		}
	}
	return entry{}, 0, ctx.Err()
}

// fromGenesis restores dir from the backup the log starts with, if it
// starts with one; it reports whether it did.
func (n *Node) fromGenesis(ctx context.Context, dir string, o store.Options) (bool, error) {
	e, rev, err := n.firstEntry(ctx)
	if err != nil || e.kind != entryBackup {
		return false, err
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return false, err
	}
	f, err := os.CreateTemp(parent, "."+filepath.Base(dir)+".cluster-backup-")
	if err != nil {
		return false, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := n.unstaged(ctx, e, rev, f); err != nil {
		return false, err
	}
	if err := f.Sync(); err != nil {
		return false, err
	}
	return true, store.RestoreFile(dir, f.Name(), o)
}
