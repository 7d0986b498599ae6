package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestPrecisionProps: a fact's date-precision properties are checked on
// every write. A value outside day/month/year, a precision for a bound the
// fact does not have, or a bound that is not the first day of its month
// (month) or year (year) is refused with ErrInvalid and writes nothing.
func TestPrecisionProps(t *testing.T) {
	d := MustDate
	str := func(k, v string) Prop { return Prop{Key: k, Type: PropString, Value: v} }
	for _, tt := range []struct {
		name  string
		valid Interval
		props []Prop
		msg   string // "" when the write must succeed
	}{
		{"no precision", Interval{From: d("2014-10-01")}, nil, ""},
		{"month start", Interval{From: d("1961-03-01"), To: d("1961-04-21")}, []Prop{str(ValidFromPrecisionProp, "month")}, ""},
		{"year end", Interval{From: d("1952-04-04"), To: d("1957-01-01")}, []Prop{str(ValidToPrecisionProp, "year")}, ""},
		{"day spelled out", Interval{From: d("1952-04-04")}, []Prop{str(ValidFromPrecisionProp, "day")}, ""},
		{"unknown value", Interval{From: d("1961-03-01")}, []Prop{str(ValidFromPrecisionProp, "decade")}, `validFromPrecision "decade" is not day, month or year`},
		{"upper case", Interval{From: d("1961-03-01")}, []Prop{str(ValidFromPrecisionProp, "MONTH")}, `validFromPrecision "MONTH" is not day, month or year`},
		{"not a string", Interval{From: d("1961-03-01")}, []Prop{{Key: ValidFromPrecisionProp, Type: PropInt, Value: "2"}}, "validFromPrecision must be a string"},
		{"month not first day", Interval{From: d("1961-03-04")}, []Prop{str(ValidFromPrecisionProp, "month")}, "validFrom 1961-03-04 is not the first day of its month"},
		{"year not first day", Interval{From: d("1950-01-01"), To: d("1961-03-01")}, []Prop{str(ValidToPrecisionProp, "year")}, "validTo 1961-03-01 is not the first day of its year"},
		{"no bound", Interval{From: d("2014-10-01")}, []Prop{str(ValidToPrecisionProp, "month")}, "validToPrecision is set but the fact has no validTo"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := newTestDB(t)
			fixture(t, db)
			f := Fact{ID: "fact/casardi-sg", Predicate: Holds, From: "person/stoltenberg", To: "office/nato-sg", Valid: tt.valid, Props: tt.props, Citations: cite()}
			mustUpdate(t, db, func(w *Writer) error { return w.DeleteFact("fact/stoltenberg-sg") })
			before := dump(t, db, time.Time{})
			err := db.Update("test", putFacts(f))
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want ErrInvalid containing %q", err, tt.msg)
			}
			if after := dump(t, db, time.Time{}); after != before {
				t.Error("a refused fact changed the store")
			}
		})
	}
}

// TestFactPrecision: FromPrecision and ToPrecision read the properties, and
// a fact without them is exact to the day.
func TestFactPrecision(t *testing.T) {
	f := Fact{Props: []Prop{
		{Key: ValidFromPrecisionProp, Type: PropString, Value: "month"},
		{Key: ValidToPrecisionProp, Type: PropString, Value: "year"},
	}}
	if got := f.FromPrecision(); got != PrecisionMonth {
		t.Errorf("FromPrecision = %v, want month", got)
	}
	if got := f.ToPrecision(); got != PrecisionYear {
		t.Errorf("ToPrecision = %v, want year", got)
	}
	var exact Fact
	if exact.FromPrecision() != PrecisionDay || exact.ToPrecision() != PrecisionDay {
		t.Error("a fact without precision properties is not exact to the day")
	}
	for _, tt := range []struct {
		p    Precision
		d    string
		want bool
	}{
		{PrecisionDay, "1961-03-04", true},
		{PrecisionMonth, "1961-03-01", true},
		{PrecisionMonth, "1961-03-04", false},
		{PrecisionYear, "1961-01-01", true},
		{PrecisionYear, "1961-03-01", false},
	} {
		if got := tt.p.Aligned(MustDate(tt.d)); got != tt.want {
			t.Errorf("%v.Aligned(%s) = %v, want %v", tt.p, tt.d, got, tt.want)
		}
	}
}
