package store

import badger "github.com/dgraph-io/badger/v4"

// badgerIterOpts returns iterator options for a prefix scan.
//
// Values are never prefetched: Badger's prefetch starts a goroutine per
// item and reads up to PrefetchSize items ahead on every Seek, which pays
// off for values in the value log, not for this store's values, which are
// small and stored inline in the LSM tree (Item.Value then returns them
// without I/O). On path searches and edge scans the prefetch goroutines
// were a fifth of the CPU.
func badgerIterOpts(prefix []byte) badger.IteratorOptions {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	opts.PrefetchValues = false
	return opts
}
