package cli

import (
	"errors"
	"fmt"

	"github.com/alliancegraph/alliancegraph/store"
)

// whileServing says, for each offline command, how to do the same through
// a server that holds the directory: the lock means one is running.
var whileServing = map[string]string{
	"export":  "stop it, or ask the running server: GET /export?format=… (same parameters, same bytes)",
	"backup":  "stop it, or ask the running server: GET /backup with Authorization: Bearer <token>",
	"check":   "stop it first: check needs the directory to itself",
	"import":  "stop it, or send the file to the running server: POST /import with a token",
	"ingest":  "stop it, or use the running server's ingestDocument mutation with a token",
	"dataset": "stop it, then upgrade",
}

// lockedHint adds to an ErrLocked from cmd's open what to do instead.
func lockedHint(cmd, dir string, err error) error {
	if !errors.Is(err, store.ErrLocked) {
		return err
	}
	return fmt.Errorf("%s: %s is held by a running server (or another command): %s (%w)", cmd, dir, whileServing[cmd], err)
}
