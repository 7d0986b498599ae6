package main

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/export"
)

// TestExportCuratedConsumers exports a slice of the whole curated dataset
// (the EU, the Warsaw Pact and the CSTO with everything one hop away, on a
// day when all three existed, and Greece with its names in every script)
// in every format, and reads each back with its consumer: every format
// gives the same nodes and edges as the lossless JSON Lines, and Greece's
// Greek name survives where the format carries aliases.
func TestExportCuratedConsumers(t *testing.T) {
	db := openExportDB(t, "")
	defer db.Close()
	if _, err := dataset.LoadCurated(db); err != nil {
		t.Fatal(err)
	}
	srv := serveDB(t, db)
	sel := url.Values{"ids": {"org/eu,org/warsaw-pact,org/csto,country/GRC"}, "depth": {"1"}, "asOf": {"1990-01-01"}}
	var want consumerGraph
	for _, f := range append([]export.Format{{Name: "jsonl"}}, slices.DeleteFunc(export.Formats(), func(f export.Format) bool { return f.Name == "jsonl" })...) {
		t.Run(f.Name, func(t *testing.T) {
			resp, body := getExport(t, srv.URL, f.Name, sel)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			g := readWithConsumer(t, f.Name, body)
			if want.nodes == nil {
				want = g
				if len(g.nodes) < 40 || len(g.edges) < 40 {
					t.Fatalf("%d nodes, %d edges: the selection is not the curated one", len(g.nodes), len(g.edges))
				}
				return
			}
			if len(g.nodes) != len(want.nodes) || len(g.edges) != len(want.edges) {
				t.Errorf("%d nodes and %d edges, JSON Lines has %d and %d", len(g.nodes), len(g.edges), len(want.nodes), len(want.edges))
			}
			for id := range want.nodes {
				if _, ok := g.nodes[id]; !ok {
					t.Errorf("node %s missing", id)
				}
			}
			if grc := g.nodes["country/GRC"]; grc.aliases != nil && !slices.Contains(grc.aliases, "Ελλάδα") {
				t.Errorf("Greece's aliases lack Ελλάδα: %d aliases", len(grc.aliases))
			}
		})
	}
}
