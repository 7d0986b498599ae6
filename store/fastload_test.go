package store

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// loadOps is a write script with what makes a load interesting: entities
// of every kind with aliases, external IDs, properties and dates; facts of
// several predicates with citations and intervals; and, within the same
// write, entities renamed (their name tokens move), facts re-dated (their
// edges and by-time entries move) and facts deleted.
func loadOps(seed uint64) []func(*Writer) error {
	rng := rand.New(rand.NewPCG(seed, 1))
	var ops []func(*Writer) error
	put := func(e domain.Entity) {
		ops = append(ops, func(w *Writer) error { _, err := w.PutEntity(e); return err })
	}
	fact := func(f domain.Fact) { ops = append(ops, func(w *Writer) error { _, err := w.PutFact(f); return err }) }
	for _, e := range fixtureEntities() {
		put(e)
	}
	for _, f := range fixtureFacts() {
		fact(f)
	}
	const people, countries = 40, 12
	for i := range people {
		put(domain.Entity{ID: fmt.Sprintf("person/p%d", i), Name: fmt.Sprintf("Person Number%d", i),
			Aliases: []string{fmt.Sprintf("P%d", i)},
			Props:   []domain.Prop{{Key: "born", Type: domain.PropDate, Value: "1960-01-02"}, {Key: "rank", Type: domain.PropInt, Value: fmt.Sprint(i)}}})
	}
	for i := range countries {
		put(domain.Entity{ID: fmt.Sprintf("country/C%02d", i), Name: fmt.Sprintf("Country %d", i),
			XIDs: map[string]string{"iso3": fmt.Sprintf("C%02d", i)}})
	}
	d := func(y int) domain.Date { return domain.MustDate(fmt.Sprintf("%04d-03-01", y)) }
	for i := range 150 {
		a, b := rng.IntN(people), rng.IntN(people)
		f := domain.Fact{ID: fmt.Sprintf("fact/k%d", i), Predicate: domain.Knows, From: fmt.Sprintf("person/p%d", a), To: fmt.Sprintf("person/p%d", b), Citations: cite()}
		if i%3 == 0 {
			f.Valid = domain.Interval{From: d(1990 + i%30)}
		}
		fact(f)
	}
	for i := range countries {
		// Two memberships that do not overlap: leave, then rejoin.
		fact(domain.Fact{ID: fmt.Sprintf("fact/m%d-a", i), Predicate: domain.MemberOf, From: fmt.Sprintf("country/C%02d", i), To: "org/nato", Valid: domain.Interval{From: d(1950 + i), To: d(1970 + i)}, Citations: cite()})
		fact(domain.Fact{ID: fmt.Sprintf("fact/m%d-b", i), Predicate: domain.MemberOf, From: fmt.Sprintf("country/C%02d", i), To: "org/nato", Valid: domain.Interval{From: d(1980 + i)}, Citations: cite()})
	}
	for i := range 10 {
		fact(domain.Fact{ID: fmt.Sprintf("fact/sg%d", i), Predicate: domain.Holds, From: fmt.Sprintf("person/p%d", i), To: "office/nato-sg", Valid: domain.Interval{From: d(1950 + 5*i), To: d(1955 + 5*i)}, Citations: cite()})
	}
	// Changes within the same write.
	for i := 0; i < people; i += 7 {
		put(domain.Entity{ID: fmt.Sprintf("person/p%d", i), Name: fmt.Sprintf("Renamed Someone%d", i), Aliases: []string{"Again"}})
	}
	for i := 0; i < 150; i += 11 {
		ops = append(ops, func(w *Writer) error {
			f, err := w.Fact(fmt.Sprintf("fact/k%d", i))
			if err != nil {
				return err
			}
			f.Valid = domain.Interval{From: d(2001), To: d(2002)}
			_, err = w.PutFact(*f)
			return err
		})
	}
	for i := 5; i < 150; i += 13 {
		ops = append(ops, func(w *Writer) error { return w.DeleteFact(fmt.Sprintf("fact/k%d", i)) })
	}
	return ops
}

