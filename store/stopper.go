package store

import "context"

// ctxEvery is how many steps (keys read, nodes expanded) a long read
// takes between looks at its context: often enough that it stops within
// a fraction of a millisecond of a deadline, rarely enough to cost
// nothing measurable.
const ctxEvery = 256

// stopper ends a long read once its context is done. check returns the
// context's error on its first call, so a read given a context that has
// already ended reads nothing, and on every ctxEvery-th call after.
type stopper struct {
	ctx context.Context
	n   int
}

func (s *stopper) check() error {
	s.n++
	if s.n%ctxEvery != 1 {
		return nil
	}
	return s.ctx.Err()
}
