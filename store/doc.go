// Package store is alliancegraph's property graph on Badger v4: the engine
// that keeps the domain package's records.
//
// It owns how entities (nodes), facts (edges with a valid-time interval,
// properties and citations) and every index over them are stored. What a
// record, an ID, a date or a rule is belongs to the domain package. It
// knows nothing of GraphQL or HTTP.
//
// Two times are kept. Valid time is data: a fact is true in the world during
// [ValidFrom, ValidTo). Transaction time is Badger's own MVCC in managed
// mode: every write commits at a timestamp taken from the store's monotonic
// clock, every version is kept, and a read can be opened at any earlier
// moment to see the graph as it stood then (see DB.View and KnownAt).
//
// Writes go through DB.Update (one transaction), DB.BulkUpdate (chunks
// behind one visible switch, bulk.go) or DB.Load (the fast loader that
// fills an empty store, fastload*.go). Every write is checked against the
// domain rules (rules.go finds the facts a rule compares), leaves a commit
// record and one history entry per changed ID (commits.go), and is fanned
// out to subscribers (feed.go).
//
// Byte layouts live in keys.go only (ParseKey reads any key); record
// encodings in codec.go only.
package store
