package dataset_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/store"
)

func emptyDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.DefaultOptions().WithSyncWrites(false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func exportJSONL(t *testing.T, db *store.DB) []byte {
	t.Helper()
	f, err := export.Lookup("jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	err = db.View(time.Time{}, func(r *store.Reader) error {
		_, err := export.Write(r, f, store.Selection{}, "alliancegraph test", &b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func bytesInput(name string, b []byte) dataset.Input {
	return dataset.JSONLInput(name, func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
}

func dumpOf(t *testing.T, db *store.DB) string {
	t.Helper()
	var b bytes.Buffer
	if err := db.Dump(time.Time{}, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func clean(t *testing.T, db *store.DB) {
	t.Helper()
	vs, err := db.Check(time.Time{}, 0)
	if err != nil || len(vs) > 0 {
		t.Fatalf("check: %v %v", vs, err)
	}
}

// TestJSONLRoundTrip: export, import into an empty directory, export
// again: the same bytes. Through the chunked import the file is larger
// than one chunk, so it also exercises the hidden chunks and the final
// switch; through the fast path (ImportOptions.Load) it is one load.
func TestJSONLRoundTrip(t *testing.T) {
	first := exportJSONL(t, loadedDB(t))
	if n := bytes.Count(first, []byte("\n")); n <= 3*50 {
		t.Fatalf("export has %d lines; the test wants several chunks of 50", n)
	}
	for _, tt := range []struct {
		name     string
		load     bool
		progress string
	}{
		{"chunked", false, "hidden until the import commits"},
		{"load", true, "records applied in memory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := emptyDB(t)
			var progress bytes.Buffer
			o := dataset.ImportOptions{Author: "test", Progress: &progress, Chunk: 50, Load: tt.load}
			rep, err := dataset.Import(db, []dataset.Input{bytesInput("nato.jsonl", first)}, o)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Changed != rep.Records-1 || !strings.Contains(progress.String(), tt.progress) {
				t.Errorf("report %+v, progress %q", rep, progress.String())
			}
			second := exportJSONL(t, db)
			if !bytes.Equal(first, second) {
				t.Errorf("re-export differs:\n%s\n---\n%s", first[:300], second[:300])
			}
			clean(t, db)
			// Importing the same file again changes nothing, not even the
			// clock; with Load set it takes the chunked path, the store
			// being no longer empty.
			last := db.LastCommit()
			rep, err = dataset.Import(db, []dataset.Input{bytesInput("nato.jsonl", first)}, o)
			if err != nil || rep.Changed != 0 || !db.LastCommit().Equal(last) {
				t.Errorf("re-import: %+v %v, last commit moved: %v", rep, err, !db.LastCommit().Equal(last))
			}
		})
	}
}

// TestLoadImportsWhatChunksImport: the synthetic graph imported through the
// fast path and through the chunked import exports the same bytes, and
// both stores pass the checker.
func TestLoadImportsWhatChunksImport(t *testing.T) {
	var graph bytes.Buffer
	if err := dataset.WriteSynthetic(&graph, small, 1); err != nil {
		t.Fatal(err)
	}
	var exports [][]byte
	for _, load := range []bool{false, true} {
		db := emptyDB(t)
		rep, err := dataset.Import(db, []dataset.Input{bytesInput("graph.jsonl", graph.Bytes())}, dataset.ImportOptions{Load: load})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Changed != rep.Records-1 {
			t.Errorf("load=%v: report %+v", load, rep)
		}
		clean(t, db)
		// The header names the commit time, which differs; the rest may not.
		_, body, _ := bytes.Cut(exportJSONL(t, db), []byte("\n"))
		exports = append(exports, body)
	}
	if len(exports[0]) == 0 || !bytes.Equal(exports[0], exports[1]) {
		t.Error("the fast path's store exports differently from the chunked import's")
	}
}

// TestImportBadLineImportsNothing: one bad line in the middle (malformed,
// or well-formed but breaking a store rule after earlier chunks were
// written) stops the import, names the line, and leaves the store as it
// was.
func TestImportBadLineImportsNothing(t *testing.T) {
	good := exportJSONL(t, loadedDB(t))
	lines := strings.SplitAfter(string(good), "\n")
	for _, tt := range []struct {
		name string
		line int // 1-based
		text string
		msg  string
	}{
		{"malformed", len(lines) / 2, `{"type":"entity","id":"country/XXA","kind":"Country"` + "\n", "unexpected end of JSON input"},
		{"unknown field", len(lines) / 3, `{"type":"entity","id":"country/XXA","kind":"Country","name":"X","colour":"red"}` + "\n", `unknown field "colour"`},
		{"breaks a rule after a chunk", len(lines) - 2, `{"type":"fact","id":"fact/fin-twice","predicate":"MEMBER_OF","from":"country/FIN","to":"org/nato","validFrom":"2024-01-01","citations":[{"source":"doc/seed-rutte-takes-over"}]}` + "\n", "twice at once"},
	} {
		for _, load := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/load=%v", tt.name, load), func(t *testing.T) {
				bad := append([]string{}, lines[:tt.line-1]...)
				bad = append(bad, tt.text)
				bad = append(bad, lines[tt.line:]...)
				db := emptyDB(t)
				before, last := dumpOf(t, db), db.LastCommit()
				_, err := dataset.Import(db, []dataset.Input{bytesInput("nato.jsonl", []byte(strings.Join(bad, "")))}, dataset.ImportOptions{Author: "test", Chunk: 50, Load: load})
				want := fmt.Sprintf("nato.jsonl:%d: ", tt.line)
				if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("err = %v, want %q and %q", err, want, tt.msg)
				}
				var le *dataset.LineError
				if !errors.As(err, &le) || le.Line != tt.line || le.File != "nato.jsonl" {
					t.Errorf("LineError = %+v", le)
				}
				if dumpOf(t, db) != before {
					t.Error("a failed import left changes")
				}
				db.View(time.Time{}, func(r *store.Reader) error {
					at, _ := r.SnapshotTime()
					if !at.Equal(last) {
						t.Errorf("snapshot time %v, want %v", at, last)
					}
					return nil
				})
				clean(t, db)
			})
		}
	}
}

func csvInput(dir string) dataset.Input {
	open := func(n string) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return os.Open(filepath.Join(dir, n)) }
	}
	return dataset.CSVInput("csv", open("nodes.csv"), open("relationships.csv"))
}

