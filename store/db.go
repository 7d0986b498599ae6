package store

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// formatVersion guards the on-disk format: the key layout in keys.go and the
// record encoding in codec.go. Bump it on any incompatible change.
const formatVersion = "alliancegraph/2"

// DB is an open store. It is safe for concurrent use; writes are serialised
// by one writer lock so commit timestamps are strictly increasing.
type DB struct {
	bdb   *badger.DB
	clock func() time.Time

	// lastTs is the commit timestamp of the newest committed write, the
	// read timestamp of "now". Written under wmu, read atomically.
	lastTs atomic.Uint64
	// snapped remembers where View last snapped lastTs to (see
	// newestCommitAt); nil until a View asks.
	snapped atomic.Pointer[snap]

	// replicaDir: the directory holds a replica (it names its log),
	// whether or not it is opened as one (see hideUnapplied).
	replicaDir bool

	wmu    sync.Mutex // serialises writers
	nextID uint64     // next internal id; guarded by wmu
	// unsettled, once set, refuses every write until the store is
	// reopened: a failed bulk write could not be rolled back, and its
	// hidden versions would show through the next commit (see Bulk).
	// Guarded by wmu.
	unsettled error

	feed feed // committed writes, fanned out to subscribers

	// cache holds decoded entities for Views; nil when disabled. Every
	// write to Badger must keep it consistent (see cache.go).
	cache *entityCache

	reads  atomic.Int64 // Reader calls, for tests that bound store reads
	closed atomic.Bool

	readOnly bool // opened WithReadOnly: every write is ErrReadOnly

	// committer, when set, makes the store a replica (replica.go):
	// writes commit through it, and only Apply writes to Badger. amu
	// serialises Apply, and pairs nextID with head for writers.
	committer Committer
	amu       sync.Mutex
	head      atomic.Pointer[head]

	// disk checks for free space before writes; nil in memory and
	// read-only. wrote says a write began since Open, so the memtable
	// may hold something Close must flush.
	disk  *diskGuard
	wrote atomic.Bool
}

// Open opens (creating if needed) the store in dir. All versions are kept
// (managed mode, discard timestamp never advanced), so reads at any earlier
// transaction time keep working after restarts and compactions.
//
// If another process holds dir, Open fails at once with ErrLocked.
func Open(dir string, o Options) (*DB, error) {
	if o.clock == nil {
		o.clock = time.Now
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	if o.memTable < MinMemTableBytes {
		return nil, fmt.Errorf("%w: memtable size %d MiB is below the minimum of %d MiB", domain.ErrInvalid, o.memTable>>20, MinMemTableBytes>>20)
	}
	if o.readOnly {
		o.noCreate = true
	}
	if fi, err := os.Stat(dir); !o.inMemory && err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("store: open %s: not a directory", dir)
	}
	if !o.inMemory && o.noCreate {
		if err := holdsStore(dir); err != nil {
			return nil, err
		}
	}
	if !o.inMemory && !o.noCreate {
		if err := checkNotForeign(dir); err != nil {
			return nil, err
		}
	}
	if !o.inMemory && !o.readOnly {
		if err := removeEmptyValueLogs(dir, o.logger); err != nil {
			return nil, err
		}
		if err := roomToOpen(dir, o.memTable); err != nil {
			return nil, err
		}
	}
	if !o.inMemory && o.readOnly {
		if err := checkRecovered(dir); err != nil {
			return nil, err
		}
	}
	bo := o.Badger(dir)
	bdb, err := badger.OpenManaged(bo)
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, fmt.Errorf("%w: %s", ErrLocked, dir)
		}
		if o.readOnly && strings.Contains(err.Error(), badger.ErrTruncateNeeded.Error()) {
			// A log checkRecovered could not see (Badger does not wrap
			// its own error, so only its words tell).
			return nil, fmt.Errorf("%w: %s: %v", ErrNeedsRecovery, dir, err)
		}
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	db := &DB{bdb: bdb, clock: o.clock, cache: newEntityCache(o.entityCacheBytes), readOnly: o.readOnly}
	if !o.inMemory && !o.readOnly {
		db.disk = newDiskGuard(dir, o.memTable)
	}
	db.lastTs.Store(bdb.MaxVersion())
	if err := db.init(); err != nil {
		db.closeBadger()
		return nil, err
	}
	if err := db.recoverBulk(); err != nil {
		db.closeBadger()
		return nil, fmt.Errorf("store: rolling back an unfinished bulk write: %w", err)
	}
	if err := db.loadHead(); err != nil {
		db.closeBadger()
		return nil, err
	}
	db.committer = o.committer
	return db, nil
}

