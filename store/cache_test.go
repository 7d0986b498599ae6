package store

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// cacheHas reports whether the entity cache holds Badger key k.
func cacheHas(db *DB, k []byte) bool {
	s := db.cache.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[string(k)]
	return ok
}

// checkCache fails the test unless every cache entry agrees with Badger at
// the newest snapshot: same value, and ver the version Badger holds it at.
// With the invariant in cache.go this is what a Reader at any snapshot
// from ver on reads.
func checkCache(t *testing.T, db *DB) int {
	t.Helper()
	last := db.lastTs.Load()
	txn := db.bdb.NewTransactionAt(last, false)
	defer txn.Discard()
	n := 0
	for i := range db.cache.shards {
		s := &db.cache.shards[i]
		s.mu.Lock()
		var bytes int64
		for k, e := range s.m {
			n++
			bytes += e.cost
			item, err := txn.Get([]byte(k))
			if err != nil {
				t.Errorf("cached key %x: Badger at now: %v", k, err)
				continue
			}
			if item.Version() != e.ver {
				t.Errorf("cached key %x at version %d, Badger has version %d", k, e.ver, item.Version())
			}
			v, _ := item.ValueCopy(nil)
			switch k[0] {
			case tagNode:
				if got, _ := decodeEntity(v); !reflect.DeepEqual(got, e.ent) {
					t.Errorf("cached %s = %+v, Badger has %+v", e.ent.ID, e.ent, got)
				}
			case tagSlug:
				if !numIs(v, e.num) {
					t.Errorf("cached slug %q = %d, Badger has %x", k[2:], e.num, v)
				}
			default:
				t.Errorf("cached key %x of an uncached kind", k)
			}
		}
		if bytes != s.bytes || s.bytes > s.limit {
			t.Errorf("shard %d: %d bytes counted, entries hold %d, limit %d", i, s.bytes, bytes, s.limit)
		}
		s.mu.Unlock()
	}
	return n
}

// uncached returns a Reader of r's snapshot that reads Badger only.
func uncached(r *Reader) *Reader {
	raw := *r
	raw.cache = nil
	return &raw
}

