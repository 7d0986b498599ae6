// Package store is alliancegraph's property graph on Badger v4.
//
// It owns entities (nodes), facts (edges with a valid-time interval,
// properties and citations) and every index over them. It knows nothing of
// GraphQL or HTTP.
//
// Two times are kept. Valid time is data: a fact is true in the world during
// [ValidFrom, ValidTo). Transaction time is Badger's own MVCC in managed
// mode: every write commits at a timestamp taken from the store's monotonic
// clock, every version is kept, and a read can be opened at any earlier
// moment to see the graph as it stood then (see DB.View and KnownAt).
//
// Writes go through DB.Update (one transaction) or DB.BulkUpdate (chunks
// behind one visible switch, bulk.go). Every write is checked against the
// domain rules (rules.go), leaves a commit record and one history entry per
// changed ID (commits.go), and is fanned out to subscribers (feed.go).
//
// Byte layouts live in keys.go only; record encodings in codec.go only.
package store