// latestKVs returns every key's newest value as "key=value" lines in hex.
// History keys carry a timestamp, which differs between a bulk write's
// chunks and a load's single commit, so history is returned apart, as
// "id value" lines without the timestamp; commit records are left out.
func latestKVs(t *testing.T, db *DB) (kvs, hist []string) {
	t.Helper()
	txn := db.bdb.NewTransactionAt(db.lastTs.Load(), false)
	defer txn.Discard()
	it := txn.NewIterator(badger.DefaultIteratorOptions)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().KeyCopy(nil)
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case k[0] == tagCommit, bytes.Equal(k, metaKey(metaSettled)):
		case k[0] == tagHist:
			id, _, err := parseHistKey(k)
			if err != nil {
				t.Fatal(err)
			}
			hist = append(hist, id+" "+string(v))
		default:
			kvs = append(kvs, fmt.Sprintf("%x=%x", k, v))
		}
	}
	slices.Sort(hist)
	return kvs, hist
}

// TestLoadWritesWhatBulkUpdateWrites is the fast path's contract: the same
// writes through Load, through BulkUpdate (in small chunks) and through
// one Update leave the same keys and values and a store Check finds
// clean; Load's history is Update's, one entry per ID for its one commit
// (a bulk write's chunks each leave their own entries).
func TestLoadWritesWhatBulkUpdateWrites(t *testing.T) {
	for _, tc := range []struct {
		seed  uint64
		shift uint // blocks of 1<<shift operations (0: memBlock)
	}{{1, 0}, {2, 0}, {3, 0}, {1, 3}, {2, 5}} {
		seed := tc.seed
		t.Run(fmt.Sprintf("%d/blocks=%d", seed, tc.shift), func(t *testing.T) {
			testBlockShift = tc.shift
			t.Cleanup(func() { testBlockShift = 0 })
			ops := loadOps(seed)
			c := newFakeClock(t0)
			bulk := newClockDB(t, c)
			_, err := bulk.BulkUpdate(UpdateOptions{Author: "test"}, func(b *Bulk) error {
				for i, op := range ops {
					if err := op(b.Writer()); err != nil {
						return err
					}
					if i%7 == 6 {
						if err := b.Flush(); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			one := newClockDB(t, c)
			mustUpdate(t, one, func(w *Writer) error {
				for _, op := range ops {
					if err := op(w); err != nil {
						return err
					}
				}
				return nil
			})
			loaded := newClockDB(t, c)
			at, err := loaded.Load(UpdateOptions{Author: "test"}, func(w *Writer) error {
				for _, op := range ops {
					if err := op(w); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !at.Equal(loaded.LastCommit()) || at.IsZero() {
				t.Errorf("Load returned %v, last commit %v", at, loaded.LastCommit())
			}
			bulkKV, _ := latestKVs(t, bulk)
			oneKV, oneHist := latestKVs(t, one)
			gotKV, gotHist := latestKVs(t, loaded)
			if d := firstDiff(gotKV, bulkKV); d != "" {
				t.Errorf("keys differ from BulkUpdate's: %s", d)
			}
			if d := firstDiff(gotKV, oneKV); d != "" {
				t.Errorf("keys differ from Update's: %s", d)
			}
			if d := firstDiff(gotHist, oneHist); d != "" {
				t.Errorf("history differs from Update's: %s", d)
			}
			if dump(t, loaded, time.Time{}) != dump(t, bulk, time.Time{}) {
				t.Errorf("dumps differ")
			}
			checkClean(t, loaded, time.Time{})
			// Before the load's commit, the store was empty.
			if got := dump(t, loaded, at.Add(-time.Nanosecond)); got != "" {
				t.Errorf("knownAt before the load shows %q", got)
			}
			// The store goes on working: an ordinary write after the load.
			mustUpdate(t, loaded, putEntities(domain.Entity{ID: "person/after", Name: "After Load"}))
			checkClean(t, loaded, time.Time{})
		})
	}
}

func firstDiff(got, want []string) string {
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("entry %d: got %q, want %q (%d vs %d entries)", i, g, w, len(got), len(want))
		}
	}
	return ""
}

func TestLoadRefusals(t *testing.T) {
	t.Run("not empty", func(t *testing.T) {
		db := newTestDB(t)
		fixture(t, db)
		before := dump(t, db, time.Time{})
		ran := false
		_, err := db.Load(UpdateOptions{}, func(*Writer) error { ran = true; return nil })
		if !errors.Is(err, ErrNotEmpty) || ran {
			t.Fatalf("err = %v, fn ran: %v; want ErrNotEmpty before running", err, ran)
		}
		if dump(t, db, time.Time{}) != before {
			t.Error("a refused load changed the store")
		}
	})
	for _, tt := range []struct {
		name string
		fn   func(*Writer) error
		want error
		msg  string
	}{
		{"fn fails", func(w *Writer) error {
			if err := putEntities(fixtureEntities()...)(w); err != nil {
				return err
			}
			return errors.New("stop here")
		}, nil, "stop here"},
		{"overlapping membership", func(w *Writer) error {
			if err := putEntities(fixtureEntities()...)(w); err != nil {
				return err
			}
			if err := putFacts(fixtureFacts()...)(w); err != nil {
				return err
			}
			return putFacts(domain.Fact{ID: "fact/fin-twice", Predicate: domain.MemberOf, From: "country/FIN", To: "org/nato", Valid: domain.Interval{From: domain.MustDate("2024-01-01")}, Citations: cite()})(w)
		}, domain.ErrConflict, "member of org/nato twice at once"},
		{"unknown end", func(w *Writer) error {
			return putFacts(domain.Fact{ID: "fact/x", Predicate: domain.Knows, From: "person/a", To: "person/b", Citations: cite()})(w)
		}, domain.ErrInvalid, "unknown entity"},
		{"second holder", func(w *Writer) error {
			if err := putEntities(fixtureEntities()...)(w); err != nil {
				return err
			}
			if err := putFacts(fixtureFacts()...)(w); err != nil {
				return err
			}
			if err := putEntities(domain.Entity{ID: "person/rutte", Name: "Mark Rutte"})(w); err != nil {
				return err
			}
			return putFacts(domain.Fact{ID: "fact/rutte-sg", Predicate: domain.Holds, From: "person/rutte", To: "office/nato-sg", Valid: domain.Interval{From: domain.MustDate("2024-09-30")}, Citations: cite()})(w)
		}, domain.ErrConflict, "one holder at a time"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := newTestDB(t)
			_, err := db.Load(UpdateOptions{}, tt.fn)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tt.want, tt.msg)
			}
			if got := dump(t, db, time.Time{}); got != "" {
				t.Fatalf("a failed load left %q", got)
			}
			// Nothing was written, so the store is still empty and a
			// load may run again.
			if _, err := db.Load(UpdateOptions{}, putEntities(fixtureEntities()...)); err != nil {
				t.Fatal(err)
			}
			checkClean(t, db, time.Time{})
		})
	}
}

// TestLoadSurvivesReopen loads into a directory, reopens it and finds the
// same graph, its history and the format version.
func TestLoadSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	c := newFakeClock(t0)
	db := openDir(t, dir, c)
	at, err := db.Load(UpdateOptions{Author: "loader", Note: "test load"}, func(w *Writer) error {
		if err := putEntities(fixtureEntities()...)(w); err != nil {
			return err
		}
		return putFacts(fixtureFacts()...)(w)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := dump(t, db, time.Time{})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDir(t, dir, c)
	if got := dump(t, db, time.Time{}); got != want || got == "" {
		t.Fatalf("after reopening:\n%s\nwant:\n%s", got, want)
	}
	if !db.LastCommit().Equal(at) {
		t.Errorf("last commit %v, want the load's %v", db.LastCommit(), at)
	}
	checkClean(t, db, time.Time{})
	var h []HistoryEntry
	view(t, db, time.Time{}, func(r *Reader) error {
		var err error
		h, err = r.History("country/FIN", 0)
		return err
	})
	if len(h) != 1 || h[0].Author != "loader" || h[0].Note != "test load" || !h[0].Time.Equal(at) || h[0].Change.Op != domain.OpCreate {
		t.Errorf("history of country/FIN = %+v, want one creation by the load", h)
	}
}

// TestLoadSeesEntityChanges: a load reads the entities it wrote from
// memory, through a cache of those it has read (memKV.slugs); a record
// written again within the load must be read anew. An office that allows
// two holders at once, then is changed to one holder, must refuse a third
// overlapping holder in a Load exactly as in an Update.
func TestLoadSeesEntityChanges(t *testing.T) {
	holds := func(id, person string) func(*Writer) error {
		return func(w *Writer) error {
			_, err := w.PutFact(domain.Fact{ID: id, Predicate: domain.Holds, From: person, To: "office/o", Valid: domain.Interval{From: domain.MustDate("2000-01-01")}, Citations: cite()})
			return err
		}
	}
	office := func(single string) func(*Writer) error {
		return putEntities(domain.Entity{ID: "office/o", Name: "Office", Props: []domain.Prop{{Key: domain.SingleHolderProp, Type: domain.PropBool, Value: single}}})
	}
	steps := []func(*Writer) error{
		putEntities(fixtureEntities()...),
		putEntities(domain.Entity{ID: "person/a", Name: "A"}, domain.Entity{ID: "person/b", Name: "B"}, domain.Entity{ID: "person/c", Name: "C"}),
		office("false"),
		holds("fact/a", "person/a"),
		holds("fact/b", "person/b"), // two holders at once: allowed
		office("true"),
		holds("fact/c", "person/c"), // now refused
	}
	script := func(w *Writer) error {
		for _, s := range steps {
			if err := s(w); err != nil {
				return err
			}
		}
		return nil
	}
	for name, run := range map[string]func(*DB) error{
		"Update": func(db *DB) error { _, err := db.UpdateWith(UpdateOptions{Author: "test"}, script); return err },
		"Load":   func(db *DB) error { _, err := db.Load(UpdateOptions{Author: "test"}, script); return err },
	} {
		t.Run(name, func(t *testing.T) {
			err := run(newTestDB(t))
			if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "fact/c") {
				t.Errorf("got %v; want a conflict at fact/c", err)
			}
		})
	}
}

// randomOps puts n writes of random keys of tag tagOut into m, drawn to
// make heads tie: short keys, zero bytes, shared prefixes, lengths on
// both sides of headLen. Most are the load's own (version 0); a fifth
// are kept keys at versions 1 to 3, and a tenth are deletes.
func randomOps(m *memKV, rng *rand.Rand, n int) {
	sym := func(b []byte, n int) []byte {
		for range n {
			b = append(b, []byte{0, 1, 0xff}[rng.IntN(3)])
		}
		return b
	}
	var prefixes [][]byte // shared by many keys, of every length up to 28
	for n := range 29 {
		prefixes = append(prefixes, sym([]byte{tagOut}, n))
	}
	for range n {
		p := prefixes[rng.IntN(len(prefixes))]
		k := sym(slices.Clone(p), rng.IntN(4))
		var ver uint64
		if rng.IntN(5) == 0 {
			ver = uint64(1 + rng.IntN(3))
		}
		m.putAt(k, []byte("v"), rng.IntN(10) == 0, ver)
	}
}

// TestCompareOpsIsKeyOrder: sorting a load's operations by their heads,
// lengths and then bytes orders them as Badger does: by key bytes, then
// version newest first (the load's own, version 0, newest of all), then
// write order; and sameKey is bytes.Equal.
func TestCompareOpsIsKeyOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	m := newMemKV(1)
	randomOps(m, rng, 5000)
	var ops []memOp
	for _, b := range m.blocks[tagOut] {
		ops = append(ops, b...)
	}
	slices.SortFunc(ops, func(a, b memOp) int { return m.arena.compareOps(&a, &b) })
	for i := 1; i < len(ops); i++ {
		a, b := ops[i-1], ops[i]
		c := bytes.Compare(m.bytes(a.key), m.bytes(b.key))
		av, bv := newest(a.ver), newest(b.ver)
		if c > 0 || c == 0 && (av < bv || av == bv && a.seq > b.seq) {
			t.Fatalf("out of order at %d: %x v%d #%d before %x v%d #%d", i, m.bytes(a.key), a.ver, a.seq, m.bytes(b.key), b.ver, b.seq)
		}
		if m.arena.sameKey(&a, &b) != (c == 0) {
			t.Fatalf("sameKey(%x, %x) = %v", m.bytes(a.key), m.bytes(b.key), !(c == 0))
		}
		if x := ops[rng.IntN(len(ops))]; m.arena.sameKey(&a, &x) != bytes.Equal(m.bytes(a.key), m.bytes(x.key)) {
			t.Fatalf("sameKey(%x, %x) = %v", m.bytes(a.key), m.bytes(x.key), m.arena.sameKey(&a, &x))
		}
	}
	if newest(0) <= newest(3) {
		t.Fatal("the load's own version does not sort as the newest")
	}
}

// TestMergeIsSortOrder: merging a tag's blocks, sorted by a presorter
// while the writes go on, by merge itself, or some by each (a presorter
// whose queue was full), gives the operations in the order of one sort
// of all of them, every one once, the load's own at the load's version.
func TestMergeIsSortOrder(t *testing.T) {
	const ts = 99
	for _, shift := range []uint{2, 7, memBlockShift} {
		for _, queue := range []int{0, 1, presortQueue} {
			t.Run(fmt.Sprintf("block=%d/queue=%d", 1<<shift, queue), func(t *testing.T) {
				testBlockShift = shift
				t.Cleanup(func() { testBlockShift = 0 })
				rng := rand.New(rand.NewPCG(uint64(shift), uint64(queue)))
				m := newMemKV(1)
				if queue > 0 {
					m.presort = newPresorter(queue)
				}
				randomOps(m, rng, 3000+rng.IntN(1000))
				var want []memOp
				for _, b := range m.blocks[tagOut] {
					for _, op := range b {
						if op.ver == 0 {
							op.ver = ts
						}
						want = append(want, op)
					}
				}
				slices.SortFunc(want, func(a, b memOp) int { return m.arena.compareOps(&a, &b) })
				m.presort.finish()
				if queue == presortQueue {
					for i, b := range m.handed[tagOut] {
						if b == nil || len(b.order) != len(b.ops) {
							t.Fatalf("block %d of %d was not sorted by the presorter", i, len(m.blocks[tagOut]))
						}
					}
				}
				m.merge(tagOut, ts)
				got := m.byTag[tagOut]
				if len(got) != len(want) {
					t.Fatalf("merged %d operations, want %d", len(got), len(want))
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("operation %d: got %x v%d #%d, want %x v%d #%d", i, m.bytes(got[i].key), got[i].ver, got[i].seq, m.bytes(want[i].key), want[i].ver, want[i].seq)
					}
				}
				if m.blocks[tagOut] != nil || m.handed[tagOut] != nil {
					t.Error("merge kept the blocks")
				}
			})
		}
	}
}

