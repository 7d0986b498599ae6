package dataset

import (
	"fmt"
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// The cost of SyncWrites (on by default: an acknowledged write survives a
// power cut), measured on disk in b.TempDir(). docs/BENCHMARKS.md has the
// figures and the command.

// BenchmarkMutationSync: one mutation-sized commit per op (an entity and a
// fact citing a document, as upsertEntity + assertFact write them).
func BenchmarkMutationSync(b *testing.B) {
	for _, sync := range []bool{true, false} {
		b.Run(fmt.Sprintf("sync=%v", sync), func(b *testing.B) {
			db, err := store.Open(b.TempDir(), store.DefaultOptions().WithSyncWrites(sync))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if _, err := LoadNATO(db); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n++
				err := db.Update("bench", func(w *store.Writer) error {
					id := fmt.Sprintf("place/bench-%d", n)
					if _, err := w.PutEntity(domain.Entity{ID: id, Kind: domain.KindPlace, Name: id}); err != nil {
						return err
					}
					_, err := w.PutFact(domain.Fact{ID: "fact/bench-" + fmt.Sprint(n), Predicate: domain.LocatedIn, From: id, To: "country/FIN",
						Valid: domain.Interval{From: domain.MustDate("2020-01-01")}, Citations: []domain.Citation{{Source: "doc/seed-rutte-takes-over"}}})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkImportSync: opening an empty store, loading the NATO dataset
// (238 records in one commit, as a first start does) and closing it.
func BenchmarkImportSync(b *testing.B) {
	for _, sync := range []bool{true, false} {
		b.Run(fmt.Sprintf("sync=%v", sync), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				db, err := store.Open(b.TempDir(), store.DefaultOptions().WithSyncWrites(sync))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := LoadNATO(db); err != nil {
					b.Fatal(err)
				}
				if err := db.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