// entityName reads id's name at knownAt, failing the test on error;
// "" if it does not exist.
func entityName(t *testing.T, db *DB, knownAt time.Time, id string) string {
	t.Helper()
	var name string
	view(t, db, knownAt, func(r *Reader) error {
		e, err := r.Entity(id)
		if errors.Is(err, domain.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		name = e.Name
		return nil
	})
	return name
}

func rename(t *testing.T, db *DB, id, name string) time.Time {
	t.Helper()
	at, err := renameErr(db, id, name)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func renameErr(db *DB, id, name string) (time.Time, error) {
	return db.UpdateWith(UpdateOptions{Author: "test"}, func(w *Writer) error {
		e, err := w.Entity(id)
		if err != nil {
			return err
		}
		e.Name = name
		_, err = w.PutEntity(*e)
		return err
	})
}

func TestEntityCacheHitsMatchBadger(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	for _, e := range fixtureEntities() {
		t.Run(e.ID, func(t *testing.T) {
			for i, want := range []bool{false, true} { // a miss fills, a hit serves
				view(t, db, time.Time{}, func(r *Reader) error {
					n, _, err := r.resolve(e.ID)
					if err != nil {
						return err
					}
					if hit := cacheHas(db, nodeKey(n)); hit != want {
						t.Errorf("read %d: cached before = %v, want %v", i, hit, want)
					}
					got, err := r.Entity(e.ID)
					if err != nil {
						return err
					}
					raw, err := uncached(r).Entity(e.ID)
					if err != nil {
						return err
					}
					if !reflect.DeepEqual(got, raw) {
						t.Errorf("read %d: cache gave %+v, Badger %+v", i, got, raw)
					}
					return nil
				})
			}
		})
	}
	// Batch reads, edge reads and searches go through the same cache.
	view(t, db, time.Time{}, func(r *Reader) error {
		ids := []string{"country/FIN", "org/nato", "country/XXX", "fact/fin-member", "nope"}
		got, err := r.Entities(ids)
		if err != nil {
			return err
		}
		raw, err := uncached(r).Entities(ids)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, raw) || len(got) != 2 {
			t.Errorf("Entities: cache gave %v, Badger %v", got, raw)
		}
		fs, err := r.Facts([]string{"fact/fin-member"})
		if err != nil || len(fs) != 1 {
			t.Errorf("Facts through a cached slug: %v, %v", fs, err)
		}
		return nil
	})
	if n := checkCache(t, db); n == 0 {
		t.Error("nothing cached")
	}
}

func TestEntityCacheCopies(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	for i := range 2 { // a miss, then a hit
		view(t, db, time.Time{}, func(r *Reader) error {
			e, err := r.Entity("country/FIN")
			if err != nil {
				return err
			}
			e.Name = "changed"
			e.Aliases[0] = "changed"
			e.XIDs["iso3"] = "changed"
			return nil
		})
		view(t, db, time.Time{}, func(r *Reader) error {
			e, err := r.Entity("country/FIN")
			if err != nil {
				return err
			}
			if e.Name != "Finland" || e.Aliases[0] != "Suomi" || e.XIDs["iso3"] != "FIN" {
				t.Errorf("read %d: changing a returned entity changed the cache: %+v", i, e)
			}
			return nil
		})
	}
	checkCache(t, db)
}

// An update must be seen by new Views and not by Views of the time before
// it, whichever value the cache was warmed with.
func TestEntityCacheAcrossUpdate(t *testing.T) {
	const id = "country/FIN"
	for _, tt := range []struct {
		name                    string
		warmBefore, warmAfter   bool // read at now before / after the update
		warmPast, pastFirstRead bool // read at the old time after the update; before reading now
	}{
		{"cold", false, false, false, false},
		{"warmed with the old value", true, false, false, false},
		{"warmed with the new value", false, true, false, false},
		{"warmed with both", true, true, false, false},
		{"old value read in the past first", true, false, true, true},
		{"new value read first, then the past", false, true, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newFakeClock(t0)
			db := newClockDB(t, c)
			fixture(t, db)
			old := db.LastCommit()
			if tt.warmBefore && entityName(t, db, time.Time{}, id) != "Finland" {
				t.Fatal("before the update: not Finland")
			}
			c.Advance(time.Hour)
			rename(t, db, id, "Suomi")
			if tt.warmPast && tt.pastFirstRead && entityName(t, db, old, id) != "Finland" {
				t.Error("the past, read first: not Finland")
			}
			if tt.warmAfter && entityName(t, db, time.Time{}, id) != "Suomi" {
				t.Error("after the update: not Suomi")
			}
			if tt.warmPast && !tt.pastFirstRead && entityName(t, db, old, id) != "Finland" {
				t.Error("the past: not Finland")
			}
			for range 2 {
				if got := entityName(t, db, time.Time{}, id); got != "Suomi" {
					t.Errorf("now: %q, want Suomi", got)
				}
				if got := entityName(t, db, old, id); got != "Finland" {
					t.Errorf("before the update: %q, want Finland", got)
				}
				if got := entityName(t, db, old.Add(time.Minute), id); got != "Finland" {
					t.Errorf("between the commits: %q, want Finland", got)
				}
			}
			checkCache(t, db)
		})
	}
}

// A View that began before a commit and reads after it sees its own
// snapshot, and must not put that older value in the cache.
func TestEntityCacheOldReaderDoesNotInsert(t *testing.T) {
	const id = "country/FIN"
	for _, readFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("read before the commit too=%v", readFirst), func(t *testing.T) {
			db := newTestDB(t)
			fixture(t, db)
			var num uint64
			view(t, db, time.Time{}, func(r *Reader) error {
				var err error
				num, _, err = r.resolve(id)
				if readFirst {
					if e, err := r.Entity(id); err != nil || e.Name != "Finland" {
						t.Fatalf("before the commit: %v, %v", e, err)
					}
					if !cacheHas(db, nodeKey(num)) {
						t.Fatal("a read at now did not fill the cache")
					}
				}
				done := make(chan error)
				go func() {
					done <- db.Update("test", putEntities(domain.Entity{ID: id, Name: "Suomi", Aliases: []string{"Finland"}}))
				}()
				if err := <-done; err != nil {
					return err
				}
				if cacheHas(db, nodeKey(num)) {
					t.Error("the commit left its entity in the cache")
				}
				e, err := r.Entity(id)
				if err != nil || e.Name != "Finland" {
					t.Errorf("inside the old View after the commit: %v, %v; want Finland", e, err)
				}
				if cacheHas(db, nodeKey(num)) {
					t.Error("the old View put its value in the cache")
				}
				return err
			})
			if got := entityName(t, db, time.Time{}, id); got != "Suomi" {
				t.Errorf("a new View: %q, want Suomi", got)
			}
			if !cacheHas(db, nodeKey(num)) {
				t.Error("a View at now did not fill the cache")
			}
			checkCache(t, db)
		})
	}
}

