package store

// Stats are the figures an operator watches: on-disk size and how well
// the caches serve reads. Reading them is cheap (no I/O).
type Stats struct {
	LSMBytes, ValueLogBytes int64
	// BlockCacheHits and BlockCacheMisses count Badger's block cache
	// lookups since open (0 when it is off); IndexCache* its table
	// index cache.
	BlockCacheHits, BlockCacheMisses uint64
	IndexCacheHits, IndexCacheMisses uint64
	// Subscribers is the number of open commit-feed subscriptions.
	Subscribers int
}

// Stats returns the store's current figures.
func (db *DB) Stats() Stats {
	var s Stats
	s.LSMBytes, s.ValueLogBytes = db.bdb.Size()
	if m := db.bdb.BlockCacheMetrics(); m != nil {
		s.BlockCacheHits, s.BlockCacheMisses = m.Hits(), m.Misses()
	}
	if m := db.bdb.IndexCacheMetrics(); m != nil {
		s.IndexCacheHits, s.IndexCacheMisses = m.Hits(), m.Misses()
	}
	s.Subscribers = db.Subscribers()
	return s
}
