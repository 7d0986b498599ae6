package model

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestUnmarshalDate(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"2024-10-01", "2024-10-01"},
		{"1949-08-24", "1949-08-24"},
		{"2024-02-30", ""},
		{"2024-1-01", ""},
		{"", ""},
		{20240101, ""},
		{nil, ""},
		{true, ""},
	} {
		d, err := UnmarshalDate(tc.in)
		if tc.want == "" {
			assertBadInput(t, err)
			continue
		}
		if err != nil || d.String() != tc.want {
			t.Errorf("UnmarshalDate(%v) = %v, %v", tc.in, d, err)
		}
	}
}

func assertBadInput(t *testing.T, err error) {
	t.Helper()
	var g *gqlerror.Error
	if !errors.As(err, &g) || g.Extensions["code"] != string(domain.CodeBadUserInput) {
		t.Errorf("err %v, want BAD_USER_INPUT", err)
	}
}

// FuzzUnmarshalDate: any string either parses to a date that formats back
// to itself, or is refused with BAD_USER_INPUT whose message is valid
// UTF-8 and short; it never panics.
func FuzzUnmarshalDate(f *testing.F) {
	for _, s := range []string{"2024-10-01", "0001-01-01", "9999-12-31", "2024-02-29", "2023-02-29", "-001-01-01", "２０２４-10-01", "2024-10-01\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := UnmarshalDate(s)
		if err != nil {
			assertBadInput(t, err)
			if !utf8.ValidString(err.Error()) || len(err.Error()) > 500 {
				t.Fatalf("message %q", err.Error())
			}
			return
		}
		if d.String() != s {
			t.Fatalf("%q parsed as %s", s, d)
		}
	})
}

// FuzzUnmarshalDateTime: RFC 3339 or BAD_USER_INPUT, never a panic.
func FuzzUnmarshalDateTime(f *testing.F) {
	for _, s := range []string{"2024-10-01T12:00:00Z", "2024-10-01T12:00:00.123456789+02:00", "2024-10-01", "yesterday", "9999-12-31T23:59:59Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := UnmarshalDateTime(s); err != nil {
			assertBadInput(t, err)
		}
	})
}
