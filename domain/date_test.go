package domain

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"2024-01-01", true},
		{"0001-01-01", true},
		{"9999-12-31", true},
		{"1949-08-24", true},
		{"1969-12-31", true},
		{"1970-01-01", true},
		{"2000-02-29", true}, // divisible by 400: leap
		{"2024-02-29", true},
		{"1900-02-29", false}, // divisible by 100 only: not leap
		{"2023-02-29", false},
		{"2024-04-31", false},
		{"2024-13-01", false},
		{"2024-00-10", false},
		{"2024-01-00", false},
		{"2024-01-32", false},
		{"0000-01-01", false},
		{"10000-01-01", false},
		{"2024-1-01", false},
		{"2024-01-1", false},
		{" 2024-01-01", false},
		{"2024-01-01 ", false},
		{"2024/01/01", false},
		{"2024-01-0a", false},
		{"+024-01-01", false},
		{"-024-01-01", false},
		{"20240101", false},
		{"", false},
		{"２０２４-01-01", false}, // full-width digits
		{"٢٠٢٤-01-01", false}, // Arabic-Indic digits
		{"2024-0١-01", false},
		{"2024-01-01T00:00:00Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDate(tt.in)
			if tt.ok {
				if err != nil {
					t.Fatalf("ParseDate(%q): %v", tt.in, err)
				}
				if got := d.String(); got != tt.in {
					t.Errorf("ParseDate(%q).String() = %q", tt.in, got)
				}
				if d <= 0 {
					t.Errorf("ParseDate(%q) = %d, want positive", tt.in, d)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseDate(%q) = %v, want error", tt.in, d)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("ParseDate(%q) error %v does not wrap ErrInvalid", tt.in, err)
			}
		})
	}
}

func TestDateValues(t *testing.T) {
	tests := []struct {
		s    string
		want Date
	}{
		{"0001-01-01", 1},
		{"0001-01-02", 2},
		{"0001-12-31", 365},
		{"0002-01-01", 366},
		{"1969-12-31", unixEpochDay - 1},
		{"1970-01-01", unixEpochDay},
		{"1970-01-02", unixEpochDay + 1},
	}
	for _, tt := range tests {
		if got := MustDate(tt.s); got != tt.want {
			t.Errorf("MustDate(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestDateStringRoundTrip(t *testing.T) {
	if s := Date(0).String(); s != "" {
		t.Errorf("zero Date String = %q", s)
	}
	// Every day of a span around 1970 and the first and last years.
	spans := [][2]string{{"1969-01-01", "1971-01-01"}, {"0001-01-01", "0002-01-01"}, {"9999-01-01", "9999-12-31"}, {"1900-02-27", "1900-03-02"}}
	for _, sp := range spans {
		from, to := MustDate(sp[0]), MustDate(sp[1])
		prev := ""
		for d := from; d <= to; d++ {
			s := d.String()
			back, err := ParseDate(s)
			if err != nil || back != d {
				t.Fatalf("ParseDate(%v.String() = %q) = %d, %v", int32(d), s, back, err)
			}
			if s <= prev {
				t.Fatalf("%q does not sort after %q", s, prev)
			}
			prev = s
			if tm := d.Time(); tm.Location() != time.UTC || tm.Format(time.DateTime) != s+" 00:00:00" {
				t.Fatalf("%v.Time() = %v, want midnight UTC", d, tm)
			}
		}
	}
}

func TestDateOf(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	hawaii := time.FixedZone("HST", -10*3600)
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"utc", time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC), "2024-03-01"},
		// 2024-03-01 02:00 in Tokyo is still 02-29 in UTC: the local day counts.
		{"east of utc", time.Date(2024, 3, 1, 2, 0, 0, 0, tokyo), "2024-03-01"},
		// 2024-02-29 22:00 in Hawaii is already 03-01 in UTC.
		{"west of utc", time.Date(2024, 2, 29, 22, 0, 0, 0, hawaii), "2024-02-29"},
		{"last nanosecond", time.Date(1969, 12, 31, 23, 59, 59, 999999999, hawaii), "1969-12-31"},
		{"before 1970", time.Date(1949, 8, 24, 0, 0, 0, 1, tokyo), "1949-08-24"},
		{"first day", time.Date(1, 1, 1, 23, 0, 0, 0, hawaii), "0001-01-01"},
		{"last day", time.Date(9999, 12, 31, 23, 59, 59, 0, tokyo), "9999-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DateOf(tt.t).String(); got != tt.want {
				t.Errorf("DateOf(%v) = %s, want %s", tt.t, got, tt.want)
			}
		})
	}
	if loc, err := time.LoadLocation("America/New_York"); err == nil {
		if got := DateOf(time.Date(2024, 11, 3, 23, 30, 0, 0, loc)).String(); got != "2024-11-03" {
			t.Errorf("DateOf in New York = %s", got)
		}
	}
}

