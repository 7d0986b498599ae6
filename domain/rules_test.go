package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestSingleHolder(t *testing.T) {
	office := func(props ...Prop) *Entity {
		return &Entity{ID: "office/x", Kind: KindOffice, Name: "X", Props: props}
	}
	for _, tt := range []struct {
		name string
		e    *Entity
		want bool
	}{
		{"an office", office(), true},
		{"singleHolder false", office(Prop{Key: SingleHolderProp, Type: PropBool, Value: "false"}), false},
		{"singleHolder true", office(Prop{Key: SingleHolderProp, Type: PropBool, Value: "true"}), true},
		{"singleHolder as a string", office(Prop{Key: SingleHolderProp, Type: PropString, Value: "false"}), true},
		{"not an office", &Entity{ID: "org/x", Kind: KindOrganization, Name: "X"}, false},
	} {
		if got := SingleHolder(tt.e); got != tt.want {
			t.Errorf("%s: SingleHolder = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestExclusivity(t *testing.T) {
	for _, p := range Predicates() {
		want := NotExclusive
		switch p {
		case MemberOf:
			want = ExclusivePair
		case Holds:
			want = ExclusiveTo
		}
		if got := p.Exclusivity(); got != want {
			t.Errorf("%s: Exclusivity %d, want %d", p, got, want)
		}
	}
}

func TestOverlap(t *testing.T) {
	iv := func(from, to string) Interval {
		var v Interval
		if from != "" {
			v.From = MustDate(from)
		}
		if to != "" {
			v.To = MustDate(to)
		}
		return v
	}
	member := func(id string, v Interval) *Fact {
		return &Fact{ID: id, Predicate: MemberOf, From: "country/FRA", To: "org/nato", Valid: v}
	}
	term := func(id, who string, v Interval) *Fact {
		return &Fact{ID: id, Predicate: Holds, From: who, To: "office/sg", Valid: v}
	}
	for _, tt := range []struct {
		name string
		f, o *Fact
		want string // "" for no clash, else words the refusal must hold
	}{
		{"left and rejoined", member("fact/b", iv("2009-04-01", "")), member("fact/a", iv("1949-08-24", "1966-07-01")), ""},
		{"the day it ends", member("fact/b", iv("1966-07-01", "")), member("fact/a", iv("1949-08-24", "1966-07-01")), ""},
		{"twice at once", member("fact/b", iv("1960-01-01", "")), member("fact/a", iv("1949-08-24", "1966-07-01")),
			"fact/b: country/FRA would be a member of org/nato twice at once: it overlaps fact/a [1949-08-24, 1966-07-01)"},
		{"open both", member("fact/b", Interval{}), member("fact/a", Interval{}), "twice at once"},
		{"itself", member("fact/a", iv("1950-01-01", "")), member("fact/a", iv("1949-08-24", "")), ""},
		{"handover", term("fact/r", "person/rutte", iv("2024-10-01", "")), term("fact/s", "person/stoltenberg", iv("2014-10-01", "2024-10-01")), ""},
		{"two holders", term("fact/r", "person/rutte", iv("2024-09-30", "")), term("fact/s", "person/stoltenberg", iv("2014-10-01", "2024-10-01")),
			"fact/r: office/sg has one holder at a time, and person/stoltenberg holds it [2014-10-01, 2024-10-01) (fact/s)"},
	} {
		err := Overlap(tt.f, tt.o)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want no clash", tt.name, err)
		case tt.want != "" && (!errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want a conflict saying %q", tt.name, err, tt.want)
		}
	}
}
