package cli

import (
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"go.uber.org/goleak"
)

// TestNoLeakAfterShutdown starts the server on a real listener, serves
// queries, shuts it down and checks that no goroutine outlives it.
func TestNoLeakAfterShutdown(t *testing.T) {
	before := goleak.IgnoreCurrent()
	srv := servertest.New(t, servertest.Command(Run))
	for _, q := range []string{
		`{ alliance(id: "org/nato") { memberCount(asOf: "2024-10-01") members(first: 5) { edges { node { id memberships { id } } } } } }`,
		`{ search(query: "stoltenburg") { entity { id } } }`,
		`{ path(from: "person/mark-rutte", to: "country/FIN") { length } }`,
	} {
		if r := servertest.Query(t, srv.URL, q); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
	}
	srv.Stop(t)
	goleak.VerifyNone(t, before)
}
