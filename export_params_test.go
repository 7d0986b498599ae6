package main

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportParamsCase: predicates= and kinds= take names in any case,
// the same rule for both.
func TestExportParamsCase(t *testing.T) {
	srv, _ := newTestServer(t)
	var bodies []string
	for _, q := range []url.Values{
		{"ids": {"org/nato"}, "predicates": {"MEMBER_OF"}, "kinds": {"COUNTRY"}, "asOf": {"2024-10-01"}},
		{"ids": {"org/nato"}, "predicates": {"member_of"}, "kinds": {"country"}, "asOf": {"2024-10-01"}},
		{"ids": {"org/nato"}, "predicates": {"Member_Of"}, "kinds": {"Country"}, "asOf": {"2024-10-01"}},
	} {
		resp, body := getExport(t, srv.URL, "jsonl", q)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%v: %d %s", q, resp.StatusCode, body)
		}
		bodies = append(bodies, string(body))
	}
	if bodies[0] != bodies[1] || bodies[0] != bodies[2] {
		t.Error("the same selection in other cases exported different bytes")
	}
}

// TestExportFileExtension: an output name whose extension is another
// format's is refused with the right name suggested; others are written.
func TestExportFileExtension(t *testing.T) {
	dir := t.TempDir()
	_, stop := startServe(t, dir)
	stop()
	out := t.TempDir()
	for _, tc := range []struct {
		format, file, refusal string
	}{
		{"csv", "nato.csv", "name the output " + filepath.Join(out, "nato.zip")},
		{"json", "nato.graphml", "name the output " + filepath.Join(out, "nato.json")},
		{"csv", "nato.zip", ""},
		{"graphml", "nato.xml", ""},
		{"jsonl", "nato.JSONL", ""},
	} {
		var errOut bytes.Buffer
		err := run(t.Context(), []string{"export", "--data", dir, "--format", tc.format, "--ids", "org/nato", "-o", filepath.Join(out, tc.file)}, io.Discard, &errOut)
		switch {
		case tc.refusal == "" && err != nil:
			t.Errorf("%s to %s: %v %s", tc.format, tc.file, err, errOut.String())
		case tc.refusal != "" && (err == nil || !strings.Contains(errOut.String(), tc.refusal)):
			t.Errorf("%s to %s: %v %q, want a refusal saying %q", tc.format, tc.file, err, errOut.String(), tc.refusal)
		}
	}
}
