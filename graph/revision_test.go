package graph

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

func TestMinRevision(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ext    any
		header string
		want   uint64
		given  bool
		bad    bool
	}{
		{name: "none"},
		{name: "number", ext: float64(42), want: 42, given: true},
		{name: "json number", ext: json.Number("7"), want: 7, given: true},
		{name: "string", ext: "9", want: 9, given: true},
		{name: "head", ext: "head", want: HeadRevision, given: true},
		{name: "header", header: "12", want: 12, given: true},
		{name: "header head", header: " head ", want: HeadRevision, given: true},
		{name: "extension wins", ext: float64(3), header: "5", want: 3, given: true},
		{name: "negative", ext: float64(-1), given: true, bad: true},
		{name: "fraction", ext: 1.5, given: true, bad: true},
		{name: "past 2^53", ext: 1e19, given: true, bad: true},
		{name: "past int64", header: "18446744073709551615", given: true, bad: true},
		{name: "word", header: "latest", given: true, bad: true},
		{name: "object", ext: map[string]any{}, given: true, bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := &graphql.OperationContext{Extensions: map[string]any{}, Headers: http.Header{}}
			if tc.ext != nil {
				rc.Extensions["minRevision"] = tc.ext
			}
			if tc.header != "" {
				rc.Headers.Set(MinRevisionHeader, tc.header)
			}
			rev, given, err := minRevision(rc)
			if (err != nil) != tc.bad || given != tc.given || (!tc.bad && rev != tc.want) {
				t.Errorf("minRevision = %d, %v, %v; want %d, %v, error %v", rev, given, err, tc.want, tc.given, tc.bad)
			}
		})
	}
}
