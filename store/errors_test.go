package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
)

// TestEngineErrorCodes: the store's own errors keep their words and give
// the code of the domain sentinel they wrap, so an edge that maps errors
// through domain.CodeOf answers a locked directory, a missing store, a
// full store, a bad backup or a full disk with a code that says so, and
// everything that is the engine's fault with INTERNAL.
func TestEngineErrorCodes(t *testing.T) {
	for _, tt := range []struct {
		err  error
		msg  string
		code domain.Code
	}{
		{ErrLocked, "store: data directory is locked by another process", domain.CodeConflict},
		{ErrNoStore, "store: no store in this directory", domain.CodeNotFound},
		{ErrNotEmpty, "store: not empty", domain.CodeConflict},
		{ErrBadBackup, "store: not a complete alliancegraph backup", domain.CodeBadUserInput},
		{ErrFormat, "store: unsupported on-disk format", domain.CodeInternal},
		{ErrClosed, "store: closed", domain.CodeInternal},
		{ErrCorrupt, "store: corrupt record", domain.CodeInternal},
		{ErrDiskFull, "store: too little free disk space", domain.CodeLimitExceeded},
		{ErrUnsettled, "store: a failed bulk write could not be rolled back; writes are refused until it is", domain.CodeInternal},
		{ErrForeignDir, "store: refusing a directory that holds other files", domain.CodeInternal},
		{ErrReadOnly, "store: opened read-only", domain.CodeInternal},
		{ErrNeedsRecovery, "store: the store was not closed cleanly and needs a recovery that writes to it", domain.CodeInternal},
	} {
		if got := tt.err.Error(); got != tt.msg {
			t.Errorf("message %q, want %q", got, tt.msg)
		}
		wrapped := fmt.Errorf("open x: %w", tt.err)
		if got := domain.CodeOf(wrapped); got != tt.code {
			t.Errorf("%q: code %s, want %s", tt.msg, got, tt.code)
		}
		if !errors.Is(wrapped, tt.err) {
			t.Errorf("%q: errors.Is does not find the store error itself", tt.msg)
		}
	}
}
