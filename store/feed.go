package store

import (
	"sync"

	"github.com/alliancegraph/alliancegraph/domain"
)

func commitEvent(ts uint64, c *Commit) domain.CommitEvent {
	return domain.CommitEvent{Time: tsTime(ts), Author: c.Author, Note: c.Note, Changes: c.Changes}
}

// feed fans commits out to subscribers. A writer never waits for a
// subscriber: each has a bounded buffer, and when it is full the event is
// dropped and counted, and the subscriber's next event says how many it
// missed.
type feed struct {
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	closed bool
}

type subscriber struct {
	ch     chan domain.CommitEvent
	missed int
}

// Subscribe returns a channel that receives every commit from now on and
// a cancel function that ends the subscription and closes the channel.
// buffer bounds how many events wait for a slow reader (at least 1). The
// channel is also closed when the DB is.
func (db *DB) Subscribe(buffer int) (<-chan domain.CommitEvent, func()) {
	s := &subscriber{ch: make(chan domain.CommitEvent, max(buffer, 1))}
	f := &db.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		close(s.ch)
		return s.ch, func() {}
	}
	if f.subs == nil {
		f.subs = map[*subscriber]struct{}{}
	}
	f.subs[s] = struct{}{}
	return s.ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[s]; ok {
			delete(f.subs, s)
			close(s.ch)
		}
	}
}

// Subscribers returns how many subscriptions are open.
func (db *DB) Subscribers() int {
	db.feed.mu.Lock()
	defer db.feed.mu.Unlock()
	return len(db.feed.subs)
}

func (f *feed) publish(ev domain.CommitEvent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		e := ev
		e.Missed = s.missed
		select {
		case s.ch <- e:
			s.missed = 0
		default:
			s.missed++
		}
	}
}

func (f *feed) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for s := range f.subs {
		close(s.ch)
	}
	f.subs = nil
}
