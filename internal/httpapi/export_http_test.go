package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestExportNATOConsumers exports NATO's membership subgraph over HTTP in
// every format and reads each back with the tool analysts use: 33 nodes,
// 32 membership edges into org/nato, Sweden from 2024-03-07.
func TestExportNATOConsumers(t *testing.T) {
	db := servertest.NATOStore(t, "")
	defer db.Close()
	srv := servertest.New(t, servertest.DB(db))
	for _, f := range export.Formats() {
		t.Run(f.Name, func(t *testing.T) {
			resp, body := servertest.GetExport(t, srv.URL, f.Name, servertest.NATOMembership)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, f.MediaType) {
				t.Errorf("Content-Type %q, want %s", ct, f.MediaType)
			}
			want := `attachment; filename=alliancegraph-org-nato-2024-10-01.` + f.Ext // the asOf asked for
			if cd := resp.Header.Get("Content-Disposition"); cd != want {
				t.Errorf("Content-Disposition %q, want %q", cd, want)
			}
			if resp.Trailer.Get("X-Export-Truncated") != "false" {
				t.Errorf("trailer X-Export-Truncated %q", resp.Trailer.Get("X-Export-Truncated"))
			}
			g := servertest.ReadExport(t, f.Name, body)
			checkNATOMembership(t, g)
		})
	}
}

func checkNATOMembership(t *testing.T, g servertest.ExportGraph) {
	t.Helper()
	if len(g.Nodes) != 33 {
		t.Errorf("%d nodes, want 33 (NATO and 32 members)", len(g.Nodes))
	}
	if _, ok := g.Nodes["org/nato"]; !ok {
		t.Error("org/nato missing")
	}
	if len(g.Edges) != 32 {
		t.Errorf("%d edges, want 32", len(g.Edges))
	}
	sweden := 0
	for _, e := range g.Edges {
		if e.Target != "org/nato" || (e.Predicate != "" && e.Predicate != "MEMBER_OF") {
			t.Errorf("edge %+v is not a membership of NATO", e)
		}
		if _, ok := g.Nodes[e.Source]; !ok {
			t.Errorf("edge %s starts at %q, not an exported node", e.ID, e.Source)
		}
		if e.Source == "country/SWE" {
			sweden++
			if e.ValidFrom != "2024-03-07" {
				t.Errorf("Sweden's membership starts %q, want 2024-03-07", e.ValidFrom)
			}
		}
	}
	if sweden != 1 {
		t.Errorf("%d memberships of Sweden, want 1", sweden)
	}
}

// apiError is the JSON body of a refused request.
type apiError struct {
	Errors []struct {
		Message    string
		Extensions struct{ Code string }
	}
}

func TestExportHTTPBadRequests(t *testing.T) {
	db := servertest.NATOStore(t, "")
	defer db.Close()
	srv := servertest.New(t, servertest.DB(db))
	for _, tc := range []struct {
		name, query, want string
	}{
		{"unknown format", "format=xlsx&ids=org/nato", `unknown export format "xlsx"`},
		{"missing format", "ids=org/nato", "format is required"},
		{"unknown ID", "format=graphml&ids=country/XXX", "no entity country/XXX"},
		{"malformed ID", "format=graphml&ids=nato", "not <kind>/<key>"},
		{"fact as seed", "format=graphml&ids=fact/swe-member-of-nato", "is a fact"},
		{"malformed date", "format=graphml&ids=org/nato&asOf=2024-02-30", `asOf "2024-02-30" is not a date`},
		{"malformed knownAt", "format=graphml&knownAt=yesterday", `knownAt "yesterday"`},
		{"depth over cap", "format=graphml&ids=org/nato&depth=7", "depth 7 is outside 0..6"},
		{"depth not a number", "format=graphml&ids=org/nato&depth=two", `depth "two" is not an integer`},
		{"unknown predicate", "format=graphml&ids=org/nato&predicates=LIKES", `unknown predicate "LIKES"`},
		{"unknown kind", "format=graphml&kinds=NATION", `unknown kind "NATION"`},
		{"unknown parameter", "format=graphml&predicate=MEMBER_OF", `unknown parameter "predicate"`},
		{"negative maxNodes", "format=graphml&maxNodes=-1", "maxNodes must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + "/export?" + tc.query)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body apiError
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("status %d, body is not JSON: %v", resp.StatusCode, err)
			}
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("status %d, Content-Type %q; want 400 JSON", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if resp.Header.Get("Content-Disposition") != "" {
				t.Error("a refusal must not look like a file download")
			}
			if len(body.Errors) != 1 || body.Errors[0].Extensions.Code != "BAD_USER_INPUT" || !strings.Contains(body.Errors[0].Message, tc.want) {
				t.Errorf("errors %+v, want BAD_USER_INPUT mentioning %q", body.Errors, tc.want)
			}
		})
	}
	resp, err := http.Post(srv.URL+"/export?format=json", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /export: status %d, want 405", resp.StatusCode)
	}
}

// TestExportHEAD: HEAD /export answers the headers GET would send (and
// the same 400 for a bad request) without running the export: it reads
// no more of the store than checking its seeds takes.
func TestExportHEAD(t *testing.T) {
	db := servertest.NATOStore(t, "")
	defer db.Close()
	srv := servertest.New(t, servertest.DB(db))
	head := func(q string) *http.Response {
		t.Helper()
		resp, err := http.Head(srv.URL + "/export?" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, tc := range []struct {
		name  string
		q     url.Values
		seeds int
	}{
		{"whole graph", url.Values{"format": {"graphml"}}, 0},
		{"membership", url.Values{"format": {"turtle"}, "ids": {"org/nato"}, "depth": {"1"}, "predicates": {"MEMBER_OF"}}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := db.Reads()
			resp := head(tc.q.Encode())
			if reads := db.Reads() - before; reads > int64(tc.seeds) {
				t.Errorf("HEAD made %d store reads: it ran the export", reads)
			}
			get, _ := servertest.GetExport(t, srv.URL, "", tc.q)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("HEAD status %d", resp.StatusCode)
			}
			for _, h := range []string{"Content-Type", "Content-Disposition", "X-Content-Type-Options"} {
				if resp.Header.Get(h) != get.Header.Get(h) || resp.Header.Get(h) == "" {
					t.Errorf("HEAD %s %q, GET's %q", h, resp.Header.Get(h), get.Header.Get(h))
				}
			}
		})
	}
	for _, q := range []string{"format=xlsx", "format=graphml&ids=country/XXX"} {
		if resp := head(q); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Disposition") != "" {
			t.Errorf("HEAD ?%s: status %d, Content-Disposition %q; want 400 and no file", q, resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
	}
}