// TestLoadEventChanges: a subscriber gets the same change list from a
// Load as from an Update of the same writes (one per ID, the first unless
// a later one deleted it), and the history entries agree.
func TestLoadEventChanges(t *testing.T) {
	script := func(w *Writer) error {
		steps := []func(*Writer) error{
			putEntities(fixtureEntities()...),
			putEntities(domain.Entity{ID: "place/a", Name: "A"}, domain.Entity{ID: "place/b", Name: "B"}),
			putFacts(domain.Fact{ID: "fact/x", Predicate: domain.PartnerOf, From: "country/FIN", To: "org/nato", Citations: cite()},
				domain.Fact{ID: "fact/y", Predicate: domain.PartnerOf, From: "country/SWE", To: "org/nato", Citations: cite()}),
			putEntities(domain.Entity{ID: "place/a", Name: "A again"}),
			deleteFact("fact/y"),
			putFacts(domain.Fact{ID: "fact/y", Predicate: domain.PartnerOf, From: "country/FIN", To: "org/nato", Citations: cite()}),
		}
		for _, s := range steps {
			if err := s(w); err != nil {
				return err
			}
		}
		return nil
	}
	changes := func(t *testing.T, write func(*DB) error) ([]domain.Change, []string) {
		t.Helper()
		db := newTestDB(t)
		events, cancel := db.Subscribe(1)
		defer cancel()
		if err := write(db); err != nil {
			t.Fatal(err)
		}
		ev := <-events
		_, hist := latestKVs(t, db)
		return ev.Changes, hist
	}
	want, wantHist := changes(t, func(db *DB) error { _, err := db.UpdateWith(UpdateOptions{Author: "test"}, script); return err })
	got, gotHist := changes(t, func(db *DB) error { _, err := db.Load(UpdateOptions{Author: "test"}, script); return err })
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load's event changes:\n%v\nUpdate's:\n%v", got, want)
	}
	if !slices.Equal(gotHist, wantHist) {
		t.Errorf("Load's history:\n%v\nUpdate's:\n%v", gotHist, wantHist)
	}
	if n := len(want); n != len(fixtureEntities())+4 || want[n-1].ID != "fact/y" || want[n-1].Op != domain.OpDelete {
		t.Errorf("Update's changes %v: want the fixture, place/a, place/b, fact/x created and fact/y deleted", want)
	}
}

