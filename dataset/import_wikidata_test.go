package dataset_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

const wikidataHead = `{"head": {"vars": ["state", "org", "start", "pad"]},` + "\n" + `"results": {"bindings": [` + "\n"

// wikidataBinding is one binding, Finland in NATO, padded with an unused
// variable of pad bytes (streamed, not held in memory).
func wikidataBinding(pad int64) io.Reader {
	return io.MultiReader(strings.NewReader(`{"state": {"type": "uri", "value": "http://www.wikidata.org/entity/Q33"}, "stateLabel": {"type": "literal", "value": "Finland"},
 "org": {"type": "uri", "value": "http://www.wikidata.org/entity/Q7184"}, "orgLabel": {"type": "literal", "value": "North Atlantic Treaty Organization"},
 "start": {"type": "literal", "value": "2023-04-04T00:00:00Z"}, "pad": {"type": "literal", "value": "`),
		io.LimitReader(repeatByte('x'), pad), strings.NewReader(`"}}`))
}

// repeatByte reads as an endless run of c.
type repeatByte byte

func (c repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// wikidataDoc streams a SPARQL JSON document holding bindings.
func wikidataDoc(bindings ...io.Reader) io.Reader {
	parts := []io.Reader{strings.NewReader(wikidataHead)}
	for i, b := range bindings {
		if i > 0 {
			parts = append(parts, strings.NewReader(",\n"))
		}
		parts = append(parts, b)
	}
	return io.MultiReader(append(parts, strings.NewReader("\n]}}\n"))...)
}

// TestImportWikidataOver64MiB: a SPARQL JSON document larger than 64 MiB
// imports whole. It used to be cut at 64 MiB and fail with an unexpected
// end of input at line 1.
func TestImportWikidataOver64MiB(t *testing.T) {
	const n, pad = 80, 900 << 10
	open := func() (io.ReadCloser, error) {
		bs := make([]io.Reader, n)
		for i := range bs {
			bs[i] = wikidataBinding(pad)
		}
		return io.NopCloser(wikidataDoc(bs...)), nil
	}
	db := loadedDB(t)
	rep, err := dataset.Import(db, []dataset.Input{dataset.WikidataInput("big.json", open)}, dataset.ImportOptions{Author: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != n || rep.Changed == 0 {
		t.Errorf("report %+v, want %d records and the Wikidata citation added", rep, n)
	}
	clean(t, db)
}

// TestImportWikidataBindingLimit: a binding over the per-record limit
// (lowered here) is refused with domain.ErrLimit (LIMIT_EXCEEDED), naming
// the file, the line where the binding starts and the limit; the reader
// stops soon after the limit instead of reading the 200 MiB binding, and
// nothing is written.
func TestImportWikidataBindingLimit(t *testing.T) {
	const limit = 64 << 10
	var src *countingReader
	open := func() (io.ReadCloser, error) {
		src = &countingReader{r: wikidataDoc(wikidataBinding(10), wikidataBinding(20), wikidataBinding(200<<20))}
		return io.NopCloser(src), nil
	}
	// The third binding starts after the head's two lines and two bindings
	// of three lines each.
	const line = 3 + 3 + 3
	db := loadedDB(t)
	before := dumpOf(t, db)
	in := dataset.WikidataInput("big.json", open, dataset.WithLimits(dataset.Limits{MaxLine: limit}))
	_, err := dataset.Import(db, []dataset.Input{in}, dataset.ImportOptions{Author: "test"})
	want := fmt.Sprintf("big.json:%d: a JSON value longer than the limit of 64 KiB", line)
	if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, domain.ErrLimit) {
		t.Fatalf("err = %v, want %q wrapping domain.ErrLimit", err, want)
	}
	if src.n > 4*limit+wikidataHeadAndTwo {
		t.Errorf("read %d bytes of the document before refusing a binding at a limit of %d", src.n, limit)
	}
	if dumpOf(t, db) != before {
		t.Error("a refused import changed the store")
	}
}

// wikidataHeadAndTwo bounds the bytes before the third binding.
const wikidataHeadAndTwo = 2 << 10
