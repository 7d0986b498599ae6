package store

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// TestDatasetStamp: a new store is empty and records no dataset; a
// stamp written with the records is read back, also after a reopen, and
// the checker and the dump ignore it.
func TestDatasetStamp(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, nil)
	view(t, db, time.Time{}, func(r *Reader) error {
		empty, err := r.Empty()
		if err != nil || !empty {
			t.Errorf("new store: Empty() = %v, %v; want true", empty, err)
		}
		if s, ok, err := r.DatasetStamp(); ok || err != nil {
			t.Errorf("new store: stamp %v, %v, %v; want none", s, ok, err)
		}
		return nil
	})
	if err := db.Update("dataset", func(w *Writer) error { return w.SetDatasetStamp(DatasetStamp{Name: "nato"}) }); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("a stamp without a hash: %v, want ErrInvalid", err)
	}
	want := DatasetStamp{Name: "nato", SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
	mustUpdate(t, db, func(w *Writer) error {
		if err := putEntities(fixtureEntities()...)(w); err != nil {
			return err
		}
		return w.SetDatasetStamp(want)
	})
	before := dump(t, db, time.Time{})
	db.Close()
	db = openDir(t, dir, nil)
	view(t, db, time.Time{}, func(r *Reader) error {
		if empty, err := r.Empty(); err != nil || empty {
			t.Errorf("loaded store: Empty() = %v, %v; want false", empty, err)
		}
		if s, ok, err := r.DatasetStamp(); s != want || !ok || err != nil {
			t.Errorf("stamp %v, %v, %v; want %v", s, ok, err, want)
		}
		return nil
	})
	if s := want.String(); s != "nato@0123456789ab" {
		t.Errorf("String() = %q", s)
	}
	if s := (DatasetStamp{}).String(); s != "unknown" {
		t.Errorf("zero stamp's String() = %q", s)
	}
	checkClean(t, db, time.Time{})
	if after := dump(t, db, time.Time{}); after != before {
		t.Error("reopening changed the dump")
	}
}

// TestEmptyAfterDeletes: a store whose every record was deleted is not
// empty: it was written to.
func TestEmptyAfterDeletes(t *testing.T) {
	db := newTestDB(t)
	mustUpdate(t, db, putEntities(domain.Entity{ID: "place/x", Name: "X"}))
	mustUpdate(t, db, func(w *Writer) error { _, err := w.DeleteEntity("place/x"); return err })
	view(t, db, time.Time{}, func(r *Reader) error {
		if empty, err := r.Empty(); err != nil || empty {
			t.Errorf("Empty() = %v, %v; want false", empty, err)
		}
		return nil
	})
}

// TestChangedBy: the IDs an author's commits changed, deleted ones and
// those changed in a bulk write's hidden chunks included; others' are not.
func TestChangedBy(t *testing.T) {
	db := newTestDB(t)
	mustOK := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustOK(db.Update("dataset", putEntities(fixtureEntities()...)))
	mustOK(db.Update("alice", putEntities(domain.Entity{ID: "place/oslo", Name: "Oslo"})))
	mustOK(db.Update("dataset", putFacts(fixtureFacts()[:2]...)))
	mustOK(db.Update("alice", putFacts(fixtureFacts()[2:]...)))
	mustOK(db.Update("dataset", func(w *Writer) error { return w.DeleteFact("fact/fin-partner") }))
	_, err := db.BulkUpdate(UpdateOptions{Author: "dataset"}, func(b *Bulk) error {
		if _, err := b.Writer().PutEntity(domain.Entity{ID: "place/bergen", Name: "Bergen"}); err != nil {
			return err
		}
		if err := b.Flush(); err != nil {
			return err
		}
		_, err := b.Writer().PutEntity(domain.Entity{ID: "place/tromso", Name: "Tromsø"})
		return err
	})
	mustOK(err)
	var want []string
	for _, e := range fixtureEntities() {
		want = append(want, e.ID)
	}
	want = append(want, "fact/fin-partner", "fact/fin-member", "place/bergen", "place/tromso")
	slices.Sort(want)
	view(t, db, time.Time{}, func(r *Reader) error {
		got, err := r.ChangedBy("dataset")
		if err != nil {
			return err
		}
		if !slices.Equal(got, want) {
			t.Errorf("ChangedBy(dataset) = %v\nwant %v", got, want)
		}
		got, err = r.ChangedBy("nobody")
		if err != nil || len(got) != 0 {
			t.Errorf("ChangedBy(nobody) = %v, %v", got, err)
		}
		return nil
	})
}
