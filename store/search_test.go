package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

func TestWithinOneEdit(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"stoltenberg", "stoltenberg", true},
		{"stoltenburg", "stoltenberg", true},  // substitution
		{"stoltnberg", "stoltenberg", true},   // deletion
		{"stoltennberg", "stoltenberg", true}, // insertion
		{"stoltenbreg", "stoltenberg", true},  // transposition
		{"stoltenberga", "stoltenberg", true}, // appended
		{"stoltenburgg", "stoltenberg", false},
		{"stlotenbreg", "stoltenberg", false}, // two swaps
		{"rutte", "rutter", true},
		{"türkiye", "turkiye", true},
		{"", "a", true},
		{"ab", "ba", true},
		{"abc", "cab", false},
	} {
		if got := withinOneEdit([]rune(tc.a), []rune(tc.b)); got != tc.want {
			t.Errorf("withinOneEdit(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestSearchTypos(t *testing.T) {
	db := newTestDB(t)
	mustUpdate(t, db, putEntities(
		domain.Entity{ID: "person/jens-stoltenberg", Name: "Jens Stoltenberg"},
		domain.Entity{ID: "person/mark-rutte", Name: "Mark Rutte"},
		domain.Entity{ID: "country/TUR", Name: "Türkiye", Aliases: []string{"Turkey"}},
	))
	view(t, db, time.Time{}, func(r *Reader) error {
		for _, tc := range []struct{ q, want, matched string }{
			{"stoltenburg", "person/jens-stoltenberg", "Jens Stoltenberg"},
			{"jens stoltnberg", "person/jens-stoltenberg", "Jens Stoltenberg"},
			{"turkei", "country/TUR", "Turkey"},
			{"rutte", "person/mark-rutte", "Mark Rutte"},
		} {
			hits, _, err := r.Search(context.Background(), SearchQuery{Text: tc.q, Limit: 5})
			if err != nil {
				return err
			}
			if len(hits) == 0 || hits[0].Entity.ID != tc.want || hits[0].Matched != tc.matched {
				t.Errorf("Search(%q) = %+v, want %s matched by %q", tc.q, hits, tc.want, tc.matched)
			}
		}
		// Short words are not forgiven a typo: "rute" finds nothing.
		if hits, _, _ := r.Search(context.Background(), SearchQuery{Text: "rutt", Limit: 5}); len(hits) != 1 {
			t.Errorf("prefix rutt: %+v", hits)
		}
		if hits, _, _ := r.Search(context.Background(), SearchQuery{Text: "rute", Limit: 5}); len(hits) != 0 {
			t.Errorf("rute: %+v", hits)
		}
		return nil
	})
}

// TestSearchPaging pages hits one at a time with Hit.Key cursors.
func TestSearchPaging(t *testing.T) {
	db := newTestDB(t)
	mustUpdate(t, db, putEntities(
		domain.Entity{ID: "org/nato", Name: "NATO"},
		domain.Entity{ID: "org/napa", Name: "NATO Parliamentary Assembly"},
		domain.Entity{ID: "office/sg", Name: "Secretary General of NATO"},
	))
	view(t, db, time.Time{}, func(r *Reader) error {
		var got []string
		after := ""
		for {
			hits, more, err := r.Search(context.Background(), SearchQuery{Text: "nato", After: after, Limit: 1})
			if err != nil {
				return err
			}
			for _, h := range hits {
				got = append(got, h.Entity.ID)
				after = h.Key()
			}
			if !more {
				break
			}
		}
		if want := []string{"org/nato", "org/napa", "office/sg"}; !slices.Equal(got, want) {
			t.Errorf("paged %v, want %v", got, want)
		}
		return nil
	})
}
