package cluster

import (
	"context"
	"errors"
	"fmt"

	"github.com/alliancegraph/alliancegraph/domain"
)

// ErrCompacted is returned when the log revisions a replica needs next were
// compacted away in etcd: it cannot follow the log and must bootstrap again
// from a peer's backup (a restart does that).
var ErrCompacted = errors.New("cluster: the log revisions this replica needs were compacted away; restart the node to bootstrap it again from a peer")

// ErrNoPeer is returned by a bootstrap that needs a peer's backup and finds
// no registered peer that serves one.
var ErrNoPeer = errors.New("cluster: no peer could serve a backup to bootstrap from")

// ErrNotReplica is returned for a data directory that holds a store that
// is not a replica of the cluster (it has commits but no log revision).
var ErrNotReplica = errors.New("cluster: the data directory holds a store that is not a replica of this cluster")

// ErrConfig is returned for a configuration that cannot run a node.
var ErrConfig = fmt.Errorf("%w: cluster configuration", domain.ErrInvalid)

// errBehind is what a request gets when the replica has not applied a
// revision it asked for before the request's deadline (domain.ErrTimeout;
// a cancelled request's own error otherwise).
type errBehind struct {
	want, have uint64
	err        error
	head       bool  // asking etcd for the head failed
	stuck      error // why the replica last failed to apply an entry
}

func (e *errBehind) Error() string {
	if e.head {
		return fmt.Sprintf("this server has applied revision %d and could not read the log's head from etcd before the request's deadline (the server may be cut off from etcd; try another server or later)", e.have)
	}
	if e.stuck != nil {
		return fmt.Sprintf("this server has applied revision %d; revision %d was not applied before the request's deadline (%v; try another server or later)", e.have, e.want, e.stuck)
	}
	return fmt.Sprintf("this server has applied revision %d; revision %d was not applied before the request's deadline (the server may be cut off from etcd; try another server or later)", e.have, e.want)
}

func (e *errBehind) Unwrap() error {
	if errors.Is(e.err, context.DeadlineExceeded) || (e.head && !errors.Is(e.err, context.Canceled)) {
		return domain.ErrTimeout
	}
	return e.err
}
