package graph

import (
	"testing"

	"github.com/alliancegraph/alliancegraph/store"
)

// TestMissedIsCarriedToTheNextSentChange: commits dropped for a slow
// subscriber are counted on the next change the subscription sends, even
// when the commit right after the drop holds nothing it matches.
func TestMissedIsCarriedToTheNextSentChange(t *testing.T) {
	match := func(c store.Change) bool { return c.ID == "place/a" }
	convert := changesOf(match)
	other := store.Change{Op: store.OpUpdate, ID: "place/b"}
	mine := store.Change{Op: store.OpUpdate, ID: "place/a"}
	steps := []struct {
		ev   store.Event
		want []int // Missed of each change sent
	}{
		{store.Event{Missed: 5, Changes: []store.Change{other}}, nil},
		{store.Event{Missed: 2, Changes: []store.Change{other}}, nil},
		{store.Event{Changes: []store.Change{mine, mine}}, []int{7, 0}},
		{store.Event{Changes: []store.Change{mine}}, []int{0}},
		{store.Event{Missed: 1, Changes: []store.Change{mine}}, []int{1}},
	}
	for i, s := range steps {
		out := convert(s.ev)
		if len(out) != len(s.want) {
			t.Fatalf("step %d: %d changes sent, want %d", i, len(out), len(s.want))
		}
		for j, c := range out {
			if c.Missed != s.want[j] {
				t.Errorf("step %d change %d: missed %d, want %d", i, j, c.Missed, s.want[j])
			}
		}
	}
}
