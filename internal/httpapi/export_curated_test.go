package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestExportCuratedConsumers exports a slice of the whole curated dataset
// (the EU, the Warsaw Pact and the CSTO with everything one hop away, on a
// day when all three existed, and Greece with its names in every script)
// in every format, and reads each back with its consumer: every format
// gives the same nodes and edges as the lossless JSON Lines, and Greece's
// Greek name survives where the format carries aliases.
func TestExportCuratedConsumers(t *testing.T) {
	db := servertest.OpenStore(t, "")
	defer db.Close()
	if _, err := dataset.LoadCurated(db); err != nil {
		t.Fatal(err)
	}
	srv := servertest.New(t, servertest.DB(db))
	sel := url.Values{"ids": {"org/eu,org/warsaw-pact,org/csto,country/GRC"}, "depth": {"1"}, "asOf": {"1990-01-01"}}
	var want servertest.ExportGraph
	for _, f := range append([]export.Format{{Name: "jsonl"}}, slices.DeleteFunc(export.Formats(), func(f export.Format) bool { return f.Name == "jsonl" })...) {
		t.Run(f.Name, func(t *testing.T) {
			resp, body := servertest.GetExport(t, srv.URL, f.Name, sel)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			g := servertest.ReadExport(t, f.Name, body)
			if want.Nodes == nil {
				want = g
				if len(g.Nodes) < 40 || len(g.Edges) < 40 {
					t.Fatalf("%d nodes, %d edges: the selection is not the curated one", len(g.Nodes), len(g.Edges))
				}
				return
			}
			if len(g.Nodes) != len(want.Nodes) || len(g.Edges) != len(want.Edges) {
				t.Errorf("%d nodes and %d edges, JSON Lines has %d and %d", len(g.Nodes), len(g.Edges), len(want.Nodes), len(want.Edges))
			}
			for id := range want.Nodes {
				if _, ok := g.Nodes[id]; !ok {
					t.Errorf("node %s missing", id)
				}
			}
			if grc := g.Nodes["country/GRC"]; grc.Aliases != nil && !slices.Contains(grc.Aliases, "Ελλάδα") {
				t.Errorf("Greece's aliases lack Ελλάδα: %d aliases", len(grc.Aliases))
			}
		})
	}
}
