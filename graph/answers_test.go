package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestAnswers checks the facts the golden files hold, so that a golden
// file rewritten with -update cannot silently accept a wrong answer.
func TestAnswers(t *testing.T) {
	srv := servertest.New(t)

	t.Run("member counts", func(t *testing.T) {
		for date, want := range map[string]int{"2024-03-07": 32, "2023-04-04": 31, "1949-08-24": 12, "2024-10-01": 32, "2023-04-03": 30} {
			r := servertest.Query(t, srv.URL, `{ alliance(id: "org/nato") { memberCount(asOf: "`+date+`") members(asOf: "`+date+`", first: 100) { totalCount edges { node { id } } } } }`)
			var d struct {
				Alliance struct {
					MemberCount int
					Members     struct {
						TotalCount int
						Edges      []struct{ Node struct{ ID string } }
					}
				}
			}
			mustDecode(t, r, &d)
			if d.Alliance.MemberCount != want || d.Alliance.Members.TotalCount != want || len(d.Alliance.Members.Edges) != want {
				t.Errorf("%s: memberCount %d, totalCount %d, edges %d; want %d", date, d.Alliance.MemberCount, d.Alliance.Members.TotalCount, len(d.Alliance.Members.Edges), want)
			}
		}
	})

	t.Run("every member fact cited", func(t *testing.T) {
		r := servertest.Query(t, srv.URL, `{ alliance(id: "org/nato") { members(asOf: "2024-03-07", first: 100) { edges { since node { id } fact { citations { source { id } } } } } } }`)
		var d struct {
			Alliance struct {
				Members struct {
					Edges []struct {
						Since string
						Node  struct{ ID string }
						Fact  struct {
							Citations []struct{ Source struct{ ID string } }
						}
					}
				}
			}
		}
		mustDecode(t, r, &d)
		since := map[string]string{}
		for _, e := range d.Alliance.Members.Edges {
			since[e.Node.ID] = e.Since
			if len(e.Fact.Citations) == 0 {
				t.Errorf("%s membership has no citation", e.Node.ID)
			}
		}
		if since["country/FIN"] != "2023-04-04" || since["country/SWE"] != "2024-03-07" {
			t.Errorf("Finland since %q, Sweden since %q", since["country/FIN"], since["country/SWE"])
		}
	})

	t.Run("secretary general", func(t *testing.T) {
		for date, want := range map[string]string{"2024-09-30": "person/jens-stoltenberg", "2024-10-01": "person/mark-rutte", "2014-09-30": "person/anders-fogh-rasmussen"} {
			r := servertest.Query(t, srv.URL, `{ office(id: "office/nato-secretary-general") { holder(asOf: "`+date+`") { id } } }`)
			var d struct {
				Office struct{ Holder struct{ ID string } }
			}
			mustDecode(t, r, &d)
			if d.Office.Holder.ID != want {
				t.Errorf("holder on %s: %q, want %s", date, d.Office.Holder.ID, want)
			}
		}
	})

	t.Run("search", func(t *testing.T) {
		for q, want := range map[string]string{"turkiye": "country/TUR", "TÜRKIYE": "country/TUR", "turkey": "country/TUR", "czech": "country/CZE", "stoltenberg": "person/jens-stoltenberg"} {
			r := servertest.Query(t, srv.URL, `{ search(query: "`+q+`", first: 5) { entity { id } } }`)
			var d struct {
				Search []struct{ Entity struct{ ID string } }
			}
			mustDecode(t, r, &d)
			if len(d.Search) == 0 || d.Search[0].Entity.ID != want {
				t.Errorf("search %q: %+v, want %s first", q, d.Search, want)
			}
		}
	})
}

func mustDecode(t *testing.T, r servertest.Response, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatal(err)
	}
}
