package model

import "github.com/alliancegraph/alliancegraph/domain"

// DatePrecisionOf is the API form of a stored date precision.
func DatePrecisionOf(p domain.Precision) DatePrecision {
	switch p {
	case domain.PrecisionMonth:
		return DatePrecisionMonth
	case domain.PrecisionYear:
		return DatePrecisionYear
	}
	return DatePrecisionDay
}

// withPrecision fills m's validFromPrecision and validToPrecision from f and
// returns m. An open bound has no date to qualify, so its precision is nil.
func withPrecision(f *domain.Fact, m *Fact) *Fact {
	m.ValidFromPrecision = boundPrecision(f.Valid.From, f.FromPrecision())
	m.ValidToPrecision = boundPrecision(f.Valid.To, f.ToPrecision())
	return m
}

func boundPrecision(d domain.Date, p domain.Precision) *DatePrecision {
	if d.IsZero() {
		return nil
	}
	v := DatePrecisionOf(p)
	return &v
}
