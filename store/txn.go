package store

import (
	"errors"
	"fmt"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// View runs fn against a consistent snapshot of the graph as it stood at
// transaction time knownAt; the zero time means the newest commit. A
// knownAt before the first commit sees an empty graph; one after the newest
// commit sees the newest.
//
// The Reader and every value it returns must not be used after fn returns
// (returned entities and facts are copies and may be kept).
func (db *DB) View(knownAt time.Time, fn func(*Reader) error) error {
	if db.closed.Load() {
		return ErrClosed
	}
	ts := db.snapshotTs(knownAt)
	txn := db.bdb.NewTransactionAt(ts, false)
	defer txn.Discard()
	return fn(&Reader{db: db, txn: txn, ts: ts})
}

// snapshotTs maps a transaction time to a read timestamp.
func (db *DB) snapshotTs(knownAt time.Time) uint64 {
	last := db.lastTs.Load()
	if knownAt.IsZero() {
		return last
	}
	return min(timeTs(knownAt), last)
}

// Update runs fn in one read-write transaction and commits it at a new
// transaction time if fn returns nil and changed anything; on error nothing
// is written. author names who made the change; it is kept in the commit
// record. Writers are serialised.
func (db *DB) Update(author string, fn func(*Writer) error) error {
	if db.closed.Load() {
		return ErrClosed
	}
	db.wmu.Lock()
	defer db.wmu.Unlock()
	readTs := db.lastTs.Load()
	txn := db.bdb.NewTransactionAt(readTs, true)
	defer txn.Discard()
	w := &Writer{Reader: Reader{db: db, txn: txn, ts: readTs}, next: db.nextID}
	if err := fn(w); err != nil {
		return err
	}
	if !w.dirty {
		return nil
	}
	commitTs := max(timeTs(db.clock()), readTs+1)
	if w.next != db.nextID {
		if err := txn.Set(metaKey(metaSeq), uint64Bytes(w.next)); err != nil {
			return w.wrap(err)
		}
	}
	rec, err := encodeCommit(&Commit{Author: author, Changed: w.changed})
	if err != nil {
		return err
	}
	if err := txn.Set(commitKey(commitTs), rec); err != nil {
		return w.wrap(err)
	}
	if err := txn.CommitAt(commitTs, nil); err != nil {
		if errors.Is(err, badger.ErrConflict) {
			return fmt.Errorf("%w: %v", ErrConflict, err)
		}
		return fmt.Errorf("store: commit: %w", err)
	}
	db.nextID = w.next
	db.lastTs.Store(commitTs)
	return nil
}
