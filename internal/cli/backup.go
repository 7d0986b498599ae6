package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

const backupSummary = `Write a consistent backup of the data directory to a file: every version of
every record, so a restored store answers knownAt queries as the original
did. The file ends in a checksum trailer that restore verifies. The server
must not be running on the directory (it holds the lock). The store is opened
read-only (a read-only mount is no obstacle); one that was not closed cleanly
is first recovered, which writes to it.`

func runBackup(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", backupSummary, stdout, stderr)
	dir := fs.String("data", envOr("ALLIANCEGRAPH_DATA", "./data"), "data `directory` (env ALLIANCEGRAPH_DATA)")
	out := fs.String("o", "", "backup `file` to write")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(stderr, "backup: -o FILE is required")
		return ErrUsage
	}
	db, err := openToRead("backup", *dir, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	tmp := *out + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("backup: cannot write %s: %w", *out, errors.Unwrap(err))
	}
	n, err := db.Backup(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup: wrote %d bytes to %s\n", n, *out)
	return nil
}
