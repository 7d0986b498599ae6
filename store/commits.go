package store

import (
	"math"
	"slices"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// SnapshotTime returns the transaction time of the newest commit this
// snapshot shows (zero for an empty one). Unlike KnownAt, it depends only
// on what was committed, so it names the snapshot's content.
func (r *Reader) SnapshotTime() (time.Time, error) {
	ts, err := newestCommit(r.txn, r.ts)
	return tsTime(ts), err
}

// newestCommit returns the timestamp of the newest commit record at or
// before ts visible to txn, or 0.
func newestCommit(txn *badger.Txn, ts uint64) (uint64, error) {
	opts := badgerIterOpts(tagPrefix(tagCommit))
	opts.Reverse = true
	it := txn.NewIterator(opts)
	defer it.Close()
	it.Seek(commitKey(ts))
	if !it.ValidForPrefix(opts.Prefix) {
		return 0, nil
	}
	return parseCommitKey(it.Item().Key())
}

// commitFrom returns the first commit at or after ts: the one that made a
// change written at ts visible (a bulk write's chunks become visible with
// its final commit).
func (r *Reader) commitFrom(ts uint64) (uint64, *Commit, error) {
	opts := badgerIterOpts(tagPrefix(tagCommit))
	it := r.txn.NewIterator(opts)
	defer it.Close()
	it.Seek(commitKey(ts))
	if !it.ValidForPrefix(opts.Prefix) {
		return 0, nil, errKey("history entry without a commit", commitKey(ts))
	}
	cts, err := parseCommitKey(it.Item().Key())
	if err != nil {
		return 0, nil, err
	}
	v, err := it.Item().ValueCopy(nil)
	if err != nil {
		return 0, nil, err
	}
	c, err := decodeCommit(v)
	return cts, c, err
}

// HistoryEntry is one change of one entity or fact.
type HistoryEntry struct {
	Time   time.Time // the transaction time it became visible
	Author string
	Note   string
	Change domain.Change
	// Pos is the entry's place in its record's history, increasing; pass
	// it to HistoryAfter to read the entries after this one.
	Pos uint64
}

// History lists the changes of entity or fact id that this snapshot
// shows, oldest first, at most limit (<= 0: all). It is one prefix scan of
// the history index, whatever the number of commits; an ID that never
// existed has an empty history.
func (r *Reader) History(id string, limit int) ([]HistoryEntry, error) {
	return r.HistoryAfter(id, 0, limit)
}

// HistoryAfter is History starting after the entry at position after (0:
// from the first).
func (r *Reader) HistoryAfter(id string, after uint64, limit int) ([]HistoryEntry, error) {
	r.count()
	if _, _, err := domain.SplitID(id); err != nil {
		return nil, err
	}
	prefix := histPrefix(id)
	opts := badgerIterOpts(prefix)
	it := r.txn.NewIterator(opts)
	defer it.Close()
	var out []HistoryEntry
	start := prefix
	if after > 0 {
		if after == math.MaxUint64 {
			return nil, nil
		}
		start = histKey(id, after+1)
	}
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		_, ts, err := parseHistKey(it.Item().Key())
		if err != nil {
			return nil, err
		}
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return nil, err
		}
		ch, err := decodeChange(v)
		if err != nil {
			return nil, err
		}
		cts, c, err := r.commitFrom(ts)
		if err != nil {
			return nil, err
		}
		out = append(out, HistoryEntry{Time: tsTime(cts), Author: c.Author, Note: c.Note, Change: ch, Pos: ts})
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out, nil
}

// ChangedBy returns the IDs of the entities and facts that a commit by
// author changed at least once, as this snapshot's history shows it,
// whether they exist now or not, in ID order. It reads every commit
// record and every key of the history index once.
func (r *Reader) ChangedBy(author string) ([]string, error) {
	r.count()
	// Commit timestamps in order, and whether author made each.
	var cts []uint64
	var by []bool
	err := r.scanValues(tagPrefix(tagCommit), func(k, v []byte) error {
		ts, err := parseCommitKey(k)
		if err != nil {
			return err
		}
		c, err := decodeCommit(v)
		if err != nil {
			return err
		}
		cts, by = append(cts, ts), append(by, c.Author == author)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var ids []string
	prefix := tagPrefix(tagHist)
	it := r.txn.NewIterator(badgerIterOpts(prefix))
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		id, ts, err := parseHistKey(it.Item().Key())
		if err != nil {
			return nil, err
		}
		if len(ids) > 0 && ids[len(ids)-1] == id {
			continue
		}
		// A change belongs to the first commit at or after it (see
		// commitFrom): a bulk write's chunks commit with its last one.
		if i, _ := slices.BinarySearch(cts, ts); i < len(cts) && by[i] {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
