// Package datasettest gives tests a store holding the curated NATO dataset,
// in the manner of net/http/httptest: real Badger, in memory, closed when
// the test ends.
package datasettest

import (
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/store"
)

// NATO opens an in-memory store, loads the NATO dataset into it and closes
// it when tb ends.
func NATO(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := dataset.LoadNATO(db); err != nil {
		tb.Fatal(err)
	}
	return db
}

// Curated opens an in-memory store, loads the whole curated dataset (every
// file: NATO, the other organizations, leaders, names) into it and closes
// it when tb ends.
func Curated(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := dataset.LoadCurated(db); err != nil {
		tb.Fatal(err)
	}
	return db
}
