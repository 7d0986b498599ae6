// Package cluster runs alliancegraph as one node of a replicated cluster
// on etcd: etcd holds the ordered log of committed change sets (one key,
// whose revisions are the log), and every node keeps a local store as its
// replica, applies the log to it in revision order and serves reads from
// it. A write is validated against the node's replica, committed to etcd
// in one transaction guarded by the log revision the validation saw, and
// acknowledged once the node's replica applied it. See docs/CLUSTER.md.
//
// It is the only package that imports etcd.
package cluster
