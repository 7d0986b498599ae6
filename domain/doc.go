// Package domain is what alliancegraph's graph is, whatever keeps it:
// entity kinds and predicates (and which kinds a predicate joins),
// readable IDs and the one place IDs are minted, dates, intervals and
// date precision, typed properties, the Entity, Fact and Citation
// records and what makes one storable, how names are folded into the
// words they are found by, the alliance rules (a state is a member of an
// alliance once at a time; a single-holder office has one holder at a
// time), the records of a commit's changes, and the closed set of error
// codes clients see (Code, CodeOf, Message).
//
// It imports nothing of this module and no storage engine: the store
// keeps these records, the GraphQL models convert them, the importers and
// exporters read and write them.
package domain
