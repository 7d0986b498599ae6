package store

import (
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// SnapshotTime returns the transaction time of the newest commit this
// snapshot shows (zero for an empty one). Unlike KnownAt, it depends only
// on what was committed, so it names the snapshot's content.
func (r *Reader) SnapshotTime() (time.Time, error) {
	opts := badger.DefaultIteratorOptions
	opts.Reverse = true
	opts.PrefetchValues = false
	opts.Prefix = []byte{tagCommit}
	it := r.txn.NewIterator(opts)
	defer it.Close()
	it.Seek(commitKey(r.ts))
	if !it.ValidForPrefix(opts.Prefix) {
		return time.Time{}, nil
	}
	ts, err := parseCommitKey(it.Item().Key())
	if err != nil {
		return time.Time{}, err
	}
	return tsTime(ts), nil
}