// TestNumIndex: keys short and long, and keys that differ only by
// trailing zero bytes or by length, are told apart, and a dropped key is
// gone.
func TestNumIndex(t *testing.T) {
	keys := [][]byte{
		{}, {0}, {0, 0}, []byte("S\x05p0001"), []byte("S\x05p0001\x00"),
		bytes.Repeat([]byte{'a'}, 30), bytes.Repeat([]byte{'a'}, 31),
		bytes.Repeat([]byte{'a'}, 32), bytes.Repeat([]byte{'a'}, 100),
	}
	x := newNumIndex()
	for i, k := range keys {
		x.set(k, uint64(i+1))
	}
	for i, k := range keys {
		if n, ok := x.get(k); !ok || n != uint64(i+1) {
			t.Errorf("get(%q) = %d, %v; want %d", k, n, ok, i+1)
		}
	}
	for i, k := range keys {
		x.drop(k)
		if _, ok := x.get(k); ok {
			t.Errorf("get(%q) after drop found it", k)
		}
		for j, other := range keys[i+1:] {
			if n, ok := x.get(other); !ok || n != uint64(i+j+2) {
				t.Errorf("dropping %q lost %q", k, other)
			}
		}
	}
}

// TestMemKVGetIsLastWrite: whatever the order of sets and deletes, get
// answers the last write of a key. Out-edges of one fact number (a fact
// whose ends moved), records and locators around the load's first
// number, and keys of other shapes share the load, so keys leave their
// dense slot for the hash index and come back.
func TestMemKVGetIsLastWrite(t *testing.T) {
	// Keys whose hashes clash must keep their own writes: with a mask of
	// 0 every hashed key clashes with its tag's first; 1 splits them.
	for _, mask := range []uint64{^uint64(0), 1, 0} {
		t.Run(fmt.Sprintf("mask %x", mask), func(t *testing.T) { testMemKVGetIsLastWrite(t, mask) })
	}
}