// holdsStore returns ErrNoStore unless dir holds a Badger manifest, which
// every store has from its first open on.
func holdsStore(dir string) error {
	_, err := os.Stat(filepath.Join(dir, "MANIFEST"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s (it does not exist, or nothing has been written there; --data names a directory a server or an import wrote)", ErrNoStore, dir)
	case err != nil:
		return fmt.Errorf("store: open %s: %w", dir, err)
	}
	return nil
}

// formatTs is the transaction time of the commit that writes the format
// version into an empty directory: the smallest timestamp there is, so an
// empty store's only commit is older than anything an import may want to
// commit at (see UpdateOptions.At).
const formatTs = 1

// init checks the format version, writing it into an empty store, and
// loads the id sequence.
func (db *DB) init() error {
	txn := db.bdb.NewTransactionAt(db.lastTs.Load(), false)
	defer txn.Discard()
	item, err := txn.Get(metaKey(metaFormat))
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		if db.lastTs.Load() != 0 {
			return fmt.Errorf("%w: no format version in a non-empty directory (a first import into it that stopped before it finished leaves one: delete the directory and import again)", ErrFormat)
		}
		if db.readOnly {
			return fmt.Errorf("%w: nothing has been written to it", ErrNoStore)
		}
		_, err := db.UpdateWith(UpdateOptions{Author: "store", At: tsTime(formatTs)}, func(w *Writer) error {
			return w.set(metaKey(metaFormat), []byte(formatVersion))
		})
		return err
	case err != nil:
		return fmt.Errorf("store: read format: %w", err)
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return fmt.Errorf("store: read format: %w", err)
	}
	if string(v) != formatVersion {
		return fmt.Errorf("%w: directory has %q, this build reads %q", ErrFormat, v, formatVersion)
	}
	seq, err := txn.Get(metaKey(metaSeq))
	if err == nil {
		err = seq.Value(func(b []byte) error {
			n, ok := parseNum(b)
			if !ok {
				return fmt.Errorf("%w: id sequence", ErrCorrupt)
			}
			db.nextID = n
			return nil
		})
	} else if errors.Is(err, badger.ErrKeyNotFound) {
		err = nil
	}
	if db.nextID == 0 {
		db.nextID = 1
	}
	return err
}

// Meta key names.
const (
	metaFormat  = "format"
	metaSeq     = "seq"
	metaSettled = "settled" // versions up to this timestamp are settled (see Bulk)
	metaDataset = "dataset" // the curated dataset the store holds (DatasetStamp)
	metaRev     = "rev"     // the replicated log revision applied (replica.go)
	metaOrigin  = "origin"  // the replicated log's name (Committer.Origin)
)

// Close flushes pending writes to disk and releases the directory lock.
// Readers and writers must have returned before Close is called.
//
// Flushing writes a table through a memory map; on a filesystem without
// room for it (see diskspace.go) Close does not close Badger and returns
// ErrDiskFull: the store is then as a killed process leaves it, its
// write-ahead log holding every acknowledged write for the next Open to
// replay, and the directory stays locked until the process exits.
func (db *DB) Close() error {
	if db.closed.Swap(true) {
		return nil
	}
	db.wmu.Lock()
	defer db.wmu.Unlock()
	db.feed.close()
	return db.closeBadger()
}

// closeBadger closes Badger, which flushes the memtable into a table,
// unless a write since Open may have filled the memtable and the
// filesystem has no room for that table (see Close).
func (db *DB) closeBadger() error {
	if db.disk != nil && db.wrote.Load() {
		if err := db.disk.room(db.disk.arena+diskSlack, "closing the store (its memtable is flushed into a table)"); err != nil {
			return fmt.Errorf("%w; the store is left as a killed process leaves it: its write-ahead log holds every acknowledged write, and the next open replays it", err)
		}
	}
	return db.bdb.Close()
}

// Flatten compacts every level into one. Old versions survive it; the
// tests use it to prove that transaction-time reads do.
func (db *DB) Flatten() error { return db.bdb.Flatten(2) }

// Reads returns how many store reads (Reader method calls) have been made;
// tests use it to show that a query's reads do not grow with its result.
func (db *DB) Reads() int64 { return db.reads.Load() }

// LastCommit returns the transaction time of the newest commit, or the
// zero time for an empty store.
func (db *DB) LastCommit() time.Time { return tsTime(db.lastTs.Load()) }

// Transaction timestamps are Unix nanoseconds.
func tsTime(ts uint64) time.Time {
	if ts == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(ts)).UTC()
}

func timeTs(t time.Time) uint64 {
	// Compare before converting: UnixNano wraps outside years 1678..2262.
	if t.IsZero() || !t.After(time.Unix(0, 0)) {
		return 0
	}
	if t.After(time.Unix(0, math.MaxInt64)) {
		return math.MaxInt64
	}
	return uint64(t.UnixNano())
}

type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) {
	b.l.Error(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}
func (b badgerLogger) Warningf(f string, a ...any) {
	b.l.Warn(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}
func (b badgerLogger) Infof(string, ...any)  {}
func (b badgerLogger) Debugf(string, ...any) {}
