package domain

import (
	"fmt"
	"time"
)

// Date is a calendar day in the proleptic Gregorian calendar, counted so
// that 0001-01-01 is 1. The zero Date means "no date" (an open interval
// end), which lets Date be a plain comparable value: for two set dates,
// a < b exactly when a is the earlier day, before 1970 as after it.
type Date int32

// unixEpochDay is the Date of 1970-01-01.
const unixEpochDay = 719163

// minYear and maxYear bound the dates MakeDate accepts, so a Date always
// formats as four-digit YYYY-MM-DD.
const (
	minYear = 1
	maxYear = 9999
)

// DateOf returns the Date of t's calendar day in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	return Date(floorDiv(u, 86400) + unixEpochDay)
}

// MakeDate returns the Date for year, month and day, or an error wrapping
// ErrInvalid when that day does not exist or is outside years 1..9999.
func MakeDate(year int, month time.Month, day int) (Date, error) {
	if year < minYear || year > maxYear {
		return 0, fmt.Errorf("%w: year %d outside 1..9999", ErrInvalid, year)
	}
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if t.Year() != year || t.Month() != month || t.Day() != day {
		return 0, fmt.Errorf("%w: %04d-%02d-%02d is not a calendar day", ErrInvalid, year, month, day)
	}
	return DateOf(t), nil
}

// ParseDate parses exactly YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%w: date %q is not YYYY-MM-DD", ErrInvalid, s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, fmt.Errorf("%w: date %q is not YYYY-MM-DD", ErrInvalid, s)
	}
	if m < 1 || m > 12 {
		return 0, fmt.Errorf("%w: date %q has month %d", ErrInvalid, s, m)
	}
	return MakeDate(y, time.Month(m), d)
}

// MustDate is ParseDate for constants in tests and examples; it panics on
// a malformed date.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// IsZero reports whether d is the zero "no date" value.
func (d Date) IsZero() bool { return d == 0 }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time {
	return time.Unix(int64(d-unixEpochDay)*86400, 0).UTC()
}

// String formats d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = 0
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// Interval is a valid-time interval [From, To). A zero bound is open.
type Interval struct {
	From Date `json:"f,omitempty"`
	To   Date `json:"t,omitempty"`
}

// Contains reports whether day d lies in the interval.
func (iv Interval) Contains(d Date) bool {
	return (iv.From == 0 || iv.From <= d) && (iv.To == 0 || d < iv.To)
}

// Overlaps reports whether two intervals share at least one day.
func (iv Interval) Overlaps(o Interval) bool {
	startsBeforeOEnds := o.To == 0 || iv.From == 0 || iv.From < o.To
	oStartsBeforeEnds := iv.To == 0 || o.From == 0 || o.From < iv.To
	return startsBeforeOEnds && oStartsBeforeEnds
}

// Validate returns an error wrapping ErrInvalid unless To is after From.
func (iv Interval) Validate() error {
	if iv.From != 0 && iv.To != 0 && iv.To <= iv.From {
		return fmt.Errorf("%w: validTo %s is not after validFrom %s", ErrInvalid, iv.To, iv.From)
	}
	return nil
}

// String formats the interval as "[from, to)", "…" for an open end.
func (iv Interval) String() string {
	b := func(d Date) string {
		if d == 0 {
			return "…"
		}
		return d.String()
	}
	return "[" + b(iv.From) + ", " + b(iv.To) + ")"
}
