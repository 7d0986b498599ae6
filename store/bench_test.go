package store_test

import (
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/store"
)

// Benchmarks on the NATO dataset; the scale benchmarks run them on a large
// synthetic graph.

func benchView(b *testing.B, fn func(r *store.Reader) error) {
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := loadNATO(db); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := db.View(time.Time{}, fn); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPathRutteFinland(b *testing.B) {
	q := store.PathQuery{From: "person/mark-rutte", To: "country/FIN", MaxHops: 4, AsOf: store.MustDate("2024-10-01"), Limit: 5}
	benchView(b, func(r *store.Reader) error {
		ps, err := r.Paths(q)
		if err == nil && len(ps) == 0 {
			b.Fatal("no path")
		}
		return err
	})
}

func BenchmarkNeighborhoodNATO(b *testing.B) {
	sel := store.Selection{Seeds: []string{"org/nato"}, Depth: 2, AsOf: store.MustDate("2024-10-01"), MaxNodes: 500}
	benchView(b, func(r *store.Reader) error {
		_, err := r.Neighborhood(sel)
		return err
	})
}

func BenchmarkSearchExact(b *testing.B) {
	benchView(b, func(r *store.Reader) error {
		_, _, err := r.Search(store.SearchQuery{Text: "turkiye", Limit: 5})
		return err
	})
}

func BenchmarkSearchTypo(b *testing.B) {
	benchView(b, func(r *store.Reader) error {
		_, _, err := r.Search(store.SearchQuery{Text: "stoltenburg", Limit: 5})
		return err
	})
}

func BenchmarkTimelineSweden(b *testing.B) {
	benchView(b, func(r *store.Reader) error {
		_, _, err := r.Timeline(store.TimelineQuery{Entity: "country/SWE", Limit: 20})
		return err
	})
}

func BenchmarkPointRead(b *testing.B) {
	benchView(b, func(r *store.Reader) error {
		_, err := r.Entity("country/FIN")
		return err
	})
}

func BenchmarkNeighbourScan(b *testing.B) {
	benchView(b, func(r *store.Reader) error {
		_, err := r.Edges("org/nato", store.EdgeFilter{Dir: store.In, Predicates: []store.Predicate{store.MemberOf}, AsOf: store.MustDate("2024-10-01")})
		return err
	})
}

func BenchmarkByTimeRange(b *testing.B) {
	benchView(b, func(r *store.Reader) error {
		_, _, _, err := r.StartPage(store.MemberOf, store.MustDate("1990-01-01"), 0, "", 20)
		return err
	})
}
