package domain

import (
	"fmt"
	"time"
)

// ValidFromPrecisionProp and ValidToPrecisionProp are the fact properties
// that say how precisely the sources state the fact's validFrom and
// validTo: a string "day", "month" or "year". Without one the bound is
// exact to the day.
//
// A bound known only to the month is stored as the first day of that
// month, one known only to the year as 1 January of that year, so the
// stored Date is the earliest day the source allows. Every write checks
// the pairing (see CheckPrecision), so a reader can trust that a
// month-precision bound is a first of the month.
const (
	ValidFromPrecisionProp = "validFromPrecision"
	ValidToPrecisionProp   = "validToPrecision"
)

// Precision is how precisely a date is known.
type Precision uint8

// The precisions, finest first. PrecisionDay is the zero value: a date
// with no stated precision is exact.
const (
	PrecisionDay Precision = iota
	PrecisionMonth
	PrecisionYear
)

var precisionNames = [...]string{PrecisionDay: "day", PrecisionMonth: "month", PrecisionYear: "year"}

// String returns "day", "month" or "year".
func (p Precision) String() string {
	if int(p) < len(precisionNames) {
		return precisionNames[p]
	}
	return fmt.Sprintf("Precision(%d)", uint8(p))
}

// ParsePrecision parses "day", "month" or "year" (lower case, as stored).
func ParsePrecision(s string) (Precision, error) {
	for p, n := range precisionNames {
		if s == n {
			return Precision(p), nil
		}
	}
	return 0, fmt.Errorf("%w: precision %q is not day, month or year", ErrInvalid, s)
}

// Aligned reports whether d is a date that precision p can stand for: any
// day for PrecisionDay, the first of a month for PrecisionMonth, 1 January
// for PrecisionYear.
func (p Precision) Aligned(d Date) bool {
	t := d.Time()
	switch p {
	case PrecisionMonth:
		return t.Day() == 1
	case PrecisionYear:
		return t.Day() == 1 && t.Month() == time.January
	}
	return true
}

// FromPrecision is the stated precision of f's validFrom (PrecisionDay when
// the fact states none). It is meaningful only when the bound is set.
func (f *Fact) FromPrecision() Precision { return f.precision(ValidFromPrecisionProp) }

// ToPrecision is the stated precision of f's validTo, like FromPrecision.
func (f *Fact) ToPrecision() Precision { return f.precision(ValidToPrecisionProp) }

func (f *Fact) precision(key string) Precision {
	for _, p := range f.Props {
		if p.Key == key && p.Type == PropString {
			if v, err := ParsePrecision(p.Value); err == nil {
				return v
			}
		}
	}
	return PrecisionDay
}

// CheckPrecision refuses precision properties that do not fit f: a value
// other than day, month or year, a precision for a bound f does not have,
// and a bound that is not where its precision stores it (the first of the
// month, 1 January). A correction that moves a bound off the first of the
// month therefore has to drop or change the precision too, rather than
// leaving a fact that claims an exact-looking day it does not know.
func CheckPrecision(f *Fact) error {
	for _, b := range []struct {
		key, bound string
		d          Date
	}{
		{ValidFromPrecisionProp, "validFrom", f.Valid.From},
		{ValidToPrecisionProp, "validTo", f.Valid.To},
	} {
		for _, p := range f.Props {
			if p.Key != b.key {
				continue
			}
			if p.Type != PropString {
				return fmt.Errorf("%w: %s: %s must be a string (day, month or year)", ErrInvalid, f.ID, b.key)
			}
			prec, err := ParsePrecision(p.Value)
			if err != nil {
				return fmt.Errorf("%w: %s: %s %q is not day, month or year", ErrInvalid, f.ID, b.key, p.Value)
			}
			if b.d == 0 {
				return fmt.Errorf("%w: %s: %s is set but the fact has no %s", ErrInvalid, f.ID, b.key, b.bound)
			}
			if !prec.Aligned(b.d) {
				return fmt.Errorf("%w: %s: %s %s is not the first day of its %s, as %s %s requires",
					ErrInvalid, f.ID, b.bound, b.d, prec, b.key, prec)
			}
		}
	}
	return nil
}
