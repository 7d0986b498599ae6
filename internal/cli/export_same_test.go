package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

var update = flag.Bool("update", false, "rewrite the golden exports under testdata/golden/export")

// TestExportSameBytes: GET /export, `alliancegraph export` and
// Query.export give the same bytes for the same selection and snapshot,
// and the NATO membership export matches its golden file
// (testdata/golden/export; go test -update rewrites them).
func TestExportSameBytes(t *testing.T) {
	dir := t.TempDir()
	db := servertest.NATOStore(t, dir)
	srv := servertest.New(t, servertest.DB(db))
	withMax := url.Values{"maxNodes": {"500"}}
	for k, v := range servertest.NATOMembership {
		withMax[k] = v
	}
	type want struct{ membership, whole, capped []byte }
	got := map[string]want{}
	for _, f := range export.Formats() {
		var w want
		var resp = func(q url.Values) []byte {
			r, b := servertest.GetExport(t, srv.URL, f.Name, q)
			if r.StatusCode != 200 {
				t.Fatalf("%s: status %d: %s", f.Name, r.StatusCode, b)
			}
			return b
		}
		w.membership, w.whole, w.capped = resp(servertest.NATOMembership), resp(nil), resp(withMax)
		got[f.Name] = w

		content := graphQLExport(t, srv.URL, f, `{ids: ["org/nato"], depth: 1, predicates: [MEMBER_OF], asOf: "2024-10-01"}`)
		if !bytes.Equal(content, w.capped) {
			t.Errorf("%s: Query.export differs from GET /export", f.Name)
		}
		golden := filepath.Join("testdata", "golden", "export", "nato-membership."+f.Ext)
		if *update {
			if err := os.WriteFile(golden, w.membership, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if g, err := os.ReadFile(golden); err != nil || !bytes.Equal(g, w.membership) {
			t.Errorf("%s: export differs from %s (%v; go test -update rewrites it)", f.Name, golden, err)
		}
	}
	srv.Stop(t)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range export.Formats() {
		for name, tc := range map[string]struct {
			args []string
			want []byte
		}{
			"membership": {[]string{"--ids", "org/nato", "--depth", "1", "--predicates", "MEMBER_OF", "--as-of", "2024-10-01"}, got[f.Name].membership},
			"whole":      {nil, got[f.Name].whole},
		} {
			out := filepath.Join(t.TempDir(), "out."+f.Ext)
			args := append([]string{"export", "--data", dir, "--format", f.Name, "-o", out}, tc.args...)
			var stdout, stderr bytes.Buffer
			if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
				t.Fatalf("%s %s: %v\n%s", f.Name, name, err, stderr.Bytes())
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, tc.want) {
				t.Errorf("%s %s: the CLI wrote %d bytes that differ from GET /export's %d", f.Name, name, len(b), len(tc.want))
			}
			if !strings.HasPrefix(stderr.String(), "export: wrote ") || stdout.Len() != 0 {
				t.Errorf("%s: stdout %q, stderr %q; want only the summary on stderr", f.Name, stdout.String(), stderr.String())
			}
		}
	}
}

// graphQLExport runs Query.export and returns the decoded content.
func graphQLExport(t *testing.T, base string, f export.Format, selection string) []byte {
	t.Helper()
	r := servertest.Query(t, base, `{ export(selection: `+selection+`, format: `+f.Name+`) { format mediaType fileName encoding content size truncated knownAt } }`)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", f.Name, r.Errors)
	}
	var d struct {
		Export struct {
			Format, MediaType, FileName, Encoding, Content, KnownAt string
			Size                                                    int
			Truncated                                               bool
		}
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	e := d.Export
	content := []byte(e.Content)
	if f.Binary {
		var err error
		if content, err = base64.StdEncoding.DecodeString(e.Content); err != nil || e.Encoding != "BASE64" {
			t.Fatalf("%s: encoding %s: %v", f.Name, e.Encoding, err)
		}
	} else if e.Encoding != "UTF8" {
		t.Errorf("%s: encoding %s, want UTF8", f.Name, e.Encoding)
	}
	if e.Format != f.Name || e.MediaType != f.MediaType || e.FileName != "alliancegraph-org-nato-2024-10-01."+f.Ext || e.Size != len(content) || e.Truncated || e.KnownAt == "" {
		t.Errorf("%s: export fields %+v", f.Name, e)
	}
	return content
}
