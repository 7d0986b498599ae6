package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// cancelAfter is a context that reports Canceled once Err has been asked
// n times. A read that looks at its context only on entry finishes under
// it; one that also looks inside its loop stops part-way. No timing is
// involved.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n <= 0 {
		return context.Canceled
	}
	c.n--
	return nil
}

// starDB holds person/p000 knowing person/p001..p599, all dated, and
// person/far known only by p599: every long read below has hundreds of
// steps.
func starDB(t *testing.T) *DB {
	db := newTestDB(t)
	mustUpdate(t, db, putEntities(fixtureEntities()...))
	const n = 600
	es := []domain.Entity{{ID: "person/far", Name: "Far person"}}
	var fs []domain.Fact
	for i := range n {
		es = append(es, domain.Entity{ID: fmt.Sprintf("person/p%03d", i), Name: fmt.Sprintf("Person %d", i)})
		if i > 0 {
			fs = append(fs, domain.Fact{ID: fmt.Sprintf("fact/k%03d", i), Predicate: domain.Knows, From: "person/p000", To: fmt.Sprintf("person/p%03d", i),
				Valid: domain.Interval{From: domain.MustDate("2000-01-01") + domain.Date(i)}, Citations: cite()})
		}
	}
	fs = append(fs, domain.Fact{ID: "fact/far", Predicate: domain.Knows, From: "person/p599", To: "person/far", Valid: domain.Interval{From: domain.MustDate("2001-01-01")}, Citations: cite()})
	mustUpdate(t, db, putEntities(es...))
	mustUpdate(t, db, putFacts(fs...))
	return db
}

// TestReadsStopWhenTheContextEnds: every read whose work grows with the
// graph (counts, scans, path and neighbourhood searches) returns the
// context's error when given a context that has ended, and stops part-way
// when it ends during the read.
func TestReadsStopWhenTheContextEnds(t *testing.T) {
	db := starDB(t)
	reads := []struct {
		name string
		// looks is how many looks at the context the read may make and
		// still be stopped part-way by cancelAfter.
		looks int
		read  func(context.Context, *Reader) error
	}{
		{"CountKind", 1, func(ctx context.Context, r *Reader) error { _, err := r.CountKind(ctx, domain.KindPerson); return err }},
		{"CountStarting", 1, func(ctx context.Context, r *Reader) error {
			_, err := r.CountStarting(ctx, domain.Knows, 0, 0)
			return err
		}},
		{"FactsStarting", 1, func(ctx context.Context, r *Reader) error {
			_, err := r.FactsStarting(ctx, domain.Knows, 0, 0, 0)
			return err
		}},
		{"Walk of the whole graph", 1, func(ctx context.Context, r *Reader) error {
			_, err := r.Walk(ctx, Selection{}, Visitor{Entity: func(*domain.Entity) error { return nil }, Fact: func(*domain.Fact) error { return nil }})
			return err
		}},
		{"Neighborhood", 1, func(ctx context.Context, r *Reader) error {
			_, err := r.Neighborhood(ctx, Selection{Seeds: []string{"person/p001"}, Depth: 2})
			return err
		}},
		{"Paths", 2, func(ctx context.Context, r *Reader) error {
			_, err := r.Paths(ctx, PathQuery{From: "person/p001", To: "person/far", MaxHops: 4, Limit: 1})
			return err
		}},
		{"Timeline by index", 1, func(ctx context.Context, r *Reader) error {
			_, _, err := r.Timeline(ctx, TimelineQuery{Predicates: []domain.Predicate{domain.Knows}, Limit: 1000})
			return err
		}},
		{"Timeline of an entity", 1, func(ctx context.Context, r *Reader) error {
			_, _, err := r.Timeline(ctx, TimelineQuery{Entity: "person/p000", Limit: 1000})
			return err
		}},
		{"Search", 1, func(ctx context.Context, r *Reader) error {
			_, _, err := r.Search(ctx, SearchQuery{Text: "person", Limit: 1000})
			return err
		}},
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, rd := range reads {
		t.Run(rd.name, func(t *testing.T) {
			view(t, db, time.Time{}, func(r *Reader) error {
				if err := rd.read(context.Background(), r); err != nil {
					t.Fatalf("with a live context: %v", err)
				}
				if err := rd.read(cancelled, r); !errors.Is(err, context.Canceled) {
					t.Errorf("with a cancelled context: %v, want context.Canceled", err)
				}
				if err := rd.read(&cancelAfter{Context: context.Background(), n: rd.looks}, r); !errors.Is(err, context.Canceled) {
					t.Errorf("cancelled part-way: %v, want context.Canceled", err)
				}
				return nil
			})
		})
	}
}
