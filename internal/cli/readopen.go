package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/alliancegraph/alliancegraph/store"
)

// openToRead opens the store in dir for a command that only reads it
// (check, export, backup): read-only, so that it works on a read-only
// mount or a full disk and leaves the directory as it was. A store that
// was not closed cleanly (its server was killed) needs a recovery that
// writes; it is then opened read-write, which recovers it, and the
// command says so on stderr.
func openToRead(cmd, dir string, stderr io.Writer) (*store.DB, error) {
	db, err := store.Open(dir, store.DefaultOptions().WithReadOnly(true))
	if !errors.Is(err, store.ErrNeedsRecovery) {
		return db, lockedHint(cmd, dir, err)
	}
	fmt.Fprintf(stderr, "%s: %s was not closed cleanly; recovering it, which writes to it\n", cmd, dir)
	db, rerr := store.Open(dir, store.DefaultOptions().WithCreate(false))
	if rerr != nil {
		return nil, fmt.Errorf("%w; recovering it failed: %w", err, lockedHint(cmd, dir, rerr))
	}
	return db, nil
}