func TestMakeDate(t *testing.T) {
	tests := []struct {
		y, m, d int
		ok      bool
	}{
		{2024, 2, 29, true},
		{2023, 2, 29, false},
		{0, 1, 1, false},
		{-1, 1, 1, false},
		{10000, 1, 1, false},
		{2024, 0, 1, false},
		{2024, 13, 1, false},
		{2024, 1, 0, false},
		{2024, 1, -1, false},
	}
	for _, tt := range tests {
		d, err := MakeDate(tt.y, time.Month(tt.m), tt.d)
		if (err == nil) != tt.ok {
			t.Errorf("MakeDate(%d, %d, %d) = %v, %v; ok want %v", tt.y, tt.m, tt.d, d, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("MakeDate(%d, %d, %d) error %v does not wrap ErrInvalid", tt.y, tt.m, tt.d, err)
		}
	}
}

func TestDateOrder(t *testing.T) {
	order := []string{"0001-01-01", "0999-12-31", "1000-01-01", "1949-08-24", "1969-12-31", "1970-01-01", "1970-01-02", "2000-02-29", "9999-12-31"}
	for i := 1; i < len(order); i++ {
		a, b := MustDate(order[i-1]), MustDate(order[i])
		if !(a < b) {
			t.Errorf("%s (%d) is not before %s (%d)", order[i-1], a, order[i], b)
		}
		if !(0 < a) {
			t.Errorf("%s is not after the zero Date", order[i-1])
		}
	}
}

func TestDateText(t *testing.T) {
	type rec struct {
		D Date `json:"d,omitempty"`
		E Date `json:"e"`
	}
	b, err := json.Marshal(rec{D: 0, E: MustDate("1969-12-31")})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"e":"1969-12-31"}` {
		t.Errorf("Marshal = %s", b)
	}
	var r rec
	if err := json.Unmarshal([]byte(`{"d":"","e":"1949-08-24"}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.D != 0 || r.E != MustDate("1949-08-24") {
		t.Errorf("Unmarshal = %+v", r)
	}
	if err := json.Unmarshal([]byte(`{"e":"1949-02-30"}`), &r); !errors.Is(err, ErrInvalid) {
		t.Errorf("Unmarshal of a bad date: %v, want ErrInvalid", err)
	}
}

func TestMustDatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustDate of a bad date did not panic")
		}
	}()
	MustDate("1900-02-29")
}

