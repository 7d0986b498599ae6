package cli

import (
	"context"
	"fmt"
	"io"
	"time"
)

const checkSummary = `Verify the store's invariants: every fact has both edge directions, its
locator and its by-time entry; every index entry (readable ID, external ID,
kind, name token, by-time, history) points at a live record that agrees with
it; every stored document text matches its hash.
Exits non-zero when a violation is found. The server must not be running on
the same directory (it holds the lock). The store is opened read-only, so a
read-only mount or a full disk is no obstacle; one that was not closed
cleanly is first recovered, which writes to it.`

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", checkSummary, stdout, stderr)
	dir := fs.String("data", envOr("ALLIANCEGRAPH_DATA", "./data"), "data `directory` (env ALLIANCEGRAPH_DATA)")
	limit := fs.Int("limit", 100, "report at most this many violations (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *limit < 0 {
		fmt.Fprintf(stderr, "check: --limit must not be negative, got %d\n", *limit)
		return ErrUsage
	}
	db, err := openToRead("check", *dir, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	vs, err := db.CheckContext(ctx, time.Time{}, *limit)
	if err != nil {
		return err
	}
	for _, v := range vs {
		fmt.Fprintln(stdout, v)
	}
	if len(vs) > 0 {
		return fmt.Errorf("check: %d invariant violation(s) in %s", len(vs), *dir)
	}
	fmt.Fprintf(stdout, "check: %s is consistent\n", *dir)
	return nil
}
