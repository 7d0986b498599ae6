package domain

import (
	"maps"
	"slices"
)

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
//
// The JSON field names are the stored record's: changing one changes the
// on-disk format.
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

// Clone copies e deeply enough that changing the copy, its slices or its
// map leaves e alone (strings are immutable).
func (e *Entity) Clone() *Entity {
	c := *e
	c.Aliases = slices.Clone(e.Aliases)
	c.Props = slices.Clone(e.Props)
	c.XIDs = maps.Clone(e.XIDs)
	return &c
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
//
// The JSON field names are the stored record's: changing one changes the
// on-disk format.
type Fact struct {
	ID        string     `json:"id"`
	Predicate Predicate  `json:"p"`
	From      string     `json:"from"`
	To        string     `json:"to"`
	Valid     Interval   `json:"iv"`
	Event     string     `json:"ev,omitempty"` // the event that began it
	Props     []Prop     `json:"props,omitempty"`
	Citations []Citation `json:"cite,omitempty"`

	// Hint is left by the store that read the fact: what it knows of
	// the fact's ends that lets it read them again without looking their
	// IDs up (zero: nothing). It is not part of the fact: never stored,
	// meaningless to anything but that store, and a wrong hint costs
	// only the lookup it was meant to save.
	Hint EndsHint `json:"-"`
}

// EndsHint is a Fact's Hint: the store's numbers of its From and To.
type EndsHint struct{ From, To uint64 }

// ValidAt reports whether the fact was true on day d.
func (f *Fact) ValidAt(d Date) bool { return f.Valid.Contains(d) }
