package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestWrongMethodOnEndpoints: an endpoint asked with a method it does not
// take answers 405 with Allow and a coded JSON error; the catch-all
// GraphiQL handler answered these with a plain 404.
func TestWrongMethodOnEndpoints(t *testing.T) {
	srv := servertest.New(t)
	for _, tc := range []struct{ method, path, allow string }{
		{"GET", "/import", "POST"},
		{"PUT", "/import", "POST"},
		{"POST", "/backup", "GET, HEAD"},
		{"DELETE", "/backup", "GET, HEAD"},
		{"POST", "/healthz", "GET, HEAD"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var r servertest.Response
			if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
				t.Fatalf("status %d, body not JSON: %v", resp.StatusCode, err)
			}
			if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != tc.allow || r.Code() != "BAD_USER_INPUT" {
				t.Errorf("status %d, Allow %q, code %q; want 405, %q, BAD_USER_INPUT", resp.StatusCode, resp.Header.Get("Allow"), r.Code(), tc.allow)
			}
		})
	}
	// The endpoints still answer their own methods.
	if resp, err := http.Get(srv.URL + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}
