package main

import "testing"

// TestMembersReadsBounded: listing 32 members with their facts, each
// fact's citations and sources, costs a fixed number of store reads, not
// one per member: the dataloaders batch every level.
func TestMembersReadsBounded(t *testing.T) {
	srv, db := newTestServer(t)
	q := func(asOf string) int64 {
		before := db.Reads()
		r := query(t, srv.URL, `{ alliance(id: "org/nato") { members(asOf: "`+asOf+`", first: 100) { edges { node { id name iso3 memberships { id from { id } } } fact { id event { id } citations { source { id title } } } } } } }`)
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		return db.Reads() - before
	}
	small, large := q("1949-08-24"), q("2024-03-07") // 12 and 32 members
	t.Logf("store reads: %d for 12 members, %d for 32", small, large)
	// alliance, members' edges, member entities, memberships, their from
	// ends, events, sources: one read each, plus slack for a batch that a
	// slow scheduler splits in two.
	const bound = 12
	if large > bound || small > bound {
		t.Errorf("store reads %d (12 members) and %d (32 members); want at most %d each", small, large, bound)
	}
}