func testMemKVGetIsLastWrite(t *testing.T, mask uint64) {
	rng := rand.New(rand.NewPCG(3, 9))
	const base = 100
	var keys [][]byte
	for n := uint64(base - 2); n < base+4; n++ {
		keys = append(keys, nodeKey(n), factKey(n))
		for range 3 {
			keys = append(keys, outKey(edge{src: uint64(rng.IntN(3)), pred: domain.MemberOf, dst: uint64(rng.IntN(3)), fact: n}))
		}
	}
	keys = append(keys, []byte{tagNode, 1}, []byte{tagOut, 0, 0, 0}, slugKey(domain.KindCountry, "fin"), slugKey(domain.KindCountry, "swe"), slugKey(domain.KindPerson, "a"), []byte{tagXID, 'x'}, []byte{tagXID, 'y'})
	m := newMemKV(base)
	m.hashMask = mask
	want := map[string][]byte{} // nil value: deleted
	for step := range 4000 {
		k := keys[rng.IntN(len(keys))]
		if rng.IntN(4) == 0 {
			m.del(k)
			want[string(k)] = nil
		} else {
			v := fmt.Appendf(nil, "v%d", step)
			m.set(k, v)
			want[string(k)] = v
		}
		for _, k := range keys {
			v, found := m.get(k)
			w, written := want[string(k)]
			if found != written || !bytes.Equal(v, w) {
				t.Fatalf("step %d: get(%x) = %q, %v; want %q, %v", step, k, v, found, w, written)
			}
		}
	}
	if len(m.dense[tagOut]) == 0 || len(m.read[tagOut]) == 0 {
		t.Fatalf("the script never used both indexes for out-edges: %d dense slots, %d hashed keys", len(m.dense[tagOut]), len(m.read[tagOut]))
	}
	if clashes := len(m.clash) > 0; clashes != (mask != ^uint64(0)) {
		t.Fatalf("mask %x: %d keys in clash", mask, len(m.clash))
	}
}
