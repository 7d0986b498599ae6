package graph

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vikstrous/dataloadgen"
)

// found is a loader's value: v, and whether the store had it. Keeping the
// miss as a value lets a read made at once cache it like a batch does.
type found[V any] struct {
	v  V
	ok bool
}

// loader is a per-operation dataloadgen loader that also knows which keys
// it holds (loaded, loading or primed), so that a load which must not wait
// for a batch can tell whether it needs a store read.
//
// Where a load runs decides how it reads (see batched): under a list whose
// elements resolve concurrently it joins the loader's next batch, which
// gathers its siblings' keys for the loader's wait; anywhere else nothing
// else will join a batch, so it reads at once (one store read for every key
// asked together that the loader does not hold).
type loader[K comparable, V any] struct {
	dl    *dataloadgen.Loader[K, found[V]]
	fetch func([]K) (map[K]V, error)
	// now counts the operation's reads made at once; shared by all its
	// loaders (marshalList watches it).
	now *atomic.Int64

	mu   sync.Mutex
	held map[K]struct{}
}

func newLoader[K comparable, V any](fetch func([]K) (map[K]V, error), wait time.Duration, now *atomic.Int64) *loader[K, V] {
	l := &loader[K, V]{fetch: fetch, now: now, held: map[K]struct{}{}}
	l.dl = dataloadgen.NewMappedLoader(func(_ context.Context, keys []K) (map[K]found[V], error) {
		m, err := fetch(keys)
		out := make(map[K]found[V], len(m))
		for k, v := range m {
			out[k] = found[V]{v, true}
		}
		return out, err
	}, dataloadgen.WithWait(wait))
	return l
}

// load returns key's value; ok is false when the store does not have it.
func (l *loader[K, V]) load(ctx context.Context, key K) (v V, ok bool, err error) {
	if batched(ctx) {
		l.hold(key)
	} else if err := l.prime(key); err != nil {
		return v, false, err
	}
	f, err := l.dl.Load(ctx, key)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return v, false, nil
	}
	return f.v, f.ok, err
}

// loadAll is load for many keys; a value the store does not have is the
// zero value with ok false.
func (l *loader[K, V]) loadAll(ctx context.Context, keys []K) ([]found[V], error) {
	if batched(ctx) {
		l.hold(keys...)
	} else if err := l.prime(keys...); err != nil {
		return nil, err
	}
	fs, err := l.dl.LoadAll(ctx, keys)
	var each dataloadgen.ErrorSlice
	if errors.As(err, &each) {
		// Misses only (the mapped loader's ErrNotFound) leave zero values.
		for _, e := range each {
			if e != nil && !errors.Is(e, dataloadgen.ErrNotFound) {
				return nil, err
			}
		}
		err = nil
	}
	return fs, err
}

// hold records keys that a Load is about to put in the loader's cache.
func (l *loader[K, V]) hold(keys ...K) {
	l.mu.Lock()
	for _, k := range keys {
		l.held[k] = struct{}{}
	}
	l.mu.Unlock()
}

// prime reads the keys the loader does not hold, in one store read, and
// puts them (misses too) in its cache. A key that another goroutine is
// reading at once counts as held: a load of it meanwhile joins a batch,
// which reads it again (rare: only fields outside lists run concurrently
// and ask for the same key).
func (l *loader[K, V]) prime(keys ...K) error {
	l.mu.Lock()
	var missing []K
	for _, k := range keys {
		if _, ok := l.held[k]; !ok {
			l.held[k] = struct{}{}
			missing = append(missing, k)
		}
	}
	l.mu.Unlock()
	if len(missing) == 0 {
		return nil
	}
	l.now.Add(1)
	m, err := l.fetch(missing)
	if err != nil {
		l.mu.Lock()
		for _, k := range missing {
			delete(l.held, k)
		}
		l.mu.Unlock()
		return err
	}
	for _, k := range missing {
		v, ok := m[k]
		l.dl.Prime(k, found[V]{v, ok})
	}
	return nil
}
