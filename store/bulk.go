package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// Bulk is a write too large for one Badger transaction, applied in chunks
// behind one visible switch.
//
// How the switch works: while a bulk write runs it holds the writer lock,
// and each chunk commits at a timestamp just above the newest visible
// commit (base+1, base+2, …) without moving the store's "now" (lastTs), so
// readers keep reading at base and see none of it. Chunks write history
// entries but no commit record. The final chunk commits at the bulk's real
// transaction time with the one commit record, and only then does "now"
// move: readers see all of the import or none of it. A knownAt read that
// falls between the chunks snaps to the newest commit record at or before
// it (see View), which is base, so history reads never see half of it
// either.
//
// If the bulk fails (a bad record, a rule, an I/O error), the chunks
// already committed are rolled back: every key with a version above base
// is rewritten to its value at base (see settle). A process that dies in
// the middle leaves hidden versions above the newest commit record; Open
// finds and rolls them back the same way.
type Bulk struct {
	db      *DB
	base    uint64 // the newest visible commit when the bulk began
	ts      uint64 // the newest hidden chunk's timestamp
	txn     *badger.Txn
	w       *Writer
	changes []domain.Change
	all     *Writer // indexes changes by ID (see mergeChanges)
	single  bool    // a replica's bulk: one transaction, Flush a no-op
}

// BulkUpdate runs fn with a Bulk and commits what it wrote as one commit
// described by o, or nothing if fn fails or changes nothing. It returns
// the commit's transaction time (the newest commit's when nothing changed).
//
// On a replica (WithCommitter) the bulk is one recorded transaction:
// Flush does nothing, and a write too large for one Badger transaction
// is refused (domain.ErrInvalid) rather than committed in hidden chunks,
// which other replicas' commits would make visible.
func (db *DB) BulkUpdate(o UpdateOptions, fn func(*Bulk) error) (time.Time, error) {
	if db.committer != nil {
		return db.updateReplicated(o, func(w *Writer) error {
			return fn(&Bulk{db: db, w: w, single: true})
		})
	}
	if err := db.lockWriter(); err != nil {
		return time.Time{}, err
	}
	defer db.wmu.Unlock()
	base := db.lastTs.Load()
	b := &Bulk{db: db, base: base, ts: base}
	b.begin(db.nextID)
	err := fn(b)
	if err == nil {
		err = b.finish(o)
	}
	if err != nil {
		b.txn.Discard()
		if b.ts != b.base {
			if rerr := db.settle(b.base, b.ts); rerr != nil {
				db.unsettled = fmt.Errorf("%w: %w", ErrUnsettled, rerr)
				db.cache.reset() // the hidden versions' keys may be cached
				return time.Time{}, errors.Join(err, fmt.Errorf("store: rolling back a failed bulk write: %w", rerr))
			}
		}
		return time.Time{}, err
	}
	return tsTime(db.lastTs.Load()), nil
}

func (b *Bulk) begin(next uint64) {
	b.txn = b.db.bdb.NewTransactionAt(b.ts, true)
	b.w = &Writer{Reader: Reader{db: b.db, txn: b.txn, ts: b.ts, at: b.ts}, next: next, seq0: next}
}

// Writer returns the writer of the current chunk. It changes after Flush.
func (b *Bulk) Writer() *Writer { return b.w }

// Flush commits the current chunk, hidden from readers, and starts the
// next. Call it every few hundred records so no chunk outgrows a Badger
// transaction.
func (b *Bulk) Flush() error {
	if b.single || !b.w.dirty {
		return nil
	}
	ts := b.ts + 1
	if err := b.w.finish(ts, true); err != nil {
		return err
	}
	if err := b.db.startWrite(); err != nil {
		return err
	}
	if err := b.txn.CommitAt(ts, nil); err != nil {
		return fmt.Errorf("store: bulk chunk: %w", err)
	}
	b.ts = ts
	b.mergeChanges(b.w.changed)
	b.begin(b.w.next)
	return nil
}

// finish commits the final chunk with the commit record and moves "now".
func (b *Bulk) finish(o UpdateOptions) error {
	if !b.w.dirty && b.ts == b.base {
		b.txn.Discard()
		return nil // nothing changed: no commit at all
	}
	ts := b.db.commitTs(o.At, b.ts)
	if err := b.w.finish(ts, true); err != nil {
		return err
	}
	b.mergeChanges(b.w.changed)
	c := &Commit{Author: o.Author, Note: o.Note, Changes: b.changes}
	if err := b.w.writeCommit(ts, c); err != nil {
		return err
	}
	if err := b.db.startWrite(); err != nil {
		return err
	}
	if err := b.txn.CommitAt(ts, nil); err != nil {
		return fmt.Errorf("store: bulk commit: %w", err)
	}
	b.ts = ts
	b.db.nextID = b.w.next
	b.db.publishCleared(ts) // moves lastTs, emptying the entity cache
	b.db.feed.publish(commitEvent(ts, c))
	return nil
}

