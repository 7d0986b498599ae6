package export_test

import (
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/store"
)

// syntheticDB builds a graph of facts KNOWS facts among facts/20 people
// (each with an alias, an external ID and a property; each fact with dates,
// a property and a citation), in transactions of 5,000 facts: one Badger
// transaction has a size limit.
func syntheticDB(tb testing.TB, facts int) *store.DB {
	tb.Helper()
	db, err := store.Open(tb.TempDir(), store.DefaultOptions().WithSyncWrites(false))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	people := max(facts/20, 2)
	person := func(i int) string { return fmt.Sprintf("person/p%07d", i) }
	for start := 0; start < people; start += 5000 {
		err := db.Update("bench", func(w *store.Writer) error {
			if start == 0 {
				if _, err := w.PutEntity(domain.Entity{ID: "doc/synthetic", Name: "Synthetic source"}); err != nil {
					return err
				}
			}
			for i := start; i < min(start+5000, people); i++ {
				_, err := w.PutEntity(domain.Entity{ID: person(i), Name: fmt.Sprintf("Person %d", i),
					Aliases: []string{fmt.Sprintf("P. %d", i)}, XIDs: map[string]string{"wikidata": fmt.Sprintf("Q%d", i+1)},
					Props: []domain.Prop{{Key: "rank", Type: domain.PropInt, Value: fmt.Sprint(i % 100)}}})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	for start := 0; start < facts; start += 5000 {
		err := db.Update("bench", func(w *store.Writer) error {
			for i := start; i < min(start+5000, facts); i++ {
				from := i % people
				to := (from + 1 + i/people) % people
				_, err := w.PutFact(domain.Fact{ID: fmt.Sprintf("fact/k%08d", i), Predicate: domain.Knows,
					From: person(from), To: person(to),
					Valid:     domain.Interval{From: domain.Date(10000 + i%3000), To: domain.Date(14000 + i%3000)},
					Props:     []domain.Prop{{Key: "role", Type: domain.PropString, Value: "colleague"}},
					Citations: []domain.Citation{{Source: "doc/synthetic", Span: &domain.Span{Start: i % 1000, End: i%1000 + 10}}}})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

// exportWhole writes the whole graph in format f to w.
func exportWhole(tb testing.TB, db *store.DB, f export.Format, w io.Writer) {
	err := db.View(time.Time{}, func(r *store.Reader) error {
		_, err := export.Write(r, f, store.Selection{}, "alliancegraph bench", w)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// peakLiveHeap exports the whole graph in f to a writer that, every MiB
// of output, collects garbage and samples HeapInuse: what the export
// holds on to at that moment. It returns the highest sample above the
// heap in use before the export, in bytes, and the output size. Collecting
// first keeps garbage (whose amount follows GOGC and the store's own size)
// out of the number.
func peakLiveHeap(tb testing.TB, db *store.DB, f export.Format) (peak, size int64) {
	runtime.GC()
	base := heapInuse()
	s := &heapSampler{every: 1 << 20, base: base}
	exportWhole(tb, db, f, s)
	s.sample()
	return s.peak, s.n
}

func heapInuse() int64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse)
}

type heapSampler struct {
	every, next, n, base, peak int64
}

func (h *heapSampler) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	if h.n >= h.next {
		h.next = h.n + h.every
		h.sample()
	}
	return len(p), nil
}

func (h *heapSampler) sample() {
	runtime.GC()
	h.peak = max(h.peak, heapInuse()-h.base)
}