func TestInterval(t *testing.T) {
	d := MustDate
	jan1, feb1, mar1, apr1 := d("2000-01-01"), d("2000-02-01"), d("2000-03-01"), d("2000-04-01")
	pre := d("1960-01-01")

	t.Run("Contains", func(t *testing.T) {
		tests := []struct {
			name string
			iv   Interval
			day  Date
			want bool
		}{
			{"open both", Interval{}, pre, true},
			{"at from", Interval{From: feb1, To: mar1}, feb1, true},
			{"inside", Interval{From: feb1, To: mar1}, feb1 + 10, true},
			{"day before to", Interval{From: feb1, To: mar1}, mar1 - 1, true},
			{"at to (exclusive)", Interval{From: feb1, To: mar1}, mar1, false},
			{"before from", Interval{From: feb1, To: mar1}, feb1 - 1, false},
			{"open start", Interval{To: mar1}, pre, true},
			{"open start at to", Interval{To: mar1}, mar1, false},
			{"open end", Interval{From: feb1}, d("9999-12-31"), true},
			{"open end before from", Interval{From: feb1}, jan1, false},
			{"pre-1970 interval", Interval{From: pre, To: d("1970-01-01")}, d("1969-12-31"), true},
			{"pre-1970 interval end", Interval{From: pre, To: d("1970-01-01")}, d("1970-01-01"), false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := tt.iv.Contains(tt.day); got != tt.want {
					t.Errorf("%+v.Contains(%v) = %v", tt.iv, tt.day, got)
				}
				f := Fact{Valid: tt.iv}
				if got := f.ValidAt(tt.day); got != tt.want {
					t.Errorf("ValidAt(%v) = %v", tt.day, got)
				}
			})
		}
	})

	t.Run("Overlaps", func(t *testing.T) {
		tests := []struct {
			name string
			a, b Interval
			want bool
		}{
			{"both open", Interval{}, Interval{}, true},
			{"open vs closed", Interval{}, Interval{From: feb1, To: mar1}, true},
			{"same", Interval{From: feb1, To: mar1}, Interval{From: feb1, To: mar1}, true},
			{"adjacent", Interval{From: jan1, To: feb1}, Interval{From: feb1, To: mar1}, false},
			{"one day shared", Interval{From: jan1, To: feb1 + 1}, Interval{From: feb1, To: mar1}, true},
			{"disjoint", Interval{From: jan1, To: feb1}, Interval{From: mar1, To: apr1}, false},
			{"nested", Interval{From: jan1, To: apr1}, Interval{From: feb1, To: mar1}, true},
			{"open end meets later", Interval{From: feb1}, Interval{From: mar1, To: apr1}, true},
			{"open end after", Interval{From: mar1}, Interval{From: jan1, To: mar1}, false},
			{"open start before", Interval{To: feb1}, Interval{From: feb1}, false},
			{"open start overlaps", Interval{To: feb1 + 1}, Interval{From: feb1}, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := tt.a.Overlaps(tt.b); got != tt.want {
					t.Errorf("%+v.Overlaps(%+v) = %v", tt.a, tt.b, got)
				}
				if got := tt.b.Overlaps(tt.a); got != tt.want {
					t.Errorf("%+v.Overlaps(%+v) = %v (not symmetric)", tt.b, tt.a, got)
				}
			})
		}
	})

	t.Run("Validate", func(t *testing.T) {
		tests := []struct {
			name string
			iv   Interval
			ok   bool
		}{
			{"open", Interval{}, true},
			{"open end", Interval{From: feb1}, true},
			{"open start", Interval{To: feb1}, true},
			{"one day", Interval{From: feb1, To: feb1 + 1}, true},
			{"empty", Interval{From: feb1, To: feb1}, false},
			{"reversed", Interval{From: mar1, To: feb1}, false},
			{"across 1970", Interval{From: pre, To: jan1}, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.iv.Validate()
				if (err == nil) != tt.ok {
					t.Fatalf("Validate(%+v) = %v", tt.iv, err)
				}
				if err != nil && !errors.Is(err, ErrInvalid) {
					t.Errorf("Validate error %v does not wrap ErrInvalid", err)
				}
			})
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-01-01", "0001-01-01", "9999-12-31", "1900-02-29", "2000-02-29", "0000-00-00", "2024-1-01", "９９９９-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseDate(%q) error %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		if d < 1 || d > MustDate("9999-12-31") {
			t.Fatalf("ParseDate(%q) = %d out of range", s, d)
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
		}
		if DateOf(d.Time()) != d {
			t.Fatalf("DateOf(%q.Time()) != itself", s)
		}
	})
}