// mergeChanges adds a chunk's changes to the bulk's, one entry per ID,
// through the bulk's own index so the merge costs the chunk's size, not
// the whole import's.
func (b *Bulk) mergeChanges(more []domain.Change) {
	if b.all == nil {
		b.all = &Writer{}
	}
	for _, c := range more {
		b.all.touched(c)
	}
	b.changes = b.all.changed
}

// settleFault, set only by tests, makes settle fail as a broken disk
// would: the one way to reach the refusal after a failed rollback.
var settleFault func() error

// settleBatch bounds the keys one rollback transaction rewrites.
const settleBatch = 5000

// settle rolls back every version above base (up to top): each key whose
// newest version is newer than base is rewritten, at new timestamps above
// top, to its value at base, or deleted if it had none. Then "now" moves to
// the last rewrite, whose content equals base's. A meta key records how far
// versions are settled, so Open does not repeat the work. The caller holds
// the writer lock (or is Open).
func (db *DB) settle(base, top uint64) error {
	if settleFault != nil {
		if err := settleFault(); err != nil {
			return err
		}
	}
	keys, err := db.keysAbove(base, top)
	if err != nil {
		return err
	}
	old := db.bdb.NewTransactionAt(base, false)
	defer old.Discard()
	ts := top
	for start := 0; start < len(keys) || start == 0; start += settleBatch {
		ts++
		txn := db.bdb.NewTransactionAt(ts-1, true)
		for _, k := range keys[start:min(start+settleBatch, len(keys))] {
			item, err := old.Get(k)
			switch {
			case errors.Is(err, badger.ErrKeyNotFound):
				err = txn.Delete(k)
			case err == nil:
				var v []byte
				if v, err = item.ValueCopy(nil); err == nil {
					err = txn.Set(k, v)
				}
			}
			if err != nil {
				txn.Discard()
				return err
			}
		}
		last := start+settleBatch >= len(keys)
		if last {
			if err := txn.Set(metaKey(metaSettled), numVal(ts)); err != nil {
				txn.Discard()
				return err
			}
		}
		if err := db.startWrite(); err != nil {
			txn.Discard()
			return err
		}
		if err := txn.CommitAt(ts, nil); err != nil {
			return err
		}
		if last {
			break
		}
	}
	db.publishCleared(ts) // moves lastTs, emptying the entity cache
	return nil
}

// keysAbove lists the keys whose newest version (as of top) is newer
// than base.
func (db *DB) keysAbove(base, top uint64) ([][]byte, error) {
	txn := db.bdb.NewTransactionAt(top, false)
	defer txn.Discard()
	opts := badgerIterOpts(nil)
	opts.AllVersions = true
	it := txn.NewIterator(opts)
	defer it.Close()
	var keys [][]byte
	var prev []byte
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		k := item.Key()
		if prev != nil && bytes.Equal(k, prev) {
			continue // an older version of a key already seen
		}
		prev = item.KeyCopy(nil)
		if item.Version() > base {
			keys = append(keys, prev)
		}
	}
	return keys, nil
}

// recover rolls back hidden versions a crashed bulk write left above the
// newest commit record (see Bulk). A replica's hidden versions are left
// alone (see hideUnapplied).
func (db *DB) recoverBulk() error {
	if replica, err := db.hideUnapplied(); replica || err != nil {
		return err
	}
	return db.rollBackAbove(db.lastTs.Load())
}

// retryRollBack finishes the rollback of a failed bulk write that a full
// disk stopped (see lockWriter), rolling back every version above the
// newest commit or rollback, whatever the stopped one wrote. The caller
// holds the writer lock.
func (db *DB) retryRollBack() error { return db.rollBackAbove(db.bdb.MaxVersion()) }

// rollBackAbove rolls back the versions up to top that are newer than
// the newest commit record or finished rollback.
func (db *DB) rollBackAbove(top uint64) error {
	txn := db.bdb.NewTransactionAt(top, false)
	defer txn.Discard()
	base, err := newestCommit(txn, top)
	if err != nil {
		return err
	}
	item, err := txn.Get(metaKey(metaSettled))
	if err == nil {
		err = item.Value(func(v []byte) error {
			if n, ok := parseNum(v); ok {
				base = max(base, n)
			}
			return nil
		})
	}
	if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
		return err
	}
	if top <= base {
		return nil
	}
	if db.readOnly {
		// Nothing can be rolled back without writing: read below it.
		db.lastTs.Store(base)
		return nil
	}
	return db.settle(base, top)
}
