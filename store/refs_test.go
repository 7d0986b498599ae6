package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// factRefs reads the facts with ids at knownAt and returns refs to their
// ends, From then To, as the graph layer takes them.
func factRefs(t *testing.T, db *DB, knownAt time.Time, ids ...string) []EntityRef {
	t.Helper()
	var refs []EntityRef
	view(t, db, knownAt, func(r *Reader) error {
		for _, id := range ids {
			f, err := r.Fact(id)
			if err != nil {
				return err
			}
			refs = append(refs, FromRef(f), ToRef(f))
		}
		return nil
	})
	return refs
}

// TestEntitiesByRefIsEntities: whatever snapshot a ref came from and
// whatever happened to its entity since, EntitiesByRef and EdgesByRef
// answer what Entities and EdgesOf answer for the refs' IDs, in every
// snapshot.
func TestEntitiesByRefIsEntities(t *testing.T) {
	c := newFakeClock(t0)
	db := newClockDB(t, c)
	fixture(t, db)
	before := db.LastCommit()
	refs := factRefs(t, db, time.Time{}, "fact/fin-vilnius", "fact/nato-vilnius", "fact/stoltenberg-sg")
	for _, ref := range refs {
		if ref.num == 0 {
			t.Fatalf("a fact read gave %s no number", ref.ID)
		}
	}
	var finNum uint64
	for _, ref := range refs {
		if ref.ID == "country/FIN" {
			finNum = ref.num
		}
	}
	// Refs a caller cannot make, to prove the ID is checked: a number that
	// is another entity's, one never given, one beyond every number. They
	// come first: a later ref to an ID already answered is skipped.
	wrong := []EntityRef{{ID: "org/nato", num: finNum}, {ID: "person/stoltenberg", num: 1 << 40}, {ID: "country/SWE", num: refs[0].num + 1000}}
	refs = append(wrong, refs...)
	ids := make([]string, len(refs))
	for i, ref := range refs {
		ids[i] = ref.ID
	}
	same := func(t *testing.T, knownAt time.Time) map[string]*domain.Entity {
		t.Helper()
		var got map[string]*domain.Entity
		view(t, db, knownAt, func(r *Reader) error {
			var err error
			if got, err = r.EntitiesByRef(refs); err != nil {
				return err
			}
			want, err := uncached(r).Entities(ids)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("EntitiesByRef = %v, Entities = %v", got, want)
			}
			edges, err := r.EdgesByRef(refs, EdgeFilter{})
			if err != nil {
				return err
			}
			wantEdges, err := uncached(r).EdgesOf(ids, EdgeFilter{})
			if err == nil && !reflect.DeepEqual(edges, wantEdges) {
				t.Errorf("EdgesByRef = %v, EdgesOf = %v", edges, wantEdges)
			}
			return err
		})
		return got
	}
	name := func(m map[string]*domain.Entity, id string) string {
		if e := m[id]; e != nil {
			return e.Name
		}
		return ""
	}
	if got := same(t, time.Time{}); len(got) != 6 || name(got, "org/nato") != "North Atlantic Treaty Organization" {
		t.Errorf("fresh refs: %v", got)
	}
	c.Advance(time.Minute)
	mustUpdate(t, db, deleteEntity("event/vilnius-2023")) // its facts go too
	if got := same(t, time.Time{}); name(got, "event/vilnius-2023") != "" {
		t.Errorf("deleted: %v", got)
	}
	c.Advance(time.Minute)
	mustUpdate(t, db, putEntities(domain.Entity{ID: "event/vilnius-2023", Name: "Vilnius again"}))
	if got := same(t, time.Time{}); name(got, "event/vilnius-2023") != "Vilnius again" {
		t.Errorf("created again under a new number: %v", got)
	}
	if got := same(t, before); name(got, "event/vilnius-2023") != "2023 Vilnius summit" {
		t.Errorf("the old snapshot: %v", got)
	}
	// Refs from the new entity's facts, read in an old snapshot, where
	// their numbers do not exist yet.
	mustUpdate(t, db, putFacts(domain.Fact{ID: "fact/swe-vilnius", Predicate: domain.ParticipantIn, From: "country/SWE", To: "event/vilnius-2023", Citations: cite()}))
	refs = factRefs(t, db, time.Time{}, "fact/swe-vilnius")
	ids = []string{"country/SWE", "event/vilnius-2023"}
	if got := same(t, before); name(got, "event/vilnius-2023") != "2023 Vilnius summit" {
		t.Errorf("new refs in the old snapshot: %v", got)
	}
}

// TestEntitiesByRefSkipsTheIDLookup: with a number, the entity and its
// edges are read by it, so the ID's mapping is never read (the cache,
// which keeps every mapping a Reader reads, does not get it); by ID alone
// it is.
func TestEntitiesByRefSkipsTheIDLookup(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	db.publishCleared(db.lastTs.Load()) // forget what the writes cached
	refs := factRefs(t, db, time.Time{}, "fact/fin-member")
	view(t, db, time.Time{}, func(r *Reader) error {
		_, err := r.EntitiesByRef(refs)
		if err == nil {
			_, err = r.EdgesByRef(refs, EdgeFilter{})
		}
		return err
	})
	for _, id := range []string{"country/FIN", "org/nato"} {
		k, key, _ := domain.SplitID(id)
		if cacheHas(db, slugKey(k, key)) {
			t.Errorf("%s: its ID mapping was read", id)
		}
	}
	view(t, db, time.Time{}, func(r *Reader) error {
		_, err := r.Entities([]string{"country/FIN"})
		return err
	})
	if !cacheHas(db, slugKey(domain.KindCountry, "FIN")) {
		t.Error("Entities by ID did not read the ID mapping: the test sees nothing")
	}
}
