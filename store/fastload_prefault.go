package store

import (
	"sync"
	"unsafe"
)

// prefaulter hands out large buffers whose memory is already resident.
// A load fills gigabytes of fresh memory, its arena chunks and operation
// blocks, and the kernel maps each page of it on the first write, on the
// apply goroutine, which is the load's bottleneck. A prefaulter's
// goroutine allocates the next buffer and writes to each of its pages,
// on the other core, while the load fills the current one
// (docs/BENCHMARKS.md has the measurements).
//
// The buffer handed over is no longer touched by that goroutine (the
// channel orders its writes before the receiver's).
type prefaulter[T any] struct {
	n    int // elements per buffer
	next chan []T
	done chan struct{}
	stop func()
}

// pageSize is the unit the kernel maps memory in: 4 KiB, the smallest
// page size in use; where pages are larger, the extra writes are
// harmless.
const pageSize = 4096

// newPrefaulter starts a prefaulter of buffers of n elements; stop it
// with stop, which may be called more than once.
func newPrefaulter[T any](n int) *prefaulter[T] {
	p := &prefaulter[T]{n: n, next: make(chan []T), done: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Go(p.run)
	p.stop = sync.OnceFunc(func() {
		close(p.done)
		wg.Wait()
	})
	return p
}

func (p *prefaulter[T]) run() {
	var zero T
	step := max(1, pageSize/int(unsafe.Sizeof(zero)))
	for {
		b := make([]T, p.n)
		for i := 0; i < len(b); i += step {
			b[i] = zero // fault the page in: make's memory is mapped lazily
		}
		select {
		case p.next <- b:
		case <-p.done:
			return
		}
	}
}

// get returns an empty buffer with room for n elements: the prefaulted
// one if it is ready, else a new one (a nil prefaulter only allocates).
func (p *prefaulter[T]) get(n int) []T {
	if p != nil {
		select {
		case b := <-p.next:
			return b[:0]
		default:
		}
	}
	return make([]T, 0, n)
}
