package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/store"
)

// memberFilter is Organization.members' selection and order.
type memberFilter struct {
	asOf                      *domain.Date
	knownAt                   *time.Time
	joinedAfter, joinedBefore *domain.Date
	order                     *model.MemberOrder
}

// members serves Organization.members: member countries on asOf, filtered
// by accession date and ordered by name or by accession date then name.
// Cursors carry the sort key, so a page boundary survives changes around it.
func (r *Resolver) members(ctx context.Context, org *model.Organization, mf memberFilter, a pageArgs) (*model.MemberConnection, error) {
	if err := r.checkPage(a); err != nil {
		return nil, err
	}
	if a.first == nil && a.last == nil {
		def := 20
		a.first = &def
	}
	at := r.at(ctx, mf.knownAt, org.KnownAt)
	fs, err := r.edges(ctx, at, org.ID, store.EdgeFilter{Dir: store.In, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: r.asOf(mf.asOf)})
	if err != nil {
		return nil, err
	}
	fs = slices.DeleteFunc(slices.Clone(fs), func(f *domain.Fact) bool {
		return mf.joinedAfter != nil && f.Valid.From <= *mf.joinedAfter ||
			mf.joinedBefore != nil && (f.Valid.From == 0 || f.Valid.From >= *mf.joinedBefore)
	})
	refs := make([]store.EntityRef, len(fs))
	for i, f := range fs {
		refs[i] = store.FromRef(f)
	}
	ents, err := r.loadAll(ctx, at, refs)
	if err != nil {
		return nil, err
	}
	bySince := mf.order != nil && mf.order.Field == model.MemberOrderFieldSince
	desc := mf.order != nil && mf.order.Direction == model.OrderDirectionDesc
	type member struct {
		key  string
		fact *domain.Fact
		c    *model.Country
	}
	ms := make([]member, 0, len(fs))
	for i, f := range fs {
		c, ok := model.EntityOf(ents[i], at).(*model.Country)
		if !ok {
			continue
		}
		key := domain.Fold(c.Name) + "\x00" + c.ID + "\x00" + f.ID
		if bySince {
			key = f.Valid.From.String() + "\x00" + key
		}
		ms = append(ms, member{key: key, fact: f, c: c})
	}
	slices.SortFunc(ms, func(a, b member) int {
		if desc {
			return strings.Compare(b.key, a.key)
		}
		return strings.Compare(a.key, b.key)
	})
	w, err := r.paginate(len(ms), func(i int) string { return ms[i].key }, desc, a)
	if err != nil {
		return nil, err
	}
	page := make([]string, 0, w.hi-w.lo)
	for _, m := range ms[w.lo:w.hi] {
		page = append(page, m.c.ID)
	}
	if err := r.primeMemberships(ctx, at, page); err != nil {
		return nil, err
	}
	conn := &model.MemberConnection{TotalCount: len(ms), PageInfo: w.info, Edges: make([]*model.MemberEdge, 0, w.hi-w.lo)}
	for _, m := range ms[w.lo:w.hi] {
		conn.Edges = append(conn.Edges, &model.MemberEdge{
			Cursor: encodeCursor(m.key),
			Since:  datePtr(m.fact.Valid.From),
			Until:  datePtr(m.fact.Valid.To),
			Node:   m.c,
			Fact:   model.FactOf(m.fact, at),
		})
	}
	return conn, nil
}

