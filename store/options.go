package store

import (
	"log/slog"
	"math"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// Options configures Open. The zero value is not useful; start from
// DefaultOptions and chain WithX methods, which return modified copies.
type Options struct {
	inMemory   bool
	syncWrites bool
	clock      func() time.Time
	logger     *slog.Logger
	cacheBytes int64
	memTable   int64
	// entityCacheBytes bounds the entity cache (cache.go); 0 disables it.
	entityCacheBytes int64
	// noCreate makes Open refuse a directory without a store (WithCreate).
	noCreate bool
	// readOnly opens Badger read-only (WithReadOnly).
	readOnly bool
	// committer makes the store a replica (WithCommitter).
	committer Committer
}

// DefaultOptions returns options for an on-disk store with synced writes
// and the system clock.
func DefaultOptions() Options {
	return Options{
		syncWrites: true,
		clock:      time.Now,
		logger:     slog.New(slog.DiscardHandler),
		cacheBytes: DefaultBlockCacheBytes,
		memTable:   DefaultMemTableBytes,
		// Sized to hold the most read entities of the factor-1 graph,
		// not all of them, so that a server's memory stays bounded
		// (docs/BENCHMARKS.md).
		entityCacheBytes: DefaultEntityCacheBytes,
	}
}

// WithCommitter makes the store a replica of a replicated log (see
// Committer): writes commit through c, and the store changes only
// through Apply. Open itself writes locally (the format version of an
// empty store, at the same timestamp on every replica).
func (o Options) WithCommitter(c Committer) Options { o.committer = c; return o }

// WithInMemory keeps everything in memory (dir is ignored); for tests.
func (o Options) WithInMemory(v bool) Options { o.inMemory = v; return o }

// WithCreate says whether Open may create a store in a directory that has
// none (true by default: a server or an import starts from nothing).
// Tools that only read a store (check, export, backup) pass false, so
// that a mistyped path is ErrNoStore instead of a new, empty graph that
// checks as consistent and exports as nothing.
func (o Options) WithCreate(v bool) Options { o.noCreate = !v; return o }

// WithReadOnly opens an existing store without writing to its directory
// (Badger's ReadOnly mode), for tools that only read it (check, export,
// backup): they then work on a read-only mount and on a full disk, and
// share the directory with each other but not with a writer. It implies
// WithCreate(false). Every write is refused with ErrReadOnly. A store
// that was not closed cleanly needs writes to open (Badger replays and
// truncates its write-ahead log), so a read-only Open of one fails with
// ErrNeedsRecovery, and a read-write Open recovers it.
func (o Options) WithReadOnly(v bool) Options { o.readOnly = v; return o }

// WithSyncWrites sets whether each commit is fsynced before it returns.
// On by default: an acknowledged write survives a crash.
func (o Options) WithSyncWrites(v bool) Options { o.syncWrites = v; return o }

// WithClock sets the clock commit timestamps are taken from. Timestamps
// stay strictly increasing even if the clock goes backwards.
func (o Options) WithClock(now func() time.Time) Options { o.clock = now; return o }

// WithLogger sets where Badger's own log lines go (warnings and errors).
func (o Options) WithLogger(l *slog.Logger) Options { o.logger = l; return o }

// DefaultBlockCacheBytes is the default size of Badger's block cache.
const DefaultBlockCacheBytes = 32 << 20

// WithBlockCacheSize sets Badger's block cache size in bytes.
func (o Options) WithBlockCacheSize(n int64) Options { o.cacheBytes = n; return o }

// DefaultMemTableBytes is the default size of Badger's memtables.
const DefaultMemTableBytes = 64 << 20

// MinMemTableBytes is the smallest memtable size Open accepts: Badger
// needs its largest transaction, 15% of the memtable, to hold a value of
// 1 MiB, the largest it keeps in the LSM tree.
const MinMemTableBytes = 8 << 20

// WithMemTableSize sets the size of Badger's memtables in bytes, at least
// MinMemTableBytes. Badger allocates the mutable one whole when it opens
// (its arena, about 1.3 times the size), and the largest transaction it
// takes is 15% of it, so this bounds both a serving process's fixed
// memory and the largest single write (a bulk import writes in chunks
// well below it).
func (o Options) WithMemTableSize(n int64) Options { o.memTable = n; return o }

// DefaultEntityCacheBytes is the default size of the entity cache.
const DefaultEntityCacheBytes = 32 << 20

// WithEntityCacheSize bounds the cache of decoded entities and readable-ID
// lookups that reads at the newest snapshot share, in bytes (estimated; see
// entityCost); 0 or less disables it. DefaultEntityCacheBytes by default.
func (o Options) WithEntityCacheSize(n int64) Options { o.entityCacheBytes = max(n, 0); return o }

// Badger returns the options Open gives Badger for directory dir (open it
// with badger.OpenManaged). Tools that measure Badger on its own use it
// so that they measure what a store does (bench/swfloor).
func (o Options) Badger(dir string) badger.Options {
	bo := badger.DefaultOptions(dir).
		WithNumVersionsToKeep(math.MaxInt32).
		WithSyncWrites(o.syncWrites).
		WithBlockCacheSize(o.cacheBytes).
		WithMemTableSize(o.memTable).
		// Verify each block's checksum when it is read. OnTableRead
		// verifies whole tables at open: every block decompressed and
		// every page of the directory touched before the first request,
		// a memory peak at every start.
		WithChecksumVerificationMode(options.OnBlockRead).
		WithMetricsEnabled(false).
		WithReadOnly(o.readOnly)
	if o.logger != nil {
		bo = bo.WithLogger(badgerLogger{o.logger})
	} else {
		bo = bo.WithLogger(nil)
	}
	if o.inMemory {
		bo = bo.WithInMemory(true).WithDir("").WithValueDir("")
	}
	return bo
}
