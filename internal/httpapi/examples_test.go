package httpapi_test

import (
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestExamples runs every GraphiQL example (the exact queries)
// over HTTP: each must answer without errors.
func TestExamples(t *testing.T) {
	srv := servertest.New(t)
	for _, ex := range httpapi.Examples {
		t.Run(ex.Name, func(t *testing.T) {
			r := servertest.Query(t, srv.URL, ex.Query)
			if len(r.Errors) > 0 || len(r.Data) < 20 {
				t.Fatalf("errors %+v, data %s", r.Errors, r.Data)
			}
		})
	}
}
