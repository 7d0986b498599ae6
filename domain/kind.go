package domain

import (
	"fmt"
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

	// KindFact namespaces fact IDs ("fact/...") beside the entity kinds:
	// SplitID returns it for a fact's ID, and the store keeps fact IDs
	// under it. It is not an entity kind (Valid is false).
	KindFact Kind = 0xF0
)

var kindInfo = map[Kind]struct{ name, prefix string }{
	KindCountry:      {"Country", "country"},
	KindPerson:       {"Person", "person"},
	KindOrganization: {"Organization", "org"},
	KindOffice:       {"Office", "office"},
	KindEvent:        {"Event", "event"},
	KindPlace:        {"Place", "place"},
	KindDocument:     {"Document", "doc"},
	KindFact:         {"Fact", "fact"},
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
