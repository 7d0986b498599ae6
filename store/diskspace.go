package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The free-space guard.
//
// Badger writes its memtable logs, value logs, new tables and discard
// statistics through memory maps of files it first sizes as sparse
// files. On a full filesystem a store into a page that no block backs
// raises SIGBUS, and it happens in Badger's own goroutines (the write
// loop, a memtable flush, a compaction), where Go cannot recover it: the
// process dies. So the store starts no write, and no read-write open,
// unless its filesystem has room for everything Badger may write into
// such pages because of it. For a write, that is:
//
//   - the write itself, into the memtable log or the value log: at most
//     Badger's largest transaction, 15% of the memtable (maxBatch);
//   - the flush of the memtable that holds it: one table, at most the
//     memtable's arena (the memtable plus two maxBatch);
//   - the compaction that table may start: Badger writes a compaction's
//     new tables before it deletes the old ones, and a compaction from
//     level 0 into the base level rewrites every table of the base
//     level, which in a store of up to a few GiB is the bottom level
//     holding nearly everything: so the size of every table, plus the
//     new one;
//   - diskSlack for small files: the header page of a new memtable log
//     or value log, the MANIFEST's growth, the discard statistics.
//
// writeNeed = tables + 2*arena + maxBatch + diskSlack. A read-write open
// writes nothing of its own but the small files; it replays the memtable
// logs a process that did not close the store left, and flushes each
// into a table (at most the log's written size, which the table
// compresses) that a compaction may rewrite with every other table:
// openNeed = tables + 2*logs + diskSlack. The value log file size does
// not enter: its file is sparse, and only the values written fill it.
//
// The guard refuses early rather than late: it assumes the worst
// compaction. It cannot protect against another process filling the
// filesystem while a flush or compaction that was admitted runs.

// diskSlack is the room kept for Badger's small files (see above).
const diskSlack = 4 << 20

// diskGuard checks a store's filesystem for room before writes.
type diskGuard struct {
	dir      string
	arena    uint64 // Badger's memtable arena: what one flush writes at most
	maxBatch uint64 // Badger's largest transaction
}

func newDiskGuard(dir string, memTable int64) *diskGuard {
	maxBatch := uint64(memTable) * 15 / 100 // Badger's maxBatchSize
	return &diskGuard{dir: dir, arena: uint64(memTable) + 2*maxBatch, maxBatch: maxBatch}
}

// writeNeed is the free space a write needs, given the size of the
// store's tables.
func (g *diskGuard) writeNeed(tables uint64) uint64 {
	return tables + 2*g.arena + g.maxBatch + diskSlack
}

// room returns ErrDiskFull, saying what needed how much, unless the
// filesystem of the guard's directory has need bytes free.
func (g *diskGuard) room(need uint64, what string) error {
	free, ok, err := freeBytes(existingDir(g.dir))
	if err != nil {
		return fmt.Errorf("store: free disk space: %w", err)
	}
	if !ok || free >= need {
		return nil
	}
	return fmt.Errorf("%w: %s needs %s free on the store's filesystem and %s is; free some space and try again",
		ErrDiskFull, what, mib(need), mib(free))
}

// existingDir returns dir, or its nearest ancestor that exists.
func existingDir(dir string) string {
	for {
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

// roomToOpen checks, before Badger opens dir read-write, that it has the
// room openNeed says.
func roomToOpen(dir string, memTable int64) error {
	var tables, logs uint64
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: open %s: %w", dir, err)
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			continue // gone since the listing
		}
		switch filepath.Ext(e.Name()) {
		case ".sst":
			tables += uint64(fi.Size())
		case ".mem":
			logs += allocatedBytes(fi) // the file is sparse
		}
	}
	return newDiskGuard(dir, memTable).room(tables+2*logs+diskSlack, "opening the store for writing")
}

// roomToRestore checks that a restore of a backup stream of size bytes
// into a new directory in parent has room: Badger loads the stream
// through its write path, so its tables (at most the stream's size) may
// be compacted while they are written, and the last memtable flushed.
func roomToRestore(parent string, size int64, memTable int64) error {
	g := newDiskGuard(parent, memTable)
	return g.room(g.writeNeed(2*uint64(max(size, 0))), "restoring this backup")
}

// roomToWrite checks that a write may start (see writeNeed). In memory
// and read-only, there is nothing to check.
func (db *DB) roomToWrite() error {
	if db.disk == nil {
		return nil
	}
	if err := db.disk.room(db.disk.writeNeed(db.tableBytes()), "a write"); err != nil {
		return fmt.Errorf("%w (reads still work)", err)
	}
	return nil
}

// roomToLoad checks that Load may write mem's keys and values: Badger's
// StreamWriter writes them straight into bottom-level tables (at most
// their size, which the tables compress), with no memtable to flush and
// no compaction behind them, and then a few keys through a commit.
func (db *DB) roomToLoad(mem *memKV) error {
	db.wrote.Store(true)
	if db.disk == nil {
		return nil
	}
	var n uint64
	for _, c := range mem.arena {
		n += uint64(len(c))
	}
	return db.disk.room(n+diskSlack, "this import")
}

// tableBytes is the size of the store's tables on disk.
func (db *DB) tableBytes() uint64 {
	var n uint64
	for _, t := range db.bdb.Tables() {
		n += uint64(t.OnDiskSize)
	}
	return n
}

// mib formats a byte count in MiB with one decimal.
func mib(n uint64) string {
	s := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + " MiB"
}
