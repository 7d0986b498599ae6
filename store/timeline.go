package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/alliancegraph/alliancegraph/domain"
)

// HappeningKind says what a timeline entry records.
type HappeningKind uint8

// Kinds of happening, in the order they sort within a day.
const (
	HappeningEvent   HappeningKind = 1 // a dated entity (an event) took place
	HappeningStarted HappeningKind = 2 // a fact became true (its ValidFrom)
	HappeningEnded   HappeningKind = 3 // a fact stopped being true (its ValidTo)
)

// Happening is one timeline entry: a fact that began or ended, or an event.
type Happening struct {
	Date   domain.Date
	Kind   HappeningKind
	Fact   *domain.Fact   // Started and Ended
	Entity *domain.Entity // Event
}

// Key orders happenings: by day, then kind, then ID. Timeline cursors are
// keys.
func (h Happening) Key() string {
	id := ""
	if h.Fact != nil {
		id = h.Fact.ID
	} else if h.Entity != nil {
		id = h.Entity.ID
	}
	return fmt.Sprintf("%07d|%d|%s", int32(h.Date), h.Kind, id)
}

// TimelineQuery selects happenings.
type TimelineQuery struct {
	From, To   domain.Date        // inclusive bounds; zero: open
	Entity     string             // only what concerns this entity; "": everything
	Predicates []domain.Predicate // facts of these predicates; empty: all, and events
	After      string             // a Key: return only later happenings
	Limit      int                // at most this many (> 0)
}

func (q *TimelineQuery) inRange(d domain.Date) bool {
	return d != 0 && (q.From == 0 || d >= q.From) && (q.To == 0 || d <= q.To)
}

// Timeline returns happenings in order and whether more follow. Without an
// entity it merges the by-start, by-end and dated-entity indexes from the
// first day asked, reading at most Limit+1 entries of each; with one it
// reads that entity's facts and the events they point at. It stops with
// ctx's error once ctx is done.
func (r *Reader) Timeline(ctx context.Context, q TimelineQuery) ([]Happening, bool, error) {
	r.count()
	if q.Limit < 1 {
		return nil, false, fmt.Errorf("%w: limit must be at least 1", domain.ErrInvalid)
	}
	st := &stopper{ctx: ctx}
	if err := st.check(); err != nil {
		return nil, false, err
	}
	var hs []Happening
	var err error
	if q.Entity != "" {
		hs, err = r.entityHappenings(st, q)
	} else {
		hs, err = r.indexHappenings(st, q)
	}
	if err != nil {
		return nil, false, err
	}
	slices.SortFunc(hs, func(a, b Happening) int { return cmp.Compare(a.Key(), b.Key()) })
	hs = slices.CompactFunc(hs, func(a, b Happening) bool { return a.Key() == b.Key() })
	more := len(hs) > q.Limit
	if more {
		hs = hs[:q.Limit]
	}
	return hs, more, nil
}

func (q *TimelineQuery) keep(h Happening) bool {
	return q.inRange(h.Date) && (q.After == "" || h.Key() > q.After)
}

func (r *Reader) entityHappenings(st *stopper, q TimelineQuery) ([]Happening, error) {
	self, n, err := r.entity(q.Entity)
	if err != nil {
		return nil, err
	}
	var hs []Happening
	add := func(h Happening) {
		if q.keep(h) {
			hs = append(hs, h)
		}
	}
	if len(q.Predicates) == 0 {
		add(Happening{Date: self.Date, Kind: HappeningEvent, Entity: self})
	}
	facts, err := r.edges(n, EdgeFilter{Dir: Both, Predicates: q.Predicates})
	if err != nil {
		return nil, err
	}
	for _, f := range facts {
		if err := st.check(); err != nil {
			return nil, err
		}
		add(Happening{Date: f.Valid.From, Kind: HappeningStarted, Fact: f})
		add(Happening{Date: f.Valid.To, Kind: HappeningEnded, Fact: f})
		other := f.To
		if other == q.Entity {
			other = f.From
		}
		if k, _, _ := domain.SplitID(other); k == domain.KindEvent {
			ev, _, err := r.entity(other)
			if err != nil {
				return nil, err
			}
			add(Happening{Date: ev.Date, Kind: HappeningEvent, Entity: ev})
		}
	}
	return hs, nil
}

