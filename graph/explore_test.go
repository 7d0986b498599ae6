package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

func TestPathAsOf(t *testing.T) {
	srv := servertest.New(t)
	type path struct {
		Length int
		Steps  []struct {
			Entity    struct{ ID string }
			Fact      *struct{ ID, ValidFrom, ValidTo string }
			Direction *string
		}
	}
	paths := func(asOf string) []path {
		r := servertest.Query(t, srv.URL, `{ path(from: "person/mark-rutte", to: "country/FIN", maxHops: 3, asOf: "`+asOf+`", limit: 20) {
			length steps { entity { id } fact { id validFrom validTo } direction } } }`)
		var d struct{ Path []path }
		mustDecode(t, r, &d)
		return d.Path
	}
	now := paths("2024-10-01")
	if len(now) == 0 {
		t.Fatal("no path from Rutte to Finland on 2024-10-01")
	}
	for _, p := range now {
		if p.Length > 3 || p.Steps[0].Entity.ID != "person/mark-rutte" || p.Steps[len(p.Steps)-1].Entity.ID != "country/FIN" {
			t.Errorf("bad path %+v", p)
		}
		for _, s := range p.Steps[1:] {
			if s.Fact.ValidFrom > "2024-10-01" || (s.Fact.ValidTo != "" && s.Fact.ValidTo <= "2024-10-01") {
				t.Errorf("fact %s not valid on 2024-10-01", s.Fact.ID)
			}
		}
	}
	for _, p := range paths("2022-01-01") {
		for _, s := range p.Steps[1:] {
			if s.Fact.ID == "fact/fin-member-of-nato" {
				t.Errorf("a path on 2022-01-01 uses Finland's membership: %+v", p)
			}
		}
	}
}

func TestNeighborhoodCounts(t *testing.T) {
	srv := servertest.New(t)
	for date, want := range map[string]int{"2023-12-31": 31, "2024-03-07": 32} {
		r := servertest.Query(t, srv.URL, `{ neighborhood(ids: ["org/nato"], depth: 1, predicates: [MEMBER_OF], asOf: "`+date+`") { nodes { id kind } facts { id } truncated } }`)
		var d struct {
			Neighborhood struct {
				Nodes     []struct{ ID, Kind string }
				Facts     []struct{ ID string }
				Truncated bool
			}
		}
		mustDecode(t, r, &d)
		countries := 0
		for _, n := range d.Neighborhood.Nodes {
			if n.Kind == "COUNTRY" {
				countries++
			}
		}
		if countries != want || len(d.Neighborhood.Facts) != want || d.Neighborhood.Truncated {
			t.Errorf("%s: %d countries, %d facts, truncated %v; want %d", date, countries, len(d.Neighborhood.Facts), d.Neighborhood.Truncated, want)
		}
	}
}

func TestMembershipDiff(t *testing.T) {
	srv := servertest.New(t)
	r := servertest.Query(t, srv.URL, `{ alliance(id: "org/nato") { membershipDiff(from: "2020-01-01", to: "2024-12-31") { joined { date country { id } fact { id } } left { date country { id } } } } }`)
	var d struct {
		Alliance struct {
			MembershipDiff struct {
				Joined []struct {
					Date    string
					Country struct{ ID string }
				}
				Left []json.RawMessage
			}
		}
	}
	mustDecode(t, r, &d)
	var got []string
	for _, j := range d.Alliance.MembershipDiff.Joined {
		got = append(got, j.Date+" "+j.Country.ID)
	}
	want := "2020-03-27 country/MKD,2023-04-04 country/FIN,2024-03-07 country/SWE"
	if strings.Join(got, ",") != want || len(d.Alliance.MembershipDiff.Left) != 0 {
		t.Errorf("joined %v, left %d; want %s and none", got, len(d.Alliance.MembershipDiff.Left), want)
	}
}

