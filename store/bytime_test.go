package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestStartPage pages NATO's memberships by accession date two at a time
// and checks the pages join up in date order with nothing repeated.
func TestStartPage(t *testing.T) {
	db := natoDB(t)
	err := db.View(time.Time{}, func(r *store.Reader) error {
		from := domain.MustDate("1999-01-01")
		total, err := r.CountStarting(context.Background(), domain.MemberOf, from+1, 0)
		if err != nil {
			return err
		}
		var got []*domain.Fact
		cursor := ""
		for {
			fs, next, more, err := r.StartPage(domain.MemberOf, from+1, 0, cursor, 2)
			if err != nil {
				return err
			}
			got = append(got, fs...)
			if !more {
				break
			}
			cursor = next[len(next)-1]
		}
		// 1999: 3, 2004: 7, 2009: 2, 2017, 2020, 2023, 2024: 1 each.
		if total != 16 || len(got) != total {
			t.Fatalf("count %d, paged %d; want 16", total, len(got))
		}
		seen := map[string]bool{}
		for i, f := range got {
			if seen[f.ID] || (i > 0 && got[i-1].Valid.From > f.Valid.From) {
				t.Fatalf("repeat or disorder at %d: %s", i, f.ID)
			}
			seen[f.ID] = true
		}
		if _, _, _, err := r.StartPage(domain.MemberOf, 0, 0, "zz", 2); err == nil {
			t.Error("a malformed cursor was accepted")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
