package cli

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// formulaLabels are Wikidata labels a spreadsheet would run as formulas
// if a CSV cell started with them, and two it must leave alone but that
// the neutralising has to round-trip: a leading quote and a negative
// number (the CSV has no numeric columns, so "-5" is text like any name).
var formulaLabels = map[string]string{
	"Q9900001": `=cmd|' /C calc'!A0`,
	"Q9900002": `@SUM(1+1)*cmd|' /C calc'!A0`,
	"Q9900003": `+1+cmd|' /C calc'!A0`,
	"Q9900004": `-2+3+cmd|' /C calc'!A0`,
	"Q9900005": `-5`,
	"Q9900006": `'=already quoted`,
}

// formulaWikidata is SPARQL JSON like dataset/testdata's: each state in
// formulaLabels joins NATO (found by its label) in 2030.
func formulaWikidata() []byte {
	var rows []string
	for q, label := range formulaLabels {
		rows = append(rows, fmt.Sprintf(`{"state": {"type": "uri", "value": "http://www.wikidata.org/entity/%s"},
  "stateLabel": {"xml:lang": "en", "type": "literal", "value": %q},
  "org": {"type": "uri", "value": "http://www.wikidata.org/entity/Q7184"},
  "orgLabel": {"xml:lang": "en", "type": "literal", "value": "North Atlantic Treaty Organization"},
  "start": {"datatype": "http://www.w3.org/2001/XMLSchema#dateTime", "type": "literal", "value": "2030-01-01T00:00:00Z"}}`, q, label))
	}
	return []byte(`{"head": {"vars": ["state", "stateLabel", "org", "orgLabel", "start"]}, "results": {"bindings": [` + strings.Join(rows, ",\n") + "]}}\n")
}

// zipMember returns one file of a zip.
func zipMember(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCSVExportNeutralisesFormulas: names imported from Wikidata that
// start like a formula (=, @, +, -) are written to the CSV export quoted
// and prefixed with ' (OWASP's CSV injection advice), the same by the CLI
// and GET /export; --csv-raw and csvRaw=true write them as stored. Both
// read back with Python's csv module, and both import back to the names
// as stored.
func TestCSVExportNeutralisesFormulas(t *testing.T) {
	dir := t.TempDir()
	servertest.NATOStore(t, dir).Close()
	src := servertest.WriteTemp(t, "formulas.json", formulaWikidata())
	if err := Run(t.Context(), []string{"import", "--data", dir, src}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	cliExport := func(flags ...string) []byte {
		out := filepath.Join(t.TempDir(), "out.zip")
		args := append([]string{"export", "--data", dir, "--format", "csv", "-o", out}, flags...)
		var stderr bytes.Buffer
		if err := Run(t.Context(), args, io.Discard, &stderr); err != nil {
			t.Fatalf("export %v: %v\n%s", flags, err, stderr.Bytes())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	safe, raw := cliExport(), cliExport("--csv-raw")

	db := servertest.OpenStore(t, dir)
	srv := servertest.New(t, servertest.DB(db))
	resp, body := servertest.GetExport(t, srv.URL, "csv", nil)
	if resp.StatusCode != 200 || !bytes.Equal(body, safe) {
		t.Errorf("GET /export?format=csv: status %d, same bytes as the CLI: %v", resp.StatusCode, bytes.Equal(body, safe))
	}
	resp, body = servertest.GetExport(t, srv.URL, "csv", url.Values{"csvRaw": {"true"}})
	if resp.StatusCode != 200 || !bytes.Equal(body, raw) {
		t.Errorf("GET /export?format=csv&csvRaw=true: status %d, same bytes as --csv-raw: %v", resp.StatusCode, bytes.Equal(body, raw))
	}
	for _, q := range []url.Values{{"csvRaw": {"yes"}}, {"csvRaw": {"true"}, "format": {"graphml"}}} {
		format := q.Get("format")
		if format == "" {
			format = "csv"
		}
		resp, body := servertest.GetExport(t, srv.URL, format, q)
		if resp.StatusCode != 400 || !strings.Contains(string(body), "BAD_USER_INPUT") || !strings.Contains(string(body), "csvRaw") {
			t.Errorf("%v: status %d %s, want 400 BAD_USER_INPUT naming csvRaw", q, resp.StatusCode, body)
		}
	}
	srv.Stop(t)
	db.Close()

	safeNodes, rawNodes := zipMember(t, safe, "nodes.csv"), zipMember(t, raw, "nodes.csv")
	for q, label := range formulaLabels {
		id := "country/wikidata-" + q
		quoted := `"'` + strings.ReplaceAll(label, `"`, `""`) + `"`
		if !strings.Contains(safeNodes, id+",Country,"+quoted+",") {
			t.Errorf("%s: the export does not write the name as %s:\n%s", id, quoted, safeNodes)
		}
		if !strings.Contains(rawNodes, id+",Country,"+label+",") {
			t.Errorf("%s: the raw export does not write the name as %s", id, label)
		}
	}
	if !strings.Contains(zipMember(t, safe, "README.txt"), "prefixed with '") || !strings.Contains(zipMember(t, raw, "README.txt"), "--csv-raw") {
		t.Error("README.txt does not say how the cells are written")
	}

	for name, zipped := range map[string][]byte{"safe": safe, "raw": raw} {
		t.Run(name, func(t *testing.T) {
			names := map[string]string{}
			for id, n := range servertest.ReadCSV(t, zipped).Nodes {
				names[id] = n.Name
			}
			for q, label := range formulaLabels {
				id := "country/wikidata-" + q
				want := label
				if name == "safe" {
					want = "'" + label
				}
				if names[id] != want {
					t.Errorf("Python's csv module read %s's name as %q, want %q", id, names[id], want)
				}
			}
			// The zip, and the files it holds unzipped side by side.
			unzipped := t.TempDir()
			for _, f := range []string{"README.txt", "nodes.csv", "relationships.csv"} {
				os.WriteFile(filepath.Join(unzipped, f), []byte(zipMember(t, zipped, f)), 0o644)
			}
			for how, files := range map[string][]string{
				"zip":      {servertest.WriteTemp(t, "export.zip", zipped)},
				"unzipped": {filepath.Join(unzipped, "nodes.csv"), filepath.Join(unzipped, "relationships.csv")},
			} {
				into := t.TempDir()
				if err := Run(t.Context(), append([]string{"import", "--data", into}, files...), io.Discard, io.Discard); err != nil {
					t.Fatalf("import of the export (%s): %v", how, err)
				}
				back, err := store.Open(into, store.DefaultOptions())
				if err != nil {
					t.Fatal(err)
				}
				back.View(back.LastCommit(), func(r *store.Reader) error {
					for q, label := range formulaLabels {
						id := "country/wikidata-" + q
						e, err := r.Entity(id)
						if err != nil || e.Name != label {
							t.Errorf("%s: %s imported back as %+v (%v), want the name %q", how, id, e, err, label)
						}
					}
					return nil
				})
				back.Close()
			}
		})
	}
}
