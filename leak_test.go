package main

import (
	"testing"

	"go.uber.org/goleak"
)

// TestNoLeakAfterShutdown starts the server on a real listener, serves
// queries, shuts it down and checks that no goroutine outlives it.
func TestNoLeakAfterShutdown(t *testing.T) {
	before := goleak.IgnoreCurrent()
	url, stop := startServe(t, t.TempDir())
	for _, q := range []string{
		`{ alliance(id: "org/nato") { memberCount(asOf: "2024-10-01") members(first: 5) { edges { node { id memberships { id } } } } } }`,
		`{ search(query: "stoltenburg") { entity { id } } }`,
		`{ path(from: "person/mark-rutte", to: "country/FIN") { length } }`,
	} {
		if r := query(t, url, q); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
	}
	stop()
	goleak.VerifyNone(t, before)
}
