package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// View runs fn against a consistent snapshot of the graph as it stood at
// transaction time knownAt; the zero time means the newest commit. A
// knownAt before the first commit sees an empty graph; one after the newest
// commit sees the newest. A knownAt between two commits sees the earlier
// one: reads snap to the newest commit record at or before knownAt, so the
// hidden chunks of a bulk write (see Bulk) are never seen half-applied.
//
// The Reader and every value it returns must not be used after fn returns
// (returned entities and facts are copies and may be kept).
func (db *DB) View(knownAt time.Time, fn func(*Reader) error) error {
	if db.closed.Load() {
		return ErrClosed
	}
	at := db.snapshotTs(knownAt)
	ts := at
	if !knownAt.IsZero() {
		c, err := db.newestCommitAt(at)
		if err != nil {
			return err
		}
		ts = c
	}
	txn := db.bdb.NewTransactionAt(ts, false)
	defer txn.Discard()
	return fn(&Reader{db: db, txn: txn, ts: ts, at: at, cache: db.cache})
}

// snap is a timestamp at or before lastTs and the newest commit record at
// or before it.
type snap struct{ at, commit uint64 }

// newestCommitAt returns the timestamp of the newest commit record at or
// before ts, which is at most lastTs, or 0 for none.
//
// For ts equal to lastTs it remembers the answer, which every View of a
// GraphQL operation asks for (the operation pins "now" to LastCommit):
// looking it up took an iterator over every table, two thirds of what q1
// cost the store. The answer for a given ts never changes: commits write
// their records above lastTs (commitTs), bulk writes and rollbacks write
// above it too, versions are never dropped, and the one write that
// replaces what is stored at old timestamps, Load's StreamWriter, runs
// on a store holding only its first commit, writes that again as it was
// (memKV.keep) and writes its own commit above lastTs.
func (db *DB) newestCommitAt(ts uint64) (uint64, error) {
	if s := db.snapped.Load(); s != nil && s.at == ts {
		return s.commit, nil
	}
	txn := db.bdb.NewTransactionAt(ts, false)
	defer txn.Discard()
	c, err := newestCommit(txn, ts)
	if err == nil && ts == db.lastTs.Load() {
		db.snapped.Store(&snap{at: ts, commit: c})
	}
	return c, err
}

// snapshotTs maps a transaction time to a read timestamp.
func (db *DB) snapshotTs(knownAt time.Time) uint64 {
	last := db.lastTs.Load()
	if knownAt.IsZero() {
		return last
	}
	return min(timeTs(knownAt), last)
}

// UpdateOptions describe a write beyond its changes.
type UpdateOptions struct {
	// Author names who made the change (a token's name); it is kept in
	// the commit record and shown by history.
	Author string
	// Note says why, e.g. which file an import read; optional.
	Note string
	// At, if set, is the transaction time to commit at, used when it is
	// after the newest commit and not in the future; otherwise the clock
	// decides. An import of an export uses the export's time, so that a
	// re-export of an empty store's import reproduces the file exactly.
	At time.Time
}

// lockWriter takes the writer lock for a write, or says why no write may
// start: the store is closed or read-only, or a failed rollback left it
// unsettled (see ErrUnsettled) and, if the disk was full, still cannot
// finish it. On success the caller unlocks db.wmu.
func (db *DB) lockWriter() error {
	if db.closed.Load() {
		return ErrClosed
	}
	if db.readOnly {
		return ErrReadOnly
	}
	if db.committer == nil && (db.Revision() > 0 || db.replicaDir) {
		return ErrReplicaDir
	}
	db.wmu.Lock()
	if db.unsettled != nil {
		// A rollback the disk had no room for is tried again: there may
		// be room now (if not, it fails again before writing).
		if !errors.Is(db.unsettled, ErrDiskFull) || db.retryRollBack() != nil {
			db.wmu.Unlock()
			return db.unsettled
		}
		db.unsettled = nil
	}
	return nil
}

// startWrite is called before anything is committed to Badger: it
// refuses a write that the filesystem has no room for (ErrDiskFull), and
// notes that the memtable may now hold something Close must flush.
func (db *DB) startWrite() error {
	if err := db.roomToWrite(); err != nil {
		return err
	}
	db.wrote.Store(true)
	return nil
}

