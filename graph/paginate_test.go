package graph

import (
	"errors"
	"fmt"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/domain"
)

// FuzzCursor: a cursor round-trips its key, and any other string is
// refused with BAD_USER_INPUT, never a panic.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{"", "a", "2024-03-07\x00sweden\x00country/SWE", "YzE6", "c1:", "!!!", "YzE6dW5pdGVk"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if k, err := decodeCursor(encodeCursor(s)); err != nil || k != s {
			t.Fatalf("round trip of %q: %q, %v", s, k, err)
		}
		if _, err := decodeCursor(s); err != nil {
			var g *gqlerror.Error
			if !errors.As(err, &g) || g.Extensions["code"] != string(domain.CodeBadUserInput) {
				t.Fatalf("decodeCursor(%q): %v", s, err)
			}
		}
	})
}

// FuzzID: IDs from clients are split or refused with ErrInvalid.
func FuzzID(f *testing.F) {
	for _, s := range []string{"country/FIN", "org/nato", "fact/x", "FIN", "/", "country/", "unknown/x", "country/a b", "country/\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, key, err := domain.SplitID(s)
		if err != nil {
			if !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("SplitID(%q): %v", s, err)
			}
			return
		}
		if k.Prefix()+"/"+key != s {
			t.Fatalf("SplitID(%q) = %v %q", s, k, key)
		}
	})
}

// TestPaginateIsBounded: with neither first nor last (an explicit null
// included), a connection returns one full page, not the whole list.
func TestPaginateIsBounded(t *testing.T) {
	r := &Resolver{MaxPage: 10}
	key := func(i int) string { return fmt.Sprintf("%05d", i) }
	one := 3
	for _, tc := range []struct {
		name   string
		a      pageArgs
		lo, hi int
		next   bool
	}{
		{"neither", pageArgs{}, 0, 10, true},
		{"first", pageArgs{first: &one}, 0, 3, true},
		{"last", pageArgs{last: &one}, 247, 250, false},
	} {
		w, err := r.paginate(250, key, false, tc.a)
		if err != nil || w.lo != tc.lo || w.hi != tc.hi || w.info.HasNextPage != tc.next {
			t.Errorf("%s: [%d,%d) next=%v, %v; want [%d,%d) next=%v", tc.name, w.lo, w.hi, w.info.HasNextPage, err, tc.lo, tc.hi, tc.next)
		}
	}
}
