package export_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset/datasettest"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/jsonl"
	"github.com/alliancegraph/alliancegraph/store"
)

func natoDB(t *testing.T) *store.DB { return datasettest.NATO(t) }

func exportAll(t *testing.T, db *store.DB, format string) []byte {
	t.Helper()
	f, err := export.Lookup(format)
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

// TestJSONLRoundTrip: a whole-graph export read back into an empty store
// and exported again gives the same records (the header's knownAt names
// the new store's commit, so it is compared apart).
func TestJSONLRoundTrip(t *testing.T) {
	src := natoDB(t)
	first := exportAll(t, src, "jsonl")

	dst, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var ents []domain.Entity
	var facts []domain.Fact
	err = jsonl.Read(bytes.NewReader(first), func(r jsonl.Record) error {
		switch {
		case r.Entity != nil:
			ents = append(ents, *r.Entity)
		case r.Fact != nil:
			facts = append(facts, *r.Fact)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = dst.Update("test", func(w *store.Writer) error {
		for _, e := range ents {
			if _, err := w.PutEntity(e); err != nil {
				return err
			}
		}
		for _, f := range facts {
			if _, err := w.PutFact(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	second := exportAll(t, dst, "jsonl")
	_, body1, _ := bytes.Cut(first, []byte("\n"))
	_, body2, _ := bytes.Cut(second, []byte("\n"))
	if !bytes.Equal(body1, body2) {
		t.Error("records differ after a round trip")
	}
	if n := bytes.Count(first, []byte("\n")); n != 1+len(ents)+len(facts) {
		t.Errorf("%d lines for %d entities and %d facts", n, len(ents), len(facts))
	}
}
