package model

import "github.com/alliancegraph/alliancegraph/domain"

// DomainProps converts property inputs; the store validates the values.
func DomainProps(in []*PropertyInput) []domain.Prop {
	out := make([]domain.Prop, 0, len(in))
	for _, p := range in {
		t := domain.PropString
		if p.Type != nil {
			for st, gt := range propTypes {
				if gt == *p.Type {
					t = st
				}
			}
		}
		out = append(out, domain.Prop{Key: p.Key, Type: t, Value: p.Value})
	}
	return out
}

// DomainCitation converts a citation input.
func DomainCitation(c *CitationInput) domain.Citation {
	out := domain.Citation{Source: c.Source}
	if c.Span != nil {
		out.Span = &domain.Span{Start: c.Span.Start, End: c.Span.End}
	}
	if c.URL != nil {
		out.URL = *c.URL
	}
	if c.Retrieved != nil {
		out.Retrieved = *c.Retrieved
	}
	return out
}

// DomainXIDs converts external ID inputs.
func DomainXIDs(in []*ExternalIDInput) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for _, x := range in {
		out[x.Scheme] = x.Value
	}
	return out
}

var ops = map[domain.Op]ChangeOp{domain.OpCreate: ChangeOpCreate, domain.OpUpdate: ChangeOpUpdate, domain.OpDelete: ChangeOpDelete}

// ChangeOf converts one change of a commit.
func ChangeOf(c domain.Change, ev domain.CommitEvent) *Change {
	out := &Change{At: ev.Time, Author: ev.Author, Note: strPtr(ev.Note), Op: ops[c.Op], ID: c.ID, Missed: ev.Missed}
	if c.Predicate != 0 {
		p := PredicateOf(c.Predicate)
		out.Predicate, out.FromID, out.ToID = &p, strPtr(c.From), strPtr(c.To)
	}
	return out
}
