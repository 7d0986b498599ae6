package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
)

// bombField is the size of the one field of the zip bomb: far over the
// per-line limit, small enough to build quickly in a test.
const bombField = 128 << 20

const bombNodesHead = "id:ID,:LABEL,name,aliases,date:date,externalIds,properties\ncountry/XBM,Country,"

// runOf reads as an endless run of one byte.
type runOf byte

func (c runOf) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// bombNodes streams nodes.csv whose second line has a name of bombField
// bytes.
func bombNodes() io.Reader {
	return io.MultiReader(strings.NewReader(bombNodesHead), io.LimitReader(runOf('a'), bombField), strings.NewReader(",,,,\n"))
}

const bombRels = ":START_ID,:END_ID,:TYPE,id,validFrom:date,validTo:date,event,properties,citations\n"

var zipBombOnce = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "nodes.csv", Method: zip.Deflate})
	io.Copy(w, bombNodes())
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "relationships.csv", Method: zip.Deflate})
	io.WriteString(w, bombRels)
	zw.Close()
	return b.Bytes()
})

// zipBomb is a zip of a few hundred KiB that unzips to a CSV with one
// field of bombField bytes, built by streaming the run through deflate.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	b := zipBombOnce()
	if len(b) > bombField/100 {
		t.Fatalf("the zip bomb is %d bytes: not a bomb", len(b))
	}
	return b
}

// damagedZip is a zip of a valid CSV pair whose nodes.csv does not match
// the checksum the zip's directory gives for it.
func damagedZip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("nodes.csv")
	io.WriteString(w, "id:ID,:LABEL,name\nplace/x,Place,X\n")
	w, _ = zw.Create("relationships.csv")
	io.WriteString(w, bombRels)
	zw.Close()
	z := b.Bytes()
	dir := bytes.Index(z, []byte("PK\x01\x02")) // nodes.csv's directory entry; its CRC-32 is at 16
	if dir < 0 {
		t.Fatal("no central directory")
	}
	z[dir+16] ^= 0xff
	return z
}

// allocatedBy returns how many bytes of heap fn allocated, in the whole
// process (nothing else runs: these tests are not parallel).
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func postImportAs(t *testing.T, url, token, contentType, name string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/import?name="+name, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("status %d body %s", resp.StatusCode, b)
	}
	return resp.StatusCode, out
}

// TestImportZipBombOverHTTP: POST /import of a zip bomb is refused with
// 413 LIMIT_EXCEEDED naming the file, line, field and limit, having
// allocated a small fraction of what the bomb unzips to; with a lower
// --max-import-unzipped it is refused before it is read; a damaged zip is
// 400 BAD_USER_INPUT, not an internal error. The store is unchanged and
// the server keeps answering.
func TestImportZipBombOverHTTP(t *testing.T) {
	bomb := zipBomb(t)
	srv, db := newWriteServer(t, nil)
	before := storeDump(t, db)
	var status int
	var out map[string]any
	alloc := allocatedBy(func() { status, out = postImportAs(t, srv.URL, aliceToken, "application/zip", "bomb.zip", bomb) })
	want := "bomb.zip nodes.csv:2: a record longer than the limit of 1 MiB, reached in field name"
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(mustJSON(out), `"code":"LIMIT_EXCEEDED"`) || !strings.Contains(mustJSON(out), want) {
		t.Errorf("zip bomb: %d %s, want 413 LIMIT_EXCEEDED %q", status, mustJSON(out), want)
	}
	t.Logf("the refused zip bomb allocated %d KiB", alloc>>10)
	if alloc > 64<<20 {
		t.Errorf("the refused zip bomb allocated %d MiB; it unzips to %d MiB", alloc>>20, bombField>>20)
	}

	if status, out := postImportAs(t, srv.URL, aliceToken, "application/zip", "damaged.zip", damagedZip(t)); status != http.StatusBadRequest ||
		!strings.Contains(mustJSON(out), "BAD_USER_INPUT") || !strings.Contains(mustJSON(out), "damaged.zip nodes.csv: the zip member does not unzip: zip: checksum error") {
		t.Errorf("damaged zip: %d %s, want 400 BAD_USER_INPUT naming the member", status, mustJSON(out))
	}
	if storeDump(t, db) != before {
		t.Error("a refused import changed the store")
	}
	ok(t, gql(t, srv.URL, "", `{ alliance(id: "org/nato") { name } }`, nil), nil)

	small, _ := newWriteServer(t, func(c *serveConfig) { c.importLimits.MaxUnzipped = 1 << 20 })
	alloc = allocatedBy(func() { status, out = postImportAs(t, small.URL, aliceToken, "application/zip", "bomb.zip", bomb) })
	want = "bomb.zip: nodes.csv and relationships.csv unzip to 128.0 MiB, over the limit of 1 MiB"
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(mustJSON(out), want) {
		t.Errorf("zip bomb with --max-import-unzipped 1 MiB: %d %s, want 413 %q", status, mustJSON(out), want)
	}
	if alloc > 16<<20 {
		t.Errorf("a zip refused by its declared size allocated %d MiB", alloc>>20)
	}
}

