package store

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is an entity's type. Its numeric value is stored in keys and never
// changes; new kinds get new numbers.
type Kind uint8

// The closed set of entity kinds.
const (
	KindCountry      Kind = 1
	KindPerson       Kind = 2
	KindOrganization Kind = 3
	KindOffice       Kind = 4
	KindEvent        Kind = 5
	KindPlace        Kind = 6
	KindDocument     Kind = 7

	// kindFact namespaces fact IDs ("fact/...") in the slug index; it is
	// not an entity kind.
	kindFact Kind = 0xF0
)

var kindInfo = map[Kind]struct{ name, prefix string }{
	KindCountry:      {"Country", "country"},
	KindPerson:       {"Person", "person"},
	KindOrganization: {"Organization", "org"},
	KindOffice:       {"Office", "office"},
	KindEvent:        {"Event", "event"},
	KindPlace:        {"Place", "place"},
	KindDocument:     {"Document", "doc"},
	kindFact:         {"Fact", "fact"},
}

// Kinds lists every entity kind in numeric order.
func Kinds() []Kind {
	return []Kind{KindCountry, KindPerson, KindOrganization, KindOffice, KindEvent, KindPlace, KindDocument}
}

// String returns the kind's name, e.g. "Country".
func (k Kind) String() string {
	if i, ok := kindInfo[k]; ok {
		return i.name
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Prefix returns the kind's ID prefix, e.g. "country".
func (k Kind) Prefix() string { return kindInfo[k].prefix }

// Valid reports whether k is an entity kind.
func (k Kind) Valid() bool { return k >= KindCountry && k <= KindDocument }

// ParseKind parses a kind name such as "Country" (case-insensitive).
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds() {
		if strings.EqualFold(k.String(), s) {
			return k, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown kind %q", ErrInvalid, s)
}

// SplitID splits a readable ID "<prefix>/<key>" into its kind and key.
// Facts ("fact/<key>") return the internal fact namespace, which IsFactID
// tells apart.
func SplitID(id string) (Kind, string, error) {
	prefix, key, ok := strings.Cut(id, "/")
	if !ok || key == "" {
		return 0, "", fmt.Errorf("%w: ID %q is not <kind>/<key>", ErrInvalid, id)
	}
	if len(id) > maxIDLen {
		return 0, "", fmt.Errorf("%w: ID longer than %d bytes", ErrInvalid, maxIDLen)
	}
	for _, c := range []byte(key) {
		if c <= ' ' || c == 0x7f {
			return 0, "", fmt.Errorf("%w: ID %q contains a space or control character", ErrInvalid, id)
		}
	}
	if k, ok := kindByPrefix[prefix]; ok {
		return k, key, nil
	}
	return 0, "", fmt.Errorf("%w: ID %q has unknown prefix %q", ErrInvalid, id, prefix)
}

// kindByPrefix maps each ID prefix to its kind (kindInfo the other way):
// SplitID runs for every ID read or written.
var kindByPrefix = func() map[string]Kind {
	m := make(map[string]Kind, len(kindInfo))
	for k, i := range kindInfo {
		m[i.prefix] = k
	}
	return m
}()

// IsFactID reports whether id names a fact rather than an entity.
func IsFactID(id string) bool { return strings.HasPrefix(id, "fact/") }

// maxIDLen bounds readable IDs so keys stay small.
const maxIDLen = 200

// Predicate is a fact's relation. Codes are stored in keys and never change.
type Predicate uint16

// The closed set of predicates. From-kind -> to-kind in each comment; the
// store checks these (see Predicate.Allows).
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

// PropType is the type of a property value.
type PropType uint8

// Property value types.
const (
	PropString PropType = iota + 1
	PropInt
	PropFloat
	PropBool
	PropDate
)

// Prop is one typed property. Value holds the canonical text form (an int
// in decimal, a date as YYYY-MM-DD, a bool as true/false).
type Prop struct {
	Key   string   `json:"k"`
	Type  PropType `json:"t"`
	Value string   `json:"v"`
}

// Entity is a node. ID is its readable ID ("country/FIN"); it is immutable.
type Entity struct {
	ID      string            `json:"id"`
	Kind    Kind              `json:"kind"`
	Name    string            `json:"name"`
	Aliases []string          `json:"aliases,omitempty"`
	Date    Date              `json:"date,omitempty"`  // events: the day it happened
	Props   []Prop            `json:"props,omitempty"` // sorted by Key
	XIDs    map[string]string `json:"xids,omitempty"`  // scheme -> value, e.g. "iso3" -> "FIN"
}

// Prop returns the property with key k.
func (e *Entity) Prop(k string) (Prop, bool) {
	for _, p := range e.Props {
		if p.Key == k {
			return p, true
		}
	}
	return Prop{}, false
}

// Span is a half-open range [Start, End) of Unicode code points in a
// source document's text.
type Span struct {
	Start int `json:"s"`
	End   int `json:"e"`
}

// Citation says where a fact comes from: a Document entity, optionally a
// span of its text, a URL and the day it was retrieved.
type Citation struct {
	Source    string `json:"src"`
	Span      *Span  `json:"span,omitempty"`
	URL       string `json:"url,omitempty"`
	Retrieved Date   `json:"ret,omitempty"`
}

// Fact is an edge. From and To are readable entity IDs; ID is the fact's
// own readable ID ("fact/..."), so leaving and rejoining are two facts.
type Fact struct {
	ID        string     `json:"id"`
	Predicate Predicate  `json:"p"`
	From      string     `json:"from"`
	To        string     `json:"to"`
	Valid     Interval   `json:"iv"`
	Event     string     `json:"ev,omitempty"` // the event that began it
	Props     []Prop     `json:"props,omitempty"`
	Citations []Citation `json:"cite,omitempty"`

	// ends holds the internal numbers of From and To when the read that
	// returned the fact had them (an edge or by-time key names both),
	// else zeros: hints for EntitiesByRef (FromRef, ToRef). Not stored.
	ends [2]uint64
}

// ValidAt reports whether the fact was true on day d.
func (f *Fact) ValidAt(d Date) bool { return f.Valid.Contains(d) }
