package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

func TestExportGraphQLBadRequests(t *testing.T) {
	srv := servertest.New(t)
	for _, tc := range []struct{ name, args, code, want string }{
		{"unknown format", `selection: {ids: ["org/nato"]}, format: xlsx`, "BAD_USER_INPUT", "xlsx"},
		{"unknown ID", `selection: {ids: ["country/XXX"]}, format: graphml`, "BAD_USER_INPUT", "no entity country/XXX"},
		{"malformed date", `selection: {ids: ["org/nato"], asOf: "2024-13-01"}, format: graphml`, "BAD_USER_INPUT", "invalid Date"},
		{"depth over cap", `selection: {ids: ["org/nato"], depth: 7}, format: graphml`, "BAD_USER_INPUT", "depth 7 is outside 0..6"},
		{"maxNodes over the limit", `selection: {maxNodes: 5000}, format: json`, "LIMIT_EXCEEDED", "over the export limit of 1000"},
		{"maxNodes zero", `selection: {maxNodes: 0}, format: json`, "BAD_USER_INPUT", "maxNodes must be 1 to 1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, body := servertest.Post(t, srv.URL, `{ export(`+tc.args+`) { content } }`, nil)
			var r servertest.Response
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			if r.Code() != tc.code || !strings.Contains(r.Errors[0].Message, tc.want) {
				t.Errorf("got %s, want %s mentioning %q", body, tc.code, tc.want)
			}
		})
	}
}

// TestExportGraphQLTruncated: a whole-graph export cut by maxNodes says so.
func TestExportGraphQLTruncated(t *testing.T) {
	srv := servertest.New(t)
	r := servertest.Query(t, srv.URL, `{ export(selection: {maxNodes: 5}, format: jsonl) { truncated content } }`)
	var d struct {
		Export struct {
			Truncated bool
			Content   string
		}
	}
	if err := json.Unmarshal(r.Data, &d); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%v %+v", err, r.Errors)
	}
	if !d.Export.Truncated || strings.Count(d.Export.Content, "\n") != 6 {
		t.Errorf("truncated %v with %d lines, want true and header + 5 entities", d.Export.Truncated, strings.Count(d.Export.Content, "\n"))
	}
}
