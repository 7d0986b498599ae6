package store

import (
	"context"
	"fmt"

	"github.com/alliancegraph/alliancegraph/domain"
)

// StartPage reads facts of predicate p whose ValidFrom lies in [from, to)
// (a zero bound is open) from the by-time index, in order of ValidFrom
// (ties in the order they were created), at most limit, continuing after
// cursor (one this method returned, or "" to start). It returns each
// fact's cursor and whether more follow. Reading a page costs limit point
// reads, however many facts precede it.
func (r *Reader) StartPage(p domain.Predicate, from, to domain.Date, cursor string, limit int) ([]*domain.Fact, []string, bool, error) {
	r.count()
	if limit < 1 {
		return nil, nil, false, fmt.Errorf("%w: limit must be at least 1", domain.ErrInvalid)
	}
	prefix := timePrefix(p)
	seek := timeKey(p, max(from, 0), 0)
	if cursor != "" {
		var ok bool
		if seek, ok = afterTimeCursor(p, cursor); !ok {
			return nil, nil, false, fmt.Errorf("%w: malformed cursor", domain.ErrInvalid)
		}
	}
	it := r.txn.NewIterator(badgerIterOpts(prefix))
	defer it.Close()
	var out []*domain.Fact
	var cursors []string
	for it.Seek(seek); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		_, d, fact, err := parseTimeKey(item.Key())
		if err != nil {
			return nil, nil, false, err
		}
		if d < from {
			continue
		}
		if to != 0 && d >= to {
			break
		}
		if len(out) == limit {
			return out, cursors, true, nil
		}
		var src, dst uint64
		if err := item.Value(func(v []byte) error { src, dst, err = parseTimeVal(v); return err }); err != nil {
			return nil, nil, false, err
		}
		f, err := r.factAt(edge{src: src, pred: p, dst: dst, fact: fact})
		if err != nil {
			return nil, nil, false, err
		}
		out = append(out, f)
		cursors = append(cursors, timeCursor(item.Key()))
	}
	return out, cursors, false, nil
}

// CountStarting counts facts of predicate p whose ValidFrom lies in
// [from, to) with a key-only scan of the by-time index. It stops with
// ctx's error once ctx is done.
func (r *Reader) CountStarting(ctx context.Context, p domain.Predicate, from, to domain.Date) (int, error) {
	r.count()
	st := stopper{ctx: ctx}
	if err := st.check(); err != nil {
		return 0, err
	}
	prefix := timePrefix(p)
	it := r.txn.NewIterator(badgerIterOpts(prefix))
	defer it.Close()
	n := 0
	for it.Seek(timeKey(p, from, 0)); it.ValidForPrefix(prefix); it.Next() {
		if err := st.check(); err != nil {
			return 0, err
		}
		_, d, _, err := parseTimeKey(it.Item().Key())
		if err != nil {
			return 0, err
		}
		if to != 0 && d >= to {
			break
		}
		n++
	}
	return n, nil
}
