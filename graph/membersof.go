package graph

import (
	"context"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/store"
)

// combineModes maps membersOf's modes to the store's.
var combineModes = map[model.MembersOfMode]store.Combine{
	model.MembersOfModeAll:       store.CombineAll,
	model.MembersOfModeAny:       store.CombineAny,
	model.MembersOfModeOnlyFirst: store.CombineOnlyFirst,
}

// membersOf serves Query.membersOf: the store combines, this maps.
func (r *Resolver) membersOf(ctx context.Context, orgs []string, mode *model.MembersOfMode, asOf *domain.Date, asOfEach []domain.Date, throughSuccessors *bool, knownAt *time.Time) ([]*model.CombinedMember, error) {
	q := store.MembersQuery{Orgs: orgs, Mode: store.CombineAll, AsOf: asOfEach}
	if mode != nil {
		q.Mode = combineModes[*mode]
	}
	if asOfEach == nil {
		day := r.asOf(asOf)
		q.AsOf = make([]domain.Date, len(orgs))
		for i := range q.AsOf {
			q.AsOf[i] = day
		}
	} else if len(asOfEach) != len(orgs) {
		return nil, model.BadInput("membersOf: asOfEach needs one day per organization in orgs")
	}
	q.ThroughSuccessors = throughSuccessors != nil && *throughSuccessors
	at := r.at(ctx, knownAt, time.Time{})
	var out []*model.CombinedMember
	err := r.DB.View(at, func(rd *store.Reader) error {
		ms, err := rd.MembersOf(ctx, q)
		if err != nil {
			return err
		}
		ents, err := rd.Entities(orgs)
		if err != nil {
			return err
		}
		out = make([]*model.CombinedMember, 0, len(ms))
		for _, m := range ms {
			c, _ := model.EntityOf(m.Country, at).(*model.Country)
			cm := &model.CombinedMember{Country: c, Memberships: make([]*model.OrgMembership, 0, len(m.Memberships))}
			for _, o := range m.Memberships {
				org, _ := model.EntityOf(ents[o.Org], at).(*model.Organization)
				om := &model.OrgMembership{Organization: org, AsOf: o.AsOf, Fact: model.FactOf(o.Fact, at), Via: make([]*model.Fact, 0, len(o.Via))}
				for _, v := range o.Via {
					om.Via = append(om.Via, model.FactOf(v, at))
				}
				cm.Memberships = append(cm.Memberships, om)
			}
			out = append(out, cm)
		}
		return nil
	})
	return out, err
}