// Deleting an entity or fact, and making one again under the same ID (it
// gets a new internal id), must drop the cached record and slug.
func TestEntityCacheDeleteAndRecreate(t *testing.T) {
	warm := func(t *testing.T, db *DB) {
		view(t, db, time.Time{}, func(r *Reader) error {
			_, err := r.Entities([]string{"event/vilnius-2023", "country/FIN", "org/nato"})
			if err == nil {
				_, err = r.Facts([]string{"fact/fin-vilnius", "fact/fin-member"})
			}
			return err
		})
	}
	recreate := func(w *Writer) error {
		if _, err := w.PutEntity(domain.Entity{ID: "event/vilnius-2023", Name: "Vilnius again"}); err != nil {
			return err
		}
		_, err := w.PutFact(domain.Fact{ID: "fact/fin-vilnius", Predicate: domain.ParticipantIn, From: "org/nato", To: "event/vilnius-2023", Citations: cite()})
		return err
	}
	for _, tt := range []struct {
		name  string
		write []func(*Writer) error // each its own commit
		event string                // the event's name after, "" for gone
		fact  string                // the fact's From after, "" for gone
	}{
		{"delete entity", []func(*Writer) error{deleteEntity("event/vilnius-2023")}, "", ""},
		{"delete fact", []func(*Writer) error{deleteFact("fact/fin-vilnius")}, "2023 Vilnius summit", ""},
		{"delete then recreate", []func(*Writer) error{deleteEntity("event/vilnius-2023"), recreate}, "Vilnius again", "org/nato"},
		{"delete and recreate in one commit", []func(*Writer) error{func(w *Writer) error {
			if err := deleteEntity("event/vilnius-2023")(w); err != nil {
				return err
			}
			return recreate(w)
		}}, "Vilnius again", "org/nato"},
		{"rename", []func(*Writer) error{putEntities(domain.Entity{ID: "event/vilnius-2023", Name: "Vilnius", Date: domain.MustDate("2023-07-11")})}, "Vilnius", "country/FIN"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newFakeClock(t0)
			db := newClockDB(t, c)
			fixture(t, db)
			before := db.LastCommit()
			for _, w := range tt.write {
				warm(t, db)
				c.Advance(time.Minute)
				mustUpdate(t, db, w)
			}
			for range 2 { // a miss, then a hit
				if got := entityName(t, db, time.Time{}, "event/vilnius-2023"); got != tt.event {
					t.Errorf("event now: %q, want %q", got, tt.event)
				}
				view(t, db, time.Time{}, func(r *Reader) error {
					f, err := r.Fact("fact/fin-vilnius")
					switch {
					case tt.fact == "" && !errors.Is(err, domain.ErrNotFound):
						t.Errorf("fact now: %v, %v; want not found", f, err)
					case tt.fact != "" && (err != nil || f.From != tt.fact):
						t.Errorf("fact now: %v, %v; want from %s", f, err, tt.fact)
					}
					return nil
				})
				if got := entityName(t, db, before, "event/vilnius-2023"); got != "2023 Vilnius summit" {
					t.Errorf("event before: %q", got)
				}
			}
			checkCache(t, db)
			checkClean(t, db, time.Time{})
		})
	}
}

func deleteEntity(id string) func(*Writer) error {
	return func(w *Writer) error { _, err := w.DeleteEntity(id); return err }
}

func deleteFact(id string) func(*Writer) error {
	return func(w *Writer) error { return w.DeleteFact(id) }
}

