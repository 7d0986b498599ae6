package dataset_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
)

const csvNodesHead = "id:ID,:LABEL,name,aliases,date:date,externalIds,properties\n"

func readerOpen(r func() io.Reader) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(r()), nil }
}

// refusedOverLimit checks err is a LineError wrapping domain.ErrLimit
// whose message holds want.
func refusedOverLimit(t *testing.T, err error, want string) {
	t.Helper()
	var le *dataset.LineError
	if err == nil || !errors.Is(err, domain.ErrLimit) || !errors.As(err, &le) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want a LineError wrapping domain.ErrLimit with %q", err, want)
	}
}

// TestImportCSVLimits: a CSV record over the line limit (lowered here),
// by one long field, a quoted field of line breaks, or many fields, is
// refused naming the file, the line, the field it reached and the limit,
// after reading little more than the limit of 200 MiB, which encoding/csv
// would otherwise hold whole (several times over).
func TestImportCSVLimits(t *testing.T) {
	const limit = 64 << 10
	rels, _ := os.ReadFile("testdata/csv/relationships.csv")
	for _, tc := range []struct {
		name, want string
		nodes      func() io.Reader
	}{
		{"field", "csv nodes.csv:3: a record longer than the limit of 64 KiB, reached in field name", func() io.Reader {
			return io.MultiReader(strings.NewReader(csvNodesHead+"country/ISL,Country,Iceland,,,,\ncountry/XBM,Country,"),
				io.LimitReader(repeatByte('a'), 200<<20), strings.NewReader(",,,,\n"))
		}},
		{"quoted field over lines", "csv nodes.csv:2: a record longer than the limit of 64 KiB, reached in field aliases", func() io.Reader {
			return io.MultiReader(strings.NewReader(csvNodesHead+`country/XBM,Country,X,"`), io.LimitReader(repeatByte('\n'), 200<<20), strings.NewReader("\",,,\n"))
		}},
		{"record of many fields", "csv nodes.csv:2: a record longer than the limit of 64 KiB, reached in field 65537", func() io.Reader {
			return io.MultiReader(strings.NewReader(csvNodesHead), io.LimitReader(repeatByte(','), 200<<20), strings.NewReader("\n"))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var src *countingReader
			nodes := readerOpen(func() io.Reader { src = &countingReader{r: tc.nodes()}; return src })
			in := dataset.CSVInput("csv", nodes, readerOpen(func() io.Reader { return bytes.NewReader(rels) }), dataset.WithLimits(dataset.Limits{MaxLine: limit}))
			db := emptyDB(t)
			_, err := dataset.Import(db, []dataset.Input{in}, dataset.ImportOptions{Author: "test"})
			refusedOverLimit(t, err, tc.want)
			if src.n > 2*limit+(64<<10) {
				t.Errorf("read %d bytes before refusing at a limit of %d", src.n, limit)
			}
		})
	}
}

// csvZip zips nodes.csv (head, then pad bytes of c, then tail) and the
// example relationships.csv, streaming the padding through deflate.
func csvZip(t *testing.T, head string, pad int64, c byte, tail string) []byte {
	t.Helper()
	rels, err := os.ReadFile("testdata/csv/relationships.csv")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "nodes.csv", Method: zip.Deflate})
	io.Copy(w, io.MultiReader(strings.NewReader(head), io.LimitReader(repeatByte(c), pad), strings.NewReader(tail)))
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "relationships.csv", Method: zip.Deflate})
	w.Write(rels)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImportZipLimits: a zip whose members unzip to more than the limit
// (lowered here) is refused before it is read, naming the member; a
// member that does not unzip (here: its data cut short) is bad input,
// not an internal error.
func TestImportZipLimits(t *testing.T) {
	db := emptyDB(t)
	big := csvZip(t, csvNodesHead, 2<<20, '\n', "")
	in := dataset.CSVZipInput("big.zip", big, dataset.WithLimits(dataset.Limits{MaxUnzipped: 1 << 20}))
	_, err := dataset.Import(db, []dataset.Input{in}, dataset.ImportOptions{Author: "test"})
	refusedOverLimit(t, err, "big.zip: nodes.csv and relationships.csv unzip to 2.0 MiB")
	if !strings.Contains(err.Error(), "over the limit of 1 MiB") {
		t.Errorf("err = %v, want the limit named", err)
	}

	good := csvZip(t, "", 0, 0, func() string { b, _ := os.ReadFile("testdata/csv/nodes.csv"); return string(b) }())
	// Cut the compressed data of nodes.csv short: its local header is at
	// the start, its data follows up to relationships.csv's header.
	cut := bytes.Clone(good)
	at := bytes.Index(cut[30:], []byte("PK\x03\x04"))
	for i := 30 + 20; i < 30+at; i++ {
		cut[i] = 0xff
	}
	_, err = dataset.Import(db, []dataset.Input{dataset.CSVZipInput("cut.zip", cut)}, dataset.ImportOptions{Author: "test"})
	if err == nil || !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "cut.zip nodes.csv: the zip member does not unzip") {
		t.Fatalf("damaged member: err = %v, want ErrInvalid naming the member", err)
	}
}

// TestImportJSONLLineLimit: a JSON line over the limit (lowered here, and
// the default of 1 MiB) is refused as a limit, naming the line.
func TestImportJSONLLineLimit(t *testing.T) {
	line := `{"type":"entity","id":"place/x","kind":"Place","name":"` + strings.Repeat("x", 5000) + `"}` + "\n"
	head := `{"type":"header","format":"alliancegraph-jsonl","version":1}` + "\n"
	in := dataset.JSONLInput("x.jsonl", readerOpen(func() io.Reader { return strings.NewReader(head + line) }), dataset.WithLimits(dataset.Limits{MaxLine: 4096}))
	_, err := dataset.Import(emptyDB(t), []dataset.Input{in}, dataset.ImportOptions{Author: "test"})
	refusedOverLimit(t, err, "x.jsonl:2: a line longer than the limit of 4 KiB")

	huge := readerOpen(func() io.Reader {
		return io.MultiReader(strings.NewReader(head+`{"type":"entity","id":"place/x","kind":"Place","name":"`), io.LimitReader(repeatByte('x'), 3<<20))
	})
	_, err = dataset.Import(emptyDB(t), []dataset.Input{dataset.JSONLInput("x.jsonl", huge)}, dataset.ImportOptions{Author: "test"})
	refusedOverLimit(t, err, "x.jsonl:2: a line longer than the limit of 1 MiB")
}
