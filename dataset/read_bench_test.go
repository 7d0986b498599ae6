package dataset

import (
	"bytes"
	"testing"
)

// BenchmarkReadJSONL parses the factor-1 synthetic graph (alliancegraph
// gen) as an import does before it applies anything: the JSON Lines
// decoding on every CPU and the records handed, in order, to one
// goroutine that here drops them. It is the floor under the first phase
// of a fast import (docs/BENCHMARKS.md).
func BenchmarkReadJSONL(b *testing.B) {
	var in bytes.Buffer
	if err := WriteSynthetic(&in, Factor1, 1); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(in.Len()))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := ReadJSONL(bytes.NewReader(in.Bytes()), func(Record) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if want := 1 + 110100 + 810000; n != want { // header, entities, facts
			b.Fatalf("read %d records, want %d", n, want)
		}
	}
}
