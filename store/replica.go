package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// Committer commits change sets through a replicated, ordered log instead
// of this store's Badger: with one (WithCommitter) the store is a replica.
// Every write (Update, BulkUpdate, Load) runs its function against the
// replica as on a single store, so every rule and reference check is the
// same, and hands what it wrote to Commit; the replica changes only
// through Apply, which the log's follower calls for every committed
// change set, in log order, on every replica alike.
type Committer interface {
	// Commit makes cs durable in the log, guarded by cs.Revision(): it
	// must fail with ErrStale, committing nothing, if the log holds a
	// change set after that revision. It returns once this store has
	// applied cs, so the writer reads its own write.
	Commit(cs *ChangeSet) error
	// Origin names the log: Apply records it beside the revision, so a
	// replica of one log is never taken for a replica of another.
	Origin() string
}

// head is the newest applied commit timestamp and the log revision that
// applied it, published together so a reader never pairs one commit
// with another's revision.
type head struct{ ts, rev uint64 }

// Replicated reports whether the store is a replica (WithCommitter).
func (db *DB) Replicated() bool { return db.committer != nil }

// Revision returns the log revision of the newest change set this replica
// applied (0 for none, and always for a store that is not a replica).
func (db *DB) Revision() uint64 {
	if h := db.head.Load(); h != nil {
		return h.rev
	}
	return 0
}

// RevisionAt returns the log revision of the snapshot a View at
// transaction time t reads (the zero time: the newest): the revision
// of the newest change set at or before t.
func (db *DB) RevisionAt(t time.Time) (uint64, error) {
	if db.committer == nil {
		return 0, nil
	}
	if h := db.head.Load(); h != nil && (t.IsZero() || timeTs(t) >= h.ts) {
		return h.rev, nil
	}
	var rev uint64
	err := db.View(t, func(r *Reader) error {
		var err error
		rev, err = r.Revision()
		return err
	})
	return rev, err
}

// Revision returns the log revision of the newest change set this
// snapshot shows (0 for none).
func (r *Reader) Revision() (uint64, error) {
	return readNum(r.txn, metaKey(metaRev))
}

// Origin returns the name of the log this snapshot's replica applied
// (Committer.Origin), or "" for a store that is not a replica.
func (r *Reader) Origin() (string, error) {
	item, err := r.txn.Get(metaKey(metaOrigin))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: read origin: %w", err)
	}
	v, err := item.ValueCopy(nil)
	return string(v), err
}

// readNum reads a numeric meta value, 0 when absent.
func readNum(txn *badger.Txn, k []byte) (uint64, error) {
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: read %s: %w", k, err)
	}
	var n uint64
	err = item.Value(func(v []byte) error {
		var ok bool
		if n, ok = parseNum(v); !ok {
			return fmt.Errorf("%w: %s", ErrCorrupt, k)
		}
		return nil
	})
	return n, err
}

// loadHead reads the applied revision at Open.
func (db *DB) loadHead() error {
	txn := db.bdb.NewTransactionAt(db.lastTs.Load(), false)
	defer txn.Discard()
	rev, err := readNum(txn, metaKey(metaRev))
	if err != nil {
		return err
	}
	db.head.Store(&head{ts: db.lastTs.Load(), rev: rev})
	return nil
}

// maxReplicaAttempts bounds how often a replica's write that lost to
// another node's is validated again: every node's writers race for the
// same next log entry, so losing a few times in a row is common under
// load (maxAttempts bounds the single store's rarer Badger conflicts).
const maxReplicaAttempts = 50

// updateReplicated is UpdateWith for a replica: it records the write,
// commits it through the log and returns once it is applied here.
func (db *DB) updateReplicated(o UpdateOptions, fn func(*Writer) error) (time.Time, error) {
	if err := db.lockWriter(); err != nil {
		return time.Time{}, err
	}
	defer db.wmu.Unlock()
	for i := range maxReplicaAttempts {
		ts, err := db.recordOnce(o, fn)
		if !errors.Is(err, ErrStale) {
			return ts, err
		}
		// Nodes that lost together would race again at once.
		time.Sleep(time.Duration(rand.Int64N(int64(min(i+1, 10)) * int64(5*time.Millisecond))))
	}
	return time.Time{}, fmt.Errorf("%w: the write lost to writes through other servers %d times; try again", domain.ErrConflict, maxReplicaAttempts)
}

func (db *DB) recordOnce(o UpdateOptions, fn func(*Writer) error) (time.Time, error) {
	db.amu.Lock()
	h, next := db.head.Load(), db.nextID
	db.amu.Unlock()
	txn := db.bdb.NewTransactionAt(h.ts, true)
	defer txn.Discard()
	w := &Writer{Reader: Reader{db: db, txn: txn, ts: h.ts, at: h.ts}, next: next, seq0: next, rec: &recorder{}}
	if err := fn(w); err != nil {
		return time.Time{}, err
	}
	if !w.dirty {
		return tsTime(h.ts), nil
	}
	commitTs := db.commitTs(o.At, h.ts)
	if err := w.finish(commitTs, true); err != nil {
		return time.Time{}, err
	}
	if err := w.writeCommit(commitTs, &Commit{Author: o.Author, Note: o.Note}); err != nil {
		return time.Time{}, err
	}
	if err := db.roomToWrite(); err != nil {
		return time.Time{}, err
	}
	cs := &ChangeSet{base: h.ts, rev: h.rev, commit: commitTs, next: w.next,
		author: o.Author, note: o.Note, changes: w.changed, ops: w.rec.ops}
	if err := db.committer.Commit(cs); err != nil {
		return time.Time{}, err
	}
	return tsTime(commitTs), nil
}

// Apply writes a change set the log committed at revision rev at the
// change set's commit timestamp, with rev; a change set at or below the
// applied revision was applied before and is skipped, so a follower that
// replays the log after a restart is safe. Change sets must come in log
// order: one whose commit timestamp is not after the newest applied
// commit is ErrReplicated.
//
// A change set is one Badger transaction when it fits one. One written
// by a node with a larger memtable may not fit this replica's: it is
// written in chunks at the same timestamp, readers still reading below
// it, and the last transaction holds its commit record and the revision,
// so the change set becomes visible at once. A replica that dies between
// chunks opens below them (see hideUnapplied) and applies the same
// change set again, which writes the same keys at the same timestamp.
func (db *DB) Apply(cs *ChangeSet, rev uint64) error {
	if db.closed.Load() {
		return ErrClosed
	}
	if db.committer == nil {
		return fmt.Errorf("%w: the store is not a replica", ErrReplicated)
	}
	db.amu.Lock()
	defer db.amu.Unlock()
	h := db.head.Load()
	if rev <= h.rev {
		return nil
	}
	if cs.commit <= h.ts {
		return fmt.Errorf("%w: change set at revision %d commits at %d, not after the newest applied commit %d (revision %d)", ErrReplicated, rev, cs.commit, h.ts, h.rev)
	}
	if err := db.startWrite(); err != nil {
		return err
	}
	a := &applier{db: db, base: h.ts, commit: cs.commit}
	err := a.apply(cs.ops, rev)
	if errors.Is(err, badger.ErrTxnTooBig) {
		// Nothing was committed: one transaction commits only at its end.
		a.discard()
		a = &applier{db: db, base: h.ts, commit: cs.commit, chunked: true}
		err = a.apply(cs.ops, rev)
	}
	if err != nil {
		a.discard()
		db.cache.distrustNext()
		return fmt.Errorf("store: apply revision %d: %w", rev, err)
	}
	db.nextID = max(db.nextID, cs.next)
	db.publish(cs.commit, a.cached)
	db.head.Store(&head{ts: cs.commit, rev: rev})
	db.feed.publish(commitEvent(cs.commit, &Commit{Author: cs.author, Note: cs.note, Changes: cs.changes}))
	return nil
}

// applyChunkFault, set only by tests, fails a chunked apply after its
// first chunk, as a process killed there would leave it.
var applyChunkFault error

// applier writes one change set at its commit timestamp.
type applier struct {
	db           *DB
	base, commit uint64
	chunked      bool // more than one transaction (see Apply)
	txn          *badger.Txn
	chunks       int
	held         []kvOp // the commit record, kept for the last transaction
	cached       []string
}

// apply writes ops and then the revision, and commits.
func (a *applier) apply(ops []kvOp, rev uint64) error {
	if err := a.write(ops); err != nil {
		return err
	}
	return a.finish(rev)
}

// write sets and deletes ops; chunked, it commits a transaction whenever
// the next op does not fit, and holds the commit record back.
func (a *applier) write(ops []kvOp) error {
	chunked := a.chunked
	if chunked {
		// The first chunk names the log, so a replica that dies before
		// the last is still known for one at Open (see hideUnapplied).
		if err := a.put(kvOp{key: metaKey(metaOrigin), val: []byte(a.db.committer.Origin())}); err != nil {
			return err
		}
	}
	for _, op := range ops {
		if chunked && keyTag(op.key) == tagCommit {
			a.held = append(a.held, op)
			continue
		}
		if err := a.add(op); err != nil {
			return err
		}
		if t := keyTag(op.key); a.db.cache != nil && (t == tagNode || t == tagSlug) {
			a.cached = append(a.cached, string(op.key))
		}
	}
	return nil
}