// A bulk write rewrites keys behind the Writer's back (chunks, then the
// final commit or the rollback); neither may leave stale entries.
func TestEntityCacheBulk(t *testing.T) {
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("fail=%v", fail), func(t *testing.T) {
			c := newFakeClock(t0)
			db := newClockDB(t, c)
			fixture(t, db)
			warm := func() {
				view(t, db, time.Time{}, func(r *Reader) error {
					_, err := r.Entities([]string{"country/FIN", "country/SWE", "org/nato", "place/a"})
					return err
				})
			}
			warm()
			c.Advance(time.Hour)
			_, err := db.BulkUpdate(UpdateOptions{Author: "importer"}, func(b *Bulk) error {
				if _, err := b.Writer().PutEntity(domain.Entity{ID: "country/FIN", Name: "Suomi"}); err != nil {
					return err
				}
				if _, err := b.Writer().PutEntity(domain.Entity{ID: "place/a", Name: "A"}); err != nil {
					return err
				}
				if err := b.Flush(); err != nil {
					return err
				}
				warm() // at the base, beside the hidden chunk
				if _, err := b.Writer().PutEntity(domain.Entity{ID: "country/SWE", Name: "Sverige"}); err != nil {
					return err
				}
				if err := b.Flush(); err != nil {
					return err
				}
				warm()
				if got := entityName(t, db, time.Time{}, "country/FIN"); got != "Finland" {
					t.Errorf("during the bulk: %q", got)
				}
				if fail {
					return errBoom
				}
				_, err := b.Writer().PutEntity(domain.Entity{ID: "org/nato", Name: "NATO"})
				return err
			})
			if fail != (err != nil) {
				t.Fatalf("BulkUpdate: %v", err)
			}
			want := map[string]string{"country/FIN": "Suomi", "country/SWE": "Sverige", "org/nato": "NATO", "place/a": "A"}
			if fail {
				want = map[string]string{"country/FIN": "Finland", "country/SWE": "Sweden", "org/nato": "North Atlantic Treaty Organization", "place/a": ""}
			}
			for range 2 {
				for id, name := range want {
					if got := entityName(t, db, time.Time{}, id); got != name {
						t.Errorf("%s after the bulk: %q, want %q", id, got, name)
					}
				}
				checkCache(t, db)
			}
		})
	}
}