// TestImportBombCLI: the import command refuses the zip bomb, and a CSV
// pair on disk with the same huge field, with an error wrapping
// domain.ErrLimit, allocating little more than the refusal of a tiny bad
// file does (a store is opened, with its memtable); --max-line and
// --max-unzipped set the limits.
func TestImportBombCLI(t *testing.T) {
	tmp := t.TempDir()
	tiny := filepath.Join(tmp, "tiny.jsonl")
	os.WriteFile(tiny, []byte(`{"type":"header","format":"alliancegraph-jsonl","version":1}`+"\n"+`{"type":"entity","id":"place/x","kind":"Place","name":"X"}`+"\n"), 0o644)
	importInto := func(args ...string) error {
		return run(t.Context(), append([]string{"import", "--data", t.TempDir()}, args...), io.Discard, io.Discard)
	}
	// The baseline refuses a tiny file's bad line: it opens a store and
	// reads the file, as the refusals below do, and writes nothing.
	bad := filepath.Join(tmp, "bad.jsonl")
	os.WriteFile(bad, []byte("{not json}\n"), 0o644)
	var err error
	baseline := allocatedBy(func() { err = importInto(bad) })
	if !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("import of a bad line: %v", err)
	}

	bombZip := filepath.Join(tmp, "bomb.zip")
	os.WriteFile(bombZip, zipBomb(t), 0o644)
	pair := filepath.Join(tmp, "pair")
	os.Mkdir(pair, 0o755)
	f, _ := os.Create(filepath.Join(pair, "nodes.csv"))
	io.Copy(f, bombNodes())
	f.Close()
	os.WriteFile(filepath.Join(pair, "relationships.csv"), []byte(bombRels), 0o644)

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"zip", []string{bombZip}, "bomb.zip nodes.csv:2: a record longer than the limit of 1 MiB, reached in field name"},
		{"csv pair", []string{filepath.Join(pair, "nodes.csv"), filepath.Join(pair, "relationships.csv")}, "nodes.csv:2: a record longer than the limit of 1 MiB, reached in field name"},
		{"--max-unzipped", []string{"--max-unzipped", "1024", bombZip}, "bomb.zip: nodes.csv and relationships.csv unzip to 128.0 MiB, over the limit of 1 KiB"},
		{"--max-line", []string{"--max-line", "40", tiny}, "tiny.jsonl:1: a line longer than the limit of 40 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			alloc := allocatedBy(func() { err = importInto(tc.args...) })
			t.Logf("allocated %d KiB; refusing a tiny bad file %d KiB", alloc>>10, baseline>>10)
			if alloc > baseline+64<<20 {
				t.Errorf("the refused import allocated %d MiB, refusing a tiny bad file %d MiB", alloc>>20, baseline>>20)
			}
			if err == nil || !errors.Is(err, domain.ErrLimit) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want domain.ErrLimit and %q", err, tc.want)
			}
			var le *dataset.LineError
			if !errors.As(err, &le) {
				t.Errorf("err %v is not a dataset.LineError", err)
			}
		})
	}
}
