package store

import (
	"errors"

	"github.com/alliancegraph/alliancegraph/domain"
)

// The engine's own errors. Those a client can act on wrap the domain
// sentinel that gives their code (domain.CodeOf), keeping their own words;
// the rest mean a bug, a damaged directory or a store in a state only an
// operator can fix, and are INTERNAL.

// ErrLocked is returned by Open when another process holds the data
// directory's lock.
var ErrLocked = coded(domain.ErrConflict, "store: data directory is locked by another process")

// ErrNoStore is returned by Open with WithCreate(false) for a directory
// that holds no store: it does not exist, or it is empty.
var ErrNoStore = coded(domain.ErrNotFound, "store: no store in this directory")

// ErrNotEmpty is returned by Load when the store already holds data: the
// fast path replaces the whole database, so it only fills an empty one.
var ErrNotEmpty = coded(domain.ErrConflict, "store: not empty")

// ErrBadBackup is returned for a backup file that is truncated, corrupted
// or not a backup at all.
var ErrBadBackup = coded(domain.ErrInvalid, "store: not a complete alliancegraph backup")

// ErrFormat is returned by Open when the directory holds data written in an
// on-disk format this build does not read.
var ErrFormat = errors.New("store: unsupported on-disk format")

// ErrClosed is returned by operations on a DB after Close.
var ErrClosed = errors.New("store: closed")

// ErrCorrupt is returned when a key or record does not decode; it means a
// bug or damaged data, never bad user input.
var ErrCorrupt = errors.New("store: corrupt record")

// ErrUnsettled is returned by every write after a failed bulk write could
// not be rolled back: its hidden versions stay in Badger until the store
// is reopened, which rolls them back (see Bulk). Reads are unaffected.
var ErrUnsettled = errors.New("store: a failed bulk write could not be rolled back; writes are refused until the store is reopened")

// codedError is an engine error with words of its own that wraps the
// domain sentinel giving its code.
type codedError struct {
	sentinel error
	msg      string
}

func coded(sentinel error, msg string) error { return &codedError{sentinel, msg} }

func (e *codedError) Error() string { return e.msg }
func (e *codedError) Unwrap() error { return e.sentinel }
