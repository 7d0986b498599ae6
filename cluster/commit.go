package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/alliancegraph/alliancegraph/store"
)

// Commit commits a change set as the log's next entry in one etcd
// transaction that holds only if the log key was last written at the
// revision the change set was validated at, then waits until this node's
// replica applied it (read-your-writes on this node). If the log moved on
// it waits for the replica to apply the newer entries and returns
// store.ErrStale, so the store validates the write again.
//
// When etcd's answer is lost (a leader change, a broken connection) the
// outcome is unknown; Commit then reads the entry after the base revision
// to learn whether it was this one, and tries again only if nothing was
// committed, so a write is never committed twice.
func (n *Node) Commit(cs *store.ChangeSet) error {
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.CommitTimeout)
	defer cancel()
	b, err := cs.MarshalBinary()
	if err != nil {
		return err
	}
	id := newEntryID()
	value := encodeInline(id, b)
	staged := len(b) > maxInline
	if staged {
		if value, err = n.stage(ctx, entryStaged, id, bytes.NewReader(b)); err != nil {
			n.unstage(id)
			return fmt.Errorf("cluster: staging a change set of %d bytes: %w", len(b), err)
		}
	}
	ops := []clientv3.Op{clientv3.OpPut(n.keys.log, string(value))}
	if staged {
		ops = append(ops, clientv3.OpDelete(n.keys.stagePrefix(id), clientv3.WithPrefix()))
	}
	base := int64(cs.Revision())
	for attempt := 0; ; attempt++ {
		resp, err := n.cli.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(n.keys.log), "=", base)).
			Then(ops...).
			Else(clientv3.OpGet(n.keys.log, clientv3.WithKeysOnly())).
			Commit()
		if err == nil && resp.Succeeded {
			return n.applied(ctx, uint64(resp.Header.Revision))
		}
		if err == nil {
			var now int64
			if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) == 1 {
				now = kvs[0].ModRevision
			}
			return n.stale(ctx, id, staged, now)
		}
		if ctx.Err() != nil || attempt >= 4 {
			return fmt.Errorf("cluster: committing to etcd: %w (the write may or may not have been committed; read before writing again)", err)
		}
		rev, ours, ferr := n.entryAfter(ctx, base)
		switch {
		case ferr != nil:
			// Still unknown: try again (the compare makes that safe).
		case ours == id:
			return n.applied(ctx, rev)
		case rev != 0:
			return n.stale(ctx, id, staged, int64(rev))
		}
		time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
	}
}

// stale handles a commit that lost to another: it drops the change set's
// chunks, waits until the replica applied the log up to now, and returns
// store.ErrStale.
func (n *Node) stale(ctx context.Context, id entryID, staged bool, now int64) error {
	if staged {
		n.unstage(id)
	}
	if err := n.applied(ctx, uint64(now)); err != nil {
		return err
	}
	return store.ErrStale
}

// unstage deletes a change set's chunks, best effort: their lease
// removes them anyway.
func (n *Node) unstage(id entryID) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(n.ctx), 5*time.Second)
	defer cancel()
	n.cli.Delete(ctx, n.keys.stagePrefix(id), clientv3.WithPrefix())
}

// entryAfter returns the revision and id of the first log entry after
// revision base, or 0 if the log still ends at base.
func (n *Node) entryAfter(ctx context.Context, base int64) (uint64, entryID, error) {
	head, _, err := n.readHead(ctx)
	if err != nil {
		return 0, entryID{}, err
	}
	if int64(head) <= base {
		return 0, entryID{}, nil
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for resp := range n.cli.Watch(wctx, n.keys.log, clientv3.WithRev(base+1)) {
		if err := resp.Err(); err != nil {
			return 0, entryID{}, err
		}
		for _, ev := range resp.Events {
			e, err := decodeEntry(ev.Kv.Value)
			if err != nil {
				return 0, entryID{}, err
			}
			return uint64(ev.Kv.ModRevision), e.id, nil
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, entryID{}, err
	}
	return 0, entryID{}, errors.New("cluster: log watch closed")
}
