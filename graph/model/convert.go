package model

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// KindOf maps a domain kind to its GraphQL enum value.
func KindOf(k domain.Kind) EntityKind {
	if n := kindNames[k]; n != "" {
		return n
	}
	return EntityKind(strings.ToUpper(k.String()))
}

// kindNames holds each entity kind's GraphQL name, made once: KindOf runs
// for every entity a query returns, and upper-casing each time would make
// garbage for every one.
var kindNames = func() (names [256]EntityKind) {
	for _, k := range domain.Kinds() {
		names[k] = EntityKind(strings.ToUpper(k.String()))
	}
	return names
}()

// DomainKind maps a GraphQL kind to the domain's.
func DomainKind(k EntityKind) (domain.Kind, error) { return domain.ParseKind(string(k)) }

// DomainKinds maps a list of GraphQL kinds.
func DomainKinds(ks []EntityKind) ([]domain.Kind, error) {
	out := make([]domain.Kind, 0, len(ks))
	for _, k := range ks {
		sk, err := DomainKind(k)
		if err != nil {
			return nil, err
		}
		out = append(out, sk)
	}
	return out, nil
}

// PredicateOf maps a domain predicate to its GraphQL enum value; the names
// are the same by design.
func PredicateOf(p domain.Predicate) Predicate { return Predicate(p.String()) }

// DomainPredicates maps a list of GraphQL predicates.
func DomainPredicates(ps []Predicate) ([]domain.Predicate, error) {
	out := make([]domain.Predicate, 0, len(ps))
	for _, p := range ps {
		sp, err := domain.ParsePredicate(string(p))
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, nil
}

var propTypes = map[domain.PropType]PropertyType{
	domain.PropString: PropertyTypeString,
	domain.PropInt:    PropertyTypeInt,
	domain.PropFloat:  PropertyTypeFloat,
	domain.PropBool:   PropertyTypeBoolean,
	domain.PropDate:   PropertyTypeDate,
}

func props(ps []domain.Prop) []*Property {
	out := make([]*Property, len(ps))
	for i, p := range ps {
		out[i] = &Property{Key: p.Key, Type: propTypes[p.Type], Value: p.Value}
	}
	return out
}

func xids(m map[string]string) []*ExternalID {
	out := make([]*ExternalID, 0, len(m))
	for s, v := range m {
		out = append(out, &ExternalID{Scheme: s, Value: v})
	}
	slices.SortFunc(out, func(a, b *ExternalID) int { return strings.Compare(a.Scheme, b.Scheme) })
	return out
}

func datePtr(d domain.Date) *domain.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func propDate(e *domain.Entity, key string) *domain.Date {
	if p, ok := e.Prop(key); ok {
		if d, err := domain.ParseDate(p.Value); err == nil {
			return &d
		}
	}
	return nil
}

func propFloat(e *domain.Entity, key string) *float64 {
	if p, ok := e.Prop(key); ok {
		// A store written before non-finite FLOATs were refused may
		// hold one; GraphQL's Float cannot carry it.
		if v, err := strconv.ParseFloat(p.Value, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			return &v
		}
	}
	return nil
}

func propBool(e *domain.Entity, key string) *bool {
	if p, ok := e.Prop(key); ok {
		if v, err := strconv.ParseBool(p.Value); err == nil {
			return &v
		}
	}
	return nil
}

func propString(e *domain.Entity, key string) *string {
	if p, ok := e.Prop(key); ok {
		return strPtr(p.Value)
	}
	return nil
}

// EntityOf converts an entity read at transaction time at to the
// GraphQL type of its kind.
func EntityOf(e *domain.Entity, at time.Time) Entity {
	id, kind, name, aliases := e.ID, KindOf(e.Kind), e.Name, e.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	ps, xs := props(e.Props), xids(e.XIDs)
	switch e.Kind {
	case domain.KindCountry:
		return &Country{ID: id, Kind: kind, Name: name, Aliases: aliases, Properties: ps, ExternalIds: xs, KnownAt: at, Iso3: strPtr(e.XIDs["iso3"]),
			Capital: propString(e, "capital"), Region: propString(e, "region"), Population: propFloat(e, "population"),
			Area: propFloat(e, "area"), Gdp: propFloat(e, "gdp"), Founded: propDate(e, "founded"), Independent: propBool(e, "independent")}
	case domain.KindPerson:
		return &Person{ID: id, Kind: kind, Name: name, Aliases: aliases, Properties: ps, ExternalIds: xs, KnownAt: at}
	case domain.KindOrganization:
		return &Organization{ID: id, Kind: kind, Name: name, Aliases: aliases, Properties: ps, ExternalIds: xs, KnownAt: at}
	case domain.KindOffice:
		return &Office{ID: id, Kind: kind, Name: name, Aliases: aliases, Properties: ps, ExternalIds: xs, KnownAt: at}
	case domain.KindEvent:
		return &Event{ID: id, Kind: kind, Name: name, Aliases: aliases, Properties: ps, ExternalIds: xs, KnownAt: at, Date: datePtr(e.Date)}
	case domain.KindPlace:
		return &Place{ID: id, Kind: kind, Name: name, Aliases: aliases, Properties: ps, ExternalIds: xs, KnownAt: at}
	default:
		return &Document{ID: id, Kind: kind, Name: name, Aliases: aliases, Properties: ps, ExternalIds: xs, KnownAt: at,
			Title: name, URL: propString(e, "url"), Sha256: strPtr(e.XIDs["sha256"]), Published: propDate(e, "published")}
	}
}

// FactOf converts a fact read at transaction time at.
func FactOf(f *domain.Fact, at time.Time) *Fact {
	cites := make([]*Citation, len(f.Citations))
	for i, c := range f.Citations {
		mc := &Citation{SourceID: c.Source, KnownAt: at, URL: strPtr(c.URL), Retrieved: datePtr(c.Retrieved)}
		if c.Span != nil {
			mc.Span = &Span{Start: c.Span.Start, End: c.Span.End}
		}
		cites[i] = mc
	}
	return withPrecision(f, &Fact{
		ID:         f.ID,
		Predicate:  PredicateOf(f.Predicate),
		ValidFrom:  datePtr(f.Valid.From),
		ValidTo:    datePtr(f.Valid.To),
		Properties: props(f.Props),
		Citations:  cites,
		FromID:     f.From,
		ToID:       f.To,
		EventID:    f.Event,
		KnownAt:    at,
	})
}

// Counter computes a connection's totalCount only when a query asks for
// it, within ctx (the field's: the resolver deadline).
type Counter func(ctx context.Context) (int, error)
