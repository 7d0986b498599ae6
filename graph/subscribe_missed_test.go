package graph

import (
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
)

// TestMissedIsCarriedToTheNextSentChange: commits dropped for a slow
// subscriber are counted on the next change the subscription sends, even
// when the commit right after the drop holds nothing it matches.
func TestMissedIsCarriedToTheNextSentChange(t *testing.T) {
	match := func(c domain.Change) bool { return c.ID == "place/a" }
	convert := changesOf(match)
	other := domain.Change{Op: domain.OpUpdate, ID: "place/b"}
	mine := domain.Change{Op: domain.OpUpdate, ID: "place/a"}
	steps := []struct {
		ev   domain.CommitEvent
		want []int // Missed of each change sent
	}{
		{domain.CommitEvent{Missed: 5, Changes: []domain.Change{other}}, nil},
		{domain.CommitEvent{Missed: 2, Changes: []domain.Change{other}}, nil},
		{domain.CommitEvent{Changes: []domain.Change{mine, mine}}, []int{7, 0}},
		{domain.CommitEvent{Changes: []domain.Change{mine}}, []int{0}},
		{domain.CommitEvent{Missed: 1, Changes: []domain.Change{mine}}, []int{1}},
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
