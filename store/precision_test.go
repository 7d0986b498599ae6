package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// TestPrecisionProps: a fact's date-precision properties are checked on
// every write. A value outside day/month/year, a precision for a bound the
// fact does not have, or a bound that is not the first day of its month
// (month) or year (year) is refused with ErrInvalid and writes nothing.
func TestPrecisionProps(t *testing.T) {
	d := domain.MustDate
	str := func(k, v string) domain.Prop { return domain.Prop{Key: k, Type: domain.PropString, Value: v} }
	for _, tt := range []struct {
		name  string
		valid domain.Interval
		props []domain.Prop
		msg   string // "" when the write must succeed
	}{
		{"no precision", domain.Interval{From: d("2014-10-01")}, nil, ""},
		{"month start", domain.Interval{From: d("1961-03-01"), To: d("1961-04-21")}, []domain.Prop{str(domain.ValidFromPrecisionProp, "month")}, ""},
		{"year end", domain.Interval{From: d("1952-04-04"), To: d("1957-01-01")}, []domain.Prop{str(domain.ValidToPrecisionProp, "year")}, ""},
		{"day spelled out", domain.Interval{From: d("1952-04-04")}, []domain.Prop{str(domain.ValidFromPrecisionProp, "day")}, ""},
		{"unknown value", domain.Interval{From: d("1961-03-01")}, []domain.Prop{str(domain.ValidFromPrecisionProp, "decade")}, `validFromPrecision "decade" is not day, month or year`},
		{"upper case", domain.Interval{From: d("1961-03-01")}, []domain.Prop{str(domain.ValidFromPrecisionProp, "MONTH")}, `validFromPrecision "MONTH" is not day, month or year`},
		{"not a string", domain.Interval{From: d("1961-03-01")}, []domain.Prop{{Key: domain.ValidFromPrecisionProp, Type: domain.PropInt, Value: "2"}}, "validFromPrecision must be a string"},
		{"month not first day", domain.Interval{From: d("1961-03-04")}, []domain.Prop{str(domain.ValidFromPrecisionProp, "month")}, "validFrom 1961-03-04 is not the first day of its month"},
		{"year not first day", domain.Interval{From: d("1950-01-01"), To: d("1961-03-01")}, []domain.Prop{str(domain.ValidToPrecisionProp, "year")}, "validTo 1961-03-01 is not the first day of its year"},
		{"no bound", domain.Interval{From: d("2014-10-01")}, []domain.Prop{str(domain.ValidToPrecisionProp, "month")}, "validToPrecision is set but the fact has no validTo"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := newTestDB(t)
			fixture(t, db)
			f := domain.Fact{ID: "fact/casardi-sg", Predicate: domain.Holds, From: "person/stoltenberg", To: "office/nato-sg", Valid: tt.valid, Props: tt.props, Citations: cite()}
			mustUpdate(t, db, func(w *Writer) error { return w.DeleteFact("fact/stoltenberg-sg") })
			before := dump(t, db, time.Time{})
			err := db.Update("test", putFacts(f))
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want ErrInvalid containing %q", err, tt.msg)
			}
			if after := dump(t, db, time.Time{}); after != before {
				t.Error("a refused fact changed the store")
			}
		})
	}
}
