package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/alliancegraph/alliancegraph/store"
)

const restoreSummary = `Restore a backup file into a data directory that does not exist or is
empty. The whole file is verified first (framing and SHA-256); a truncated
or corrupted file is refused before anything is written. The store is built
beside the directory and checked (as the check command does) before it is
put in place: one that breaks the store's invariants, from a file altered
and re-checksummed, is refused with the violations named.`

func runRestore(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("restore", restoreSummary, stdout, stderr)
	dir := fs.String("data", envOr("ALLIANCEGRAPH_DATA", "./data"), "target data `directory` (env ALLIANCEGRAPH_DATA)")
	if err := parseFlagsN(fs, args, 1); err != nil {
		return err
	}
	if err := store.RestoreFile(*dir, fs.Arg(0), store.DefaultOptions()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restore: %s restored into %s\n", fs.Arg(0), *dir)
	return nil
}
