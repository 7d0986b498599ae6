package cluster

import (
	"context"
)

// WaitFor returns once every log entry up to revision rev is applied to
// the replica, or ctx's error wrapped in an error naming both revisions.
// A revision etcd has not reached yet is waited for like any other.
func (n *Node) WaitFor(ctx context.Context, rev uint64) error {
	for {
		n.mu.Lock()
		have := max(n.seen, n.db.Load().Revision())
		ch := n.changed
		n.mu.Unlock()
		if have >= rev {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return &errBehind{want: rev, have: n.db.Load().Revision(), err: ctx.Err()}
		}
	}
}

// applied waits until the replica has applied revision rev itself.
func (n *Node) applied(ctx context.Context, rev uint64) error {
	for {
		n.mu.Lock()
		ch := n.changed
		n.mu.Unlock()
		if n.db.Load().Revision() >= rev {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return &errBehind{want: rev, have: n.db.Load().Revision(), err: ctx.Err()}
		}
	}
}
