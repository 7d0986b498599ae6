package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/dataset/datasettest"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

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
		return Run(t.Context(), append([]string{"import", "--data", t.TempDir()}, args...), io.Discard, io.Discard)
	}
	// The baseline refuses a tiny file's bad line: it opens a store and
	// reads the file, as the refusals below do, and writes nothing.
	bad := filepath.Join(tmp, "bad.jsonl")
	os.WriteFile(bad, []byte("{not json}\n"), 0o644)
	var err error
	baseline := servertest.AllocatedBy(func() { err = importInto(bad) })
	if !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("import of a bad line: %v", err)
	}

	bombZip := filepath.Join(tmp, "bomb.zip")
	os.WriteFile(bombZip, datasettest.ZipBomb(t), 0o644)
	pair := filepath.Join(tmp, "pair")
	os.Mkdir(pair, 0o755)
	f, _ := os.Create(filepath.Join(pair, "nodes.csv"))
	io.Copy(f, datasettest.BombNodes())
	f.Close()
	os.WriteFile(filepath.Join(pair, "relationships.csv"), []byte(datasettest.BombRels), 0o644)

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
			alloc := servertest.AllocatedBy(func() { err = importInto(tc.args...) })
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
