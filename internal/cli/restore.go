package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/alliancegraph/alliancegraph/cluster"
	"github.com/alliancegraph/alliancegraph/store"
)

const restoreSummary = `Restore a backup file into a data directory that does not exist or is
empty. The whole file is verified first (framing and SHA-256); a truncated
or corrupted file is refused before anything is written. The store is built
beside the directory and checked (as the check command does) before it is
put in place: one that breaks the store's invariants, from a file altered
and re-checksummed, is refused with the violations named.
With --etcd and --cluster the backup becomes the start of a new, empty
cluster's log instead: nodes then started on empty data directories
restore it from etcd, or copy a node that did (docs/CLUSTER.md).`

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("restore", restoreSummary, stdout, stderr)
	dir := fs.String("data", envOr("ALLIANCEGRAPH_DATA", "./data"), "target data `directory` (env ALLIANCEGRAPH_DATA)")
	etcd := fs.String("etcd", os.Getenv("ALLIANCEGRAPH_ETCD"), "restore into the empty cluster on these comma-separated etcd `endpoints` instead of a directory (env ALLIANCEGRAPH_ETCD)")
	name := fs.String("cluster", os.Getenv("ALLIANCEGRAPH_CLUSTER"), "with --etcd: the cluster's `name` (env ALLIANCEGRAPH_CLUSTER)")
	if err := parseFlagsN(fs, args, 1); err != nil {
		return err
	}
	if *etcd == "" {
		if err := store.RestoreFile(*dir, fs.Arg(0), store.DefaultOptions()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restore: %s restored into %s\n", fs.Arg(0), *dir)
		return nil
	}
	if !cluster.ValidName(*name) {
		fmt.Fprintf(stderr, "restore: --etcd needs --cluster NAME (1 to 64 letters, digits, '.', '_' or '-'), got %q\n", *name)
		return ErrUsage
	}
	node, err := cluster.Dial(ctx, cluster.Config{Endpoints: splitComma(*etcd), Cluster: *name, Node: "restore"})
	if err != nil {
		return err
	}
	defer node.Close()
	rev, err := node.Restore(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restore: %s is the start of cluster %s's log, at revision %d; start its nodes on empty data directories\n", fs.Arg(0), *name, rev)
	return nil
}
