package store

import (
	"errors"
	"testing"
)

// TestSucceededKinds: SUCCEEDED links a person to the person they followed
// in an office and a state to the state it continues or replaces
// (Czechia and Czechoslovakia), but never one kind to another.
func TestSucceededKinds(t *testing.T) {
	for _, tc := range []struct {
		from, to Kind
		ok       bool
	}{
		{KindPerson, KindPerson, true},
		{KindCountry, KindCountry, true},
		{KindPerson, KindCountry, false},
		{KindCountry, KindPerson, false},
		{KindCountry, KindOrganization, false},
	} {
		err := Succeeded.Allows(tc.from, tc.to)
		if tc.ok && err != nil {
			t.Errorf("%s -> %s: %v, want allowed", tc.from, tc.to, err)
		}
		if !tc.ok && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s -> %s: %v, want ErrInvalid", tc.from, tc.to, err)
		}
	}
}
