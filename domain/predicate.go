package domain

import (
	"fmt"
	"slices"
	"strings"
)

// Predicate is a fact's relation. Codes are stored in keys and never change.
type Predicate uint16

// The closed set of predicates. From-kind -> to-kind in each comment;
// every write is checked against these (see Predicate.Allows).
const (
	// MemberOf: Country -> Organization, from the accession date.
	MemberOf Predicate = 1
	// Holds: Person -> Office, one term.
	Holds Predicate = 2
	// PartnerOf: Country -> Organization, a partnership short of membership.
	PartnerOf Predicate = 3
	// ParticipantIn: Country, Person or Organization -> Event.
	ParticipantIn Predicate = 4
	// LocatedIn: Place -> Country or Place; Event -> Place or Country.
	LocatedIn Predicate = 5
	// Succeeded: Person -> Person, in an office (property "office"); or
	// Country -> Country, a state that continues or replaces another
	// (property "mode"), from the successor's first day. Both ends are of
	// one kind.
	Succeeded Predicate = 6
	// Mentions: Document -> any entity, with the span that names it.
	Mentions Predicate = 7
	// HeadquarteredIn: Organization -> Place.
	HeadquarteredIn Predicate = 8
	// OfficeOf: Office -> Organization or Country it belongs to.
	OfficeOf Predicate = 9
	// Follows: Event -> Event that a source says it came after.
	Follows Predicate = 10
	// CitizenOf: Person -> Country.
	CitizenOf Predicate = 11
	// Knows: Person -> Person.
	Knows Predicate = 12
)

type predicateRule struct {
	name     string
	from, to []Kind // nil: any entity kind
	sameKind bool   // both ends must be of one kind
}

var predicateRules = map[Predicate]predicateRule{
	MemberOf:        {"MEMBER_OF", []Kind{KindCountry}, []Kind{KindOrganization}, false},
	Holds:           {"HOLDS", []Kind{KindPerson}, []Kind{KindOffice}, false},
	PartnerOf:       {"PARTNER_OF", []Kind{KindCountry}, []Kind{KindOrganization}, false},
	ParticipantIn:   {"PARTICIPANT_IN", []Kind{KindCountry, KindPerson, KindOrganization}, []Kind{KindEvent}, false},
	LocatedIn:       {"LOCATED_IN", []Kind{KindPlace, KindEvent, KindOrganization}, []Kind{KindPlace, KindCountry}, false},
	Succeeded:       {"SUCCEEDED", []Kind{KindPerson, KindCountry}, []Kind{KindPerson, KindCountry}, true},
	Mentions:        {"MENTIONS", []Kind{KindDocument}, nil, false},
	HeadquarteredIn: {"HEADQUARTERED_IN", []Kind{KindOrganization}, []Kind{KindPlace}, false},
	OfficeOf:        {"OFFICE_OF", []Kind{KindOffice}, []Kind{KindOrganization, KindCountry}, false},
	Follows:         {"FOLLOWS", []Kind{KindEvent}, []Kind{KindEvent}, false},
	CitizenOf:       {"CITIZEN_OF", []Kind{KindPerson}, []Kind{KindCountry}, false},
	Knows:           {"KNOWS", []Kind{KindPerson}, []Kind{KindPerson}, false},
}

// Predicates lists every predicate in code order.
func Predicates() []Predicate {
	ps := make([]Predicate, 0, len(predicateRules))
	for p := range predicateRules {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// String returns the predicate's name, e.g. "MEMBER_OF".
func (p Predicate) String() string {
	if r, ok := predicateRules[p]; ok {
		return r.name
	}
	return fmt.Sprintf("Predicate(%d)", uint16(p))
}

// Valid reports whether p is in the closed set.
func (p Predicate) Valid() bool { _, ok := predicateRules[p]; return ok }

// ParsePredicate parses a name such as "MEMBER_OF", in any case, as
// ParseKind parses kinds.
func ParsePredicate(s string) (Predicate, error) {
	for p, r := range predicateRules {
		if strings.EqualFold(r.name, s) {
			return p, nil
		}
	}
	names := make([]string, 0, len(predicateRules))
	for _, p := range Predicates() {
		names = append(names, p.String())
	}
	return 0, fmt.Errorf("%w: unknown predicate %q (known: %s)", ErrInvalid, s, strings.Join(names, ", "))
}

// Allows returns nil when a fact with this predicate may go from an entity
// of kind from to one of kind to, and an error wrapping ErrInvalid otherwise.
func (p Predicate) Allows(from, to Kind) error {
	r, ok := predicateRules[p]
	if !ok {
		return fmt.Errorf("%w: unknown predicate %d", ErrInvalid, p)
	}
	if r.from != nil && !slices.Contains(r.from, from) {
		return fmt.Errorf("%w: %s cannot start at a %s (allowed: %s)", ErrInvalid, p, from, kindList(r.from))
	}
	if r.to != nil && !slices.Contains(r.to, to) {
		return fmt.Errorf("%w: %s cannot point to a %s (allowed: %s)", ErrInvalid, p, to, kindList(r.to))
	}
	if r.sameKind && from != to {
		return fmt.Errorf("%w: %s links two entities of one kind, not a %s to a %s", ErrInvalid, p, from, to)
	}
	return nil
}

func kindList(ks []Kind) string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.String()
	}
	return strings.Join(names, ", ")
}
