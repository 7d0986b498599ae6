package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

func timeline(t *testing.T, db *store.DB, q store.TimelineQuery) ([]store.Happening, bool) {
	t.Helper()
	var hs []store.Happening
	var more bool
	err := db.View(time.Time{}, func(r *store.Reader) error {
		var err error
		hs, more, err = r.Timeline(context.Background(), q)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return hs, more
}

func describe(h store.Happening) string {
	id := ""
	if h.Fact != nil {
		id = h.Fact.ID
	} else {
		id = h.Entity.ID
	}
	return h.Date.String() + " " + [...]string{"", "event", "started", "ended"}[h.Kind] + " " + id
}

func TestTimelineSweden(t *testing.T) {
	db := natoDB(t)
	hs, _ := timeline(t, db, store.TimelineQuery{Entity: "country/SWE", Limit: 100})
	var got []string
	for _, h := range hs {
		got = append(got, describe(h))
	}
	want := map[string]bool{
		"2024-03-07 event event/nato-accession-2024-03-07": false,
		"2024-03-07 started fact/swe-member-of-nato":       false,
	}
	for _, g := range got {
		if _, ok := want[g]; ok {
			want[g] = true
		}
	}
	for w, seen := range want {
		if !seen {
			t.Errorf("Sweden's timeline lacks %q; has %q", w, got)
		}
	}
}

// TestTimelinePaging pages through the whole dataset's timeline three at a
// time and checks it matches one large page, in order, without repeats.
func TestTimelinePaging(t *testing.T) {
	db := natoDB(t)
	all, more := timeline(t, db, store.TimelineQuery{Limit: 10000})
	if more || len(all) < 50 {
		t.Fatalf("%d happenings, more %v", len(all), more)
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].Key() >= all[i].Key() {
			t.Fatalf("out of order at %d: %s then %s", i, all[i-1].Key(), all[i].Key())
		}
	}
	var paged []store.Happening
	after := ""
	for {
		hs, more := timeline(t, db, store.TimelineQuery{After: after, Limit: 3})
		paged = append(paged, hs...)
		if !more {
			break
		}
		after = hs[len(hs)-1].Key()
	}
	if len(paged) != len(all) {
		t.Fatalf("paged %d, all %d", len(paged), len(all))
	}
	for i := range all {
		if paged[i].Key() != all[i].Key() {
			t.Fatalf("page item %d: %s, want %s", i, paged[i].Key(), all[i].Key())
		}
	}
	window, _ := timeline(t, db, store.TimelineQuery{From: domain.MustDate("2024-01-01"), To: domain.MustDate("2024-12-31"), Predicates: []domain.Predicate{domain.MemberOf}, Limit: 100})
	if len(window) != 1 || window[0].Fact.ID != "fact/swe-member-of-nato" {
		t.Errorf("2024 memberships: %v", window)
	}
}
