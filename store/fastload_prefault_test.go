package store

import (
	"slices"
	"testing"

	"go.uber.org/goleak"
)

// TestPrefaulter: buffers come empty, with room for n zero elements,
// before and after stop; stop ends the goroutine and may be repeated; a
// nil prefaulter allocates.
func TestPrefaulter(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := newPrefaulter[memOp](1000)
	check := func(b []memOp) {
		t.Helper()
		if len(b) != 0 || cap(b) != 1000 {
			t.Fatalf("len %d, cap %d; want 0, 1000", len(b), cap(b))
		}
		if slices.ContainsFunc(b[:cap(b)], func(op memOp) bool { return op != memOp{} }) {
			t.Fatal("a buffer is not zeroed")
		}
	}
	seen := map[*memOp]bool{}
	for range 5 {
		b := p.get(1000)
		check(b)
		if seen[&b[:1][0]] {
			t.Fatal("a buffer was handed out twice")
		}
		seen[&b[:1][0]] = true
		b = append(b, memOp{seq: 1}) // the caller's to write
	}
	p.stop()
	p.stop()
	check(p.get(1000))
	var none *prefaulter[memOp]
	check(none.get(1000))
}
