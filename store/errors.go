package store

import "errors"

// ErrNotFound is returned when an entity, fact or document does not exist
// in the snapshot that was read.
var ErrNotFound = errors.New("store: not found")

// ErrInvalid is returned when a value cannot be stored as given: a malformed
// ID, an unknown kind or predicate, an interval whose end is not after its
// start, a fact without a citation.
var ErrInvalid = errors.New("store: invalid")

// ErrConflict is returned when a write collides with the current state: an
// ID already taken by an entity of another kind, or a concurrent commit.
var ErrConflict = errors.New("store: conflict")

// ErrLocked is returned by Open when another process holds the data
// directory's lock.
var ErrLocked = errors.New("store: data directory is locked by another process")

// ErrNoStore is returned by Open with WithCreate(false) for a directory
// that holds no store: it does not exist, or it is empty.
var ErrNoStore = errors.New("store: no store in this directory")

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
var ErrDiskFull = errors.New("store: too little free disk space")

// ErrFormat is returned by Open when the directory holds data written in an
// on-disk format this build does not read.
var ErrFormat = errors.New("store: unsupported on-disk format")

// ErrClosed is returned by operations on a DB after Close.
var ErrClosed = errors.New("store: closed")

// ErrCorrupt is returned when a key or record does not decode; it means a
// bug or damaged data, never bad user input.
var ErrCorrupt = errors.New("store: corrupt record")

// ErrNotEmpty is returned by Load when the store already holds data: the
// fast path replaces the whole database, so it only fills an empty one.
var ErrNotEmpty = errors.New("store: not empty")

// ErrUnsettled is returned by every write after a failed bulk write could
// not be rolled back: its hidden versions stay in Badger until the store
// is reopened, which rolls them back (see Bulk), or, when the rollback
// failed for want of disk space (the error then wraps ErrDiskFull too),
// until a write finds room to finish it. Reads are unaffected.
var ErrUnsettled = errors.New("store: a failed bulk write could not be rolled back; writes are refused until it is")