// Readers at now and in the past race a writer that renames one entity
// back and forth; each must read what Badger holds at its snapshot. Run
// with -race.
func TestEntityCacheConcurrent(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	const id = "country/FIN"
	names := []string{"Finland", "Suomi"}
	var mu sync.Mutex
	commits := []time.Time{db.LastCommit()}
	done := make(chan struct{})
	var wg sync.WaitGroup
	var views atomic.Int64
	errs := make(chan error, 8)
	wg.Go(func() {
		defer close(done)
		for i := range 150 {
			at, err := renameErr(db, id, names[(i+1)%2])
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			commits = append(commits, at)
			mu.Unlock()
			time.Sleep(100 * time.Microsecond) // let readers in between
		}
	})
	for g := range 6 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				views.Add(1)
				var at time.Time
				if g%2 == 1 { // half the readers read the past
					mu.Lock()
					at = commits[i%len(commits)]
					mu.Unlock()
				}
				err := db.View(at, func(r *Reader) error {
					for range 3 {
						e, err := r.Entity(id)
						if err != nil {
							return err
						}
						raw, err := uncached(r).Entity(id)
						if err != nil {
							return err
						}
						if e.Name != raw.Name {
							return fmt.Errorf("reader at %d: cache %q, Badger %q", r.ts, e.Name, raw.Name)
						}
						runtime.Gosched()
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d commits, %d views", len(commits), views.Load())
	checkCache(t, db)
}

// The cache stays within its limit, evicting as it fills.
func TestEntityCacheBounded(t *testing.T) {
	const limit = 64 << 10
	db := openOpts(t, "", DefaultOptions().WithInMemory(true).WithEntityCacheSize(limit))
	var es []domain.Entity
	var ids []string
	for i := range 1000 {
		id := fmt.Sprintf("person/p%04d", i)
		es = append(es, domain.Entity{ID: id, Name: fmt.Sprintf("Person number %d", i), Aliases: []string{"P"}, XIDs: map[string]string{"wikidata": fmt.Sprintf("Q%d", i)}})
		ids = append(ids, id)
	}
	mustUpdate(t, db, putEntities(es...))
	for range 2 {
		view(t, db, time.Time{}, func(r *Reader) error {
			m, err := r.Entities(ids)
			if err == nil && len(m) != len(ids) {
				t.Errorf("%d of %d entities", len(m), len(ids))
			}
			return err
		})
	}
	n := checkCache(t, db)
	var bytes int64
	for i := range db.cache.shards {
		bytes += db.cache.shards[i].bytes
	}
	if n == 0 || n >= 2*len(ids) || bytes > limit {
		t.Errorf("%d entries, %d bytes; want some, not all, within %d", n, bytes, limit)
	}
}

func TestEntityCacheDisabled(t *testing.T) {
	db := openOpts(t, "", DefaultOptions().WithInMemory(true).WithEntityCacheSize(0))
	if db.cache != nil {
		t.Fatal("WithEntityCacheSize(0) made a cache")
	}
	fixture(t, db)
	for range 2 {
		if got := entityName(t, db, time.Time{}, "country/FIN"); got != "Finland" {
			t.Errorf("got %q", got)
		}
	}
	c := newFakeClock(t0)
	db = openOpts(t, "", DefaultOptions().WithInMemory(true).WithEntityCacheSize(0).WithClock(c.Now))
	fixture(t, db)
	old := db.LastCommit()
	c.Advance(time.Hour)
	rename(t, db, "country/FIN", "Suomi")
	if a, b := entityName(t, db, old, "country/FIN"), entityName(t, db, time.Time{}, "country/FIN"); a != "Finland" || b != "Suomi" {
		t.Errorf("without a cache: %q then %q", a, b)
	}
}

// A cache hit is still the Reader call it is: db.Reads counts calls.
func TestEntityCacheReadsCounter(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	for i := range 3 {
		before := db.Reads()
		entityName(t, db, time.Time{}, "country/FIN")
		if got := db.Reads() - before; got != 1 {
			t.Errorf("read %d counted %d reads, want 1", i, got)
		}
	}
}

// entityCost is an estimate; it must stay near what the heap holds, or
// the limit means little.
func TestEntityCacheCost(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	db := openOpts(t, "", DefaultOptions().WithInMemory(true).WithEntityCacheSize(1<<30))
	const n = 20000
	var ids []string
	_, err := db.BulkUpdate(UpdateOptions{Author: "test"}, func(b *Bulk) error {
		for i := range n {
			if i%1000 == 999 {
				if err := b.Flush(); err != nil {
					return err
				}
			}
			w := b.Writer()
			e := domain.Entity{ID: fmt.Sprintf("country/c%05d", i), Name: fmt.Sprintf("Country number %d", i)}
			if i%2 == 0 {
				e.Aliases = []string{fmt.Sprintf("C%d", i), "Another name"}
				e.XIDs = map[string]string{"iso3": fmt.Sprintf("C%04d", i), "wikidata": fmt.Sprintf("Q%d", 1000000+i)}
				e.Props = []domain.Prop{{Key: "population", Type: domain.PropInt, Value: "5500000"}, {Key: "region", Type: domain.PropString, Value: "Northern Europe"}, {Key: "founded", Type: domain.PropDate, Value: "1917-12-06"}}
			}
			if _, err := w.PutEntity(e); err != nil {
				return err
			}
			ids = append(ids, e.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	// Read once uncached so Badger's own allocations settle first.
	view(t, db, time.Time{}, func(r *Reader) error { _, err := uncached(r).Entities(ids); return err })
	h0 := heap()
	view(t, db, time.Time{}, func(r *Reader) error { _, err := r.Entities(ids); return err })
	h1 := heap()
	var est int64
	for i := range db.cache.shards {
		est += db.cache.shards[i].bytes
	}
	measured := int64(h1) - int64(h0)
	ratio := float64(est) / float64(measured)
	t.Logf("%d entities and slugs: estimated %d bytes, heap grew %d (estimate/heap %.2f)", n, est, measured, ratio)
	if ratio < 0.7 || ratio > 1.6 {
		t.Errorf("estimate/heap = %.2f, want within 0.7..1.6", ratio)
	}
}
