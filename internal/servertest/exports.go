package servertest

import (
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/store"
)

// ExportClock returns a clock for a store that pins its commit times, so
// export headers (knownAt) and golden files do not change from run to run.
func ExportClock() func() time.Time {
	t := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

// OpenStore opens a store in dir ("": in memory) with ExportClock; the
// caller closes it.
func OpenStore(t testing.TB, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(dir, store.DefaultOptions().WithInMemory(dir == "").WithClock(ExportClock()).WithSyncWrites(false))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// NATOStore is OpenStore with the NATO dataset loaded.
func NATOStore(t testing.TB, dir string) *store.DB {
	t.Helper()
	db := OpenStore(t, dir)
	if _, err := dataset.LoadNATO(db); err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db
}

// NATOMembership is GET /export's selection of NATO's 1-hop membership
// subgraph on 2024-10-01.
var NATOMembership = url.Values{"ids": {"org/nato"}, "depth": {"1"}, "predicates": {"MEMBER_OF"}, "asOf": {"2024-10-01"}}

// GetExport asks base's GET /export for format ("": not given) with the
// parameters q, and returns the response (its body read) and the body.
func GetExport(t testing.TB, base string, format string, q url.Values) (*http.Response, []byte) {
	t.Helper()
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	if format != "" {
		v.Set("format", format)
	}
	resp, err := http.Get(base + "/export?" + v.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}