// add puts op, first committing the chunk it does not fit in.
func (a *applier) add(op kvOp) error {
	err := a.put(op)
	if errors.Is(err, badger.ErrTxnTooBig) && a.chunked {
		if err = a.commitChunk(); err == nil {
			err = a.put(op)
		}
	}
	return err
}

func (a *applier) put(op kvOp) error {
	if a.txn == nil {
		a.txn = a.db.bdb.NewTransactionAt(a.base, true)
	}
	if op.del {
		return a.txn.Delete(op.key)
	}
	return a.txn.Set(op.key, op.val)
}

// commitChunk commits the chunk written so far, hidden from readers,
// which read at or below base until finish.
func (a *applier) commitChunk() error {
	if applyChunkFault != nil && a.chunks > 0 {
		return applyChunkFault
	}
	if err := a.db.startWrite(); err != nil {
		return err
	}
	err := a.txn.CommitAt(a.commit, nil)
	a.txn = nil
	a.chunks++
	return err
}

// finish writes the held commit record, the revision and the log's name
// in the last transaction and commits it.
func (a *applier) finish(rev uint64) error {
	if a.chunked && a.txn != nil {
		// The commit record must not share a chunk that could commit
		// without the revision.
		if err := a.commitChunk(); err != nil {
			return err
		}
	}
	for _, op := range a.held {
		if err := a.put(op); err != nil {
			return err
		}
	}
	if err := a.put(kvOp{key: metaKey(metaRev), val: numVal(rev)}); err != nil {
		return err
	}
	if err := a.put(kvOp{key: metaKey(metaOrigin), val: []byte(a.db.committer.Origin())}); err != nil {
		return err
	}
	if a.chunked && applyChunkFault != nil {
		return applyChunkFault
	}
	err := a.txn.CommitAt(a.commit, nil)
	a.txn = nil
	return err
}

func (a *applier) discard() {
	if a.txn != nil {
		a.txn.Discard()
		a.txn = nil
	}
}

// hideUnapplied is Open's recovery for a replica's directory (one that
// names its log): versions above the newest commit record are the chunks
// of a change set the replica died applying (see Apply). Rolling them
// back would write above that change set's timestamp, where the log's
// next entry must go; they are hidden instead ("now" is the newest commit
// record), and the follower applies the same change set over them.
func (db *DB) hideUnapplied() (bool, error) {
	top := db.lastTs.Load()
	txn := db.bdb.NewTransactionAt(top, false)
	defer txn.Discard()
	_, err := txn.Get(metaKey(metaOrigin))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: read origin: %w", err)
	}
	c, err := newestCommit(txn, top)
	if err != nil {
		return true, err
	}
	db.replicaDir = true
	db.lastTs.Store(c)
	return true, nil
}

// MarkApplied records that the replica holds the log up to revision rev
// without applying a change set: the replica was restored from the
// backup that the log's first entry carries (a cluster restored from a
// backup), so its content is that entry's. It writes the revision at the
// replica's newest commit timestamp, the same on every replica restored
// from that backup. Only a replica that has applied nothing may be marked.
func (db *DB) MarkApplied(rev uint64) error {
	if db.committer == nil {
		return fmt.Errorf("%w: the store is not a replica", ErrReplicated)
	}
	db.amu.Lock()
	defer db.amu.Unlock()
	h := db.head.Load()
	switch {
	case rev <= h.rev:
		return nil
	case h.rev != 0 || h.ts <= formatTs:
		return fmt.Errorf("%w: only a replica restored from the cluster's backup may take its revision %d (this one is at revision %d, newest commit %d)", ErrReplicated, rev, h.rev, h.ts)
	}
	if err := db.startWrite(); err != nil {
		return err
	}
	txn := db.bdb.NewTransactionAt(h.ts, true)
	defer txn.Discard()
	if err := txn.Set(metaKey(metaRev), numVal(rev)); err != nil {
		return err
	}
	if err := txn.Set(metaKey(metaOrigin), []byte(db.committer.Origin())); err != nil {
		return err
	}
	if err := txn.CommitAt(h.ts, nil); err != nil {
		return fmt.Errorf("store: mark revision %d: %w", rev, err)
	}
	db.head.Store(&head{ts: h.ts, rev: rev})
	return nil
}
