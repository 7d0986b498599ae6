package graph

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
)

// cursorPrefix versions the cursor format so a stale cursor is refused
// clearly instead of misread.
const cursorPrefix = "c1:"

// encodeCursor makes an opaque cursor from an item's sort key.
func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + key))
}

// decodeCursor returns the sort key inside a cursor.
func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < len(cursorPrefix) || string(b[:len(cursorPrefix)]) != cursorPrefix {
		return "", model.BadInput(fmt.Sprintf("invalid cursor %q: use a cursor from this API's pageInfo or edges", clipStr(c)))
	}
	return string(b[len(cursorPrefix):]), nil
}

func clipStr(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// pageArgs are Relay's connection arguments.
type pageArgs struct {
	first, last   *int
	after, before *string
}

// window is the result of paging: the slice bounds and PageInfo.
type window struct {
	lo, hi int
	info   *model.PageInfo
}

// checkPage validates first and last against the page size limit.
func (r *Resolver) checkPage(a pageArgs) error {
	for _, p := range []struct {
		name string
		v    *int
	}{{"first", a.first}, {"last", a.last}} {
		if p.v == nil {
			continue
		}
		if *p.v < 0 {
			return model.BadInput(fmt.Sprintf("%s must not be negative", p.name))
		}
		if *p.v > r.maxPage() {
			return model.Coded(domain.CodeLimitExceeded, fmt.Sprintf("%s is %d, over the page size limit of %d", p.name, *p.v, r.maxPage()))
		}
	}
	return nil
}

func (r *Resolver) maxPage() int {
	if r.MaxPage > 0 {
		return r.MaxPage
	}
	return DefaultMaxPage
}

// DefaultMaxPage is the largest first/last a connection accepts by default.
const DefaultMaxPage = 100

// paginate applies Relay paging to n items sorted by unique keys,
// ascending (or descending with desc). after/before select by key, so a
// cursor stays meaningful when items are added or removed around it.
// With neither first nor last it returns the first full page.
func (r *Resolver) paginate(n int, key func(int) string, desc bool, a pageArgs) (window, error) {
	// beyond reports whether item i comes after cursor key k in list order.
	beyond := func(i int, k string) bool {
		if desc {
			return key(i) < k
		}
		return key(i) > k
	}
	if err := r.checkPage(a); err != nil {
		return window{}, err
	}
	lo, hi := 0, n
	if a.after != nil {
		k, err := decodeCursor(*a.after)
		if err != nil {
			return window{}, err
		}
		lo = sort.Search(n, func(i int) bool { return beyond(i, k) })
	}
	if a.before != nil {
		k, err := decodeCursor(*a.before)
		if err != nil {
			return window{}, err
		}
		hi = sort.Search(n, func(i int) bool { return beyond(i, k) || key(i) == k })
	}
	hi = max(hi, lo)
	info := &model.PageInfo{HasPreviousPage: lo > 0, HasNextPage: hi < n}
	if a.first == nil && a.last == nil {
		// Neither given (or an explicit null): one full page, never the
		// whole list, so no argument value makes a connection unbounded.
		full := r.maxPage()
		a.first = &full
	}
	if a.first != nil && hi-lo > *a.first {
		hi = lo + *a.first
		info.HasNextPage = true
	}
	if a.last != nil && hi-lo > *a.last {
		lo = hi - *a.last
		info.HasPreviousPage = true
	}
	if hi > lo {
		s, e := encodeCursor(key(lo)), encodeCursor(key(hi-1))
		info.StartCursor, info.EndCursor = &s, &e
	}
	return window{lo: lo, hi: hi, info: info}, nil
}

// totalCount serves FactConnection.totalCount: the count the connection
// was built with, or its lazy Counter.
func (r *Resolver) totalCount(ctx context.Context, c *model.FactConnection) (int, error) {
	if c.Counter != nil {
		return c.Counter(ctx)
	}
	return c.TotalCount, nil
}
