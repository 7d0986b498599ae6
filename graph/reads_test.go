package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestMembersReadsBounded: listing 32 members with their facts, each
// fact's citations and sources, costs a fixed number of store reads, not
// one per member: the dataloaders batch every level.
func TestMembersReadsBounded(t *testing.T) {
	srv := servertest.New(t)
	db := srv.DB
	q := func(asOf string) int64 {
		before := db.Reads()
		r := servertest.Query(t, srv.URL, `{ alliance(id: "org/nato") { members(asOf: "`+asOf+`", first: 100) { edges { node { id name iso3 memberships { id from { id } } } fact { id event { id } citations { source { id title } } } } } } }`)
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
	srv := servertest.New(t)
	db := srv.DB
	err := db.Update("test", func(w *store.Writer) error {
		for _, org := range []struct {
			id string
			n  int
		}{{"org/small", 5}, {"org/large", 80}} {
			if _, err := w.PutEntity(domain.Entity{ID: org.id, Name: org.id}); err != nil {
				return err
			}
			for i := range org.n {
				c := fmt.Sprintf("country/X%s%03d", org.id[4:6], i)
				if _, err := w.PutEntity(domain.Entity{ID: c, Name: "Country " + c}); err != nil {
					return err
				}
				for j, o := range []string{org.id, "org/nato"} {
					_, err := w.PutFact(domain.Fact{ID: fmt.Sprintf("fact/%s-%d", c[8:], j), Predicate: domain.MemberOf, From: c, To: o,
						Valid: domain.Interval{From: domain.MustDate("2000-01-01")}, Citations: []domain.Citation{{Source: "doc/seed-rutte-takes-over"}}})
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
		r := servertest.Query(t, srv.URL, `{ alliance(id: "`+org+`") { members(first: 100) { totalCount edges { node { id
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
	srv := servertest.New(t)
	db := srv.DB
	const q = `{ facts(predicate: MEMBER_OF, startedAfter: "2020-01-01", orderBy: VALID_FROM, first: 5) { edges { node { id from { %s } to { %s } } } } }`
	run := func(sel string) (string, int64) {
		before := db.Reads()
		r := servertest.Query(t, srv.URL, fmt.Sprintf(q, sel, sel))
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

// TestMemberMembershipsReadAhead: a member list reads the memberships
// its members are asked for, with whatever arguments (literal or
// variable), in one store read ahead of them; the answer is the one the
// memberships field gives each country on its own.
func TestMemberMembershipsReadAhead(t *testing.T) {
	srv := servertest.New(t)
	db := srv.DB
	all := map[string]any{"d": "1999-03-12", "k": time.Now().UTC().Format(time.RFC3339)}
	types := map[string]string{"d": "Date!", "k": "DateTime"}
	// send runs body as an operation declaring the variables it uses.
	send := func(body string) (map[string]any, int64) {
		t.Helper()
		var decl []string
		vars := map[string]any{}
		for _, v := range []string{"d", "k"} {
			if strings.Contains(body, "$"+v) {
				decl = append(decl, "$"+v+": "+types[v])
				vars[v] = all[v]
			}
		}
		q := "query " + body
		if len(decl) > 0 {
			q = "query(" + strings.Join(decl, ", ") + ") " + body
		}
		before := db.Reads()
		status, b := servertest.Post(t, srv.URL, q, vars)
		reads := db.Reads() - before
		var r struct {
			Data   map[string]any
			Errors []any
		}
		if err := json.Unmarshal(b, &r); err != nil || status != 200 || len(r.Errors) > 0 {
			t.Fatalf("status %d: %s", status, b)
		}
		return r.Data, reads
	}
	const members = `{ alliance(id: "org/nato") { members(asOf: "2024-03-07", first: 100) { edges { node { id name %s } } } } }`
	_, plain := send(fmt.Sprintf(members, ""))
	for _, sel := range []string{
		`memberships { id validFrom to { id } }`,
		`memberships(asOf: $d) { id }`,
		`memberships(knownAt: $k) { id }`,
		`... on Country { a: memberships { id } b: memberships(asOf: "1960-01-01") { id } }`,
	} {
		t.Run(sel, func(t *testing.T) {
			data, reads := send(fmt.Sprintf(members, sel))
			fields := int64(strings.Count(sel, "memberships"))
			if reads != plain+fields {
				t.Errorf("%d store reads, %d without memberships; want one more per memberships field (%d)", reads, plain, fields)
			}
			edges := data["alliance"].(map[string]any)["members"].(map[string]any)["edges"].([]any)
			if len(edges) != 32 {
				t.Fatalf("%d members", len(edges))
			}
			for _, e := range edges[:3] {
				node := e.(map[string]any)["node"].(map[string]any)
				one, _ := send(fmt.Sprintf(`{ country(id: %q) { id name %s } }`, node["id"], sel))
				if !reflect.DeepEqual(one["country"], node) {
					t.Errorf("as a member:\n%v\non its own:\n%v", node, one["country"])
				}
			}
		})
	}
}

// TestKnownAtFarFromNow: knownAt outside the years 1678..2262, where a
// time's nanoseconds overflow an int64, reads as any other time: a date
// after the newest commit reads the newest graph, one before the first
// commit reads an empty one. The dataloaders' snapshot key wrapped
// around there, so 3000 read nothing and 0001 read everything.
func TestKnownAtFarFromNow(t *testing.T) {
	srv := servertest.New(t)
	for _, tc := range []struct {
		knownAt string
		found   bool
	}{
		{"2100-01-01T00:00:00Z", true},
		{"2262-04-12T00:00:00Z", true},
		{"3000-01-01T00:00:00Z", true},
		{"9999-12-31T23:59:59Z", true},
		{"1970-01-01T00:00:00Z", false},
		{"1900-01-01T00:00:00Z", false},
		{"1677-09-21T00:12:43Z", false},
		{"0001-01-01T00:00:01Z", false},
	} {
		t.Run(tc.knownAt, func(t *testing.T) {
			status, b := servertest.Post(t, srv.URL, `query($k: DateTime!) { alliance(id: "org/nato", knownAt: $k) { name members(first: 1) { totalCount } } }`, map[string]any{"k": tc.knownAt})
			var r servertest.Response
			if err := json.Unmarshal(b, &r); err != nil || status != http.StatusOK {
				t.Fatalf("status %d, body %s: %v", status, b, err)
			}
			switch {
			case tc.found && r.Code() != "":
				t.Errorf("knownAt %s: %s, want the newest graph", tc.knownAt, b)
			case tc.found && !strings.Contains(string(r.Data), `"totalCount":32`):
				t.Errorf("knownAt %s: %s, want NATO's 32 members", tc.knownAt, r.Data)
			case !tc.found && r.Code() != "NOT_FOUND":
				t.Errorf("knownAt %s: %s, want NOT_FOUND (before the first commit)", tc.knownAt, b)
			}
		})
	}
}
