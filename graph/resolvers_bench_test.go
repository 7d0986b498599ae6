package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// Benchmarks of the resolvers behind the load tool's q1..q4, through real
// HTTP on the NATO dataset (make bench runs the same queries on the large
// synthetic graph).
var benchQueries = map[string]string{
	"q1": `{ country(id: "country/FIN") { id name iso3 capital region population area gdp founded independent } }`,
	"q2": `{ event(id: "event/nato-accession-2004-03-29") { id name date participants { from { id name } } } }`,
	"q3": `{ alliance(id: "org/nato") { id name members(asOf: "2024-10-01", first: 100) { edges { node { id name memberships { id validFrom validTo to { id } } } } } } }`,
	"q4": `{ facts(predicate: MEMBER_OF, startedAfter: "1990-01-01", orderBy: VALID_FROM, first: 20) { edges { node { id validFrom validTo from { id } to { id } } } } }`,
}

func BenchmarkQueries(b *testing.B) {
	srv := servertest.New(b, servertest.Config(func(c *httpapi.Config) {
		c.LoaderWait = graph.DefaultLoaderWait // as served, not the tests' long window
	}))
	for _, name := range []string{"q1", "q2", "q3", "q4"} {
		body, _ := json.Marshal(map[string]string{"query": benchQueries[name]})
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || bytes.Contains(out, []byte(`"errors"`)) {
					b.Fatalf("%d %s", resp.StatusCode, out)
				}
			}
		})
	}
}
