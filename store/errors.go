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

// ErrForeignDir is returned by Open, when it may create a store, for a
// directory that holds other files and no store: it writes nothing there.
var ErrForeignDir = errors.New("store: refusing a directory that holds other files")

// ErrReadOnly is returned by every write to a store opened read-only
// (WithReadOnly).
var ErrReadOnly = errors.New("store: opened read-only")

// ErrNeedsRecovery is returned by a read-only Open (WithReadOnly) of a
// store that was not closed cleanly: replaying its write-ahead log, or
// removing an empty value log file a killed process left, writes to the
// directory, which a read-write Open does.
var ErrNeedsRecovery = errors.New("store: the store was not closed cleanly and needs a recovery that writes to it")

// ErrDiskFull is returned when the store's filesystem has too little free
// space for a write, or for a read-write Open: Badger writes through
// memory maps of sparse files, and on a full filesystem that kills the
// process (see diskspace.go). Nothing is written; reads still work.
//
// It is a limit of the server's (domain.ErrLimit), reached until space is
// freed; the request may be retried then.
var ErrDiskFull = coded(domain.ErrLimit, "store: too little free disk space")

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
// is reopened, which rolls them back (see Bulk), or, when the rollback
// failed for want of disk space (the error then wraps ErrDiskFull too),
// until a write finds room to finish it. Reads are unaffected.
var ErrUnsettled = errors.New("store: a failed bulk write could not be rolled back; writes are refused until it is")

// codedError is an engine error with words of its own that wraps the
// domain sentinel giving its code.
type codedError struct {
	sentinel error
	msg      string
}

func coded(sentinel error, msg string) error { return &codedError{sentinel, msg} }

func (e *codedError) Error() string { return e.msg }
func (e *codedError) Unwrap() error { return e.sentinel }

// ErrStale is returned by a Committer for a change set validated against
// a state the replicated log has since moved past; the store then runs
// the write again on the newer state (a write that keeps losing is
// domain.ErrConflict).
var ErrStale = errors.New("store: the replicated log moved past the state this write was validated against")

// ErrReplicaDir is returned by writes to a cluster replica's store opened
// on its own (no Committer): a local commit would make the replica differ
// from every other, so changes go through a cluster node.
var ErrReplicaDir = coded(domain.ErrForbidden, "store: this data directory is a cluster replica: write through a cluster node (a mutation or POST /import), not to the directory")

// ErrReplicated is returned by writes a replica cannot take: Apply on a
// store without a Committer, or a change set that does not follow what
// the replica holds (another cluster's log, or a replica that diverged).
var ErrReplicated = errors.New("store: change set does not fit this replica")
