package domain

import "time"

// Op says how a commit changed an entity or fact.
type Op string

// The operations a change record names.
const (
	OpCreate Op = "create" // it did not exist before this commit
	OpUpdate Op = "update" // it existed and its record changed
	OpDelete Op = "delete" // it was removed (a retracted fact, a deleted entity)
)

// Change is one entity or fact a commit changed. For facts, Predicate,
// From and To name the edge (as it was before a delete), so subscribers
// can filter without reading the store.
//
// The JSON field names are the stored history record's: changing one
// changes the on-disk format.
type Change struct {
	ID        string    `json:"id"`
	Op        Op        `json:"op"`
	Predicate Predicate `json:"p,omitempty"`
	From      string    `json:"from,omitempty"`
	To        string    `json:"to,omitempty"`
}

// CommitEvent is one committed write as subscribers receive it.
type CommitEvent struct {
	Time    time.Time // the commit's transaction time
	Author  string
	Note    string
	Changes []Change
	// Missed counts the events dropped just before this one because the
	// subscriber did not keep up.
	Missed int
}
