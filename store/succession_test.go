package store

import (
	"errors"
	"github.com/alliancegraph/alliancegraph/domain"
	"testing"
)

// TestSucceededKinds: SUCCEEDED links a person to the person they followed
// in an office and a state to the state it continues or replaces
// (Czechia and Czechoslovakia), but never one kind to another.
func TestSucceededKinds(t *testing.T) {
	for _, tc := range []struct {
		from, to domain.Kind
		ok       bool
	}{
		{domain.KindPerson, domain.KindPerson, true},
		{domain.KindCountry, domain.KindCountry, true},
		{domain.KindPerson, domain.KindCountry, false},
		{domain.KindCountry, domain.KindPerson, false},
		{domain.KindCountry, domain.KindOrganization, false},
	} {
		err := domain.Succeeded.Allows(tc.from, tc.to)
		if tc.ok && err != nil {
			t.Errorf("%s -> %s: %v, want allowed", tc.from, tc.to, err)
		}
		if !tc.ok && !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("%s -> %s: %v, want ErrInvalid", tc.from, tc.to, err)
		}
	}
}
