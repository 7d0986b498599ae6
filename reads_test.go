package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/store"
)

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

// TestNestedReadsDoNotGrow runs a three-level nested query (alliance ->
// members -> each member's memberships -> their other ends and sources)
// on alliances of 5 and of 80 members: the store reads are the same, so
// nothing is read per member.
func TestNestedReadsDoNotGrow(t *testing.T) {
	srv, db := newTestServer(t)
	err := db.Update("test", func(w *store.Writer) error {
		for _, org := range []struct {
			id string
			n  int
		}{{"org/small", 5}, {"org/large", 80}} {
			if _, err := w.PutEntity(store.Entity{ID: org.id, Name: org.id}); err != nil {
				return err
			}
			for i := range org.n {
				c := fmt.Sprintf("country/X%s%03d", org.id[4:6], i)
				if _, err := w.PutEntity(store.Entity{ID: c, Name: "Country " + c}); err != nil {
					return err
				}
				for j, o := range []string{org.id, "org/nato"} {
					_, err := w.PutFact(store.Fact{ID: fmt.Sprintf("fact/%s-%d", c[8:], j), Predicate: store.MemberOf, From: c, To: o,
						Valid: store.Interval{From: store.MustDate("2000-01-01")}, Citations: []store.Citation{{Source: "doc/seed-rutte-takes-over"}}})
					if err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	reads := func(org string) int64 {
		before := db.Reads()
		r := query(t, srv.URL, `{ alliance(id: "`+org+`") { members(first: 100) { totalCount edges { node { id
			memberships { id to { id name } citations { source { id } } } } } } } }`)
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		return db.Reads() - before
	}
	small, large := reads("org/small"), reads("org/large")
	t.Logf("store reads: %d for 5 members, %d for 80", small, large)
	if large > small+2 {
		t.Errorf("reads grow with members: %d for 5, %d for 80", small, large)
	}
}

// TestIDOnlyEndsReadNothing: a fact's from and to asked for only their id
// and __typename are answered from the fact itself, without reading the
// entities; ask for one more field and they are read. The answers agree.
func TestIDOnlyEndsReadNothing(t *testing.T) {
	srv, db := newTestServer(t)
	const q = `{ facts(predicate: MEMBER_OF, startedAfter: "2020-01-01", orderBy: VALID_FROM, first: 5) { edges { node { id from { %s } to { %s } } } } }`
	run := func(sel string) (string, int64) {
		before := db.Reads()
		r := query(t, srv.URL, fmt.Sprintf(q, sel, sel))
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		return string(r.Data), db.Reads() - before
	}
	idOnly, idReads := run("id __typename")
	named, namedReads := run("id __typename name")
	want := `{"facts":{"edges":[{"node":{"id":"fact/mkd-member-of-nato","from":{"id":"country/MKD","__typename":"Country"},"to":{"id":"org/nato","__typename":"Organization"}}}`
	if !strings.HasPrefix(idOnly, want) {
		t.Errorf("id-only answer %s, want it to start %s", idOnly, want)
	}
	if !strings.Contains(named, `"id":"country/FIN","__typename":"Country","name":"Finland"`) {
		t.Errorf("named answer %s", named)
	}
	if stripped := regexp.MustCompile(`,"name":"[^"]*"`).ReplaceAllString(named, ""); stripped != idOnly {
		t.Errorf("without names the answers differ:\n%s\n%s", stripped, idOnly)
	}
	if idReads >= namedReads {
		t.Errorf("store reads: %d asking only ids, %d asking names; want fewer without names", idReads, namedReads)
	}
}
