package dataset_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/dataset/datasettest"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

func ingestSeed(t *testing.T) (*store.DB, string, *dataset.IngestResult) {
	t.Helper()
	text := datasettest.Seed(t)
	db := loadedDB(t)
	var res *dataset.IngestResult
	err := db.Update("test", func(w *store.Writer) error {
		var err error
		res, err = dataset.Ingest(w, text, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, text, res
}

// names returns the folded name and aliases of an entity.
func names(t *testing.T, r *store.Reader, id string) []string {
	t.Helper()
	e, err := r.Entity(id)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{domain.Fold(e.Name)}
	for _, a := range e.Aliases {
		out = append(out, domain.Fold(a))
	}
	return out
}

// TestIngestSeedResolvesCitations: the seed's hash matches the Document the
// dataset cites, so every span citation of it becomes a quote, and each
// quote names an entity of its fact.
func TestIngestSeedResolvesCitations(t *testing.T) {
	db, text, res := ingestSeed(t)
	if res.DocID != "doc/seed-rutte-takes-over" || res.Created || res.SHA256 != domain.TextSum(text) {
		t.Fatalf("ingest linked %+v", res)
	}
	checked := 0
	db.View(time.Time{}, func(r *store.Reader) error {
		texts, err := r.DocumentTexts([]string{res.DocID})
		if err != nil || texts[res.DocID] != text {
			t.Fatalf("stored text differs: %v", err)
		}
		_, err = r.Walk(context.Background(), store.Selection{}, store.Visitor{Entity: func(*domain.Entity) error { return nil }, Fact: func(f *domain.Fact) error {
			if f.Predicate == domain.Mentions {
				return nil
			}
			for _, c := range f.Citations {
				if c.Source != res.DocID || c.Span == nil {
					continue
				}
				q, ok := domain.Quote(text, *c.Span)
				if !ok {
					t.Errorf("%s: span %v is outside the text", f.ID, *c.Span)
					continue
				}
				fq := domain.Fold(q)
				named := slices.ContainsFunc(append(names(t, r, f.From), names(t, r, f.To)...), func(n string) bool { return strings.Contains(fq, n) })
				if !named {
					t.Errorf("%s: quote %q names neither %s nor %s", f.ID, q, f.From, f.To)
				}
				checked++
			}
			return nil
		}})
		return err
	})
	if checked < 8 {
		t.Errorf("only %d seed citations checked", checked)
	}
	clean(t, db)
}

// TestIngestSeedFindsMentions: the named entities are found, each span
// cuts the name (in code points) out of the text.
func TestIngestSeedFindsMentions(t *testing.T) {
	db, text, res := ingestSeed(t)
	runes := []rune(text)
	found := map[string]bool{}
	db.View(time.Time{}, func(r *store.Reader) error {
		fs, err := r.Facts(res.Mentions)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range res.Mentions {
			f := fs[id]
			if f.Predicate != domain.Mentions || f.From != res.DocID {
				t.Errorf("%s is not a mention by the document", id)
			}
			var ns []string
			for _, n := range names(t, r, f.To) {
				ns = append(ns, wordsOf(n))
			}
			for _, c := range f.Citations {
				got := wordsOf(string(runes[c.Span.Start:c.Span.End]))
				for _, at := range []int{c.Span.Start - 1, c.Span.End} {
					if at >= 0 && at < len(runes) && (unicode.IsLetter(runes[at]) || unicode.IsDigit(runes[at])) {
						t.Errorf("%s: span %v does not sit on word boundaries", id, *c.Span)
					}
				}
				if !slices.Contains(ns, got) {
					t.Errorf("%s: text[%d:%d] = %q is not a name of %s", id, c.Span.Start, c.Span.End, got, f.To)
				}
			}
			found[f.To] = true
		}
		return nil
	})
	for _, id := range []string{"person/mark-rutte", "person/jens-stoltenberg", "org/nato", "country/FIN", "country/SWE", "country/UKR", "country/RUS"} {
		if !found[id] {
			t.Errorf("no mention of %s", id)
		}
	}
	// Ingesting the same text again changes nothing.
	last := db.LastCommit()
	err := db.Update("test", func(w *store.Writer) error {
		_, err := dataset.Ingest(w, text, "")
		return err
	})
	if err != nil || !db.LastCommit().Equal(last) {
		t.Errorf("second ingest: %v, committed: %v", err, !db.LastCommit().Equal(last))
	}
	clean(t, db)
}

// A text the graph does not cite becomes a new Document.
func TestIngestNewDocument(t *testing.T) {
	db := loadedDB(t)
	text := "Notes\nTürkiye and Finland met in Brussels; NATO's Secretary-General attended."
	var res *dataset.IngestResult
	err := db.Update("test", func(w *store.Writer) error {
		var err error
		res, err = dataset.Ingest(w, text, "")
		return err
	})
	if err != nil || !res.Created || !strings.HasPrefix(res.DocID, "doc/sha256-") {
		t.Fatalf("%+v %v", res, err)
	}
	var to []string
	db.View(time.Time{}, func(r *store.Reader) error {
		d, _ := r.Entity(res.DocID)
		if d.Name != "Notes" {
			t.Errorf("title %q", d.Name)
		}
		fs, _ := r.Facts(res.Mentions)
		for _, id := range res.Mentions {
			to = append(to, fs[id].To)
		}
		return nil
	})
	want := "country/TUR country/FIN place/brussels org/nato office/nato-secretary-general"
	if strings.Join(to, " ") != want {
		t.Errorf("mentions %v, want %s", to, want)
	}
}

// TestIngestRefusesEmptyText: a document with no text (an empty file, or
// only white space) is refused as invalid, and the store is unchanged; it
// used to become an "Untitled document" with nothing in it.
func TestIngestRefusesEmptyText(t *testing.T) {
	db := loadedDB(t)
	before := db.LastCommit()
	for _, text := range []string{"", " \n\t\r\n "} {
		err := db.Update("test", func(w *store.Writer) error {
			_, err := dataset.Ingest(w, text, "A title")
			return err
		})
		if !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("Ingest(%q): %v, want ErrInvalid", text, err)
		}
	}
	if !db.LastCommit().Equal(before) {
		t.Error("a refused ingest committed")
	}
}

// wordsOf folds s and keeps its words, so "U.S." and "U.S" compare equal.
func wordsOf(s string) string {
	return strings.Join(strings.FieldsFunc(domain.Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}
