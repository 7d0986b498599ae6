package domain

import "testing"

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
