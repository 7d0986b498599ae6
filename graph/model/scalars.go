// Package model holds the GraphQL models (generated into models_gen.go),
// the custom scalars and the converters from the domain package's records.
// It imports the domain package, never the store.
package model

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/alliancegraph/alliancegraph/domain"
)

// MarshalDate writes a domain.Date as "YYYY-MM-DD".
func MarshalDate(d domain.Date) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDate reads "YYYY-MM-DD".
func UnmarshalDate(v any) (domain.Date, error) {
	s, ok := v.(string)
	if !ok {
		return 0, BadInput(fmt.Sprintf("Date must be a string YYYY-MM-DD, got %s", describe(v)))
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		return 0, BadInput(fmt.Sprintf("invalid Date %q: want YYYY-MM-DD, a real calendar day in years 0001-9999", clip(s)))
	}
	return d, nil
}

// MarshalDateTime writes RFC 3339 with nanoseconds, in UTC.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339Nano)))
	})
}

// UnmarshalDateTime reads RFC 3339.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, BadInput(fmt.Sprintf("DateTime must be an RFC 3339 string, got %s", describe(v)))
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, BadInput(fmt.Sprintf("invalid DateTime %q: want RFC 3339, e.g. 2024-10-01T12:00:00Z", clip(s)))
	}
	return t, nil
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case int, int64, float64, json.Number:
		return "a number"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// clip shortens echoed input so an error never carries a huge value back.
func clip(s string) string {
	const max = 40
	r := []rune(strings.ToValidUTF8(s, "\uFFFD"))
	if len(r) > max {
		return string(r[:max]) + "…"
	}
	return string(r)
}
