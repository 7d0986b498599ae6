package store_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
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
	q := store.PathQuery{From: "person/mark-rutte", To: "country/FIN", MaxHops: 4, AsOf: domain.MustDate("2024-10-01"), Limit: 5}
	benchView(b, func(r *store.Reader) error {
		ps, err := r.Paths(context.Background(), q)
		if err == nil && len(ps) == 0 {
			b.Fatal("no path")
		}
		return err
	})
}

func BenchmarkNeighborhoodNATO(b *testing.B) {
	sel := store.Selection{Seeds: []string{"org/nato"}, Depth: 2, AsOf: domain.MustDate("2024-10-01"), MaxNodes: 500}
	benchView(b, func(r *store.Reader) error {
		_, err := r.Neighborhood(context.Background(), sel)
		return err
	})
}

func BenchmarkSearchExact(b *testing.B) {
	benchView(b, func(r *store.Reader) error {
		_, _, err := r.Search(context.Background(), store.SearchQuery{Text: "turkiye", Limit: 5})
		return err
	})
}

func BenchmarkSearchTypo(b *testing.B) {
	benchView(b, func(r *store.Reader) error {
		_, _, err := r.Search(context.Background(), store.SearchQuery{Text: "stoltenburg", Limit: 5})
		return err
	})
}

func BenchmarkTimelineSweden(b *testing.B) {
	benchView(b, func(r *store.Reader) error {
		_, _, err := r.Timeline(context.Background(), store.TimelineQuery{Entity: "country/SWE", Limit: 20})
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
		_, err := r.Edges("org/nato", store.EdgeFilter{Dir: store.In, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: domain.MustDate("2024-10-01")})
		return err
	})
}

func BenchmarkByTimeRange(b *testing.B) {
	benchView(b, func(r *store.Reader) error {
		_, _, _, err := r.StartPage(domain.MemberOf, domain.MustDate("1990-01-01"), 0, "", 20)
		return err
	})
}

// entityBenchOpts returns the options of a benchmark store with the
// entity cache on or off.
func entityBenchOpts(cached bool) store.Options {
	o := store.DefaultOptions().WithInMemory(true)
	if !cached {
		o = o.WithEntityCacheSize(0)
	}
	return o
}

// BenchmarkEntity reads entities at the newest snapshot, as the GraphQL
// resolvers do, with the entity cache on and off: one entity, NATO's
// members in one batch (q3's second level), and the members reached
// through their in-edges (edges, then a batch of their ends).
func BenchmarkEntity(b *testing.B) {
	for _, cached := range []bool{true, false} {
		db, err := store.Open("", entityBenchOpts(cached))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := loadNATO(db); err != nil {
			b.Fatal(err)
		}
		in := store.EdgeFilter{Dir: store.In, Predicates: []domain.Predicate{domain.MemberOf}}
		var members []string
		err = db.View(time.Time{}, func(r *store.Reader) error {
			fs, err := r.Edges("org/nato", in)
			for _, f := range fs {
				members = append(members, f.From)
			}
			return err
		})
		if err != nil || len(members) < 30 {
			b.Fatalf("members: %d, %v", len(members), err)
		}
		for _, bc := range []struct {
			name string
			fn   func(r *store.Reader) error
		}{
			{"One", func(r *store.Reader) error {
				_, err := r.Entity("country/FIN")
				return err
			}},
			{"Members", func(r *store.Reader) error {
				m, err := r.Entities(members)
				if err == nil && len(m) != len(members) {
					b.Fatalf("%d of %d members", len(m), len(members))
				}
				return err
			}},
			{"EdgesThenMembers", func(r *store.Reader) error {
				fs, err := r.Edges("org/nato", in)
				if err != nil {
					return err
				}
				ids := make([]string, len(fs))
				for i, f := range fs {
					ids[i] = f.From
				}
				_, err = r.Entities(ids)
				return err
			}},
		} {
			b.Run(fmt.Sprintf("%s/cache=%v", bc.name, cached), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := db.View(time.Time{}, bc.fn); err != nil {
						b.Fatal(err)
					}
				}
			})
			// As many readers at once as the load tool's 16 clients.
			b.Run(fmt.Sprintf("%s/cache=%v/parallel16", bc.name, cached), func(b *testing.B) {
				b.ReportAllocs()
				b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := db.View(time.Time{}, bc.fn); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}
