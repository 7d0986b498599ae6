package store

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCheckScans damages the store in ways the scan-based Check proves or
// refutes from its in-memory summaries (a record's entries seen out of
// order, an entry agreeing with its record in all but one field, a fact
// number used twice) and wants exactly the violations the point-read
// checks word. Every violation must contain one of want, and each of
// want must be found.
func TestCheckScans(t *testing.T) {
	d := MustDate
	// factOf returns fact id's record and edge.
	factOf := func(w *Writer, id string) (*Fact, edge) {
		f, e, err := w.fact(id)
		if err != nil {
			t.Fatalf("fact %s: %v", id, err)
		}
		return f, e
	}
	num := func(w *Writer, id string) uint64 {
		n, _, err := w.resolve(id)
		if err != nil {
			t.Fatalf("resolve %s: %v", id, err)
		}
		return n
	}
	// outValue reads the out-edge value of e.
	outValue := func(w *Writer, e edge) []byte {
		v, err := w.get(outKey(e))
		if err != nil {
			t.Fatalf("out-edge: %v", err)
		}
		return v
	}
	var firstCommit uint64 // set by the test loop: the fixture's entity commit

	tests := []struct {
		name    string
		corrupt func(w *Writer) error
		want    []string
	}{
		{"in-edge of no out-edge", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			e.fact = 1 << 40
			return w.set(inKey(e), nil)
		}, []string{"missing out-edge for in-edge"}},
		{"in-edge value differs from the out-edge", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			v := outValue(w, e)
			return w.set(inKey(e), append(v[:len(v):len(v)], ' '))
		}, []string{"fact fact/fin-member in-edge value differs from its out-edge"}},
		{"out-edge interval differs from its record", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			v := outValue(w, e)
			bad := outVal(Interval{From: d("2000-01-01")}, v[ivLen:])
			return w.set(outKey(e), bad)
		}, []string{"fact fact/fin-member interval in its edge value differs from its record",
			"fact fact/fin-member in-edge value differs from its out-edge"}},
		{"undecodable fact record", func(w *Writer) error {
			f, e := factOf(w, "fact/fin-member")
			return w.set(outKey(e), outVal(f.Valid, []byte("{not json")))
		}, []string{ErrCorrupt.Error(), "by-time entry points at no fact starting 2023-04-04"}},
		{"by-time entry of a deleted fact", func(w *Writer) error {
			f, e := factOf(w, "fact/swe-member")
			if err := w.DeleteFact("fact/swe-member"); err != nil {
				return err
			}
			return w.set(timeKey(e.pred, f.Valid.From, e.fact), timeVal(e.src, e.dst))
		}, []string{"by-time entry points at no fact starting 2024-03-07"}},
		{"by-time entry with the wrong ends", func(w *Writer) error {
			f, e := factOf(w, "fact/swe-member")
			return w.set(timeKey(e.pred, f.Valid.From, e.fact), timeVal(e.dst, e.src))
		}, []string{"by-time entry points at no fact starting 2024-03-07"}},
		{"by-time entry at the wrong date", func(w *Writer) error {
			f, e := factOf(w, "fact/swe-member")
			if err := w.del(timeKey(e.pred, f.Valid.From, e.fact)); err != nil {
				return err
			}
			return w.set(timeKey(e.pred, d("2024-03-08"), e.fact), timeVal(e.src, e.dst))
		}, []string{"missing by-time entry of fact/swe-member", "by-time entry points at no fact starting 2024-03-08"}},
		{"by-end entry deleted", func(w *Writer) error {
			f, e := factOf(w, "fact/fin-partner")
			return w.del(endKey(e.pred, f.Valid.To, e.fact))
		}, []string{"missing by-end entry of fact/fin-partner"}},
		{"by-end entry of an open fact", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			return w.set(endKey(e.pred, d("2030-01-01"), e.fact), timeVal(e.src, e.dst))
		}, []string{"by-end entry points at no fact ending 2030-01-01"}},
		{"locator points at another edge", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			loc := e
			loc.dst = num(w, "country/SWE")
			return w.set(factKey(e.fact), factLoc(loc))
		}, []string{"fact fact/fin-member has no matching locator", "missing out-edge of fact locator"}},
		{"locator deleted", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			return w.del(factKey(e.fact))
		}, []string{"fact fact/fin-member has no matching locator", "missing fact locator for fact/fin-member"}},
		{"fact slug points at another fact", func(w *Writer) error {
			_, e := factOf(w, "fact/swe-member")
			return w.set(slugKey(kindFact, "fin-member"), uint64Bytes(e.fact))
		}, []string{"fact fact/fin-member has no slug pointing at it"}},
		{"second out-edge with one fact number", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			v := outValue(w, e)
			e.dst = num(w, "country/SWE")
			return w.set(outKey(e), v)
		}, []string{"missing in-edge of fact/fin-member", "fact fact/fin-member has no matching locator",
			"fact fact/fin-member end org/nato is not a live entity"}},
		{"fact end deleted", func(w *Writer) error {
			return w.del(nodeKey(num(w, "office/nato-sg")))
		}, []string{"slug office/nato-sg points at no entity", "kind index entry Office points at no entity",
			"points at no entity with that word",
			"fact fact/stoltenberg-sg end office/nato-sg is not a live entity",
			"fact fact/sg-of-nato end office/nato-sg is not a live entity"}},
		{"entity slug points at another entity", func(w *Writer) error {
			return w.set(slugKey(KindCountry, "FIN"), uint64Bytes(num(w, "country/SWE")))
		}, []string{"slug country/FIN points at country/SWE", "entity country/FIN has no slug pointing at it"}},
		{"dated entry deleted", func(w *Writer) error {
			return w.del(datedKey(d("2023-07-11"), num(w, "event/vilnius-2023")))
		}, []string{"missing dated entry of event/vilnius-2023"}},
		{"dated entry at the wrong date", func(w *Writer) error {
			return w.set(datedKey(d("2023-07-12"), num(w, "event/vilnius-2023")), nil)
		}, []string{"dated entry 2023-07-12 points at no entity of that date"}},
		{"external ID points at another entity", func(w *Writer) error {
			return w.set(xidKey("iso3", "FIN"), uint64Bytes(num(w, "country/SWE")))
		}, []string{"external ID iso3 FIN points at an entity without it"}},
		{"history entry naming another ID", func(w *Writer) error {
			v, err := encodeChange(Change{ID: "country/SWE", Op: OpUpdate})
			if err != nil {
				return err
			}
			return w.set(histKey("country/FIN", firstCommit), v)
		}, []string{"history entry of country/FIN does not name it"}},
		{"history entry after the last commit", func(w *Writer) error {
			v, err := encodeChange(Change{ID: "country/FIN", Op: OpUpdate})
			if err != nil {
				return err
			}
			return w.set(histKey("country/FIN", 1<<62), v)
		}, []string{"history entry of country/FIN has no commit record at or after it"}},
		{"undecodable commit record", func(w *Writer) error {
			return w.set(commitKey(firstCommit), []byte("{not json"))
		}, []string{ErrCorrupt.Error() + ": commit", "has no commit record at or after it"}},
		{"document text altered", func(w *Writer) error {
			text := "The Parties to this Treaty"
			if _, err := w.PutText(text); err != nil {
				return err
			}
			return w.set(blobKey(sha256.Sum256([]byte(text))), []byte("The Parties to this treaty"))
		}, []string{"document text does not match its SHA-256 key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newTestDB(t)
			mustUpdate(t, db, putEntities(fixtureEntities()...))
			firstCommit = timeTs(db.LastCommit())
			mustUpdate(t, db, putFacts(fixtureFacts()...))
			good := db.LastCommit()
			mustUpdate(t, db, tt.corrupt)
			vs, err := db.Check(time.Time{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			found := make([]bool, len(tt.want))
			for _, v := range vs {
				ok := false
				for i, w := range tt.want {
					if strings.Contains(v.Problem, w) {
						found[i], ok = true, true
					}
				}
				if !ok {
					t.Errorf("unexpected violation %v", v)
				}
			}
			for i, w := range tt.want {
				if !found[i] {
					t.Errorf("no violation containing %q in %v", w, vs)
				}
			}
			checkClean(t, db, good)
		})
	}
}

// TestCheckLimitAfterScans: violations found after the scans (records
// whose entries were not all seen) count toward the limit too.
func TestCheckLimitAfterScans(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	mustUpdate(t, db, func(w *Writer) error {
		for _, id := range []string{"country/FIN", "country/SWE", "org/nato", "office/nato-sg", "person/stoltenberg"} {
			n, k, err := w.resolve(id)
			if err != nil {
				return err
			}
			if err := w.del(kindKey(k, n)); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tt := range []struct{ limit, want int }{{0, 5}, {2, 2}, {5, 5}, {6, 5}} {
		t.Run(fmt.Sprint(tt.limit), func(t *testing.T) {
			vs, err := db.Check(time.Time{}, tt.limit)
			if err != nil || len(vs) != tt.want {
				t.Fatalf("Check(limit %d) = %d violations, %v; want %d", tt.limit, len(vs), err, tt.want)
			}
			for _, v := range vs {
				if !strings.Contains(v.Problem, "missing kind index entry of ") {
					t.Errorf("violation %v", v)
				}
			}
		})
	}
}