func TestImportCSV(t *testing.T) {
	db := emptyDB(t)
	rep, err := dataset.Import(db, []dataset.Input{csvInput("testdata/csv")}, dataset.ImportOptions{Author: "test", Chunk: 50})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 6 || rep.Changed != 6 {
		t.Errorf("report %+v", rep)
	}
	db.View(time.Time{}, func(r *store.Reader) error {
		org, err := r.Entity("org/example")
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(org.Aliases, org.Props)
		if got != "[EXA] [{active 4 true} {founded 5 1950-05-01} {members 2 2} {ratio 3 0.5}]" {
			t.Errorf("org: %s", got)
		}
		f, err := r.Fact("fact/isl-member-of-example")
		if err != nil {
			t.Fatal(err)
		}
		c := f.Citations[0]
		if f.Valid.String() != "[1950-05-01, 1960-01-01)" || f.Event != "event/founding" || c.Span.End != 7 || c.Retrieved.String() != "2026-11-26" {
			t.Errorf("fact: %+v %+v", f, c)
		}
		return nil
	})
	clean(t, db)
	if rep, err := dataset.Import(db, []dataset.Input{csvInput("testdata/csv")}, dataset.ImportOptions{Author: "test", Chunk: 50}); err != nil || rep.Changed != 0 {
		t.Errorf("re-import: %+v %v", rep, err)
	}
}

func TestImportCSVBadRow(t *testing.T) {
	dir := t.TempDir()
	nodes, _ := os.ReadFile("testdata/csv/nodes.csv")
	rels, _ := os.ReadFile("testdata/csv/relationships.csv")
	os.WriteFile(filepath.Join(dir, "nodes.csv"), nodes, 0o644)
	os.WriteFile(filepath.Join(dir, "relationships.csv"), bytes.Replace(rels, []byte(",,,,"), []byte(",1950-13-01,,,"), 1), 0o644)
	db := emptyDB(t)
	before := dumpOf(t, db)
	_, err := dataset.Import(db, []dataset.Input{csvInput(dir)}, dataset.ImportOptions{Author: "test", Chunk: 50})
	if err == nil || !strings.Contains(err.Error(), "csv relationships.csv:3: ") || !strings.Contains(err.Error(), "validFrom") {
		t.Fatalf("err = %v", err)
	}
	if dumpOf(t, db) != before {
		t.Error("a failed import left changes")
	}
}

func wikidataInput(name string) dataset.Input {
	return dataset.WikidataInput(name, func() (io.ReadCloser, error) { return os.Open(name) })
}

