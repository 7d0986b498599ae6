package store

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// TestByKindAfterADeletedEntity: a client paging through a kind keeps
// going when the entity its cursor names was deleted between two pages
// (and after one deleted and created again); an ID that never existed
// is still ErrNotFound.
func TestByKindAfterADeletedEntity(t *testing.T) {
	db := newTestDB(t)
	for _, id := range []string{"place/a", "place/b", "place/c", "place/d"} {
		mustUpdate(t, db, putEntities(domain.Entity{ID: id, Name: id}))
	}
	mustUpdate(t, db, func(w *Writer) error { _, err := w.DeleteEntity("place/b"); return err })
	view(t, db, time.Time{}, func(r *Reader) error {
		page, err := r.ByKind(domain.KindPlace, "place/b", 10)
		if err != nil || !slices.Equal(entityIDs(page), []string{"place/c", "place/d"}) {
			t.Errorf("after deleted place/b: %q, %v; want place/c, place/d", entityIDs(page), err)
		}
		if _, err := r.ByKind(domain.KindPlace, "place/never", 10); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("after an ID that never existed: %v, want ErrNotFound", err)
		}
		return nil
	})
	// Created again, place/b is a new entity at the end of the kind; a
	// cursor naming it resumes after its new place.
	mustUpdate(t, db, putEntities(domain.Entity{ID: "place/b", Name: "again"}))
	view(t, db, time.Time{}, func(r *Reader) error {
		page, err := r.ByKind(domain.KindPlace, "place/b", 10)
		if err != nil || len(page) != 0 {
			t.Errorf("after re-created place/b: %q, %v; want nothing", entityIDs(page), err)
		}
		return nil
	})
}
