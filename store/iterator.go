package store

import badger "github.com/dgraph-io/badger/v4"

// badgerIterOpts returns iterator options for a prefix scan; values are
// prefetched only when the caller reads them.
func badgerIterOpts(prefix []byte, values bool) badger.IteratorOptions {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	opts.PrefetchValues = values
	return opts
}