func (r *Reader) indexHappenings(st *stopper, q TimelineQuery) ([]Happening, error) {
	preds := q.Predicates
	if len(preds) == 0 {
		preds = domain.Predicates()
	}
	var hs []Happening
	for _, p := range preds {
		for _, ended := range []bool{false, true} {
			if err := r.scanFactDates(st, p, ended, &q, &hs); err != nil {
				return nil, err
			}
		}
	}
	if len(q.Predicates) == 0 {
		if err := r.scanDated(st, &q, &hs); err != nil {
			return nil, err
		}
	}
	return hs, nil
}

// startDate is where a scan of q's range begins: the first day asked, or
// the cursor's day when that is later.
func (q *TimelineQuery) startDate() domain.Date {
	d := max(q.From, 1)
	var after int32
	if _, err := fmt.Sscanf(q.After, "%07d|", &after); err == nil {
		d = max(d, domain.Date(after))
	}
	return d
}

// scanFactDates appends up to Limit+1 happenings from the by-start (or
// by-end) index of predicate p.
func (r *Reader) scanFactDates(st *stopper, p domain.Predicate, ended bool, q *TimelineQuery, hs *[]Happening) error {
	prefix, seek, kind := timePrefix(p), timeKey(p, q.startDate(), 0), HappeningStarted
	if ended {
		prefix, seek, kind = endPrefix(p), endKey(p, q.startDate(), 0), HappeningEnded
	}
	it := r.txn.NewIterator(badgerIterOpts(prefix))
	defer it.Close()
	var stop scanStop
	for it.Seek(seek); it.ValidForPrefix(prefix); it.Next() {
		if err := st.check(); err != nil {
			return err
		}
		item := it.Item()
		parse := parseTimeKey
		if ended {
			parse = parseEndKey
		}
		_, d, fact, err := parse(item.Key())
		if err != nil {
			return err
		}
		if q.To != 0 && d > q.To || stop.done(d) {
			break
		}
		var src, dst uint64
		if err := item.Value(func(v []byte) error { src, dst, err = parseTimeVal(v); return err }); err != nil {
			return err
		}
		f, err := r.factAt(edge{src: src, pred: p, dst: dst, fact: fact})
		if err != nil {
			return err
		}
		if h := (Happening{Date: d, Kind: kind, Fact: f}); q.keep(h) {
			*hs = append(*hs, h)
			stop.found(d, q.Limit)
		}
	}
	return nil
}

// scanDated appends up to Limit+1 events from the dated-entity index.
func (r *Reader) scanDated(st *stopper, q *TimelineQuery, hs *[]Happening) error {
	prefix := tagPrefix(tagDated)
	it := r.txn.NewIterator(badgerIterOpts(prefix))
	defer it.Close()
	var stop scanStop
	for it.Seek(datedKey(q.startDate(), 0)); it.ValidForPrefix(prefix); it.Next() {
		if err := st.check(); err != nil {
			return err
		}
		d, n, err := parseDatedKey(it.Item().Key())
		if err != nil {
			return err
		}
		if q.To != 0 && d > q.To || stop.done(d) {
			break
		}
		e, err := r.entityByNum(n)
		if err != nil {
			return err
		}
		if h := (Happening{Date: d, Kind: HappeningEvent, Entity: e}); q.keep(h) {
			*hs = append(*hs, h)
			stop.found(d, q.Limit)
		}
	}
	return nil
}

// scanStop ends an index scan once it has found more than the limit and
// finished the day it was on: the index orders a day's entries by internal
// id, not by readable ID, so the whole day is needed to pick its first ones.
type scanStop struct {
	n    int
	last domain.Date // the day on which the limit was passed; 0 until then
}

func (s *scanStop) found(d domain.Date, limit int) {
	s.n++
	if s.n > limit && s.last == 0 {
		s.last = d
	}
}

func (s *scanStop) done(d domain.Date) bool { return s.last != 0 && d > s.last }
