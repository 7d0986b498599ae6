package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

func TestPaths(t *testing.T) {
	db := natoDB(t)
	for _, tc := range []struct {
		name     string
		q        store.PathQuery
		length   int // -1: no path
		min, max int // number of paths
	}{
		{"rutte to finland now", store.PathQuery{From: "person/mark-rutte", To: "country/FIN", MaxHops: 4, AsOf: domain.MustDate("2024-10-01"), Limit: 5}, 3, 1, 5},
		{"same node", store.PathQuery{From: "org/nato", To: "org/nato", MaxHops: 2, Limit: 5}, 0, 1, 1},
		{"member to alliance", store.PathQuery{From: "country/SWE", To: "org/nato", MaxHops: 1, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: domain.MustDate("2024-03-07"), Limit: 5}, 1, 1, 1},
		{"not yet a member", store.PathQuery{From: "country/SWE", To: "org/nato", MaxHops: 1, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: domain.MustDate("2024-03-06"), Limit: 5}, -1, 0, 0},
		{"two members via nato", store.PathQuery{From: "country/FIN", To: "country/SWE", MaxHops: 2, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: domain.MustDate("2024-10-01"), Limit: 5}, 2, 1, 1},
		{"limit", store.PathQuery{From: "country/BEL", To: "country/NLD", MaxHops: 2, Limit: 1}, 2, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.View(time.Time{}, func(r *store.Reader) error {
				ps, err := r.Paths(context.Background(), tc.q)
				if err != nil {
					return err
				}
				if len(ps) < tc.min || len(ps) > tc.max {
					t.Fatalf("%d paths, want %d..%d", len(ps), tc.min, tc.max)
				}
				for _, p := range ps {
					if len(p)-1 != tc.length {
						t.Errorf("path of length %d, want %d", len(p)-1, tc.length)
					}
					if p[0].Entity.ID != tc.q.From || p[len(p)-1].Entity.ID != tc.q.To {
						t.Errorf("path from %s to %s", p[0].Entity.ID, p[len(p)-1].Entity.ID)
					}
					for i := 1; i < len(p); i++ {
						f, prev := p[i].Fact, p[i-1].Entity.ID
						from, to := f.From, f.To
						if !p[i].Out {
							from, to = to, from
						}
						if from != prev || to != p[i].Entity.ID {
							t.Errorf("step %d: fact %s (%s -> %s) does not join %s and %s", i, f.ID, f.From, f.To, prev, p[i].Entity.ID)
						}
						if tc.q.AsOf != 0 && !f.ValidAt(tc.q.AsOf) {
							t.Errorf("step %d: fact %s not valid on %s", i, f.ID, tc.q.AsOf)
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestPathsLimit(t *testing.T) {
	db := natoDB(t)
	err := db.View(time.Time{}, func(r *store.Reader) error {
		_, err := r.Paths(context.Background(), store.PathQuery{From: "country/FIN", To: "person/donald-trump", MaxHops: 6, Limit: 5, MaxVisited: 10})
		return err
	})
	if !errors.Is(err, domain.ErrLimit) {
		t.Fatalf("err %v, want ErrLimit", err)
	}
	err = db.View(time.Time{}, func(r *store.Reader) error {
		_, err := r.Paths(context.Background(), store.PathQuery{From: "country/FIN", To: "org/nato", MaxHops: 7, Limit: 5})
		return err
	})
	if !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("maxHops 7: err %v, want ErrInvalid", err)
	}
}
