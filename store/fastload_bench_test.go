package store_test

import (
	"fmt"
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// BenchmarkLoad fills an empty in-memory store through the fast loader
// (DB.Load): entities, memberships and KNOWS facts, so that the load's
// point reads, its in-memory key index and its sort all take part.
func BenchmarkLoad(b *testing.B) {
	const orgs, countries, people, knows = 50, 2000, 4000, 20000
	doc := "doc/bench"
	cite := []domain.Citation{{Source: doc}}
	b.ReportAllocs()
	for b.Loop() {
		db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
		if err != nil {
			b.Fatal(err)
		}
		_, err = db.Load(store.UpdateOptions{Author: "bench"}, func(w *store.Writer) error {
			put := func(e domain.Entity) error { _, err := w.PutEntity(e); return err }
			if err := put(domain.Entity{ID: doc, Name: "Benchmark source"}); err != nil {
				return err
			}
			for i := range orgs {
				if err := put(domain.Entity{ID: fmt.Sprintf("org/o%03d", i), Name: fmt.Sprintf("Alliance %d", i)}); err != nil {
					return err
				}
			}
			for i := range countries {
				if err := put(domain.Entity{ID: fmt.Sprintf("country/C%04d", i), Name: fmt.Sprintf("Country %d", i), XIDs: map[string]string{"iso3": fmt.Sprintf("C%04d", i)}}); err != nil {
					return err
				}
			}
			for i := range people {
				if err := put(domain.Entity{ID: fmt.Sprintf("person/p%05d", i), Name: fmt.Sprintf("Person %d", i), Aliases: []string{fmt.Sprintf("P. %d", i)}}); err != nil {
					return err
				}
			}
			for i := range countries {
				for j := range 3 {
					f := domain.Fact{ID: fmt.Sprintf("fact/m%05d-%d", i, j), Predicate: domain.MemberOf,
						From: fmt.Sprintf("country/C%04d", i), To: fmt.Sprintf("org/o%03d", (i+j*7)%orgs),
						Valid: domain.Interval{From: domain.Date(700000 + i + j)}, Citations: cite}
					if _, err := w.PutFact(f); err != nil {
						return err
					}
				}
			}
			for i := range knows {
				f := domain.Fact{ID: fmt.Sprintf("fact/k%06d", i), Predicate: domain.Knows,
					From: fmt.Sprintf("person/p%05d", i%people), To: fmt.Sprintf("person/p%05d", (i*7+1)%people), Citations: cite}
				if _, err := w.PutFact(f); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
