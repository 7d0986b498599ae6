package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestExportParamsCase: predicates= and kinds= take names in any case,
// the same rule for both.
func TestExportParamsCase(t *testing.T) {
	srv := servertest.New(t)
	var bodies []string
	for _, q := range []url.Values{
		{"ids": {"org/nato"}, "predicates": {"MEMBER_OF"}, "kinds": {"COUNTRY"}, "asOf": {"2024-10-01"}},
		{"ids": {"org/nato"}, "predicates": {"member_of"}, "kinds": {"country"}, "asOf": {"2024-10-01"}},
		{"ids": {"org/nato"}, "predicates": {"Member_Of"}, "kinds": {"Country"}, "asOf": {"2024-10-01"}},
	} {
		resp, body := servertest.GetExport(t, srv.URL, "jsonl", q)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%v: %d %s", q, resp.StatusCode, body)
		}
		bodies = append(bodies, string(body))
	}
	if bodies[0] != bodies[1] || bodies[0] != bodies[2] {
		t.Error("the same selection in other cases exported different bytes")
	}
}
