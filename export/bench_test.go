package export_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/alliancegraph/alliancegraph/export"
)

// BenchmarkExport writes a synthetic whole graph of 50,000 and 200,000
// facts in every format to io.Discard, reporting facts per second and the
// peak live heap an export holds (peak-heap-MB, measured by peakLiveHeap in
// one extra, untimed export). The heap stays flat from 50k to 200k facts:
// every format streams. docs/BENCHMARKS.md has the numbers.
//
//	go test ./export -run '^$' -bench Export -benchtime=1x
func BenchmarkExport(b *testing.B) {
	for _, facts := range []int{50_000, 200_000} {
		db := syntheticDB(b, facts)
		for _, f := range export.Formats() {
			b.Run(fmt.Sprintf("facts=%d/format=%s", facts, f.Name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					exportWhole(b, db, f, io.Discard)
				}
				b.ReportMetric(float64(facts)*float64(b.N)/b.Elapsed().Seconds(), "facts/s")
				b.StopTimer()
				peak, size := peakLiveHeap(b, db, f)
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(size)/(1<<20), "output-MB")
			})
		}
	}
}

// TestExportHeapDoesNotGrow: four times the facts, every format, and the
// live heap an export holds stays within a small constant of the smaller
// graph's: nothing builds the document in memory.
func TestExportHeapDoesNotGrow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two synthetic graphs")
	}
	small, large := syntheticDB(t, 2_000), syntheticDB(t, 8_000)
	for _, f := range export.Formats() {
		ps, ss := peakLiveHeap(t, small, f)
		pl, sl := peakLiveHeap(t, large, f)
		t.Logf("%-8s 2k facts: %5.2f MB held for %6.2f MB out; 8k facts: %5.2f MB held for %6.2f MB out",
			f.Name, mb(ps), mb(ss), mb(pl), mb(sl))
		if pl > ps+2<<20 {
			t.Errorf("%s: the export held %.2f MB for 8k facts and %.2f MB for 2k: memory grows with the graph", f.Name, mb(pl), mb(ps))
		}
	}
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }
