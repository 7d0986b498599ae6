package store

import (
	"context"

	"github.com/alliancegraph/alliancegraph/domain"
)

// CountKind returns how many entities of kind k exist, by a key-only scan
// of the by-kind index. It stops with ctx's error once ctx is done.
func (r *Reader) CountKind(ctx context.Context, k domain.Kind) (int, error) {
	r.count()
	st := stopper{ctx: ctx}
	if err := st.check(); err != nil {
		return 0, err
	}
	n := 0
	err := r.scanPrefix(kindPrefix(k), func([]byte) (bool, error) {
		n++
		return true, st.check()
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
