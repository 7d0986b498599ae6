package store

import (
	"cmp"
	"context"
	"fmt"
	"github.com/alliancegraph/alliancegraph/domain"
	"slices"
)

// Combine says how MembersOf joins the member lists of its organizations.
type Combine uint8

// The ways MembersOf combines.
const (
	// CombineAll keeps states that were members of every organization.
	CombineAll Combine = iota + 1
	// CombineAny keeps states that were members of at least one.
	CombineAny
	// CombineOnlyFirst keeps members of the first organization that were
	// members of none of the others (NATO but not the EU).
	CombineOnlyFirst
)

// MaxCombinedOrgs bounds how many organizations one MembersOf combines.
const MaxCombinedOrgs = 10

// MembersQuery asks which states were members of several organizations.
type MembersQuery struct {
	Orgs []string      // organization IDs, distinct
	AsOf []domain.Date // the day asked about for each organization, one each
	Mode Combine
	// ThroughSuccessors counts a state as a member on a day when a state
	// it succeeded (SUCCEEDED between countries, followed back any number
	// of steps, whatever their dates) was a member that day.
	ThroughSuccessors bool
}

// OrgMembership is one organization's membership a MembersOf answer
// rests on: the MEMBER_OF fact valid on AsOf, and, through successors,
// the SUCCEEDED facts from the answering state back to the fact's member,
// nearest first.
type OrgMembership struct {
	Org  string
	AsOf domain.Date
	Fact *domain.Fact
	Via  []*domain.Fact
}

// CombinedMember is a state in a MembersOf answer with the memberships
// that prove it: for CombineAll and CombineAny one per organization it
// was a member of, in the order asked; for CombineOnlyFirst the first
// organization's.
type CombinedMember struct {
	Country     *domain.Entity
	Memberships []OrgMembership
}

// MembersOf answers q: the states whose memberships on each
// organization's day combine as q.Mode says, ordered by name then ID. An
// ID that names nothing, or no organization, is ErrNotFound; an empty,
// too long or repeating list of organizations, or a list of days of
// another length, is ErrInvalid. It stops with ctx's error once ctx is
// done.
func (r *Reader) MembersOf(ctx context.Context, q MembersQuery) ([]CombinedMember, error) {
	r.count()
	st := &stopper{ctx: ctx}
	switch {
	case len(q.Orgs) == 0:
		return nil, fmt.Errorf("%w: membersOf needs at least one organization", domain.ErrInvalid)
	case len(q.Orgs) > MaxCombinedOrgs:
		return nil, fmt.Errorf("%w: membersOf combines at most %d organizations, not %d", domain.ErrInvalid, MaxCombinedOrgs, len(q.Orgs))
	case len(q.AsOf) != len(q.Orgs):
		return nil, fmt.Errorf("%w: %d days for %d organizations", domain.ErrInvalid, len(q.AsOf), len(q.Orgs))
	case q.Mode < CombineAll || q.Mode > CombineOnlyFirst:
		return nil, fmt.Errorf("%w: unknown combination %d", domain.ErrInvalid, q.Mode)
	}
	for i, id := range q.Orgs {
		if slices.Contains(q.Orgs[:i], id) {
			return nil, fmt.Errorf("%w: %s is given twice", domain.ErrInvalid, id)
		}
		e, err := r.Entity(id)
		if err != nil {
			return nil, err
		}
		if e.Kind != domain.KindOrganization {
			return nil, fmt.Errorf("%w: %s is a %s, not an organization", domain.ErrNotFound, id, e.Kind)
		}
	}
	succ := successorIndex{r: r, next: map[string][]*domain.Fact{}}
	perOrg := make([]map[string]OrgMembership, len(q.Orgs))
	for i, org := range q.Orgs {
		if err := st.check(); err != nil {
			return nil, err
		}
		fs, err := r.Edges(org, EdgeFilter{Dir: In, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: q.AsOf[i]})
		if err != nil {
			return nil, err
		}
		m := map[string]OrgMembership{}
		for _, f := range fs {
			m[f.From] = OrgMembership{Org: org, AsOf: q.AsOf[i], Fact: f}
		}
		if q.ThroughSuccessors {
			if err := succ.spread(st, m); err != nil {
				return nil, err
			}
		}
		perOrg[i] = m
	}
	var ids []string
	switch q.Mode {
	case CombineAll:
		for id := range perOrg[0] {
			if !slices.ContainsFunc(perOrg[1:], func(m map[string]OrgMembership) bool { _, ok := m[id]; return !ok }) {
				ids = append(ids, id)
			}
		}
	case CombineAny:
		seen := map[string]bool{}
		for _, m := range perOrg {
			for id := range m {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
	case CombineOnlyFirst:
		for id := range perOrg[0] {
			if !slices.ContainsFunc(perOrg[1:], func(m map[string]OrgMembership) bool { _, ok := m[id]; return ok }) {
				ids = append(ids, id)
			}
		}
	}
	ents, err := r.Entities(ids)
	if err != nil {
		return nil, err
	}
	out := make([]CombinedMember, 0, len(ids))
	for _, id := range ids {
		e := ents[id]
		if e == nil || e.Kind != domain.KindCountry {
			continue
		}
		cm := CombinedMember{Country: e}
		for i, m := range perOrg {
			if ms, ok := m[id]; ok && (q.Mode != CombineOnlyFirst || i == 0) {
				cm.Memberships = append(cm.Memberships, ms)
			}
		}
		out = append(out, cm)
	}
	slices.SortFunc(out, func(a, b CombinedMember) int {
		return cmp.Or(cmp.Compare(domain.Fold(a.Country.Name), domain.Fold(b.Country.Name)), cmp.Compare(a.Country.ID, b.Country.ID))
	})
	return out, nil
}

// successorIndex reads, once per state, the SUCCEEDED facts of the states
// that succeeded it.
type successorIndex struct {
	r    *Reader
	next map[string][]*domain.Fact // state -> SUCCEEDED facts pointing to it
}

func (s *successorIndex) successors(id string) ([]*domain.Fact, error) {
	if fs, ok := s.next[id]; ok {
		return fs, nil
	}
	fs, err := s.r.Edges(id, EdgeFilter{Dir: In, Predicates: []domain.Predicate{domain.Succeeded}})
	if err != nil {
		return nil, err
	}
	fs = slices.DeleteFunc(slices.Clone(fs), func(f *domain.Fact) bool {
		k, _, err := domain.SplitID(f.From)
		return err != nil || k != domain.KindCountry
	})
	s.next[id] = fs
	return fs, nil
}

// spread adds to m, for every member, the states that succeeded it
// (breadth first, so the nearest chain wins), each with the chain of
// SUCCEEDED facts back to the member. A state that is a member itself
// keeps its own membership.
func (s *successorIndex) spread(st *stopper, m map[string]OrgMembership) error {
	queue := make([]string, 0, len(m))
	for id := range m {
		queue = append(queue, id)
	}
	slices.Sort(queue)
	for len(queue) > 0 {
		if err := st.check(); err != nil {
			return err
		}
		id := queue[0]
		queue = queue[1:]
		fs, err := s.successors(id)
		if err != nil {
			return err
		}
		for _, f := range fs {
			if _, ok := m[f.From]; ok {
				continue
			}
			base := m[id]
			m[f.From] = OrgMembership{Org: base.Org, AsOf: base.AsOf, Fact: base.Fact, Via: append([]*domain.Fact{f}, base.Via...)}
			queue = append(queue, f.From)
		}
	}
	return nil
}
