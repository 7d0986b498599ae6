package domain

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestCodeOf(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want Code
	}{
		{nil, ""},
		{ErrNotFound, CodeNotFound},
		{fmt.Errorf("%w: country/XXX", ErrNotFound), CodeNotFound},
		{fmt.Errorf("line 3: %w", fmt.Errorf("%w: no name", ErrInvalid)), CodeBadUserInput},
		{fmt.Errorf("%w: overlaps", ErrConflict), CodeConflict},
		{fmt.Errorf("%w: cap", ErrLimit), CodeLimitExceeded},
		{ErrUnauthenticated, CodeUnauthenticated},
		{ErrForbidden, CodeForbidden},
		{fmt.Errorf("scan: %w", context.DeadlineExceeded), CodeTimeout},
		{context.Canceled, CodeTimeout},
		{errors.New("disk on fire"), CodeInternal},
		// The first sentinel in CodeOf's order wins.
		{errors.Join(fmt.Errorf("%w: a", ErrConflict), fmt.Errorf("%w: b", ErrInvalid)), CodeBadUserInput},
	} {
		if got := CodeOf(tt.err); got != tt.want {
			t.Errorf("CodeOf(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	for _, c := range Codes() {
		if !c.Valid() {
			t.Errorf("%s is not Valid", c)
		}
	}
	if Code("COMPLEXITY_LIMIT_EXCEEDED").Valid() || Code("").Valid() {
		t.Error("a code outside the closed set is Valid")
	}
}

func TestMessage(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("%w: ID %q is not <kind>/<key>", ErrInvalid, "x"), `ID "x" is not <kind>/<key>`},
		{fmt.Errorf("%w: country/XXX", ErrNotFound), "not found: country/XXX"},
		{fmt.Errorf("line 3: %w", fmt.Errorf("%w: f: overlaps g", ErrConflict)), "line 3: f: overlaps g"},
		{fmt.Errorf("%w: more than 10 entities", ErrLimit), "more than 10 entities"},
		{fmt.Errorf("fact/x: from: %w", fmt.Errorf("%w: unknown entity: country/XXX", ErrInvalid)), "fact/x: from: unknown entity: country/XXX"},
		{errors.New("store: data directory is locked by another process"), "data directory is locked by another process"},
		// The words are dropped only where a sentinel puts them, not
		// inside a quoted value.
		{fmt.Errorf(`%w: property "p": "a: invalid: b" is not a valid value`, ErrInvalid), `property "p": "a: invalid: b" is not a valid value`},
		{fmt.Errorf(`%w: name "invalid: x"`, ErrInvalid), `name "invalid: x"`},
		{context.DeadlineExceeded, "the request took longer than the resolver deadline"},
		{fmt.Errorf("walk: %w", context.Canceled), "the request was cancelled"},
	} {
		if got := Message(tt.err); got != tt.want {
			t.Errorf("Message(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