// maxAttempts bounds how often a write that lost a race is retried.
const maxAttempts = 5

// Update runs fn in one read-write transaction and commits it at a new
// transaction time if fn returns nil and changed anything; on error nothing
// is written. author names who made the change; it is kept in the commit
// record. Writers are serialised.
func (db *DB) Update(author string, fn func(*Writer) error) error {
	_, err := db.UpdateWith(UpdateOptions{Author: author}, fn)
	return err
}

// UpdateWith is Update with options; it returns the commit's transaction
// time (the newest commit's when nothing changed). fn may run more than once: a commit
// that Badger reports as conflicting is retried with a fresh transaction up
// to maxAttempts times, then fails with ErrConflict. (Writers hold one
// lock, so a conflict means something outside this process's writers
// raced it; the retry keeps the contract even so.)
func (db *DB) UpdateWith(o UpdateOptions, fn func(*Writer) error) (time.Time, error) {
	if db.committer != nil {
		return db.updateReplicated(o, fn)
	}
	if err := db.lockWriter(); err != nil {
		return time.Time{}, err
	}
	defer db.wmu.Unlock()
	for range maxAttempts {
		if err := db.updateOnce(o, fn); !errors.Is(err, badger.ErrConflict) {
			return tsTime(db.lastTs.Load()), err
		}
	}
	return time.Time{}, fmt.Errorf("%w: the write collided with concurrent writes %d times; try again", domain.ErrConflict, maxAttempts)
}

func (db *DB) updateOnce(o UpdateOptions, fn func(*Writer) error) error {
	readTs := db.lastTs.Load()
	txn := db.bdb.NewTransactionAt(readTs, true)
	defer txn.Discard()
	w := &Writer{Reader: Reader{db: db, txn: txn, ts: readTs, at: readTs}, next: db.nextID, seq0: db.nextID}
	if err := fn(w); err != nil {
		return err
	}
	if !w.dirty {
		return nil
	}
	commitTs := db.commitTs(o.At, readTs)
	if err := w.finish(commitTs, true); err != nil {
		return err
	}
	c := &Commit{Author: o.Author, Note: o.Note, Changes: w.changed}
	if err := w.writeCommit(commitTs, c); err != nil {
		return err
	}
	if err := db.startWrite(); err != nil {
		return err
	}
	if err := txn.CommitAt(commitTs, nil); err != nil {
		if errors.Is(err, badger.ErrConflict) {
			return err
		}
		db.cache.distrustNext() // it may have been applied in part (cache.go)
		return fmt.Errorf("store: commit: %w", err)
	}
	db.nextID = w.next
	db.publish(commitTs, w.cached) // moves lastTs, dropping stale cache entries
	db.feed.publish(commitEvent(commitTs, c))
	return nil
}

// commitTs picks the timestamp of a commit whose transaction read at
// readTs: at when it is after readTs and not in the future, else the clock,
// and always after readTs so timestamps strictly increase.
func (db *DB) commitTs(at time.Time, readTs uint64) uint64 {
	now := timeTs(db.clock())
	if t := timeTs(at); t > readTs && t <= now {
		return t
	}
	return max(now, readTs+1)
}

// finish writes the id sequence (when it moved) and, with hist, a
// history entry for every change, at ts.
func (w *Writer) finish(ts uint64, hist bool) error {
	if w.next != w.seq0 {
		if err := w.put(metaKey(metaSeq), numVal(w.next)); err != nil {
			return err
		}
	}
	if !hist {
		return nil
	}
	for _, c := range w.changed {
		v, err := encodeChange(c)
		if err != nil {
			return err
		}
		if err := w.put(histKey(c.ID, ts), v); err != nil {
			return err
		}
	}
	return nil
}

// writeCommit stores the commit record of a commit at ts: who made it
// and why. What it changed is not repeated there: the history index holds
// one entry per change, and a large import's change list made the record
// tens of megabytes that every history read of its entities decoded.
func (w *Writer) writeCommit(ts uint64, c *Commit) error {
	rec, err := encodeCommit(&Commit{Author: c.Author, Note: c.Note})
	if err != nil {
		return err
	}
	return w.put(commitKey(ts), rec)
}