// TestMembersPaging pages NATO's members ten at a time by SINCE then NAME,
// forward with first/after and backward with last/before: each visits all
// 32 exactly once, in the same order.
func TestMembersPaging(t *testing.T) {
	srv := servertest.New(t)
	type page struct {
		Alliance struct {
			Members struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage, HasPreviousPage bool
					StartCursor, EndCursor       string
				}
				Edges []struct {
					Since string
					Node  struct{ ID, Name string }
				}
			}
		}
	}
	fetch := func(args string) page {
		if !strings.Contains(args, "orderBy") {
			args += ", orderBy: {field: SINCE}"
		}
		r := servertest.Query(t, srv.URL, `{ alliance(id: "org/nato") { members(asOf: "2024-10-01", `+args+`) {
			totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { since node { id name } } } } }`)
		var p page
		mustDecode(t, r, &p)
		return p
	}
	var forward []string
	args := "first: 10"
	for i := 0; i < 10; i++ {
		p := fetch(args)
		for _, e := range p.Alliance.Members.Edges {
			forward = append(forward, e.Since+" "+e.Node.Name)
		}
		if !p.Alliance.Members.PageInfo.HasNextPage {
			break
		}
		args = `first: 10, after: "` + p.Alliance.Members.PageInfo.EndCursor + `"`
	}
	var backward []string
	args = "last: 10"
	for i := 0; i < 10; i++ {
		p := fetch(args)
		var chunk []string
		for _, e := range p.Alliance.Members.Edges {
			chunk = append(chunk, e.Since+" "+e.Node.Name)
		}
		backward = append(chunk, backward...)
		if !p.Alliance.Members.PageInfo.HasPreviousPage {
			break
		}
		args = `last: 10, before: "` + p.Alliance.Members.PageInfo.StartCursor + `"`
	}
	if len(forward) != 32 || strings.Join(forward, "|") != strings.Join(backward, "|") {
		t.Fatalf("forward %d %v\nbackward %d %v", len(forward), forward, len(backward), backward)
	}
	seen := map[string]bool{}
	for i, m := range forward {
		if seen[m] {
			t.Errorf("%s twice", m)
		}
		seen[m] = true
		if i > 0 && forward[i-1] > m {
			t.Errorf("out of order: %s before %s", forward[i-1], m)
		}
	}
	if !strings.HasPrefix(forward[0], "1949-08-24 Belgium") || forward[31] != "2024-03-07 Sweden" {
		t.Errorf("first %q, last %q", forward[0], forward[31])
	}
	desc := fetch(`orderBy: {field: NAME, direction: DESC}, first: 2`)
	if e := desc.Alliance.Members.Edges; len(e) != 2 || e[0].Node.Name != "United States" {
		t.Errorf("by name descending: %+v", e)
	}
}

// TestTraversalCaps: requests over a traversal cap answer LIMIT_EXCEEDED
// naming it, and the server keeps serving.
func TestTraversalCaps(t *testing.T) {
	srv := servertest.New(t)
	for _, tc := range []struct{ name, q, word string }{
		{"maxHops", `{ path(from: "country/FIN", to: "org/nato", maxHops: 7) { length } }`, "maxHops"},
		{"depth", `{ neighborhood(ids: ["org/nato"], depth: 9) { truncated } }`, "depth"},
		{"maxNodes", `{ neighborhood(ids: ["org/nato"], maxNodes: 20000) { truncated } }`, "maxNodes"},
		{"limit", `{ path(from: "country/FIN", to: "org/nato", limit: 1000) { length } }`, "limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := servertest.Query(t, srv.URL, tc.q)
			if r.Code() != "LIMIT_EXCEEDED" || !strings.Contains(r.Errors[0].Message, tc.word) {
				t.Fatalf("%+v", r.Errors)
			}
			if ok := servertest.Query(t, srv.URL, `{ alliance(id: "org/nato") { name } }`); len(ok.Errors) > 0 {
				t.Fatal(ok.Errors)
			}
		})
	}
}

func TestTimelinePagingHTTP(t *testing.T) {
	srv := servertest.New(t)
	var all []string
	after := ""
	for i := 0; i < 100; i++ {
		args := "first: 7"
		if after != "" {
			args += `, after: "` + after + `"`
		}
		r := servertest.Query(t, srv.URL, `{ timeline(`+args+`, from: "1949-01-01", to: "2024-12-31") { pageInfo { hasNextPage endCursor } edges { node { date kind fact { id } event { id } } } } }`)
		var d struct {
			Timeline struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
				Edges []struct {
					Node struct {
						Date, Kind string
						Fact       *struct{ ID string }
						Event      *struct{ ID string }
					}
				}
			}
		}
		mustDecode(t, r, &d)
		for _, e := range d.Timeline.Edges {
			id := ""
			if e.Node.Fact != nil {
				id = e.Node.Fact.ID
			} else {
				id = e.Node.Event.ID
			}
			all = append(all, e.Node.Date+" "+e.Node.Kind+" "+id)
		}
		if !d.Timeline.PageInfo.HasNextPage {
			break
		}
		after = d.Timeline.PageInfo.EndCursor
	}
	seen := map[string]bool{}
	for i, a := range all {
		if seen[a] || (i > 0 && all[i-1][:10] > a[:10]) {
			t.Fatalf("repeat or disorder at %d: %s", i, a)
		}
		seen[a] = true
	}
	if !seen["2024-03-07 STARTED fact/swe-member-of-nato"] || !seen["2022-02-24 EVENT event/russian-invasion-of-ukraine-2022"] {
		t.Errorf("timeline lacks Sweden's accession or the invasion: %d entries", len(all))
	}
}

// TestPathVisitedCap: a path search over a hub that would reach more
// entities than --max-visited answers LIMIT_EXCEEDED naming the cap, and
// the server keeps serving.
func TestPathVisitedCap(t *testing.T) {
	srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) { c.MaxVisited = 20 }))
	r := servertest.Query(t, srv.URL, `{ path(from: "person/donald-trump", to: "person/jens-stoltenberg", maxHops: 6) { length } }`)
	if r.Code() != "LIMIT_EXCEEDED" || !strings.Contains(r.Errors[0].Message, "20") {
		t.Fatalf("%+v", r.Errors)
	}
	if ok := servertest.Query(t, srv.URL, `{ path(from: "country/FIN", to: "org/nato") { length } }`); len(ok.Errors) > 0 {
		t.Fatal(ok.Errors)
	}
}