// membershipDiff serves Organization.membershipDiff: memberships that
// began (joined) or ended (left) in (from, to].
func (r *Resolver) membershipDiff(ctx context.Context, org *model.Organization, from, to domain.Date, knownAt *time.Time) (*model.MembershipDiff, error) {
	if to < from {
		return nil, model.BadInput("membershipDiff: to must not be before from")
	}
	at := r.at(ctx, knownAt, org.KnownAt)
	fs, err := r.edges(ctx, at, org.ID, store.EdgeFilter{Dir: store.In, Predicates: []domain.Predicate{domain.MemberOf}})
	if err != nil {
		return nil, err
	}
	refs := make([]store.EntityRef, len(fs))
	for i, f := range fs {
		refs[i] = store.FromRef(f)
	}
	ents, err := r.loadAll(ctx, at, refs)
	if err != nil {
		return nil, err
	}
	diff := &model.MembershipDiff{Joined: []*model.MembershipDiffEntry{}, Left: []*model.MembershipDiffEntry{}}
	in := func(d domain.Date) bool { return d != 0 && d > from && d <= to }
	for i, f := range fs {
		c, ok := model.EntityOf(ents[i], at).(*model.Country)
		if !ok {
			continue
		}
		if in(f.Valid.From) {
			diff.Joined = append(diff.Joined, &model.MembershipDiffEntry{Date: f.Valid.From, Country: c, Fact: model.FactOf(f, at)})
		}
		if in(f.Valid.To) {
			diff.Left = append(diff.Left, &model.MembershipDiffEntry{Date: f.Valid.To, Country: c, Fact: model.FactOf(f, at)})
		}
	}
	for _, l := range [][]*model.MembershipDiffEntry{diff.Joined, diff.Left} {
		slices.SortFunc(l, func(a, b *model.MembershipDiffEntry) int {
			if c := cmp.Compare(a.Date, b.Date); c != 0 {
				return c
			}
			return strings.Compare(domain.Fold(a.Country.Name), domain.Fold(b.Country.Name))
		})
	}
	return diff, nil
}

// memberCount counts distinct member countries on asOf.
func (r *Resolver) memberCount(ctx context.Context, org *model.Organization, asOf *domain.Date, knownAt *time.Time) (int, error) {
	at := r.at(ctx, knownAt, org.KnownAt)
	fs, err := r.edges(ctx, at, org.ID, store.EdgeFilter{Dir: store.In, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: r.asOf(asOf)})
	if err != nil {
		return 0, err
	}
	seen := make(map[string]bool, len(fs))
	for _, f := range fs {
		seen[f.From] = true
	}
	return len(seen), nil
}

// accessions groups the membership facts of org starting in [from, to]
// by day, read from the by-time index.
func (r *Resolver) accessions(ctx context.Context, org *model.Organization, from, to *domain.Date, knownAt *time.Time) ([]*model.Accession, error) {
	var lo, hi domain.Date
	if from != nil {
		lo = *from
	}
	if to != nil {
		hi = *to + 1
	}
	if lo != 0 && hi != 0 && hi <= lo {
		return nil, model.BadInput("accessions: to must not be before from")
	}
	at := r.at(ctx, knownAt, org.KnownAt)
	// The scan reads every alliance's memberships in the range: it takes a
	// search slot, given back before the loader batches below.
	release, err := r.acquireSearch(ctx)
	if err != nil {
		return nil, err
	}
	var facts []*domain.Fact
	err = r.DB.View(at, func(rd *store.Reader) error {
		fs, err := rd.FactsStarting(ctx, domain.MemberOf, lo, hi, 0)
		for _, f := range fs {
			if f.To == org.ID && !f.Valid.From.IsZero() {
				facts = append(facts, f)
			}
		}
		return err
	})
	release()
	if err != nil {
		return nil, err
	}
	refs := make([]store.EntityRef, 0, 2*len(facts))
	for _, f := range facts {
		refs = append(refs, store.FromRef(f))
		if f.Event != "" {
			refs = append(refs, store.RefOf(f.Event))
		}
	}
	ents, err := r.loadAll(ctx, at, refs)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]model.Entity, len(ents))
	for _, e := range ents {
		byID[e.ID] = model.EntityOf(e, at)
	}
	var out []*model.Accession
	for _, f := range facts {
		if len(out) == 0 || out[len(out)-1].Date != f.Valid.From {
			out = append(out, &model.Accession{Date: f.Valid.From})
		}
		acc := out[len(out)-1]
		if ev, ok := byID[f.Event].(*model.Event); ok && acc.Event == nil {
			acc.Event = ev
		}
		if c, ok := byID[f.From].(*model.Country); ok {
			acc.Countries = append(acc.Countries, c)
		}
	}
	for _, acc := range out {
		slices.SortFunc(acc.Countries, func(a, b *model.Country) int { return cmp.Compare(domain.Fold(a.Name), domain.Fold(b.Name)) })
	}
	return out, nil
}
