package dataset_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
)

// The importers' parsers take any bytes: they either stream records or
// fail with a LineError wrapping domain.ErrInvalid (or domain.ErrLimit, for
// a record over a limit), and never panic.
// Seed corpora live in testdata/fuzz/<target>.

func checkParseError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var le *dataset.LineError
	if !errors.As(err, &le) || !(errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrLimit)) {
		t.Fatalf("error %v is not a LineError wrapping ErrInvalid or ErrLimit", err)
	}
	if le.Line < 0 {
		t.Fatalf("negative line in %v", err)
	}
}

func countRecords(r dataset.Record) error {
	n := 0
	for _, set := range []bool{r.Entity != nil, r.Fact != nil, r.Apply != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return errors.New("a record with more than one thing set")
	}
	return nil
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(`{"type":"header","format":"alliancegraph-jsonl","version":1}` + "\n" + `{"type":"entity","id":"country/FIN","kind":"Country","name":"Finland"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParseError(t, dataset.ReadJSONL(bytes.NewReader(data), countRecords))
	})
}

func FuzzReadCSV(f *testing.F) {
	nodes, _ := os.ReadFile("testdata/csv/nodes.csv")
	rels, _ := os.ReadFile("testdata/csv/relationships.csv")
	f.Add(nodes, rels)
	f.Fuzz(func(t *testing.T, nodes, rels []byte) {
		open := func(b []byte) func() (io.ReadCloser, error) {
			return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		}
		in := dataset.CSVInput("csv", open(nodes), open(rels))
		checkParseError(t, in.Read(countRecords))
	})
}

func FuzzReadWikidata(f *testing.F) {
	data, _ := os.ReadFile("testdata/wikidata_memberships.json")
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParseError(t, dataset.ReadWikidata(bytes.NewReader(data), countRecords))
	})
}
