package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/dataset/datasettest"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

func natoDB(t *testing.T) *store.DB { return datasettest.NATO(t) }

func loadNATO(db *store.DB) (int, error) { return dataset.LoadNATO(db) }

func TestNeighborhood(t *testing.T) {
	db := natoDB(t)
	for _, tc := range []struct {
		name            string
		sel             store.Selection
		entities, facts int
		truncated       bool
	}{
		{"members 2023-12-31", store.Selection{Seeds: []string{"org/nato"}, Depth: 1, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: domain.MustDate("2023-12-31")}, 32, 31, false},
		{"members 2024-03-07", store.Selection{Seeds: []string{"org/nato"}, Depth: 1, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: domain.MustDate("2024-03-07")}, 33, 32, false},
		{"depth 0", store.Selection{Seeds: []string{"org/nato"}}, 1, 0, false},
		{"capped", store.Selection{Seeds: []string{"org/nato"}, Depth: 1, Predicates: []domain.Predicate{domain.MemberOf}, MaxNodes: 10}, 10, 9, true},
		{"countries only", store.Selection{Seeds: []string{"org/nato"}, Depth: 2, Kinds: []domain.Kind{domain.KindCountry}}, 33, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.View(time.Time{}, func(r *store.Reader) error {
				g, err := r.Neighborhood(context.Background(), tc.sel)
				if err != nil {
					return err
				}
				if len(g.Entities) != tc.entities || (tc.facts >= 0 && len(g.Facts) != tc.facts) || g.Truncated != tc.truncated {
					t.Errorf("entities %d, facts %d, truncated %v; want %d, %d, %v", len(g.Entities), len(g.Facts), g.Truncated, tc.entities, tc.facts, tc.truncated)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestWalkWholeGraphMatchesDump(t *testing.T) {
	db := natoDB(t)
	var ents, facts int
	err := db.View(time.Time{}, func(r *store.Reader) error {
		_, err := r.Walk(context.Background(), store.Selection{}, store.Visitor{
			Entity: func(*domain.Entity) error { ents++; return nil },
			Fact:   func(*domain.Fact) error { facts++; return nil },
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := dataset.ParseNATO()
	if ents != len(f.Entities)+len(f.Documents) || facts != len(f.Facts) {
		t.Errorf("walked %d entities, %d facts; dataset has %d, %d", ents, facts, len(f.Entities)+len(f.Documents), len(f.Facts))
	}
}

// TestTruncatedWholeGraphKeepsItsFacts: a whole-graph walk cut at
// MaxNodes streams the facts between the entities it kept, as a seeded
// walk does, not none.
func TestTruncatedWholeGraphKeepsItsFacts(t *testing.T) {
	db := natoDB(t)
	walk := func(sel store.Selection) (ids map[string]bool, facts []string, truncated bool) {
		ids = map[string]bool{}
		err := db.View(time.Time{}, func(r *store.Reader) error {
			var err error
			truncated, err = r.Walk(context.Background(), sel, store.Visitor{
				Entity: func(e *domain.Entity) error { ids[e.ID] = true; return nil },
				Fact:   func(f *domain.Fact) error { facts = append(facts, f.ID+" "+f.From+" "+f.To); return nil },
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids, facts, truncated
	}
	_, all, _ := walk(store.Selection{})
	for _, max := range []int{1, 40, 60} {
		kept, got, truncated := walk(store.Selection{MaxNodes: max})
		if !truncated || len(kept) != max {
			t.Fatalf("maxNodes %d: %d entities, truncated %v", max, len(kept), truncated)
		}
		var want []string
		for _, f := range all {
			var id, from, to string
			fmt.Sscan(f, &id, &from, &to)
			if kept[from] && kept[to] {
				want = append(want, f)
			}
		}
		if max == 60 && len(want) == 0 {
			t.Fatal("the first 60 entities hold no fact between them: the test checks nothing")
		}
		if !slices.Equal(got, want) {
			t.Errorf("maxNodes %d: %d facts, want the %d between the kept entities", max, len(got), len(want))
		}
	}
}
