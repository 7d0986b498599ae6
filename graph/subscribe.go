package graph

import (
	"context"
	"slices"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/store"
)

// subBuffer is how many commits may wait for one slow subscription before
// the store drops them for it (the next change says how many it missed).
const subBuffer = 64

// stream subscribes to the store's commit feed and sends what convert
// makes of each commit until ctx ends (the client stopped the
// subscription or left). It never blocks a writer: the store drops events
// for a subscriber whose buffer is full.
func stream[T any](ctx context.Context, db Store, convert func(domain.CommitEvent) []T) <-chan T {
	events, cancel := db.Subscribe(subBuffer)
	out := make(chan T, 1)
	go func() {
		defer close(out)
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-events:
				if !ok {
					return // the store closed
				}
				for _, v := range convert(ev) {
					select {
					case out <- v:
					case <-ctx.Done():
						return
					}
				}
			}
		}
	}()
	return out
}

func (r *Resolver) changes(ctx context.Context, ids []string, kinds []model.EntityKind, predicates []model.Predicate) (<-chan *model.Change, error) {
	ks, err := model.DomainKinds(kinds)
	if err != nil {
		return nil, err
	}
	ps, err := model.DomainPredicates(predicates)
	if err != nil {
		return nil, err
	}
	match := func(c domain.Change) bool {
		if len(ids) > 0 && !slices.Contains(ids, c.ID) {
			return false
		}
		if len(ps) > 0 && (c.Predicate == 0 || !slices.Contains(ps, c.Predicate)) {
			return false
		}
		if len(ks) > 0 {
			ends := []string{c.ID}
			if c.Predicate != 0 {
				ends = []string{c.From, c.To}
			}
			return slices.ContainsFunc(ends, func(id string) bool {
				k, _, err := domain.SplitID(id)
				return err == nil && slices.Contains(ks, k)
			})
		}
		return true
	}
	return stream(ctx, r.DB, changesOf(match)), nil
}

// changesOf converts one subscription's events to the changes it sends.
// Commits dropped for it are counted on the next change it sends, however
// many events without a matching change come first.
func changesOf(match func(domain.Change) bool) func(domain.CommitEvent) []*model.Change {
	missed := 0
	return func(ev domain.CommitEvent) []*model.Change {
		missed += ev.Missed
		var out []*model.Change
		for _, c := range ev.Changes {
			if match(c) {
				ch := model.ChangeOf(c, ev)
				ch.Missed, missed = missed, 0
				out = append(out, ch)
			}
		}
		return out
	}
}

func (r *Resolver) membershipChanged(ctx context.Context, alliance string) (<-chan *model.MembershipChange, error) {
	// An ID that names no organization would wait forever for events.
	if _, err := entityOfKind[*model.Organization](ctx, r, alliance, nil, domain.KindOrganization); err != nil {
		return nil, err
	}
	return stream(ctx, r.DB, func(ev domain.CommitEvent) []*model.MembershipChange {
		var out []*model.MembershipChange
		for _, c := range ev.Changes {
			if c.Predicate != domain.MemberOf || c.To != alliance {
				continue
			}
			m := &model.MembershipChange{At: ev.Time, Author: ev.Author, FactID: c.ID, CountryID: c.From}
			m.Kind, m.Fact = r.membershipKind(c, ev.Time)
			out = append(out, m)
		}
		return out
	}), nil
}

// membershipKind classifies a change of a membership fact by comparing
// it just before and at the commit.
func (r *Resolver) membershipKind(c domain.Change, at time.Time) (model.MembershipChangeKind, *model.Fact) {
	if c.Op == domain.OpDelete {
		return model.MembershipChangeKindRetracted, nil
	}
	var now, before *domain.Fact
	r.DB.View(at, func(rd *store.Reader) error { now, _ = rd.Fact(c.ID); return nil })
	r.DB.View(at.Add(-time.Nanosecond), func(rd *store.Reader) error { before, _ = rd.Fact(c.ID); return nil })
	var f *model.Fact
	if now != nil {
		f = model.FactOf(now, at)
	}
	switch {
	case c.Op == domain.OpCreate || before == nil:
		return model.MembershipChangeKindJoined, f
	case now != nil && now.Valid.To != 0 && before.Valid.To != now.Valid.To:
		return model.MembershipChangeKindLeft, f
	}
	return model.MembershipChangeKindCorrected, f
}
