package cluster

import (
	"context"
	"fmt"
	"math"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Head asks WaitFor for the log's newest revision.
const Head = math.MaxUint64

// WaitFor returns once every log entry up to revision rev is applied to
// the replica, or ctx's error wrapped in an error naming both revisions.
// A revision etcd has not reached yet is refused (domain.ErrInvalid): no
// answer was ever labelled with it, and waiting would only hold the
// request until its deadline. When etcd cannot be asked, it is waited for.
//
// Head (math.MaxUint64) asks for the log's newest revision: WaitFor reads
// it from etcd (a linearizable read), so what the caller reads next
// reflects every write acknowledged before it asked.
func (n *Node) WaitFor(ctx context.Context, rev uint64) error {
	if rev == Head {
		_, at, err := n.readHead(ctx)
		if err != nil {
			return &errBehind{want: rev, have: n.db.Load().Revision(), err: err, head: true}
		}
		rev = at
	} else if err := n.reached(ctx, rev); err != nil {
		return err
	}
	return n.waitUntil(ctx, rev, true, func(failed error) error {
		return fmt.Errorf("%w: revision %d: %w", domain.ErrTimeout, rev, failed)
	})
}

// reached refuses a revision beyond etcd's current one. Only a revision
// this node has not applied or seen costs a read from etcd.
func (n *Node) reached(ctx context.Context, rev uint64) error {
	n.mu.Lock()
	known := max(n.db.Load().Revision(), n.seen)
	n.mu.Unlock()
	if rev <= known {
		return nil
	}
	_, at, err := n.readHead(ctx)
	if err == nil && rev > at {
		return fmt.Errorf("%w: revision %d is beyond the log (etcd is at revision %d): no server has answered at it", domain.ErrInvalid, rev, at)
	}
	return nil
}

// applied waits until the replica has applied revision rev itself.
func (n *Node) applied(ctx context.Context, rev uint64) error {
	return n.waitUntil(ctx, rev, false, func(failed error) error {
		return fmt.Errorf("cluster: revision %d is committed but this server stopped applying the log: %w", rev, failed)
	})
}

// waitUntil waits until the replica has applied revision rev (or, with
// seen, every log entry up to rev), until the follower stops for good
// (stopped's error) or until ctx ends.
func (n *Node) waitUntil(ctx context.Context, rev uint64, seen bool, stopped func(error) error) error {
	for {
		n.mu.Lock()
		have := n.db.Load().Revision()
		if seen {
			have = max(have, n.seen)
		}
		ch, failed := n.changed, n.failed
		n.mu.Unlock()
		if have >= rev {
			return nil
		}
		if failed != nil {
			return stopped(failed)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			n.mu.Lock()
			stuck := n.stuck
			n.mu.Unlock()
			return &errBehind{want: rev, have: n.db.Load().Revision(), err: ctx.Err(), stuck: stuck}
		}
	}
}
