package store

import (
	"context"
	"errors"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// GCValueLog rewrites value-log files until none is worth rewriting
// (more than half of it discardable), and returns how many it rewrote.
// Badger never does this on its own. Versions are all kept (see Open), so
// only data that no transaction time can read is reclaimed.
func (db *DB) GCValueLog() (int, error) {
	if db.closed.Load() {
		return 0, ErrClosed
	}
	if db.readOnly {
		return 0, nil // nothing may be rewritten
	}
	n := 0
	for {
		// A rewrite goes through the write path: it needs a write's room.
		if err := db.roomToWrite(); err != nil {
			return n, err
		}
		err := db.bdb.RunValueLogGC(0.5)
		if !errors.Is(err, badger.ErrNoRewrite) && !errors.Is(err, badger.ErrRejected) {
			db.wrote.Store(true) // rewritten values went into the memtable
		}
		switch {
		case err == nil:
			n++
		case errors.Is(err, badger.ErrNoRewrite), errors.Is(err, badger.ErrRejected), errors.Is(err, badger.ErrGCInMemoryMode):
			return n, nil
		default:
			return n, err
		}
	}
}

// RunGC calls GCValueLog every interval until ctx is done, reporting
// errors to onErr (which may be nil).
func (db *DB) RunGC(ctx context.Context, interval time.Duration, onErr func(error)) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := db.GCValueLog(); err != nil && onErr != nil && !errors.Is(err, ErrClosed) {
				onErr(err)
			}
		}
	}
}