func TestImportWikidata(t *testing.T) {
	db := loadedDB(t)
	rep, err := dataset.Import(db, []dataset.Input{wikidataInput("testdata/wikidata_memberships.json")}, dataset.ImportOptions{Author: "test", Chunk: 50})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 5 || rep.Changed != 5 {
		t.Errorf("report %+v", rep)
	}
	db.View(time.Time{}, func(r *store.Reader) error {
		fin, err := r.EntityByXID("wikidata", "Q33")
		if err != nil || fin.ID != "country/FIN" {
			t.Errorf("Q33 = %v %v, want country/FIN", fin, err)
		}
		if nato, err := r.EntityByXID("wikidata", "Q7184"); err != nil || nato.ID != "org/nato" {
			t.Errorf("Q7184 = %v %v, want org/nato (found by name)", nato, err)
		}
		f, err := r.Fact("fact/fin-member-of-nato")
		if err != nil || len(f.Citations) < 2 || f.Citations[len(f.Citations)-1].Source != dataset.WikidataSource {
			t.Errorf("the existing membership did not get the Wikidata citation: %+v %v", f, err)
		}
		if _, err := r.Fact("fact/wikidata-Q33-member-of-Q7184-2023-04-04"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("a second NATO membership for Finland was created: %v", err)
		}
		uk, err := r.Fact("fact/wikidata-Q145-member-of-Q458-1973-01-01")
		if err != nil || uk.From != "country/GBR" || uk.To != "org/wikidata-Q458" || uk.Valid.String() != "[1973-01-01, 2020-01-31)" {
			t.Errorf("UK in the EU: %+v %v", uk, err)
		}
		return nil
	})
	clean(t, db)
	if rep, err := dataset.Import(db, []dataset.Input{wikidataInput("testdata/wikidata_memberships.json")}, dataset.ImportOptions{Author: "test", Chunk: 50}); err != nil || rep.Changed != 0 {
		t.Errorf("re-import: %+v %v", rep, err)
	}
}

func TestImportWikidataBadRow(t *testing.T) {
	data, _ := os.ReadFile("testdata/wikidata_memberships.json")
	bad := bytes.Replace(data, []byte(`"value": "1995-01-01T00:00:00Z"`), []byte(`"value": "sometime"`), 1)
	// The error names the line where the bad binding's object opens.
	lines := strings.Split(string(bad), "\n")
	line := 0
	for i, l := range lines {
		if strings.TrimSpace(l) == "{" {
			line = i + 1
		}
		if strings.Contains(l, "sometime") {
			break
		}
	}
	db := loadedDB(t)
	before := dumpOf(t, db)
	in := dataset.WikidataInput("w.json", func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(bad)), nil })
	_, err := dataset.Import(db, []dataset.Input{in}, dataset.ImportOptions{Author: "test", Chunk: 50})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("w.json:%d: ", line)) || !strings.Contains(err.Error(), `?start "sometime"`) {
		t.Fatalf("err = %v, want line %d", err, line)
	}
	if dumpOf(t, db) != before {
		t.Error("a failed import left changes")
	}
}

// The csv export's zip (README.txt, nodes.csv, relationships.csv) imports
// like the unzipped pair.
// TestImportSkipsByteOrderMark: a file saved with a UTF-8 byte order
// mark (editors and spreadsheets write one) imports as the same file
// without it, in each format; it used to fail on its first line
// ("invalid character 'ï'", or a CSV header column "\ufeffid").
func TestImportSkipsByteOrderMark(t *testing.T) {
	bom := []byte{0xEF, 0xBB, 0xBF}
	withBOM := func(b []byte) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(append(slices.Clone(bom), b...))), nil
		}
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name       string
		db         func(*testing.T) *store.DB
		plain, bom dataset.Input
	}{
		{"jsonl", emptyDB, bytesInput("nato.jsonl", exportJSONL(t, loadedDB(t))), dataset.JSONLInput("nato.jsonl", withBOM(exportJSONL(t, loadedDB(t))))},
		{"csv", emptyDB, csvInput("testdata/csv"), dataset.CSVInput("csv", withBOM(read("testdata/csv/nodes.csv")), withBOM(read("testdata/csv/relationships.csv")))},
		{"wikidata", loadedDB, wikidataInput("testdata/wikidata_memberships.json"), dataset.WikidataInput("w.json", withBOM(read("testdata/wikidata_memberships.json")))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dumps []string
			for _, in := range []dataset.Input{tc.plain, tc.bom} {
				db := tc.db(t)
				if _, err := dataset.Import(db, []dataset.Input{in}, dataset.ImportOptions{Author: "test"}); err != nil {
					t.Fatal(err)
				}
				dumps = append(dumps, dumpOf(t, db))
			}
			if dumps[0] != dumps[1] {
				t.Error("the file with a byte order mark imports differently")
			}
		})
	}
}

func TestImportCSVZip(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"README.txt", "nodes.csv", "relationships.csv"} {
		data := []byte("exported by a test\n")
		if name != "README.txt" {
			data, _ = os.ReadFile(filepath.Join("testdata/csv", name))
		}
		w, _ := zw.Create(name)
		w.Write(data)
	}
	zw.Close()
	db := emptyDB(t)
	rep, err := dataset.Import(db, []dataset.Input{dataset.CSVZipInput("export.zip", b.Bytes())}, dataset.ImportOptions{Author: "test"})
	if err != nil || rep.Changed != 6 {
		t.Fatalf("%+v %v", rep, err)
	}
	clean(t, db)
	_, err = dataset.Import(db, []dataset.Input{dataset.CSVZipInput("broken.zip", []byte("PK not really"))}, dataset.ImportOptions{Author: "test"})
	if err == nil || !strings.Contains(err.Error(), "broken.zip: not a zip file") {
		t.Errorf("broken zip: %v", err)
	}
}
