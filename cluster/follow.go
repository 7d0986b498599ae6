package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/alliancegraph/alliancegraph/store"
)

// follow applies the log to the replica in revision order until Close,
// watching the log key from the revision after the replica's. A watch
// that breaks (etcd's leader lost, the connection cut) is opened again
// from the replica's revision; if the revisions it needs were compacted,
// following stops for good (ErrCompacted) and the node reports itself
// not ready: it keeps serving what it has, labelled with its revision.
// So it does for an entry that does not follow what the replica holds
// (store.ErrReplicated): applying later entries would serve a hole.
func (n *Node) follow() {
	defer n.wg.Done()
	wait := 100 * time.Millisecond
	for n.ctx.Err() == nil {
		err := n.followOnce()
		if errors.Is(err, ErrCompacted) || errors.Is(err, store.ErrReplicated) {
			n.cfg.Logger.Error("cluster: replica cannot follow the log", "err", err)
			n.mu.Lock()
			n.failed = err
			n.notifyLocked()
			n.mu.Unlock()
			return
		}
		var stuck *applyError
		switch {
		case n.ctx.Err() != nil:
		case errors.As(err, &stuck):
			n.cfg.Logger.Warn("cluster: applying the log failed; trying again", "err", stuck.err, "applied", n.db.Load().Revision())
		case err != nil:
			n.cfg.Logger.Warn("cluster: log watch broke; watching again", "err", err, "applied", n.db.Load().Revision())
		}
		select {
		case <-n.ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

func (n *Node) followOnce() error {
	ctx, cancel := context.WithCancel(clientv3.WithRequireLeader(n.ctx))
	defer cancel()
	db := n.db.Load()
	from := int64(db.Revision()) + 1
	for resp := range n.cli.Watch(ctx, n.keys.log, clientv3.WithRev(from)) {
		if resp.CompactRevision != 0 || errors.Is(resp.Err(), rpctypes.ErrCompacted) {
			return ErrCompacted
		}
		if err := resp.Err(); err != nil {
			return err
		}
		for _, ev := range resp.Events {
			if ev.Type != mvccpb.PUT {
				continue
			}
			if err := n.apply(ctx, ev.Kv.Value, ev.Kv.ModRevision); err != nil {
				return err
			}
		}
	}
	return n.ctx.Err()
}

// apply applies the log entry committed at rev.
func (n *Node) apply(ctx context.Context, v []byte, rev int64) error {
	e, err := decodeEntry(v)
	if err != nil {
		return err
	}
	if e.kind == entryBackup {
		// The replica was restored from this backup before it opened
		// (Prepare), or copied a peer that was.
		if err := n.db.Load().MarkApplied(uint64(rev)); err != nil {
			return fmt.Errorf("%w (restart the node on an empty directory to restore the cluster's backup)", err)
		}
		n.mu.Lock()
		n.seen = max(n.seen, uint64(rev))
		n.notifyLocked()
		n.mu.Unlock()
		return nil
	}
	cs, err := n.changeSet(ctx, e, rev)
	if errors.Is(err, rpctypes.ErrCompacted) {
		return ErrCompacted
	}
	if err != nil {
		return err
	}
	if err := n.db.Load().Apply(cs, uint64(rev)); err != nil {
		if errors.Is(err, store.ErrReplicated) {
			return err
		}
		err = &applyError{rev: rev, err: err}
		n.mu.Lock()
		n.stuck = err
		n.mu.Unlock()
		return err
	}
	n.mu.Lock()
	n.stuck = nil
	n.seen = max(n.seen, uint64(rev))
	n.notifyLocked()
	n.mu.Unlock()
	return nil
}

// applyError is an entry the replica failed to apply and will try again.
type applyError struct {
	rev int64
	err error
}

func (e *applyError) Error() string {
	return fmt.Sprintf("applying revision %d failed: %v", e.rev, e.err)
}

func (e *applyError) Unwrap() error { return e.err }

// poll reads the log's head every pollEvery: an answer is contact with
// etcd, and a head the replica has applied tells that every log entry up
// to the answer's revision is applied (which minRevision waits use).
func (n *Node) poll() {
	defer n.wg.Done()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		n.pollOnce()
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (n *Node) pollOnce() {
	ctx, cancel := context.WithTimeout(n.ctx, time.Second)
	defer cancel()
	head, at, err := n.readHead(ctx)
	if err != nil {
		return
	}
	applied := n.db.Load().Revision()
	n.mu.Lock()
	defer n.mu.Unlock()
	n.contact, n.head = time.Now(), head
	switch {
	case head <= applied:
		n.behind = time.Time{}
		n.seen = max(n.seen, at)
	case n.behind.IsZero():
		n.behind = time.Now()
	}
	n.notifyLocked()
}
