package domain

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestKindsAndPredicates(t *testing.T) {
	for _, k := range Kinds() {
		if !k.Valid() {
			t.Errorf("%v not valid", k)
		}
		got, err := ParseKind(strings.ToLower(k.String()))
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
		kk, key, err := SplitID(k.Prefix() + "/x")
		if err != nil || kk != k || key != "x" {
			t.Errorf("SplitID(%s/x) = %v, %q, %v", k.Prefix(), kk, key, err)
		}
	}
	for _, k := range []Kind{0, KindFact, 8, 255} {
		if k.Valid() {
			t.Errorf("%v valid", k)
		}
	}
	if _, err := ParseKind("Fact"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseKind(Fact) = %v", err)
	}
	if Kind(200).String() != "Kind(200)" {
		t.Errorf("Kind(200).String() = %q", Kind(200).String())
	}
	ps := Predicates()
	if len(ps) != 12 || !slices.IsSorted(ps) {
		t.Errorf("Predicates() = %v", ps)
	}
	for _, p := range ps {
		got, err := ParsePredicate(p.String())
		if err != nil || got != p || !p.Valid() {
			t.Errorf("ParsePredicate(%q) = %v, %v", p.String(), got, err)
		}
	}
	// Case-insensitive, as ParseKind is: GET /export's predicates= and
	// kinds= take the same spellings.
	if p, err := ParsePredicate("member_of"); p != MemberOf || err != nil {
		t.Errorf("ParsePredicate(member_of) = %v, %v", p, err)
	}
	if _, err := ParsePredicate("MEMBER OF"); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "known: MEMBER_OF") {
		t.Errorf("ParsePredicate(MEMBER OF): %v, want ErrInvalid listing the known names", err)
	}
	if Predicate(0).Valid() || Predicate(99).String() != "Predicate(99)" {
		t.Error("Predicate 0 valid or 99 misnamed")
	}
	tests := []struct {
		p        Predicate
		from, to Kind
		ok       bool
	}{
		{MemberOf, KindCountry, KindOrganization, true},
		{MemberOf, KindPerson, KindOrganization, false},
		{MemberOf, KindCountry, KindCountry, false},
		{Mentions, KindDocument, KindPlace, true},
		{Mentions, KindDocument, KindDocument, true},
		{Mentions, KindPerson, KindPlace, false},
		{LocatedIn, KindEvent, KindPlace, true},
		{LocatedIn, KindPlace, KindEvent, false},
		{Holds, KindPerson, KindOffice, true},
		{0, KindPerson, KindOffice, false},
	}
	for _, tt := range tests {
		err := tt.p.Allows(tt.from, tt.to)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("%v.Allows(%v, %v) = %v", tt.p, tt.from, tt.to, err)
		}
	}
	if !IsFactID("fact/x") || IsFactID("country/x") {
		t.Error("IsFactID")
	}
}
